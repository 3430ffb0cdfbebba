//! Migration names derived from what a migration does.
//!
//! A name says what happened to each object it names, with the verb its
//! changes call for: `create_audit_events`, `drop_legacy_tokens`,
//! `add_bio_to_users`, `rename_plan_to_billing_plan`, `alter_users`. When the
//! name would be too long it names fewer objects and counts the others
//! (`alter_users_repositories_and_3_more`), so it never stops in the middle of
//! a word or a count.

use crate::diff::{Change, ChangeKind, Diff, RETIRED_ENUM_SUFFIX};

/// The longest name, in bytes, before objects are left out.
const MAX_LEN: usize = 50;

/// What a migration does to one object (a table, an enum, an extension or schema).
struct Subject {
    /// Tables name a migration before enums, and both before the
    /// extensions and schemas that came with them.
    rank: u8,
    /// What the object is called in the name (`users`, `enum_plan`).
    label: String,
    changes: Vec<ChangeKind>,
    /// Names the changes carry: added columns or values, the old name of a rename.
    details: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Verb {
    Create,
    Add,
    Rename,
    Alter,
    Drop,
}

impl Verb {
    fn word(self) -> &'static str {
        match self {
            Verb::Create => "create",
            Verb::Add => "add",
            Verb::Rename => "rename",
            Verb::Alter => "alter",
            Verb::Drop => "drop",
        }
    }
}

impl Subject {
    /// The verb for this object, and how the object reads after it.
    fn phrase(&self) -> (Verb, String) {
        let only = |kinds: &[ChangeKind]| self.changes.iter().all(|k| kinds.contains(k));
        let has = |k: ChangeKind| self.changes.contains(&k);
        let label = self.label.clone();
        if has(ChangeKind::CreateTable) || has(ChangeKind::CreateEnum) {
            return (Verb::Create, label);
        }
        if has(ChangeKind::DropTable) || has(ChangeKind::DropEnum) {
            return (Verb::Drop, label);
        }
        if only(&[ChangeKind::CreateExtension, ChangeKind::CreateSchema]) {
            return (Verb::Create, label);
        }
        if only(&[ChangeKind::DropExtension, ChangeKind::DropSchema]) {
            return (Verb::Drop, label);
        }
        if only(&[ChangeKind::AddColumn]) || only(&[ChangeKind::AddEnumValue]) {
            return (Verb::Add, format!("{}_to_{label}", and_list(&self.details)));
        }
        if only(&[ChangeKind::DropColumn]) {
            return (
                Verb::Drop,
                format!("{}_from_{label}", and_list(&self.details)),
            );
        }
        if only(&[ChangeKind::CreateIndex]) {
            let what = if self.changes.len() == 1 {
                "index"
            } else {
                "indexes"
            };
            return (Verb::Add, format!("{what}_to_{label}"));
        }
        if only(&[ChangeKind::RenameTable]) || only(&[ChangeKind::RenameEnum]) {
            let to = label.strip_prefix("enum_").unwrap_or(&label);
            return (Verb::Rename, format!("{}_to_{to}", self.details[0]));
        }
        if let (true, [from, to]) = (only(&[ChangeKind::RenameColumn]), &self.details[..]) {
            return (Verb::Rename, format!("{label}_{from}_to_{to}"));
        }
        (Verb::Alter, label)
    }
}

/// `a`, `a_and_b`, `a_b_and_c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{}_and_{last}", init.join("_")),
    }
}

