//! Views: created, dropped, and dropped and created again around what
//! PostgreSQL refuses under them.
//!
//! PostgreSQL keeps a view as its parsed query, bound to the columns it
//! read when it was created: it refuses to change the type of a column a
//! view reads or to drop it, and a view over `SELECT *` keeps the columns
//! its table had. So a view is dropped before anything it reads changes
//! shape (columns added, dropped, renamed or retyped, an enum it reads
//! rebuilt, a table dropped, renamed or moved) and created again after,
//! from its query as the schema now writes it; so are the views that read
//! it, in turn. A plain view whose new query keeps its columns (PostgreSQL's
//! parser reads the same select list over the same `FROM`, perhaps with
//! more columns after) is replaced in place, and what reads it stays (but
//! for columns added, which a reader's `*` sees only once created again).
//! Any other view whose query or options change is dropped and created (a
//! materialized view has no `CREATE OR REPLACE`, and PostgreSQL refuses a
//! replacement whose columns differ).

use foldhash::{HashMap, HashSet};

use schemac_schema::model::View;

use super::phase::Phase;
use super::{Change, ChangeKind, CommentTarget, Differ, TableId, TableRef};
use crate::ddl::view_order;

impl Differ<'_> {
    /// The views' changes; after the tables', whose changes they follow.
    pub(super) fn views(&mut self, reshaped: &HashSet<String>) {
        let new_by_key: HashMap<String, &View> =
            self.new.views.iter().map(|v| (v.key(), v)).collect();
        let old_by_key: HashMap<String, &View> =
            self.old.views.iter().map(|v| (v.key(), v)).collect();
        // The old views that go, and why when they come back as they were:
        // gone from the schema or redefined (no reason: the change is
        // theirs), or reading something that changes shape; then, in turn,
        // those reading them.
        let mut going: HashMap<String, Option<String>> = HashMap::default();
        // Views replaced in place: their new query keeps their columns.
        let mut replaced: HashSet<String> = HashSet::default();
        // Those of them given more columns: what reads them with `*` would
        // not see those until created again, so what reads them is.
        let mut widened: Vec<String> = Vec::new();
        for v in &self.old.views {
            let new = new_by_key.get(&v.key());
            let redefined = new.is_none_or(|n| !same_definition(v, n));
            let under_change = v
                .depends_on
                .iter()
                .any(|d| self.recreated_functions.contains(d) || reshaped.contains(d));
            let replace = new
                .filter(|_| redefined && !under_change)
                .and_then(|n| replaceable(v, n));
            if let Some(appended) = replace {
                replaced.insert(v.key());
                if appended {
                    widened.push(v.key());
                }
            } else if redefined {
                going.insert(v.key(), None);
            } else if let Some(f) = v
                .depends_on
                .iter()
                .find(|d| self.recreated_functions.contains(*d))
            {
                let name = f.rsplit_once('.').map_or(f.as_str(), |(_, n)| n);
                going.insert(
                    v.key(),
                    Some(format!("it calls {name}, which is created again")),
                );
            } else if let Some(t) = v.depends_on.iter().find(|d| reshaped.contains(*d)) {
                let table = t.rsplit_once('.').map_or(t.as_str(), |(_, n)| n);
                going.insert(
                    v.key(),
                    Some(format!("it reads {table}, whose columns change")),
                );
            }
        }
        for v in &self.old.views {
            if let Some(w) = v.depends_on.iter().find(|d| widened.contains(*d)) {
                let name = w.rsplit_once('.').map_or(w.as_str(), |(_, n)| n);
                going
                    .entry(v.key())
                    .or_insert_with(|| Some(format!("it reads {name}, which gains columns")));
            }
        }
        loop {
            let more: Vec<(String, String)> = self
                .old
                .views
                .iter()
                .filter(|v| !going.contains_key(&v.key()))
                .find_map(|v| {
                    let d = v.depends_on.iter().find(|d| going.contains_key(*d))?;
                    let name = d.rsplit_once('.').map_or(d.as_str(), |(_, n)| n);
                    Some((v.key(), format!("it reads {name}, which is created again")))
                })
                .into_iter()
                .collect();
            if more.is_empty() {
                break;
            }
            for (key, why) in more {
                going.insert(key, Some(why));
            }
        }
        // One that reads a view dropped here goes with it after all.
        replaced.retain(|k| !going.contains_key(k));
        let dropped: Vec<&View> = self
            .old
            .views
            .iter()
            .filter(|v| going.contains_key(&v.key()))
            .collect();
        // Dependents first: the reverse of an order they can be created in.
        for v in view_order(&dropped).into_iter().rev() {
            let again = going.get(&v.key()).cloned().flatten();
            self.out.push(
                Phase::DropViews,
                Change::DropView {
                    view: view_ref(v),
                    materialized: v.materialized,
                    again,
                },
            );
        }
        let created: Vec<&View> = self
            .new
            .views
            .iter()
            .filter(|v| {
                !old_by_key.contains_key(&v.key())
                    || going.contains_key(&v.key())
                    || replaced.contains(&v.key())
            })
            .collect();
        // Replaced in the order of creation too: a new query may read a
        // view created in this migration.
        for v in view_order(&created) {
            let again = going.get(&v.key()).is_some_and(Option::is_some);
            self.out.push(
                Phase::CreateViews,
                Change::CreateView {
                    view: v.clone(),
                    again,
                    replace: replaced.contains(&v.key()),
                },
            );
        }
        // Their triggers: a view dropped takes its own along, so one
        // created again has them all created again.
        for new in &self.new.views {
            let key = new.key();
            let kept = old_by_key
                .get(&key)
                .filter(|_| !going.contains_key(&key))
                .map(|o| super::routines::Kept {
                    on: view_ref(o),
                    triggers: &o.triggers,
                    reshaped: false,
                });
            self.relation_triggers(kept, &view_ref(new), &new.triggers);
        }
        // The views that stay: their comments and a materialized view's indexes.
        for new in &self.new.views {
            let Some(old) = old_by_key
                .get(&new.key())
                .filter(|_| !going.contains_key(&new.key()))
            else {
                continue;
            };
            self.view_indexes(old, new);
            if old.comment != new.comment {
                self.out.push(
                    Phase::Comments,
                    Change::Comment {
                        target: CommentTarget::View {
                            view: view_ref(new),
                            materialized: new.materialized,
                        },
                        text: new.comment.clone(),
                    },
                );
            }
        }
    }

    /// A kept materialized view's indexes: a changed one is dropped and
    /// built again.
    fn view_indexes(&mut self, old: &View, new: &View) {
        let view = view_ref(new);
        for oi in &old.indexes {
            if !new.indexes.iter().any(|ni| ni == oi) {
                self.out.push(
                    Phase::DropViews,
                    Change::DropIndex {
                        table: view.clone(),
                        name: oi.name.clone(),
                        concurrently: false,
                    },
                );
            }
        }
        for ni in &new.indexes {
            if !old.indexes.iter().any(|oi| oi == ni) {
                self.out.push(
                    Phase::CreateViews,
                    Change::CreateIndex {
                        table: view.clone(),
                        index: ni.clone(),
                        build: super::IndexBuild::Plain,
                    },
                );
            }
        }
    }

    /// `pg_schema.name` of every table (under its old name) whose rows
    /// change shape in this diff: what a view reading it cannot stay over.
    pub(super) fn reshaped_tables(&self) -> HashSet<String> {
        let mut touched: Vec<TableRef> = Vec::new();
        for (_, _, c) in &self.out.items {
            if let Change::RecreateEnum { usages, .. } = c {
                touched.extend(usages.iter().map(|u| u.table.clone()));
            } else if reshapes_rows(c.kind()) {
                touched.extend(c.table());
            }
        }
        let mut out = HashSet::default();
        for r in touched {
            let id = TableId {
                schema: r.schema.clone(),
                name: r.name.clone(),
            };
            // Changes name a table as it is after the migration; views, as
            // it was before.
            if let Some(old) = self
                .new_by_id
                .get(&id)
                .and_then(|&ni| self.new_to_old[ni])
                .map(|oi| &self.old.tables[oi])
            {
                out.insert(format!("{}.{}", old.pg_schema, old.name));
            }
            out.insert(format!("{}.{}", r.schema, r.name));
        }
        out
    }
}

