//! Extensions, schemas and tables: what is created, dropped, renamed or moved.

use foldhash::{HashSet, HashSetExt};

use schemac_schema::model::*;

use super::constraints::mentions_word;
use super::phase::Phase;
use super::{Change, CommentTarget, Differ, IndexBuild, Loss, LossPlace, TableRef, norm};
use crate::ddl;

impl<'a> Differ<'a> {
    pub(super) fn extensions_and_schemas(&mut self) {
        for e in &self.new.extensions {
            if !self.old.extensions.contains(e) {
                self.out
                    .push(Phase::Extensions, Change::CreateExtension(e.clone()));
            }
        }
        for e in &self.old.extensions {
            if !self.new.extensions.contains(e) {
                self.out
                    .push(Phase::DropExtensions, Change::DropExtension(e.clone()));
            }
        }
        for s in &self.new.pg_schemas {
            if !self.old.pg_schemas.contains(s) {
                self.out
                    .push(Phase::Schemas, Change::CreateSchema(s.clone()));
            }
        }
        for s in &self.old.pg_schemas {
            if !self.new.pg_schemas.contains(s) {
                self.out
                    .push(Phase::DropSchemas, Change::DropSchema(s.clone()));
            }
        }
    }

    pub(super) fn tables(&mut self) {
        // Tables that disappear: referencing tables before the tables they
        // reference, so only a foreign key that closes a cycle is dropped on its own.
        let dropped: Vec<usize> = (0..self.old.tables.len())
            .filter(|i| self.new_index_of_old(*i).is_none())
            .collect();
        let (order, cycle_fks) = drop_order(&self.old.tables, &dropped);
        for &oi in &dropped {
            let ot = &self.old.tables[oi];
            for fk in &ot.foreign_keys {
                let target = self.old_table_index(&fk.ref_schema, &fk.ref_table);
                let to_dropped = target.is_some_and(|t| dropped.contains(&t));
                // A key into a table that stays goes first: the key it leans
                // on may be rebuilt before this table is dropped.
                if !to_dropped || cycle_fks.contains(&(oi, fk.name.as_str())) {
                    self.out.push(
                        Phase::DropForeignKeys,
                        Change::DropConstraint {
                            table: TableRef::of(ot),
                            name: fk.name.clone(),
                        },
                    );
                }
            }
            let hint = self.likely_table_rename(ot);
            self.losses.push(Loss {
                what: format!("drop table `{}` and every row in it", ot.name),
                place: LossPlace::DroppedTable {
                    schema: ot.pg_schema.clone(),
                    table: ot.name.clone(),
                },
                hint,
            });
        }
        for oi in order {
            let ot = &self.old.tables[oi];
            self.out
                .push(Phase::DropTables, Change::DropTable(TableRef::of(ot)));
        }
        // Equal types make equal columns mean equal storage.
        let types_unchanged = self.old.enums == self.new.enums && self.old.ids == self.new.ids;
        for ni in 0..self.new.tables.len() {
            let nt = &self.new.tables[ni];
            match self.old_index_of_new(ni) {
                None => self.create_table(nt),
                Some(oi) if types_unchanged && self.untouched(oi, ni) => {}
                Some(oi) => self.alter_table(oi, ni),
            }
        }
    }

    /// Whether the table is the same in both schemas, and so is every table
    /// its foreign keys reference (a rebuilt key there rebuilds them here):
    /// most tables of most migrations, which then cost a comparison instead
    /// of a walk through every column, constraint and index.
    fn untouched(&self, oi: usize, ni: usize) -> bool {
        let same = |oi: usize, ni: usize| self.old.tables[oi] == self.new.tables[ni];
        same(oi, ni)
            && self.new.tables[ni].foreign_keys.iter().all(|fk| {
                self.new_table_index(&fk.ref_schema, &fk.ref_table)
                    .and_then(|rni| Some((self.old_index_of_new(rni)?, rni)))
                    .is_some_and(|(roi, rni)| same(roi, rni))
            })
    }