/// The objects a migration's changes touch, in order of first appearance.
fn subjects(changes: &[&Change]) -> Vec<Subject> {
    let mut subjects: Vec<Subject> = Vec::new();
    for c in changes {
        let rank = match c.kind() {
            _ if c.table().is_some() => 0,
            ChangeKind::CreateExtension
            | ChangeKind::DropExtension
            | ChangeKind::CreateSchema
            | ChangeKind::DropSchema => 2,
            ChangeKind::CreateEnum
            | ChangeKind::DropEnum
            | ChangeKind::RenameEnum
            | ChangeKind::MoveEnum
            | ChangeKind::AddEnumValue
            | ChangeKind::RenameEnumValue
            | ChangeKind::RecreateEnum
            | ChangeKind::RenameObject
            | ChangeKind::CreateView
            | ChangeKind::DropView
            | ChangeKind::CreateFunction
            | ChangeKind::ReplaceFunction
            | ChangeKind::DropFunction
            | ChangeKind::CreateAggregate
            | ChangeKind::DropAggregate
            | ChangeKind::CreateTrigger
            | ChangeKind::DropTrigger
            | ChangeKind::CreateSequence
            | ChangeKind::AlterSequence
            | ChangeKind::SetSequenceOwner
            | ChangeKind::DropSequence
            | ChangeKind::CreateDomain
            | ChangeKind::AlterDomain
            | ChangeKind::DropDomain
            | ChangeKind::CreateTable
            | ChangeKind::DropTable
            | ChangeKind::RenameTable
            | ChangeKind::MoveTable
            | ChangeKind::AddColumn
            | ChangeKind::DropColumn
            | ChangeKind::RenameColumn
            | ChangeKind::AlterColumnType
            | ChangeKind::Backfill
            | ChangeKind::SetNotNull
            | ChangeKind::DropNotNull
            | ChangeKind::SetDefault
            | ChangeKind::DropDefault
            | ChangeKind::AddIdentity
            | ChangeKind::SetIdentity
            | ChangeKind::DropIdentity
            | ChangeKind::DropExpression
            | ChangeKind::AddSerial
            | ChangeKind::DropSerial
            | ChangeKind::RenameSequence
            | ChangeKind::AddExclusion
            | ChangeKind::AddPrimaryKey
            | ChangeKind::AddUnique
            | ChangeKind::AddCheck
            | ChangeKind::AddForeignKey
            | ChangeKind::ValidateConstraint
            | ChangeKind::DropConstraint
            | ChangeKind::RenameConstraint
            | ChangeKind::CreateIndex
            | ChangeKind::DropIndex
            | ChangeKind::RenameIndex
            | ChangeKind::Comment => 1,
        };
        let (label, detail): (String, Vec<String>) = match c {
            Change::AddColumn { table, column, .. } | Change::DropColumn { table, column } => {
                (table.name.clone(), vec![column.clone()])
            }
            Change::RenameTable { table, to } => (to.clone(), vec![table.name.clone()]),
            Change::RenameColumn { table, from, to } => {
                (table.name.clone(), vec![from.clone(), to.clone()])
            }
            Change::AddEnumValue {
                sql_name, value, ..
            } => (format!("enum_{sql_name}"), vec![value.clone()]),
            Change::RenameEnum { from, to, .. } => {
                (format!("enum_{to}"), vec![format!("enum_{from}")])
            }
            Change::CreateEnum(e) => (format!("enum_{}", e.sql_name), Vec::new()),
            // Dropping the old type an enum rebuild stepped aside to is part of that rebuild.
            Change::DropEnum { sql_name, .. } if sql_name.ends_with(RETIRED_ENUM_SUFFIX) => {
                continue;
            }
            Change::DropEnum { sql_name, .. } => (format!("enum_{sql_name}"), Vec::new()),
            // A domain rebuilt over a new base type: the old one stepping
            // aside and going are part of the rebuild, named by the domain.
            Change::RenameObject { rename, .. } if rename.name.ends_with(RETIRED_ENUM_SUFFIX) => {
                (rename.from.clone(), Vec::new())
            }
            Change::DropDomain { name, .. } if name.ends_with(RETIRED_ENUM_SUFFIX) => continue,
            Change::MoveEnum { sql_name, .. } | Change::RenameEnumValue { sql_name, .. } => {
                (format!("enum_{sql_name}"), Vec::new())
            }
            Change::RecreateEnum { new, .. } => (format!("enum_{}", new.sql_name), Vec::new()),
            Change::CreateExtension(e) | Change::DropExtension(e) => {
                (format!("extension_{e}"), Vec::new())
            }
            Change::CreateSchema(s) | Change::DropSchema(s) => (format!("schema_{s}"), Vec::new()),
            Change::CreateView { view, .. } => (view.name.clone(), Vec::new()),
            Change::DropView { view, .. } => (view.name.clone(), Vec::new()),
            Change::CreateFunction { function, .. } | Change::DropFunction { function, .. } => {
                (function.name.clone(), Vec::new())
            }
            Change::CreateAggregate { aggregate, .. } | Change::DropAggregate { aggregate, .. } => {
                (aggregate.name.clone(), Vec::new())
            }
            Change::CreateTrigger { trigger, .. } => (trigger.name.clone(), Vec::new()),
            Change::DropTrigger { name, .. } => (name.clone(), Vec::new()),
            Change::CreateSequence(q) => (q.name.clone(), Vec::new()),
            Change::AlterSequence { name, .. }
            | Change::SetSequenceOwner { name, .. }
            | Change::DropSequence { name, .. }
            | Change::AlterDomain { name, .. }
            | Change::DropDomain { name, .. } => (name.clone(), Vec::new()),
            Change::CreateDomain { domain, .. } => (domain.name.clone(), Vec::new()),
            Change::RenameObject { rename, .. } => (rename.name.clone(), vec![rename.from.clone()]),
            other @ (Change::CreateTable { .. }
            | Change::DropTable(_)
            | Change::MoveTable { .. }
            | Change::AlterColumnType { .. }
            | Change::Backfill { .. }
            | Change::SetNotNull { .. }
            | Change::DropNotNull { .. }
            | Change::SetDefault { .. }
            | Change::DropDefault { .. }
            | Change::AddIdentity { .. }
            | Change::SetIdentity { .. }
            | Change::DropIdentity { .. }
            | Change::DropExpression { .. }
            | Change::AddSerial { .. }
            | Change::DropSerial { .. }
            | Change::RenameSequence { .. }
            | Change::AddExclusion { .. }
            | Change::AddPrimaryKey { .. }
            | Change::AddUnique { .. }
            | Change::AddCheck { .. }
            | Change::AddForeignKey { .. }
            | Change::ValidateConstraint { .. }
            | Change::DropConstraint { .. }
            | Change::RenameConstraint { .. }
            | Change::CreateIndex { .. }
            | Change::DropIndex { .. }
            | Change::RenameIndex { .. }
            | Change::Comment { .. }) => match other.table() {
                Some(t) => (t.name, Vec::new()),
                None => (other.kind().name().to_lowercase(), Vec::new()),
            },
        };
        match subjects.iter_mut().find(|s| s.label == label) {
            Some(s) => {
                s.changes.push(c.kind());
                s.details.extend(detail);
            }
            None => subjects.push(Subject {
                rank,
                label,
                changes: vec![c.kind()],
                details: detail,
            }),
        }
    }
    subjects.sort_by_key(|s| s.rank);
    subjects
}