/// Whether a change to a table changes the rows a view over it reads (its
/// columns, their names and types), or the table itself.
fn reshapes_rows(kind: ChangeKind) -> bool {
    use ChangeKind::*;
    match kind {
        CreateTable | DropTable | RenameTable | MoveTable | AddColumn | DropColumn
        | RenameColumn | AlterColumnType | DropExpression | RecreateEnum => true,
        CreateExtension | DropExtension | CreateSchema | DropSchema | CreateEnum | DropEnum
        | RenameEnum | MoveEnum | AddEnumValue | RenameEnumValue | Backfill | SetNotNull
        | DropNotNull | SetDefault | DropDefault | AddIdentity | SetIdentity | DropIdentity
        | AddSerial | DropSerial | RenameSequence | AddPrimaryKey | AddUnique | AddCheck
        | AddForeignKey | ValidateConstraint | DropConstraint | RenameConstraint | CreateIndex
        | DropIndex | RenameIndex | Comment | CreateView | DropView | CreateFunction
        | ReplaceFunction | DropFunction | CreateAggregate | DropAggregate | CreateTrigger
        | DropTrigger | CreateSequence | AlterSequence | SetSequenceOwner | DropSequence
        | CreateDomain | AlterDomain | DropDomain | AddExclusion | RenameObject => false,
    }
}

/// Whether a plain view's new definition can replace its old one in place
/// (`CREATE OR REPLACE VIEW`): the same options, and a query PostgreSQL's
/// parser reads as keeping the old columns. Without the parser (a build
/// without the `sql-parser` feature) a changed view is always dropped and
/// created.
/// `Some(appended)`: columns were added after the kept ones.
fn replaceable(old: &View, new: &View) -> Option<bool> {
    let same_options = !old.materialized
        && !new.materialized
        && old.security_barrier == new.security_barrier
        && old.check_option == new.check_option;
    if !same_options {
        return None;
    }
    #[cfg(feature = "sql-parser")]
    return crate::sql_tree::kept_columns(&old.sql, &new.sql)
        .map(|k| k == crate::sql_tree::Kept::Appended);
    #[cfg(not(feature = "sql-parser"))]
    return None;
}

/// The same query and options: the view as PostgreSQL holds it is the same.
fn same_definition(old: &View, new: &View) -> bool {
    super::norm(&old.sql) == super::norm(&new.sql)
        && old.materialized == new.materialized
        && old.security_barrier == new.security_barrier
        && old.check_option == new.check_option
}

fn view_ref(v: &View) -> TableRef {
    TableRef {
        schema: v.pg_schema.clone(),
        name: v.name.clone(),
    }
}
