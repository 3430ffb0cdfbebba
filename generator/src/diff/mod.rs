//! The differ: two models of one database -> an ordered list of changes.
//!
//! Works on the IR, never on SQL text. Objects are matched by identity
//! (tables by schema and name, columns by name, constraints and indexes by
//! definition), with renames only where a `renamed_from` hint says so. The
//! changes come out in phases chosen so every migration applies in one pass:
//! dependants are dropped before what they depend on, created after it.

mod change;
mod hints;
mod types;

use std::collections::{HashMap, HashSet};

pub use change::{Change, CommentTarget, EnumUsage, TableRef, ValuePosition, retired_enum_name};
pub use hints::{DataHints, Renames, TableId, renames_from_hints};
use schemac_schema::model::*;
use schemac_schema::naming::{NameKind, derive_name};
use schemac_schema::sql::column_type;

use crate::sql;

/// A change that can lose data, for the guard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loss {
    pub what: String,
    pub place: LossPlace,
    /// A likely fix, e.g. the `renamed_from` that would keep the data.
    pub hint: Option<String>,
}

/// Where a lossy change comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LossPlace {
    /// A column still in the schema (type narrowed, became generated, ...).
    Column {
        schema: String,
        table: String,
        column: String,
    },
    /// An enum value list in the schema.
    Enum { name: String },
    /// Something no longer in the schema: the migration that created it tells where it came from.
    DroppedTable { schema: String, table: String },
    DroppedColumn {
        schema: String,
        table: String,
        column: String,
    },
}

/// The result of diffing two schemas.
#[derive(Debug, Default)]
pub struct Diff {
    pub changes: Vec<Change>,
    pub losses: Vec<Loss>,
    pub warnings: Vec<String>,
    /// Enum values added by this diff that the new schema already uses
    /// (Postgres cannot use a value in the transaction that adds it).
    /// Keys of those enums.
    pub enums_using_added_values: Vec<String>,
}

impl Diff {
    pub fn uses_added_enum_values(&self) -> bool {
        !self.enums_using_added_values.is_empty()
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Every statement, in order.
    pub fn statements(&self) -> Vec<String> {
        self.changes.iter().flat_map(Change::sql).collect()
    }
}

/// Phases of a migration; changes are emitted phase by phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Extensions,
    Schemas,
    Enums,
    DropForeignKeys,
    DropConstraints,
    DropIndexes,
    DropGenerated,
    Renames,
    RecreateEnums,
    CreateTables,
    AddColumns,
    AlterColumns,
    ReAddColumns,
    DropColumns,
    DropTables,
    AddConstraints,
    AddIndexes,
    AddForeignKeys,
    DropEnums,
    DropSchemas,
    DropExtensions,
    Comments,
}

#[derive(Default)]
struct Out {
    items: Vec<(Phase, usize, Change)>,
}

impl Out {
    fn push(&mut self, phase: Phase, change: Change) {
        let n = self.items.len();
        self.items.push((phase, n, change));
    }

    fn finish(mut self) -> Vec<Change> {
        self.items.sort_by_key(|(p, n, _)| (*p, *n));
        self.items.into_iter().map(|(_, _, c)| c).collect()
    }
}

/// Compares `old` with `new`. `renames` says which new objects are old ones
/// under another name; `data` carries the hints for existing rows.
pub fn diff(old: &Schema, new: &Schema, renames: &Renames, data: &DataHints) -> Diff {
    let mut d = Differ {
        old,
        new,
        renames,
        data,
        out: Out::default(),
        losses: Vec::new(),
        warnings: Vec::new(),
        enum_map: HashMap::new(),
        recreated_enums: HashSet::new(),
        added_values: Vec::new(),
        table_map: Vec::new(),
    };
    d.extensions_and_schemas();
    d.enums();
    d.match_tables();
    d.tables();
    let enums_using_added_values = d.enums_using_added_values();
    Diff {
        changes: d.out.finish(),
        losses: d.losses,
        warnings: d.warnings,
        enums_using_added_values,
    }
}

struct Differ<'a> {
    old: &'a Schema,
    new: &'a Schema,
    renames: &'a Renames,
    data: &'a DataHints,
    out: Out,
    losses: Vec<Loss>,
    warnings: Vec<String>,
    /// old enum key -> new enum key, for matched enums.
    enum_map: HashMap<String, String>,
    /// New keys of enums rebuilt by this diff.
    recreated_enums: HashSet<String>,
    /// (new enum key, added value)
    added_values: Vec<(String, String)>,
    /// (old table index, new table index) for matched tables.
    table_map: Vec<(usize, usize)>,
}