    /// A created table with the same columns as a dropped one looks like a missed rename.
    pub(super) fn likely_table_rename(&self, ot: &Table) -> Option<String> {
        let cols: Vec<&str> = ot.columns.iter().map(|c| c.name.as_str()).collect();
        self.new
            .tables
            .iter()
            .enumerate()
            .filter(|(ni, _)| self.old_index_of_new(*ni).is_none())
            .find(|(_, nt)| {
                nt.columns
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    == cols
            })
            .map(|(_, nt)| {
                format!(
                    "if `{}` is `{}` renamed, add `renamed_from: {}` to it",
                    nt.name, ot.name, ot.name
                )
            })
    }

    pub(super) fn create_table(&mut self, nt: &Table) {
        let create_sql = ddl::create_table(self.new, nt);
        self.out.push(
            Phase::CreateTables,
            Change::CreateTable {
                table: nt.clone(),
                create_sql,
            },
        );
        let tref = TableRef::of(nt);
        for x in &nt.exclusions {
            self.out.push(
                Phase::AddConstraints,
                Change::AddExclusion {
                    table: tref.clone(),
                    exclusion: x.clone(),
                },
            );
        }
        for fk in &nt.foreign_keys {
            self.out.push(
                Phase::AddForeignKeys,
                Change::AddForeignKey {
                    table: tref.clone(),
                    fk: fk.clone(),
                    not_valid: false,
                },
            );
        }
        for ix in &nt.indexes {
            self.out.push(
                Phase::AddIndexes,
                Change::CreateIndex {
                    table: tref.clone(),
                    index: ix.clone(),
                    build: IndexBuild::Plain,
                },
            );
        }
        if let Some(c) = &nt.comment {
            self.out.push(
                Phase::Comments,
                Change::Comment {
                    target: CommentTarget::Table(tref.clone()),
                    text: Some(c.clone()),
                },
            );
        }
        for col in &nt.columns {
            if let Some(c) = &col.comment {
                self.out.push(
                    Phase::Comments,
                    Change::Comment {
                        target: CommentTarget::Column(tref.clone(), col.name.clone()),
                        text: Some(c.clone()),
                    },
                );
            }
        }
    }

