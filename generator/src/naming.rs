//! Migration names derived from what a migration does.

use crate::diff::{Change, ChangeKind, Diff, describe};

/// `add_posts_published_at`, `create_posts`, `alter_users`, ... stable and readable.
pub fn migration_name(diff: &Diff) -> String {
    // Renames of keys, indexes and sequences follow from a table or column
    // rename; comments are incidental. Neither names a migration.
    let main: Vec<&Change> = diff
        .changes
        .iter()
        .filter(|c| !c.kind().is_incidental())
        .collect();
    let name = match main.as_slice() {
        [] if diff.changes.is_empty() => "settings".to_string(),
        [] => "comments".to_string(),
        [one] => single(one),
        many => {
            let mut tables: Vec<String> = Vec::new();
            for c in many {
                if let Some(t) = c.table() {
                    if !tables.contains(&t.name) {
                        tables.push(t.name);
                    }
                }
            }
            let all_created = many.iter().all(|c| {
                matches!(
                    c.kind(),
                    ChangeKind::CreateTable | ChangeKind::AddForeignKey | ChangeKind::CreateIndex
                )
            });
            let all_enum = many.iter().all(|c| c.table().is_none());
            match tables.as_slice() {
                _ if all_enum => "alter_enums".to_string(),
                [t] if all_created => format!("create_{t}"),
                [t] => format!("alter_{t}"),
                [a, b] if all_created => format!("create_{a}_and_{b}"),
                [a, b] => format!("alter_{a}_and_{b}"),
                [a, b, rest @ ..] if all_created => {
                    format!("create_{a}_{b}_and_{}_more", rest.len())
                }
                [a, b, rest @ ..] => format!("alter_{a}_{b}_and_{}_more", rest.len()),
                [] => "alter_schema".to_string(),
            }
        }
    };
    sanitize(&name)
}

fn single(c: &Change) -> String {
    match c {
        Change::CreateTable { table, .. } => format!("create_{}", table.name),
        Change::DropTable(t) => format!("drop_{}", t.name),
        Change::RenameTable { table, to } => format!("rename_{}_to_{to}", table.name),
        Change::AddColumn { table, column, .. } => format!("add_{}_{column}", table.name),
        Change::DropColumn { table, column } => format!("drop_{}_{column}", table.name),
        Change::RenameColumn { table, from, to } => format!("rename_{}_{from}_to_{to}", table.name),
        Change::AddEnumValue {
            sql_name, value, ..
        } => format!("add_{sql_name}_{value}"),
        Change::CreateEnum(e) => format!("create_enum_{}", e.sql_name),
        Change::DropEnum { sql_name, .. } => format!("drop_enum_{sql_name}"),
        Change::CreateIndex { index, .. } => format!("add_{}", index.name),
        Change::DropIndex { name, .. } => format!("drop_{name}"),
        other => {
            let (verb, what) = describe(other);
            match other.table() {
                Some(t) => format!("alter_{}", t.name),
                None => format!("{verb}_{what}"),
            }
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
    // Long names stop at a whole word.
    let mut cut = out.chars().take(50).collect::<String>();
    if out.len() > 50 {
        if let Some(i) = cut.rfind('_') {
            cut.truncate(i);
        }
    }
    while cut.ends_with('_') {
        cut.pop();
    }
    if cut.is_empty() { "change".into() } else { cut }
}
