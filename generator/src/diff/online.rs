//! Safe mode: the online forms of changes to tables that already exist.
//!
//! The differ first says what changes; this pass then rewrites how the
//! changes to existing tables are carried out, so that none of them holds a
//! lock that blocks reads or writes for longer than a catalog update:
//!
//! - indexes are built and dropped `CONCURRENTLY`, in a migration of their
//!   own outside a transaction; a changed index is built under a temporary
//!   name, the old one dropped, and the new one renamed;
//! - checks and foreign keys are added `NOT VALID`, and validated in a later
//!   transaction (validation blocks no writes);
//! - `SET NOT NULL` goes through a `CHECK (col IS NOT NULL) NOT VALID`,
//!   validated, then used by Postgres to skip its scan;
//! - unique and primary keys take over a unique index built concurrently.
//!
//! A foreign key that references such a key can only be added once the key
//! is there, at the very end: it is then validated as it is added.

use foldhash::{HashSet, HashSetExt};

use schemac_schema::model::*;
use schemac_schema::naming::{NameKind, derive_name};

use super::constraints::{mentions_word, same_index};
use super::phase::Phase;
use super::{Change, Differ, Fill, IndexBuild, TableRef};

impl<'a> Differ<'a> {
    pub(super) fn make_online(&mut self) {
        let items = std::mem::take(&mut self.out.items);
        let mut out: Vec<(Phase, Change)> = Vec::new();
        // Indexes dropped and created again under the same name.
        let recreated: HashSet<String> = items
            .iter()
            .filter_map(|(_, _, c)| match c {
                Change::CreateIndex { index, table, .. } => {
                    Some(format!("{}.{}", table.schema, index.name))
                }
                _ => None,
            })
            .collect();
        // Columns dropped by this migration: Postgres drops their indexes with them.
        let dropped_columns: Vec<(TableRef, String)> = items
            .iter()
            .filter_map(|(_, _, c)| match c {
                Change::DropColumn { table, column } => Some((table.clone(), column.clone())),
                _ => None,
            })
            .collect();
        // Columns re-cast by this migration (a new type, an enum rebuilt):
        // an index over one must not outlive the re-cast in the transaction.
        let recast: Vec<(TableRef, String)> = items
            .iter()
            .flat_map(|(_, _, c)| match c {
                Change::AlterColumnType { table, column, .. } => {
                    vec![(table.clone(), column.clone())]
                }
                Change::RecreateEnum { usages, .. } => usages
                    .iter()
                    .map(|u| (u.table.clone(), u.column.clone()))
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        let mut kept_indexes: HashSet<String> = HashSet::new();
        for (phase, _, change) in items {
            match change {
                // Added without NOT NULL, filled, then NOT NULL through a check (below).
                Change::AddColumn {
                    table,
                    column,
                    definition: _,
                    fill: Some(Fill::Backfill { relaxed, value }),
                } if self.existed(&table) => {
                    out.push((
                        phase,
                        Change::AddColumn {
                            table: table.clone(),
                            column: column.clone(),
                            definition: relaxed,
                            fill: None,
                        },
                    ));
                    out.push((
                        Phase::Backfill,
                        Change::Backfill {
                            table: table.clone(),
                            column: column.clone(),
                            value,
                        },
                    ));
                    self.not_null_through_check(&mut out, table, column);
                }
                Change::CreateIndex {
                    table,
                    index,
                    build: _,
                } if self.existed(&table) => {
                    let build = if self.replaces_changed_index(&table, &index) {
                        IndexBuild::ConcurrentReplace
                    } else {
                        IndexBuild::Concurrent
                    };
                    out.push((
                        Phase::Concurrent,
                        Change::CreateIndex {
                            table,
                            index,
                            build,
                        },
                    ));
                }
                Change::DropIndex { table, name, .. } if self.existed(&table) => {
                    let key = format!("{}.{name}", table.schema);
                    if recreated.contains(&key) {
                        // A changed index is replaced by its new build.
                        if !self.rebuilt_unchanged(&table, &name) {
                            continue;
                        }
                        // One rebuilt because a column or enum it depends on is:
                        // a dropped column takes it along, and a re-cast column
                        // keeps it (Postgres rebuilds it); only an expression or
                        // predicate naming the old type's labels must go first.
                        match self.rebuild_needs(&table, &name, &dropped_columns) {
                            Rebuild::Dropped => {}
                            Rebuild::Kept => {
                                kept_indexes.insert(key);
                            }
                            Rebuild::DropFirst => out.push((
                                phase,
                                Change::DropIndex {
                                    table,
                                    name,
                                    concurrently: false,
                                },
                            )),
                        }
                        continue;
                    }
                    // An index over a column the transaction re-casts is
                    // dropped before it, as the plain plan does: Postgres would
                    // rebuild it over the new type only to drop it after, and
                    // cannot when its expression or predicate holds a label
                    // of the old type. The drop takes the table's lock, which
                    // lint names.
                    if self.index_mentions(&table, &name, &recast) {
                        out.push((
                            phase,
                            Change::DropIndex {
                                table,
                                name,
                                concurrently: false,
                            },
                        ));
                        continue;
                    }
                    // After the transaction, the index is where its table went.
                    out.push((
                        Phase::Concurrent,
                        Change::DropIndex {
                            table: self.after_migration(&table),
                            name,
                            concurrently: true,
                        },
                    ));
                }
                Change::AddCheck { table, check, .. } if self.existed(&table) => {
                    out.push((
                        Phase::FinishValidate,
                        Change::ValidateConstraint {
                            table: table.clone(),
                            name: check.name.clone(),
                        },
                    ));
                    out.push((
                        phase,
                        Change::AddCheck {
                            table,
                            check,
                            not_valid: true,
                        },
                    ));
                }
                Change::AddForeignKey { table, fk, .. } if self.existed(&table) => {
                    out.push((
                        Phase::FinishValidate,
                        Change::ValidateConstraint {
                            table: table.clone(),
                            name: fk.name.clone(),
                        },
                    ));
                    out.push((
                        phase,
                        Change::AddForeignKey {
                            table,
                            fk,
                            not_valid: true,
                        },
                    ));
                }
                Change::SetNotNull { table, column, .. } if self.existed(&table) => {
                    self.not_null_through_check(&mut out, table, column);
                }
                Change::AddUnique { table, unique, .. } if self.existed(&table) => {
                    let mut index = key_index(&unique.name, &unique.columns);
                    index.nulls_not_distinct = unique.nulls_not_distinct;
                    let attach = Change::AddUnique {
                        table: table.clone(),
                        unique,
                        using_index: true,
                    };
                    key_over_index(&mut out, table, index, attach);
                }
                Change::AddPrimaryKey { table, pk, .. } if self.existed(&table) => {
                    let index = key_index(&pk.name, &pk.columns);
                    let attach = Change::AddPrimaryKey {
                        table: table.clone(),
                        pk,
                        using_index: true,
                    };
                    key_over_index(&mut out, table, index, attach);
                }
                other @ (Change::Backfill { .. }
                | Change::ValidateConstraint { .. }
                | Change::CreateExtension(_)
                | Change::DropExtension(_)
                | Change::CreateSchema(_)
                | Change::DropSchema(_)
                | Change::CreateEnum(_)
                | Change::DropEnum { .. }
                | Change::RenameEnum { .. }
                | Change::MoveEnum { .. }
                | Change::AddEnumValue { .. }
                | Change::RenameEnumValue { .. }
                | Change::RecreateEnum { .. }
                | Change::CreateTable { .. }
                | Change::DropTable(_)
                | Change::RenameTable { .. }
                | Change::MoveTable { .. }
                | Change::AddColumn { .. }
                | Change::DropColumn { .. }
                | Change::RenameColumn { .. }
                | Change::AlterColumnType { .. }
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
                | Change::RenameObject { .. }
                | Change::AddPrimaryKey { .. }
                | Change::AddUnique { .. }
                | Change::AddCheck { .. }
                | Change::AddForeignKey { .. }
                | Change::DropConstraint { .. }
                | Change::RenameConstraint { .. }
                | Change::CreateIndex { .. }
                | Change::DropIndex { .. }
                | Change::RenameIndex { .. }
                | Change::Comment { .. }
                | Change::CreateView { .. }
                | Change::DropView { .. }
                | Change::CreateFunction { .. }
                | Change::DropFunction { .. }
                | Change::CreateAggregate { .. }
                | Change::DropAggregate { .. }
                | Change::CreateTrigger { .. }
                | Change::DropTrigger { .. }
                | Change::CreateSequence(_)
                | Change::AlterSequence { .. }
                | Change::SetSequenceOwner { .. }
                | Change::DropSequence { .. }
                | Change::CreateDomain { .. }
                | Change::AlterDomain { .. }
                | Change::DropDomain { .. }
                | Change::AddExclusion { .. }) => out.push((phase, other)),
            }
        }
        // An identity needs its column NOT NULL first, which now comes at the end.
        let late_not_null: Vec<(TableRef, String)> = out
            .iter()
            .filter_map(|(_, c)| match c {
                Change::SetNotNull {
                    table,
                    column,
                    via_check: Some(_),
                } => Some((table.clone(), column.clone())),
                _ => None,
            })
            .collect();
        for (phase, change) in out.iter_mut() {
            if let Change::AddIdentity { table, column, .. } = change {
                if late_not_null.iter().any(|(t, c)| t == table && c == column) {
                    *phase = Phase::FinishAttach;
                }
            }
        }
        // An index Postgres keeps through the re-cast is not created again.
        out.retain(|(_, c)| match c {
            Change::CreateIndex { table, index, .. } => {
                !kept_indexes.contains(&format!("{}.{}", table.schema, index.name))
            }
            _ => true,
        });
        self.settle_late_keys(&mut out);
        for (phase, change) in out {
            self.out.push(phase, change);
        }
    }

    /// `SET NOT NULL` without a scan: a `CHECK (col IS NOT NULL) NOT VALID`
    /// now, validated later (blocking no writes), then NOT NULL set, which
    /// Postgres proves from the check, and the check dropped.
    fn not_null_through_check(
        &self,
        out: &mut Vec<(Phase, Change)>,
        table: TableRef,
        column: String,
    ) {
        let check = derive_name(&table.name, &[&column], NameKind::NotNull);
        out.push((
            Phase::AddConstraints,
            Change::AddCheck {
                table: table.clone(),
                check: Check {
                    name: check.clone(),
                    expr: format!("{} IS NOT NULL", schemac_schema::sql::ident(&column)),
                },
                not_valid: true,
            },
        ));
        out.push((
            Phase::FinishValidate,
            Change::ValidateConstraint {
                table: table.clone(),
                name: check.clone(),
            },
        ));
        out.push((
            Phase::FinishNotNull,
            Change::SetNotNull {
                table,
                column,
                via_check: Some(check),
            },
        ));
    }

    /// An old table under the name and schema it has once the migration ran.
    fn after_migration(&self, table: &TableRef) -> TableRef {
        self.old_table_index(&table.schema, &table.name)
            .and_then(|oi| self.new_index_of_old(oi))
            .map_or_else(|| table.clone(), |ni| TableRef::of(&self.new.tables[ni]))
    }

    /// What an index rebuilt with an unchanged definition needs.
    fn rebuild_needs(
        &self,
        table: &TableRef,
        name: &str,
        dropped_columns: &[(TableRef, String)],
    ) -> Rebuild {
        let Some((_, old)) = self.old_index(table, name) else {
            return Rebuild::DropFirst;
        };
        if self.index_mentions(table, name, dropped_columns) {
            return Rebuild::Dropped;
        }
        // Postgres re-parses the index over the new type; only a literal
        // (a label of the old type) in an expression or predicate breaks that.
        let literal = old
            .keys
            .iter()
            .filter_map(|k| k.expression.as_deref())
            .chain(old.predicate.as_deref())
            .any(|e| e.contains('\''));
        if literal {
            Rebuild::DropFirst
        } else {
            Rebuild::Kept
        }
    }

    /// Whether the old index `name` of `table` names one of `columns` (a
    /// key, an expression, its predicate or an included column).
    fn index_mentions(&self, table: &TableRef, name: &str, columns: &[(TableRef, String)]) -> bool {
        let Some((oi, old)) = self.old_index(table, name) else {
            return false;
        };
        let ot = &self.old.tables[oi];
        let on_table = |t: &TableRef| {
            (t.schema == ot.pg_schema && t.name == ot.name)
                || self
                    .new_table_index(&t.schema, &t.name)
                    .and_then(|ni| self.old_index_of_new(ni))
                    == Some(oi)
        };
        let mentions = |c: &str| {
            old.keys.iter().any(|k| {
                k.column.as_deref() == Some(c)
                    || k.expression.as_deref().is_some_and(|e| mentions_word(e, c))
            }) || old
                .predicate
                .as_deref()
                .is_some_and(|p| mentions_word(p, c))
                || old.include.iter().any(|i| i == c)
        };
        columns.iter().any(|(t, c)| on_table(t) && mentions(c))
    }

    /// Foreign keys that reference a key attached at the end must wait for it.
    fn settle_late_keys(&self, out: &mut Vec<(Phase, Change)>) {
        let late: Vec<(TableRef, Vec<String>)> = out
            .iter()
            .filter_map(|(_, c)| match c {
                Change::AddUnique {
                    table,
                    unique,
                    using_index: true,
                } => Some((table.clone(), unique.columns.clone())),
                Change::AddPrimaryKey {
                    table,
                    pk,
                    using_index: true,
                } => Some((table.clone(), pk.columns.clone())),
                _ => None,
            })
            .collect();
        let waits = |fk: &ForeignKey| {
            late.iter().any(|(t, cols)| {
                t.schema == fk.ref_schema && t.name == fk.ref_table && *cols == fk.ref_columns
            })
        };
        let mut waiting: Vec<String> = Vec::new();
        for (phase, change) in out.iter_mut() {
            if let Change::AddForeignKey { fk, not_valid, .. } = change {
                if waits(fk) {
                    *phase = Phase::FinishForeignKeys;
                    *not_valid = false;
                    waiting.push(fk.name.clone());
                }
            }
        }
        out.retain(|(_, c)| {
            !matches!(c, Change::ValidateConstraint { name, .. } if waiting.contains(name))
        });
    }

    /// Whether the old index of this name (on the table before the
    /// migration) has another definition than `index`.
    fn replaces_changed_index(&self, table: &TableRef, index: &Index) -> bool {
        self.old_index(table, &index.name).is_some_and(|(oi, old)| {
            self.translate_index(oi, old)
                .is_none_or(|t| !same_index(&t, index))
        })
    }

    /// Whether an index dropped and created again keeps its definition (it
    /// is rebuilt because a column or type it depends on is).
    fn rebuilt_unchanged(&self, table: &TableRef, name: &str) -> bool {
        let Some((oi, old)) = self.old_index(table, name) else {
            return false;
        };
        let Some(ni) = self.new_index_of_old(oi) else {
            return false;
        };
        let new = self.new.tables[ni].indexes.iter().find(|i| i.name == name);
        match (self.translate_index(oi, old), new) {
            (Some(t), Some(n)) => same_index(&t, n),
            _ => false,
        }
    }

    /// The old table's index of this name, with the old table's position.
    /// `table` is the table under its old or its new name.
    fn old_index(&self, table: &TableRef, name: &str) -> Option<(usize, &'a Index)> {
        let oi = self
            .old_table_index(&table.schema, &table.name)
            .or_else(|| {
                let ni = self.new_table_index(&table.schema, &table.name)?;
                self.old_index_of_new(ni)
            })?;
        let ix = self.old.tables[oi]
            .indexes
            .iter()
            .find(|i| i.name == name)?;
        Some((oi, ix))
    }
}

enum Rebuild {
    /// A dropped column takes the index along.
    Dropped,
    /// Postgres rebuilds it itself when its columns are re-cast.
    Kept,
    /// It must be dropped before the change it depends on, in the transaction.
    DropFirst,
}

/// A key built as a unique index concurrently, then taking it over.
fn key_over_index(out: &mut Vec<(Phase, Change)>, table: TableRef, index: Index, attach: Change) {
    out.push((
        Phase::Concurrent,
        Change::CreateIndex {
            table,
            index,
            build: IndexBuild::Concurrent,
        },
    ));
    out.push((Phase::FinishAttach, attach));
}

/// The unique index a key is built on before it takes it over.
fn key_index(name: &str, columns: &[String]) -> Index {
    Index {
        name: name.to_string(),
        keys: columns
            .iter()
            .map(|c| IndexKey {
                column: Some(c.clone()),
                expression: None,
                opclass: None,
                order: None,
                nulls: None,
            })
            .collect(),
        unique: true,
        method: "btree".into(),
        include: Vec::new(),
        predicate: None,
        paginate: false,
        nulls_not_distinct: false,
    }
}