/// Expressions compare with whitespace normalised: reformatting is not a change.
fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl<'a> Differ<'a> {
    fn extensions_and_schemas(&mut self) {
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

    fn enums(&mut self) {
        let mut matched_old: HashSet<&str> = HashSet::new();
        for ne in &self.new.enums {
            let old_key = self.renames.enum_old_name(&ne.name).unwrap_or(&ne.name);
            let Some(oe) = self.old.enums.iter().find(|e| e.name == old_key) else {
                self.out.push(Phase::Enums, Change::CreateEnum(ne.clone()));
                if let Some(c) = &ne.comment {
                    self.out.push(
                        Phase::Comments,
                        Change::Comment {
                            target: CommentTarget::Type {
                                schema: ne.pg_schema.clone(),
                                name: ne.sql_name.clone(),
                            },
                            text: Some(c.clone()),
                        },
                    );
                }
                continue;
            };
            matched_old.insert(&oe.name);
            self.enum_map.insert(oe.name.clone(), ne.name.clone());
            self.alter_enum(oe, ne);
        }
        for oe in &self.old.enums {
            if !matched_old.contains(oe.name.as_str()) {
                self.out.push(
                    Phase::DropEnums,
                    Change::DropEnum {
                        schema: oe.pg_schema.clone(),
                        sql_name: oe.sql_name.clone(),
                    },
                );
            }
        }
    }

    fn alter_enum(&mut self, oe: &Enum, ne: &Enum) {
        if oe.sql_name != ne.sql_name {
            self.out.push(
                Phase::Enums,
                Change::RenameEnum {
                    schema: oe.pg_schema.clone(),
                    from: oe.sql_name.clone(),
                    to: ne.sql_name.clone(),
                },
            );
        }
        if oe.pg_schema != ne.pg_schema {
            self.out.push(
                Phase::Enums,
                Change::MoveEnum {
                    sql_name: ne.sql_name.clone(),
                    from: oe.pg_schema.clone(),
                    to: ne.pg_schema.clone(),
                },
            );
        }
        // Old values under their new names.
        let translated: Vec<String> = oe
            .values
            .iter()
            .map(|v| {
                self.renames
                    .value_new_name(&ne.name, v)
                    .unwrap_or(v)
                    .to_string()
            })
            .collect();
        let in_place =
            is_subsequence(&translated, &ne.values) && !self.data.rebuild_enums.contains(&ne.name);
        if in_place {
            for (v, new_name) in oe.values.iter().zip(&translated) {
                if v != new_name {
                    self.out.push(
                        Phase::Enums,
                        Change::RenameEnumValue {
                            schema: ne.pg_schema.clone(),
                            sql_name: ne.sql_name.clone(),
                            from: v.clone(),
                            to: new_name.clone(),
                        },
                    );
                }
            }
        }
        if translated != ne.values {
            if in_place {
                for (i, v) in ne.values.iter().enumerate() {
                    if translated.contains(v) {
                        continue;
                    }
                    // Values are added in order, so the one before already exists;
                    // at the front, go before the first value that was there.
                    let position = if i > 0 {
                        Some(ValuePosition::After(ne.values[i - 1].clone()))
                    } else {
                        translated.first().cloned().map(ValuePosition::Before)
                    };
                    self.out.push(
                        Phase::Enums,
                        Change::AddEnumValue {
                            schema: ne.pg_schema.clone(),
                            sql_name: ne.sql_name.clone(),
                            value: v.clone(),
                            position,
                        },
                    );
                    self.added_values.push((ne.name.clone(), v.clone()));
                }
            } else {
                self.recreate_enum(oe, ne);
            }
        }
        // A rebuilt type starts without a comment.
        let rebuilt = self.recreated_enums.contains(&ne.name);
        if oe.comment != ne.comment || (rebuilt && ne.comment.is_some()) {
            self.out.push(
                Phase::Comments,
                Change::Comment {
                    target: CommentTarget::Type {
                        schema: ne.pg_schema.clone(),
                        name: ne.sql_name.clone(),
                    },
                    text: ne.comment.clone(),
                },
            );
        }
    }

    /// Rebuilds an enum whose values were removed or reordered. Renamed values
    /// are carried by the re-cast too (renaming in place first could collide
    /// with a value the new list reuses).
    fn recreate_enum(&mut self, oe: &Enum, ne: &Enum) {
        let hinted = self.data.remap.get(&ne.name);
        let mut remap: Vec<(String, String)> = Vec::new();
        let mut removed: Vec<String> = Vec::new();
        let mut lost: Vec<&String> = Vec::new();
        for v in &oe.values {
            if let Some(new_name) = self.renames.value_new_name(&ne.name, v) {
                remap.push((v.clone(), new_name.to_string()));
            } else if ne.values.contains(v) {
                continue;
            } else {
                removed.push(v.clone());
                match hinted.and_then(|r| r.iter().find(|(from, _)| from == v)) {
                    Some((_, to)) => remap.push((v.clone(), to.clone())),
                    None => lost.push(v),
                }
            }
        }
        if !lost.is_empty() {
            self.losses.push(Loss {
                what: format!(
                    "enum `{}` loses value{} {}: rows holding {} cannot be kept",
                    ne.name,
                    if lost.len() == 1 { "" } else { "s" },
                    lost.iter()
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    if lost.len() == 1 { "it" } else { "them" }
                ),
                place: LossPlace::Enum {
                    name: ne.name.clone(),
                },
                hint: Some(format!(
                    "say what those rows become with `remap: {{ {}: ... }}` on the enum",
                    lost[0]
                )),
            });
        }
        self.recreated_enums.insert(ne.name.clone());
        let mut usages = Vec::new();
        for nt in &self.new.tables {
            for nc in &nt.columns {
                if nc.ty.base != BaseType::Enum(ne.name.clone()) {
                    continue;
                }
                // Only columns that exist before the change hold rows to re-cast.
                let Some((_, oc)) = self.old_column_of(nt, nc) else {
                    continue;
                };
                if oc.ty.base != BaseType::Enum(oe.name.clone()) {
                    continue;
                }
                usages.push(EnumUsage {
                    table: TableRef::of(nt),
                    column: nc.name.clone(),
                    array: nc.ty.array,
                    default: nc.default.as_ref().map(|d| d.sql().to_string()),
                    had_default: oc.default.is_some(),
                });
            }
        }
        self.out.push(
            Phase::RecreateEnums,
            Change::RecreateEnum {
                new: ne.clone(),
                remap,
                removed,
                usages,
            },
        );
        self.out.push(
            Phase::DropEnums,
            Change::DropEnum {
                schema: ne.pg_schema.clone(),
                sql_name: retired_enum_name(&ne.sql_name),
            },
        );
    }

    /// The old table and column a new column comes from, following renames.
    fn old_column_of(&self, nt: &Table, nc: &Column) -> Option<(&'a Table, &'a Column)> {
        let id = TableId::of(nt);
        let old_id = self.renames.table_old_id(&id).unwrap_or(&id);
        let ot = self
            .old
            .tables
            .iter()
            .find(|t| t.pg_schema == old_id.schema && t.name == old_id.name)
            .or_else(|| {
                let mut same = self.old.tables.iter().filter(|t| t.name == old_id.name);
                match (same.next(), same.next()) {
                    (Some(t), None) => Some(t),
                    _ => None,
                }
            })?;
        let old_col = self
            .renames
            .column_old_name(&id, &nc.name)
            .unwrap_or(&nc.name);
        let oc = ot.column(old_col)?;
        Some((ot, oc))
    }

    fn match_tables(&mut self) {
        let mut used_old: HashSet<usize> = HashSet::new();
        let mut pairs = Vec::new();
        // Renames first, then the same schema and name, then the same name in another schema.
        for (ni, nt) in self.new.tables.iter().enumerate() {
            if let Some(old_id) = self.renames.table_old_id(&TableId::of(nt)) {
                if let Some(oi) = self
                    .old
                    .tables
                    .iter()
                    .position(|t| t.pg_schema == old_id.schema && t.name == old_id.name)
                {
                    used_old.insert(oi);
                    pairs.push((oi, ni));
                }
            }
        }
        for (ni, nt) in self.new.tables.iter().enumerate() {
            if pairs.iter().any(|(_, n)| *n == ni) {
                continue;
            }
            if let Some(oi) = self.old.tables.iter().enumerate().position(|(i, t)| {
                !used_old.contains(&i) && t.pg_schema == nt.pg_schema && t.name == nt.name
            }) {
                used_old.insert(oi);
                pairs.push((oi, ni));
            }
        }
        for (ni, nt) in self.new.tables.iter().enumerate() {
            if pairs.iter().any(|(_, n)| *n == ni) {
                continue;
            }
            let candidates: Vec<usize> = self
                .old
                .tables
                .iter()
                .enumerate()
                .filter(|(i, t)| !used_old.contains(i) && t.name == nt.name)
                .map(|(i, _)| i)
                .collect();
            if let [oi] = candidates.as_slice() {
                used_old.insert(*oi);
                pairs.push((*oi, ni));
            }
        }
        pairs.sort_by_key(|(_, n)| *n);
        self.table_map = pairs;
    }

    fn new_index_of_old(&self, oi: usize) -> Option<usize> {
        self.table_map
            .iter()
            .find(|(o, _)| *o == oi)
            .map(|(_, n)| *n)
    }

    fn old_index_of_new(&self, ni: usize) -> Option<usize> {
        self.table_map
            .iter()
            .find(|(_, n)| *n == ni)
            .map(|(o, _)| *o)
    }

    /// The new name of an old column, if it survives.
    fn new_column_name(&self, oi: usize, old_col: &str) -> Option<String> {
        let ni = self.new_index_of_old(oi)?;
        let nt = &self.new.tables[ni];
        let id = TableId::of(nt);
        // A column renamed away from this name does not survive under it.
        if let Some(new_name) = self.renames.column_new_name(&id, old_col) {
            return nt.column(new_name).map(|c| c.name.clone());
        }
        if self.renames.column_old_name(&id, old_col).is_some() {
            return None;
        }
        nt.column(old_col).map(|c| c.name.clone())
    }

    /// An old column list under new names; `None` when a column does not survive.
    fn translate_columns(&self, oi: usize, cols: &[String]) -> Option<Vec<String>> {
        cols.iter().map(|c| self.new_column_name(oi, c)).collect()
    }

    /// An old type under new names (enum keys follow enum renames).
    fn translate_type(&self, ty: &ColumnType) -> ColumnType {
        match &ty.base {
            BaseType::Enum(k) => ColumnType {
                base: BaseType::Enum(self.enum_map.get(k).cloned().unwrap_or_else(|| k.clone())),
                array: ty.array,
            },
            _ => ty.clone(),
        }
    }

    fn tables(&mut self) {
        // Tables that disappear, and the foreign keys among them.
        let dropped: Vec<usize> = (0..self.old.tables.len())
            .filter(|i| self.new_index_of_old(*i).is_none())
            .collect();
        for &oi in &dropped {
            let ot = &self.old.tables[oi];
            // Its foreign keys go first: the keys they lean on may be
            // rebuilt, and the tables they point at dropped, before it.
            for fk in &ot.foreign_keys {
                let is_self = fk.ref_schema == ot.pg_schema && fk.ref_table == ot.name;
                if !is_self {
                    self.out.push(
                        Phase::DropForeignKeys,
                        Change::DropConstraint {
                            table: TableRef::of(ot),
                            name: fk.name.clone(),
                        },
                    );
                }
            }
            self.out
                .push(Phase::DropTables, Change::DropTable(TableRef::of(ot)));
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
        for ni in 0..self.new.tables.len() {
            let nt = &self.new.tables[ni];
            match self.old_index_of_new(ni) {
                None => self.create_table(nt),
                Some(oi) => self.alter_table(oi, ni),
            }
        }
    }

    /// A created table with the same columns as a dropped one looks like a missed rename.
    fn likely_table_rename(&self, ot: &Table) -> Option<String> {
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

    fn create_table(&mut self, nt: &Table) {
        let create_sql = sql::create_table(self.new, nt);
        self.out.push(
            Phase::CreateTables,
            Change::CreateTable {
                table: nt.clone(),
                create_sql,
            },
        );
        let tref = TableRef::of(nt);
        for fk in &nt.foreign_keys {
            self.out.push(
                Phase::AddForeignKeys,
                Change::AddForeignKey {
                    table: tref.clone(),
                    fk: fk.clone(),
                },
            );
        }
        for ix in &nt.indexes {
            self.out.push(
                Phase::AddIndexes,
                Change::CreateIndex {
                    table: tref.clone(),
                    index: ix.clone(),
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

    fn alter_table(&mut self, oi: usize, ni: usize) {
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
                let changed = oc.generated.as_deref().map(norm) != Some(norm(expr));
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
    }

    /// The old column a new column comes from (by rename hint or by name).
    fn column_source(&self, oi: usize, ni: usize, new_col: &str) -> Option<String> {
        let ot = &self.old.tables[oi];
        let id = TableId::of(&self.new.tables[ni]);
        if let Some(old) = self.renames.column_old_name(&id, new_col) {
            return ot.column(old).map(|c| c.name.clone());
        }
        // A name taken over from a column renamed away is a new column.
        if self.renames.column_new_name(&id, new_col).is_some() {
            return None;
        }
        ot.column(new_col).map(|c| c.name.clone())
    }

    fn add_column(&mut self, nt: &Table, nc: &Column, tref: &TableRef) {
        let key = (nt.pg_schema.clone(), nt.name.clone(), nc.name.clone());
        let needs_value = !nc.nullable
            && nc.default.is_none()
            && nc.identity.is_none()
            && nc.generated.is_none()
            && !nc.ty.base.is_serial();
        let backfill = if needs_value {
            match self.data.backfill.get(&key) {
                Some(v) => {
                    let relaxed = sql::column_definition(
                        self.new,
                        &Column {
                            nullable: true,
                            ..nc.clone()
                        },
                    );
                    Some((relaxed, v.clone()))
                }
                None => {
                    self.warnings.push(format!(
                        "new column `{}.{}` is NOT NULL without a default: the migration fails if `{}` has rows; add `backfill:` to give them a value",
                        nt.name, nc.name, nt.name
                    ));
                    None
                }
            }
        } else {
            None
        };
        self.out.push(
            // A generated column is computed from others: add it once they have their final types.
            if nc.generated.is_some() {
                Phase::ReAddColumns
            } else {
                Phase::AddColumns
            },
            Change::AddColumn {
                table: tref.clone(),
                column: nc.name.clone(),
                definition: sql::column_definition(self.new, nc),
                backfill,
            },
        );
        if let Some(c) = &nc.comment {
            self.out.push(
                Phase::Comments,
                Change::Comment {
                    target: CommentTarget::Column(tref.clone(), nc.name.clone()),
                    text: Some(c.clone()),
                },
            );
        }
    }

    fn rename_sequence(&mut self, ot: &Table, oc: &Column, nt: &Table, nc: &Column) {
        let has_seq = |c: &Column| c.ty.base.is_serial() || c.identity.is_some();
        if !(has_seq(oc) && has_seq(nc)) {
            return;
        }
        let from = derive_name(&ot.name, &[&oc.name], NameKind::Sequence);
        let to = derive_name(&nt.name, &[&nc.name], NameKind::Sequence);
        if from != to {
            self.out.push(
                Phase::Renames,
                Change::RenameSequence {
                    schema: nt.pg_schema.clone(),
                    from,
                    to,
                },
            );
        }
    }

    /// A generated column cannot be altered in place (Postgres 15), nor can
    /// its inputs change type: it is dropped early (under its old names) and
    /// added back after the columns changed. Its values are recomputed, so
    /// nothing is lost, unless it was a plain column before.
    fn rebuild_generated(
        &mut self,
        nt: &Table,
        old_ref: &TableRef,
        tref: &TableRef,
        oc: &Column,
        nc: &Column,
    ) {
        if oc.generated.is_none() {
            self.losses.push(Loss {
                what: format!(
                    "column `{}.{}` becomes generated: its stored values are replaced",
                    nt.name, nc.name
                ),
                place: LossPlace::Column {
                    schema: nt.pg_schema.clone(),
                    table: nt.name.clone(),
                    column: nc.name.clone(),
                },
                hint: None,
            });
        }
        self.out.push(
            Phase::DropGenerated,
            Change::DropColumn {
                table: old_ref.clone(),
                column: oc.name.clone(),
            },
        );
        self.out.push(
            Phase::ReAddColumns,
            Change::AddColumn {
                table: tref.clone(),
                column: nc.name.clone(),
                definition: sql::column_definition(self.new, nc),
                backfill: None,
            },
        );
        if nc.comment.is_some() {
            self.out.push(
                Phase::Comments,
                Change::Comment {
                    target: CommentTarget::Column(tref.clone(), nc.name.clone()),
                    text: nc.comment.clone(),
                },
            );
        }
    }

    /// What Postgres stores for a type: serials as their integer type, IDs
    /// as uuid or text, enums by identity (following enum renames).
    fn storage_key(&self, ty: &ColumnType, old_side: bool) -> String {
        let schema = if old_side { self.old } else { self.new };
        let array = if ty.array { "[]" } else { "" };
        match &ty.base {
            BaseType::Enum(k) if old_side => {
                format!("enum:{}{array}", self.enum_map.get(k).unwrap_or(k))
            }
            BaseType::Enum(k) => format!("enum:{k}{array}"),
            other => column_type(
                &ColumnType {
                    base: other.referencing(),
                    array: ty.array,
                },
                &schema.enums,
                &schema.ids,
            ),
        }
    }

    fn alter_column(
        &mut self,
        nt: &Table,
        old_ref: &TableRef,
        tref: &TableRef,
        oc: &Column,
        nc: &Column,
        retyped: &mut HashSet<String>,
    ) {
        let col = nc.name.clone();
        let key = (nt.pg_schema.clone(), nt.name.clone(), nc.name.clone());
        let place = || LossPlace::Column {
            schema: nt.pg_schema.clone(),
            table: nt.name.clone(),
            column: nc.name.clone(),
        };
        // A generated column that stays generated is handled by `rebuild_generated`.
        // One that stops being generated does so early (under its old names),
        // before its inputs may change type.
        if oc.generated.is_some() && nc.generated.is_none() {
            self.out.push(
                Phase::DropGenerated,
                Change::DropExpression {
                    table: old_ref.clone(),
                    column: oc.name.clone(),
                },
            );
        }

        let old_ty = self.translate_type(&oc.ty);
        let recreated_usage = matches!(&nc.ty.base, BaseType::Enum(k) if self.recreated_enums.contains(k))
            && old_ty == nc.ty;
        let type_changes = old_ty != nc.ty;
        let storage = |t: &ColumnType| ColumnType {
            base: t.base.referencing(),
            array: t.array,
        };
        let storage_changes = self.storage_key(&oc.ty, true) != self.storage_key(&nc.ty, false);
        let default_sql = |c: &Column| c.default.as_ref().map(|d| norm(d.sql()));
        let mut default_handled = recreated_usage;
        if type_changes && storage_changes {
            retyped.insert(col.clone());
            let to_sql = sql::sql_type(self.new, &storage(&nc.ty));
            let using = self
                .data
                .using
                .get(&key)
                .cloned()
                .unwrap_or_else(|| types::default_using(&col, &old_ty, &nc.ty, &to_sql));
            if !types::widens(&old_ty, &nc.ty, self.old, self.new) {
                self.losses.push(Loss {
                    what: format!(
                        "column `{}.{col}` narrows from {} to {}: values that do not fit are lost or make the migration fail",
                        nt.name,
                        sql::sql_type(self.old, &oc.ty),
                        to_sql
                    ),
                    place: place(),
                    hint: Some("check the data first; `using:` on the column gives the conversion".into()),
                });
            }
            if oc.default.is_some() && !oc.ty.base.is_serial() {
                self.out.push(
                    Phase::AlterColumns,
                    Change::DropDefault {
                        table: tref.clone(),
                        column: col.clone(),
                    },
                );
            }
            let sequence = (oc.ty.base.is_serial() && nc.ty.base.is_serial()).then(|| {
                (
                    derive_name(&nt.name, &[&col], NameKind::Sequence),
                    to_sql.clone(),
                )
            });
            self.out.push(
                Phase::AlterColumns,
                Change::AlterColumnType {
                    table: tref.clone(),
                    column: col.clone(),
                    to_sql,
                    using,
                    sequence,
                },
            );
            if let Some(d) = &nc.default {
                self.out.push(
                    Phase::AlterColumns,
                    Change::SetDefault {
                        table: tref.clone(),
                        column: col.clone(),
                        sql: d.sql().to_string(),
                    },
                );
            }
            default_handled = true;
        }
        // serial <-> plain integer: the sequence comes or goes.
        let seq = derive_name(&nt.name, &[&col], NameKind::Sequence);
        match (oc.ty.base.is_serial(), nc.ty.base.is_serial()) {
            (true, false) => {
                // Not renamed with the table (it goes), so it has its old name.
                self.out.push(
                    Phase::AlterColumns,
                    Change::DropSerial {
                        table: tref.clone(),
                        column: col.clone(),
                        sequence: derive_name(&old_ref.name, &[&oc.name], NameKind::Sequence),
                    },
                );
            }
            (false, true) => {
                if oc.default.is_some() {
                    self.out.push(
                        Phase::AlterColumns,
                        Change::DropDefault {
                            table: tref.clone(),
                            column: col.clone(),
                        },
                    );
                }
                self.out.push(
                    Phase::AlterColumns,
                    Change::AddSerial {
                        table: tref.clone(),
                        column: col.clone(),
                        sequence: seq.clone(),
                        big: nc.ty.base == BaseType::BigSerial,
                    },
                );
                default_handled = true;
            }
            _ => {}
        }
        if !default_handled && !nc.ty.base.is_serial() && default_sql(oc) != default_sql(nc) {
            match &nc.default {
                Some(d) => self.out.push(
                    Phase::AlterColumns,
                    Change::SetDefault {
                        table: tref.clone(),
                        column: col.clone(),
                        sql: d.sql().to_string(),
                    },
                ),
                None if !oc.ty.base.is_serial() => self.out.push(
                    Phase::AlterColumns,
                    Change::DropDefault {
                        table: tref.clone(),
                        column: col.clone(),
                    },
                ),
                None => {}
            }
        }
        match (oc.nullable, nc.nullable) {
            (true, false) => {
                let backfill = self.data.backfill.get(&key).cloned();
                if backfill.is_none() {
                    self.warnings.push(format!(
                        "column `{}.{col}` becomes NOT NULL: the migration fails if it holds NULLs; add `backfill:` to give them a value",
                        nt.name
                    ));
                }
                self.out.push(
                    Phase::AlterColumns,
                    Change::SetNotNull {
                        table: tref.clone(),
                        column: col.clone(),
                        backfill,
                    },
                );
            }
            (false, true) => self.out.push(
                Phase::AlterColumns,
                Change::DropNotNull {
                    table: tref.clone(),
                    column: col.clone(),
                },
            ),
            _ => {}
        }
        match (oc.identity, nc.identity) {
            (None, Some(i)) => self.out.push(
                Phase::AlterColumns,
                Change::AddIdentity {
                    table: tref.clone(),
                    column: col.clone(),
                    identity: i,
                },
            ),
            (Some(_), None) => self.out.push(
                Phase::AlterColumns,
                Change::DropIdentity {
                    table: tref.clone(),
                    column: col.clone(),
                },
            ),
            (Some(a), Some(b)) if a != b => self.out.push(
                Phase::AlterColumns,
                Change::SetIdentity {
                    table: tref.clone(),
                    column: col.clone(),
                    identity: b,
                },
            ),
            _ => {}
        }
        if oc.comment != nc.comment {
            self.out.push(
                Phase::Comments,
                Change::Comment {
                    target: CommentTarget::Column(tref.clone(), col.clone()),
                    text: nc.comment.clone(),
                },
            );
        }
    }

    /// Primary key, unique constraints, checks, foreign keys and indexes of a
    /// matched table: paired by definition under new names; a pair with
    /// different names is a rename, the rest are dropped or added.
    fn constraints(
        &mut self,
        oi: usize,
        ni: usize,
        old_ref: &TableRef,
        tref: &TableRef,
        rebuilt: &HashSet<String>,
        retyped: &HashSet<String>,
    ) {
        let ot = &self.old.tables[oi];
        let nt = &self.new.tables[ni];
        let mentions = |cols: &[String], exprs: &[&str]| {
            cols.iter().any(|c| rebuilt.contains(c))
                || exprs
                    .iter()
                    .any(|e| rebuilt.iter().any(|c| mentions_word(e, c)))
        };

        // Primary key.
        let old_pk = ot
            .primary_key
            .as_ref()
            .map(|pk| (pk, self.translate_columns(oi, &pk.columns)));
        match (old_pk, &nt.primary_key) {
            (Some((opk, Some(cols))), Some(npk))
                if cols == npk.columns && !mentions(&npk.columns, &[]) =>
            {
                if opk.name != npk.name {
                    self.out.push(
                        Phase::Renames,
                        Change::RenameConstraint {
                            table: tref.clone(),
                            from: opk.name.clone(),
                            to: npk.name.clone(),
                        },
                    );
                }
            }
            (old, new) => {
                if let Some((opk, _)) = old {
                    self.out.push(
                        Phase::DropConstraints,
                        Change::DropConstraint {
                            table: old_ref.clone(),
                            name: opk.name.clone(),
                        },
                    );
                }
                if let Some(npk) = new {
                    self.out.push(
                        Phase::AddConstraints,
                        Change::AddPrimaryKey {
                            table: tref.clone(),
                            pk: npk.clone(),
                        },
                    );
                }
            }
        }

        // Unique constraints.
        let old_uniques: Vec<(&Unique, Option<Vec<String>>)> = ot
            .uniques
            .iter()
            .map(|u| (u, self.translate_columns(oi, &u.columns)))
            .collect();
        let pairs = pair(&old_uniques, &nt.uniques, |(_, cols), n| {
            cols.as_ref() == Some(&n.columns) && !mentions(&n.columns, &[])
        });
        let old_names: Vec<&str> = old_uniques.iter().map(|(u, _)| u.name.as_str()).collect();
        let new_names: Vec<&str> = nt.uniques.iter().map(|u| u.name.as_str()).collect();
        self.emit_pairs(
            &pairs,
            &old_names,
            &new_names,
            |from, to| Change::RenameConstraint {
                table: tref.clone(),
                from,
                to,
            },
            (Phase::DropConstraints, |name| Change::DropConstraint {
                table: old_ref.clone(),
                name,
            }),
            (Phase::AddConstraints, |n| Change::AddUnique {
                table: tref.clone(),
                unique: nt.uniques[n].clone(),
            }),
        );

        // Checks: raw SQL, so compared as text.
        let pairs = pair(&ot.checks, &nt.checks, |o, n| {
            norm(&o.expr) == norm(&n.expr) && !mentions(&[], &[&n.expr])
        });
        let old_names: Vec<&str> = ot.checks.iter().map(|c| c.name.as_str()).collect();
        let new_names: Vec<&str> = nt.checks.iter().map(|c| c.name.as_str()).collect();
        self.emit_pairs(
            &pairs,
            &old_names,
            &new_names,
            |from, to| Change::RenameConstraint {
                table: tref.clone(),
                from,
                to,
            },
            (Phase::DropConstraints, |name| Change::DropConstraint {
                table: old_ref.clone(),
                name,
            }),
            (Phase::AddConstraints, |n| Change::AddCheck {
                table: tref.clone(),
                check: nt.checks[n].clone(),
            }),
        );

        // Foreign keys, with the referenced table and columns under new names.
        let old_fks: Vec<(&ForeignKey, Option<ForeignKey>)> = ot
            .foreign_keys
            .iter()
            .map(|fk| (fk, self.translate_fk(oi, fk)))
            .collect();
        let pairs = pair(&old_fks, &nt.foreign_keys, |(_, t), n| {
            let Some(t) = t else { return false };
            same_fk(t, n) && !self.fk_must_be_rebuilt(n, retyped, rebuilt)
        });
        let old_names: Vec<&str> = old_fks.iter().map(|(f, _)| f.name.as_str()).collect();
        let new_names: Vec<&str> = nt.foreign_keys.iter().map(|f| f.name.as_str()).collect();
        self.emit_pairs(
            &pairs,
            &old_names,
            &new_names,
            |from, to| Change::RenameConstraint {
                table: tref.clone(),
                from,
                to,
            },
            (Phase::DropForeignKeys, |name| Change::DropConstraint {
                table: old_ref.clone(),
                name,
            }),
            (Phase::AddForeignKeys, |n| Change::AddForeignKey {
                table: tref.clone(),
                fk: nt.foreign_keys[n].clone(),
            }),
        );

        // Indexes.
        let old_ix: Vec<(&Index, Option<Index>)> = ot
            .indexes
            .iter()
            .map(|i| (i, self.translate_index(oi, i)))
            .collect();
        let pairs = pair(&old_ix, &nt.indexes, |(_, t), n| {
            let Some(t) = t else { return false };
            let exprs: Vec<&str> = n
                .keys
                .iter()
                .filter_map(|k| k.expression.as_deref())
                .chain(n.predicate.as_deref())
                .collect();
            let cols: Vec<String> = n.keys.iter().filter_map(|k| k.column.clone()).collect();
            same_index(t, n) && !mentions(&cols, &exprs)
        });
        let old_names: Vec<&str> = old_ix.iter().map(|(i, _)| i.name.as_str()).collect();
        let new_names: Vec<&str> = nt.indexes.iter().map(|i| i.name.as_str()).collect();
        self.emit_pairs(
            &pairs,
            &old_names,
            &new_names,
            |from, to| Change::RenameIndex {
                schema: nt.pg_schema.clone(),
                from,
                to,
            },
            (Phase::DropIndexes, |name| Change::DropIndex {
                schema: ot.pg_schema.clone(),
                name,
            }),
            (Phase::AddIndexes, |n| Change::CreateIndex {
                table: tref.clone(),
                index: nt.indexes[n].clone(),
            }),
        );
    }

    /// Emits a pairing: a matched pair under another name is renamed, an old
    /// object without a partner dropped (by name), a new one added (by index).
    #[allow(clippy::too_many_arguments)]
    fn emit_pairs(
        &mut self,
        pairs: &Pairs,
        old_names: &[&str],
        new_names: &[&str],
        rename: impl Fn(String, String) -> Change,
        (drop_phase, drop): (Phase, impl Fn(String) -> Change),
        (add_phase, add): (Phase, impl Fn(usize) -> Change),
    ) {
        for &(o, n) in &pairs.matched {
            if old_names[o] != new_names[n] {
                self.out.push(
                    Phase::Renames,
                    rename(old_names[o].to_string(), new_names[n].to_string()),
                );
            }
        }
        for &o in &pairs.old_only {
            self.out.push(drop_phase, drop(old_names[o].to_string()));
        }
        for &n in &pairs.new_only {
            self.out.push(add_phase, add(n));
        }
    }

    /// A foreign key must be dropped and re-added when a column on either
    /// side changes type, or the key it references is rebuilt.
    fn fk_must_be_rebuilt(
        &self,
        fk: &ForeignKey,
        retyped: &HashSet<String>,
        rebuilt: &HashSet<String>,
    ) -> bool {
        if fk
            .columns
            .iter()
            .any(|c| retyped.contains(c) || rebuilt.contains(c))
        {
            return true;
        }
        let Some(ni) = self
            .new
            .tables
            .iter()
            .position(|t| t.pg_schema == fk.ref_schema && t.name == fk.ref_table)
        else {
            return false;
        };
        let target = &self.new.tables[ni];
        let Some(oi) = self.old_index_of_new(ni) else {
            return true;
        };
        let ot = &self.old.tables[oi];
        for rc in &fk.ref_columns {
            let Some(nc) = target.column(rc) else {
                return true;
            };
            let source = self.column_source(oi, ni, rc);
            let Some(oc) = source.and_then(|s| ot.column(&s)) else {
                return true;
            };
            if self.translate_type(&oc.ty).base.referencing() != nc.ty.base.referencing()
                || oc.ty.array != nc.ty.array
            {
                return true;
            }
        }
        // The unique constraint or key the FK leans on must survive as it was.
        let key_kept = |cols: &[String]| {
            let in_old: Option<Vec<String>> =
                cols.iter().map(|c| self.column_source(oi, ni, c)).collect();
            let Some(in_old) = in_old else { return false };
            let old_pk = ot.primary_key.as_ref().map(|p| &p.columns);
            old_pk.is_some_and(|p| p == &in_old)
                || ot.uniques.iter().any(|u| u.columns == in_old)
                || ot.indexes.iter().any(|i| {
                    i.unique
                        && i.predicate.is_none()
                        && i.keys
                            .iter()
                            .map(|k| k.column.clone())
                            .collect::<Option<Vec<_>>>()
                            .as_ref()
                            == Some(&in_old)
                })
        };
        let pk_same = target
            .primary_key
            .as_ref()
            .is_some_and(|p| p.columns == fk.ref_columns);
        let unique_same = target.uniques.iter().any(|u| u.columns == fk.ref_columns)
            || target.indexes.iter().any(|i| {
                i.unique
                    && i.predicate.is_none()
                    && i.keys
                        .iter()
                        .map(|k| k.column.clone())
                        .collect::<Option<Vec<_>>>()
                        .as_ref()
                        == Some(&fk.ref_columns)
            });
        !((pk_same || unique_same)
            && key_kept(&fk.ref_columns)
            && !self.referenced_key_rebuilt(oi, ni, &fk.ref_columns))
    }

    /// Whether the referenced table's key on `cols` is dropped and re-added by this diff.
    fn referenced_key_rebuilt(&self, oi: usize, ni: usize, cols: &[String]) -> bool {
        let ot = &self.old.tables[oi];
        let nt = &self.new.tables[ni];
        if let (Some(opk), Some(npk)) = (&ot.primary_key, &nt.primary_key) {
            if npk.columns == cols {
                return self.translate_columns(oi, &opk.columns).as_deref()
                    != Some(&npk.columns[..]);
            }
        }
        if nt.primary_key.as_ref().is_some_and(|p| p.columns == cols) && ot.primary_key.is_none() {
            return true;
        }
        false
    }

    fn translate_fk(&self, oi: usize, fk: &ForeignKey) -> Option<ForeignKey> {
        let columns = self.translate_columns(oi, &fk.columns)?;
        let ref_oi = self
            .old
            .tables
            .iter()
            .position(|t| t.pg_schema == fk.ref_schema && t.name == fk.ref_table)?;
        let ref_ni = self.new_index_of_old(ref_oi)?;
        let target = &self.new.tables[ref_ni];
        let ref_columns = self.translate_columns(ref_oi, &fk.ref_columns)?;
        Some(ForeignKey {
            columns,
            ref_schema: target.pg_schema.clone(),
            ref_table: target.name.clone(),
            ref_columns,
            ..fk.clone()
        })
    }

    fn translate_index(&self, oi: usize, ix: &Index) -> Option<Index> {
        let keys = ix
            .keys
            .iter()
            .map(|k| {
                Some(IndexKey {
                    column: match &k.column {
                        Some(c) => Some(self.new_column_name(oi, c)?),
                        None => None,
                    },
                    ..k.clone()
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Index {
            keys,
            include: self.translate_columns(oi, &ix.include)?,
            ..ix.clone()
        })
    }

    /// The enums whose values added by this diff the new schema already uses.
    fn enums_using_added_values(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .added_values
            .iter()
            .filter(|(key, value)| self.value_is_used(key, value))
            .map(|(key, _)| key.clone())
            .collect();
        keys.dedup();
        keys
    }

    fn value_is_used(&self, key: &str, value: &str) -> bool {
        let lit = schemac_schema::sql::string_literal(value);
        self.new.tables.iter().any(|t| {
            let column_use = t.columns.iter().any(|c| {
                let is_enum = matches!(&c.ty.base, BaseType::Enum(k) if k == key);
                let in_default = c.default.as_ref().is_some_and(|d| {
                    is_enum && d.sql().contains(&lit)
                        || matches!(d, ColumnDefault::Sql(s) if s.contains(&lit))
                });
                in_default || c.generated.as_ref().is_some_and(|g| g.contains(&lit))
            });
            column_use
                || t.checks.iter().any(|c| c.expr.contains(&lit))
                || t.indexes.iter().any(|i| {
                    i.predicate.as_ref().is_some_and(|p| p.contains(&lit))
                        || i.keys
                            .iter()
                            .any(|k| k.expression.as_ref().is_some_and(|e| e.contains(&lit)))
                })
        })
    }
}

/// Whether `word` appears in `expr` as an identifier (not inside a longer name).
fn mentions_word(expr: &str, word: &str) -> bool {
    let bytes = expr.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut start = 0;
    while let Some(pos) = expr[start..].find(word) {
        let i = start + pos;
        let j = i + word.len();
        let before = i == 0 || !is_ident(bytes[i - 1]);
        let after = j >= bytes.len() || !is_ident(bytes[j]);
        if before && after {
            return true;
        }
        start = i + 1;
    }
    false
}

fn same_fk(a: &ForeignKey, b: &ForeignKey) -> bool {
    a.columns == b.columns
        && a.ref_schema == b.ref_schema
        && a.ref_table == b.ref_table
        && a.ref_columns == b.ref_columns
        && a.on_delete == b.on_delete
        && a.on_update == b.on_update
        && a.deferrable == b.deferrable
}

fn same_index(a: &Index, b: &Index) -> bool {
    let keys = |i: &Index| -> Vec<IndexKey> {
        i.keys
            .iter()
            .map(|k| IndexKey {
                expression: k.expression.as_deref().map(norm),
                ..k.clone()
            })
            .collect()
    };
    a.unique == b.unique
        && a.method == b.method
        && keys(a) == keys(b)
        && a.include == b.include
        && a.predicate.as_deref().map(norm) == b.predicate.as_deref().map(norm)
}

fn is_subsequence(small: &[String], big: &[String]) -> bool {
    let mut it = big.iter();
    small.iter().all(|s| it.any(|b| b == s))
}

struct Pairs {
    matched: Vec<(usize, usize)>,
    old_only: Vec<usize>,
    new_only: Vec<usize>,
}

/// Pairs old and new items by `same`, each at most once, in order.
fn pair<O, N>(old: &[O], new: &[N], same: impl Fn(&O, &N) -> bool) -> Pairs {
    let mut matched = Vec::new();
    let mut used_new: HashSet<usize> = HashSet::new();
    let mut old_only = Vec::new();
    for (oi, o) in old.iter().enumerate() {
        match (0..new.len()).find(|ni| !used_new.contains(ni) && same(o, &new[*ni])) {
            Some(ni) => {
                used_new.insert(ni);
                matched.push((oi, ni));
            }
            None => old_only.push(oi),
        }
    }
    let new_only = (0..new.len()).filter(|n| !used_new.contains(n)).collect();
    Pairs {
        matched,
        old_only,
        new_only,
    }
}

/// A short description of each change, for summaries and migration names.
pub fn describe(change: &Change) -> (String, String) {
    let t = |r: &TableRef| r.name.clone();
    match change {
        Change::CreateExtension(e) => ("add".into(), format!("extension {e}")),
        Change::DropExtension(e) => ("drop".into(), format!("extension {e}")),
        Change::CreateSchema(s) => ("add".into(), format!("schema {s}")),
        Change::DropSchema(s) => ("drop".into(), format!("schema {s}")),
        Change::CreateEnum(e) => ("add".into(), format!("enum {}", e.sql_name)),
        Change::DropEnum { sql_name, .. } => ("drop".into(), format!("enum {sql_name}")),
        Change::RenameEnum { from, to, .. } => ("rename".into(), format!("enum {from} to {to}")),
        Change::MoveEnum { sql_name, to, .. } => {
            ("move".into(), format!("enum {sql_name} to {to}"))
        }
        Change::AddEnumValue {
            sql_name, value, ..
        } => ("add".into(), format!("value {value:?} to enum {sql_name}")),
        Change::RenameEnumValue {
            sql_name, from, to, ..
        } => (
            "rename".into(),
            format!("value {from:?} of enum {sql_name} to {to:?}"),
        ),
        Change::RecreateEnum { new, removed, .. } => (
            "rebuild".into(),
            if removed.is_empty() {
                format!("enum {} (values reordered)", new.sql_name)
            } else {
                format!("enum {} without {}", new.sql_name, removed.join(", "))
            },
        ),
        Change::CreateTable { table, .. } => ("add".into(), format!("table {}", table.name)),
        Change::DropTable(r) => ("drop".into(), format!("table {}", t(r))),
        Change::RenameTable { table, to } => {
            ("rename".into(), format!("table {} to {to}", t(table)))
        }
        Change::MoveTable { table, to_schema } => (
            "move".into(),
            format!("table {} to schema {to_schema}", t(table)),
        ),
        Change::AddColumn { table, column, .. } => {
            ("add".into(), format!("column {}.{column}", t(table)))
        }
        Change::DropColumn { table, column } => {
            ("drop".into(), format!("column {}.{column}", t(table)))
        }
        Change::RenameColumn { table, from, to } => (
            "rename".into(),
            format!("column {}.{from} to {to}", t(table)),
        ),
        Change::AlterColumnType {
            table,
            column,
            to_sql,
            ..
        } => (
            "alter".into(),
            format!("column {}.{column} type to {to_sql}", t(table)),
        ),
        Change::SetNotNull { table, column, .. } => (
            "alter".into(),
            format!("column {}.{column} set not null", t(table)),
        ),
        Change::DropNotNull { table, column } => (
            "alter".into(),
            format!("column {}.{column} drop not null", t(table)),
        ),
        Change::SetDefault { table, column, sql } => (
            "alter".into(),
            format!("column {}.{column} default {sql}", t(table)),
        ),
        Change::DropDefault { table, column } => (
            "alter".into(),
            format!("column {}.{column} drop default", t(table)),
        ),
        Change::AddIdentity { table, column, .. } => (
            "alter".into(),
            format!("column {}.{column} add identity", t(table)),
        ),
        Change::SetIdentity { table, column, .. } => (
            "alter".into(),
            format!("column {}.{column} identity kind", t(table)),
        ),
        Change::DropIdentity { table, column } => (
            "alter".into(),
            format!("column {}.{column} drop identity", t(table)),
        ),
        Change::DropExpression { table, column } => (
            "alter".into(),
            format!("column {}.{column} no longer generated", t(table)),
        ),
        Change::AddSerial { table, column, .. } => (
            "alter".into(),
            format!("column {}.{column} becomes serial", t(table)),
        ),
        Change::DropSerial { table, column, .. } => (
            "alter".into(),
            format!("column {}.{column} no longer serial", t(table)),
        ),
        Change::RenameSequence { from, to, .. } => {
            ("rename".into(), format!("sequence {from} to {to}"))
        }
        Change::AddPrimaryKey { table, pk } => (
            "add".into(),
            format!("primary key {} on {}", pk.name, t(table)),
        ),
        Change::AddUnique { table, unique } => (
            "add".into(),
            format!("unique {} on {}", unique.name, t(table)),
        ),
        Change::AddCheck { table, check } => (
            "add".into(),
            format!("check {} on {}", check.name, t(table)),
        ),
        Change::AddForeignKey { table, fk } => (
            "add".into(),
            format!("foreign key {} on {}", fk.name, t(table)),
        ),
        Change::DropConstraint { table, name } => {
            ("drop".into(), format!("constraint {name} on {}", t(table)))
        }
        Change::RenameConstraint { table, from, to } => (
            "rename".into(),
            format!("constraint {from} on {} to {to}", t(table)),
        ),
        Change::CreateIndex { index, .. } => ("add".into(), format!("index {}", index.name)),
        Change::DropIndex { name, .. } => ("drop".into(), format!("index {name}")),
        Change::RenameIndex { from, to, .. } => ("rename".into(), format!("index {from} to {to}")),
        Change::Comment { target, text } => {
            let what = match target {
                CommentTarget::Table(r) => format!("table {}", t(r)),
                CommentTarget::Column(r, c) => format!("column {}.{c}", t(r)),
                CommentTarget::Type { name, .. } => format!("enum {name}"),
            };
            (
                if text.is_some() {
                    "comment"
                } else {
                    "uncomment"
                }
                .into(),
                what,
            )
        }
    }
}

/// The tables a change touches (new names), for migration names.
pub fn touched_table(change: &Change) -> Option<String> {
    match change {
        Change::CreateTable { table, .. } => Some(table.name.clone()),
        Change::DropTable(r) => Some(r.name.clone()),
        Change::RenameTable { to, .. } => Some(to.clone()),
        Change::MoveTable { table, .. }
        | Change::AddColumn { table, .. }
        | Change::DropColumn { table, .. }
        | Change::RenameColumn { table, .. }
        | Change::AlterColumnType { table, .. }
        | Change::SetNotNull { table, .. }
        | Change::DropNotNull { table, .. }
        | Change::SetDefault { table, .. }
        | Change::DropDefault { table, .. }
        | Change::AddIdentity { table, .. }
        | Change::SetIdentity { table, .. }
        | Change::DropIdentity { table, .. }
        | Change::DropExpression { table, .. }
        | Change::AddSerial { table, .. }
        | Change::DropSerial { table, .. }
        | Change::AddPrimaryKey { table, .. }
        | Change::AddUnique { table, .. }
        | Change::AddCheck { table, .. }
        | Change::AddForeignKey { table, .. }
        | Change::DropConstraint { table, .. }
        | Change::RenameConstraint { table, .. }
        | Change::CreateIndex { table, .. } => Some(table.name.clone()),
        Change::Comment {
            target: CommentTarget::Table(r) | CommentTarget::Column(r, _),
            ..
        } => Some(r.name.clone()),
        _ => None,
    }
}