/// The name of the first `k` phrases, grouped by verb, and a count of the rest.
fn name_of(phrases: &[(Verb, String)], k: usize) -> String {
    let mut groups: Vec<(Verb, Vec<String>)> = Vec::new();
    for (verb, phrase) in &phrases[..k] {
        match groups.iter_mut().find(|(v, _)| v == verb) {
            Some((_, items)) => items.push(phrase.clone()),
            None => groups.push((*verb, vec![phrase.clone()])),
        }
    }
    let rest = phrases.len() - k;
    let mut parts: Vec<String> = groups
        .iter()
        .map(|(verb, items)| {
            let items = if rest > 0 {
                items.join("_")
            } else {
                and_list(items)
            };
            format!("{}_{items}", verb.word())
        })
        .collect();
    if rest > 0 {
        parts.push(format!("and_{rest}_more"));
    }
    parts.join("_")
}

/// `add_published_at_to_posts`, `create_posts`, `alter_users`, ... stable and readable.
pub fn migration_name(diff: &Diff) -> String {
    // Renames of keys, indexes and sequences follow from a table or column
    // rename; comments are incidental. Neither names a migration.
    let main: Vec<&Change> = diff.changes.iter().filter(|c| !c.is_incidental()).collect();
    if main.is_empty() {
        return if diff.changes.is_empty() {
            "settings".into()
        } else {
            "comments".into()
        };
    }
    let phrases: Vec<(Verb, String)> = subjects(&main).iter().map(Subject::phrase).collect();
    let fits = (1..=phrases.len())
        .rev()
        .map(|k| sanitize(&name_of(&phrases, k)))
        .find(|n| n.len() <= MAX_LEN);
    match fits {
        Some(name) => name,
        // Even one object is too long: shorten it at a word, keep the count whole.
        None => {
            let rest = phrases.len() - 1;
            let tail = if rest > 0 {
                format!("_and_{rest}_more")
            } else {
                String::new()
            };
            let head = sanitize(&name_of(&phrases[..1], 1));
            format!("{}{tail}", cut_at_word(&head, MAX_LEN - tail.len()))
        }
    }
}

fn sanitize(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_');
    if out.is_empty() {
        "change".into()
    } else {
        out.to_string()
    }
}

/// At most `max` bytes of `s`, ending at a whole word.
fn cut_at_word(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut cut = s[..max].to_string();
    if let Some(i) = cut.rfind('_') {
        cut.truncate(i);
    }
    cut.trim_end_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases(items: &[(Verb, &str)]) -> Vec<(Verb, String)> {
        items.iter().map(|(v, s)| (*v, s.to_string())).collect()
    }

    #[test]
    fn verbs_group_their_objects() {
        let p = phrases(&[
            (Verb::Create, "audit_events"),
            (Verb::Alter, "users"),
            (Verb::Alter, "orgs"),
        ]);
        assert_eq!(name_of(&p, 3), "create_audit_events_alter_users_and_orgs");
        assert_eq!(name_of(&p, 1), "create_audit_events_and_2_more");
    }

    #[test]
    fn a_long_name_names_fewer_objects_and_counts_the_rest() {
        let p = phrases(&[
            (Verb::Alter, "github_installations"),
            (Verb::Alter, "organization_members"),
            (Verb::Alter, "repositories"),
        ]);
        assert!(name_of(&p, 3).len() > MAX_LEN && name_of(&p, 2).len() > MAX_LEN);
        assert_eq!(name_of(&p, 1), "alter_github_installations_and_2_more");
    }

    #[test]
    fn cutting_keeps_whole_words() {
        assert_eq!(
            cut_at_word("alter_a_very_long_table_name", 16),
            "alter_a_very"
        );
    }
}