    pub(super) fn alter_table(&mut self, oi: usize, ni: usize) {
        let ot = &self.old.tables[oi];
        let nt = &self.new.tables[ni];
        let old_ref = TableRef::of(ot);
        let tref = TableRef::of(nt);
        if ot.name != nt.name {
            self.out.push(
                Phase::Renames,
                Change::RenameTable {
                    table: old_ref.clone(),
                    to: nt.name.clone(),
                },
            );
        }
        if ot.pg_schema != nt.pg_schema {
            self.out.push(
                Phase::Renames,
                Change::MoveTable {
                    table: TableRef {
                        schema: ot.pg_schema.clone(),
                        name: nt.name.clone(),
                    },
                    to_schema: nt.pg_schema.clone(),
                },
            );
        }
        if ot.comment != nt.comment {
            self.out.push(
                Phase::Comments,
                Change::Comment {
                    target: CommentTarget::Table(tref.clone()),
                    text: nt.comment.clone(),
                },
            );
        }

        // Columns whose dependants must be rebuilt around the change.
        let mut rebuilt_columns: HashSet<String> = HashSet::new();
        let mut retyped_columns: HashSet<String> = HashSet::new();
        let mut matched_old_cols: HashSet<&str> = HashSet::new();
        // Columns whose stored type changes, known before any column is
        // handled: a generated column computed from one must be rebuilt
        // around the change (Postgres refuses to retype its inputs).
        let retyping: Vec<&str> = nt
            .columns
            .iter()
            .filter_map(|nc| {
                let oc = self
                    .column_source(oi, ni, &nc.name)
                    .and_then(|n| ot.column(&n))?;
                (self.storage_key(&oc.ty, true) != self.storage_key(&nc.ty, false))
                    .then_some(nc.name.as_str())
            })
            .collect();
        for nc in &nt.columns {
            let old_name = self.column_source(oi, ni, &nc.name);
            let Some(oc) = old_name.and_then(|n| ot.column(&n)) else {
                self.add_column(nt, nc, &tref);
                continue;
            };
            matched_old_cols.insert(&oc.name);
            if let Some(expr) = &nc.generated {
                let changed = oc
                    .generated
                    .as_deref()
                    .map(|g| norm(&self.relabel_old(oi, g)))
                    != Some(norm(expr));
                let inputs_retyped = retyping
                    .iter()
                    .any(|c| *c != nc.name && mentions_word(expr, c));
                if changed || inputs_retyped {
                    self.rebuild_generated(nt, &old_ref, &tref, oc, nc);
                    rebuilt_columns.insert(nc.name.clone());
                    continue;
                }
            }
            if oc.name != nc.name {
                self.out.push(
                    Phase::Renames,
                    Change::RenameColumn {
                        table: tref.clone(),
                        from: oc.name.clone(),
                        to: nc.name.clone(),
                    },
                );
            }
            self.rename_sequence(ot, oc, nt, nc);
            self.alter_column(nt, &old_ref, &tref, oc, nc, &mut retyped_columns);
        }
        for oc in &ot.columns {
            if matched_old_cols.contains(oc.name.as_str()) {
                continue;
            }
            // A generated column goes first: its inputs may change type below.
            let (phase, table) = if oc.generated.is_some() {
                (Phase::DropGenerated, old_ref.clone())
            } else {
                (Phase::DropColumns, tref.clone())
            };
            self.out.push(
                phase,
                Change::DropColumn {
                    table,
                    column: oc.name.clone(),
                },
            );
            let hint = nt
                .columns
                .iter()
                .find(|nc| {
                    ot.column(&nc.name).is_none()
                        && self.translate_type(&oc.ty) == nc.ty
                        && self.column_source(oi, ni, &nc.name).is_none()
                })
                .map(|nc| {
                    format!(
                        "if `{}` is `{}` renamed, add `renamed_from: {}` to it",
                        nc.name, oc.name, oc.name
                    )
                });
            self.losses.push(Loss {
                what: format!("drop column `{}.{}` and its data", nt.name, oc.name),
                place: LossPlace::DroppedColumn {
                    schema: ot.pg_schema.clone(),
                    table: ot.name.clone(),
                    column: oc.name.clone(),
                },
                hint,
            });
        }
        // Enum types rebuilt by this diff invalidate expressions on their columns.
        for nc in &nt.columns {
            if let BaseType::Enum(k) = &nc.ty.base {
                if self.recreated_enums.contains(k) {
                    rebuilt_columns.insert(nc.name.clone());
                }
            }
        }
        self.constraints(oi, ni, &old_ref, &tref, &rebuilt_columns, &retyped_columns);
        self.exclusions(oi, ni, &old_ref, &tref);
    }
}

/// The order to drop `dropped` tables in (each before the tables it
/// references), and the foreign keys (table index, name) that close a
/// cycle among them and so must be dropped first.
fn drop_order<'t>(tables: &'t [Table], dropped: &[usize]) -> (Vec<usize>, Vec<(usize, &'t str)>) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut marks = vec![Mark::New; tables.len()];
    let by_name: foldhash::HashMap<(&str, &str), usize> = dropped
        .iter()
        .map(|&i| ((tables[i].pg_schema.as_str(), tables[i].name.as_str()), i))
        .collect();
    let mut post = Vec::new();
    let mut cycle_fks = Vec::new();
    // Depth first along foreign keys, without recursion: (table, next fk to follow).
    for &root in dropped {
        if marks[root] != Mark::New {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        marks[root] = Mark::Open;
        while let Some((t, next)) = stack.pop() {
            let fks = &tables[t].foreign_keys;
            if next == fks.len() {
                marks[t] = Mark::Done;
                post.push(t);
                continue;
            }
            stack.push((t, next + 1));
            let fk = &fks[next];
            let Some(&u) = by_name.get(&(fk.ref_schema.as_str(), fk.ref_table.as_str())) else {
                continue;
            };
            match marks[u] {
                _ if u == t => {}
                Mark::Open => cycle_fks.push((t, fk.name.as_str())),
                Mark::New => {
                    marks[u] = Mark::Open;
                    stack.push((u, 0));
                }
                Mark::Done => {}
            }
        }
    }
    // `post` lists referenced tables before the tables that reference them.
    post.reverse();
    (post, cycle_fks)
}
