//! The hints a migration was generated with, recorded in its journal entry,
//! so that history reads as it happened: `schemac diff FROM TO` shows a past
//! rename as a rename and a backfill with its value, not as a drop and an add.
//!
//! Hints are not schema state (snapshots never hold them); they belong to
//! the one migration that used them, which is where they are kept.

pub use schemac_schema::migration_dir::{
    ColumnRename, ColumnSql, ObjectRenameRecord, RecordedHints, Rename, TableRename, ValueRename,
};

use crate::diff::{DataHints, Renames, TableId};

fn column_sql(map: &foldhash::HashMap<(String, String, String), String>) -> Vec<ColumnSql> {
    let mut v: Vec<ColumnSql> = map
        .iter()
        .map(|((schema, table, column), sql)| ColumnSql {
            schema: schema.clone(),
            table: table.clone(),
            column: column.clone(),
            sql: sql.clone(),
        })
        .collect();
    v.sort();
    v
}

/// The differ's hints recorded in a journal entry, and read back from one.
pub trait Recorded: Sized {
    /// What a step was diffed with; `None` when it had no hints.
    fn of(renames: &Renames, data: &DataHints) -> Option<Self>;
    /// The hints back, to diff the migration's two snapshots with.
    fn to_hints(&self) -> (Renames, DataHints);
}

impl Recorded for RecordedHints {
    fn of(renames: &Renames, data: &DataHints) -> Option<RecordedHints> {
        let mut remap: Vec<ValueRename> = data
            .remap
            .iter()
            .flat_map(|(key, pairs)| {
                pairs.iter().map(move |(from, to)| ValueRename {
                    enum_key: key.clone(),
                    from: from.clone(),
                    to: to.clone(),
                })
            })
            .collect();
        remap.sort();
        let mut h = RecordedHints {
            table_renames: renames
                .tables
                .iter()
                .map(|(new, old)| TableRename {
                    from_schema: old.schema.clone(),
                    from: old.name.clone(),
                    to_schema: new.schema.clone(),
                    to: new.name.clone(),
                })
                .collect(),
            column_renames: renames
                .columns
                .iter()
                .map(|(t, new, old)| ColumnRename {
                    schema: t.schema.clone(),
                    table: t.name.clone(),
                    from: old.clone(),
                    to: new.clone(),
                })
                .collect(),
            enum_renames: renames
                .enums
                .iter()
                .map(|(new, old)| Rename {
                    from: old.clone(),
                    to: new.clone(),
                })
                .collect(),
            value_renames: renames
                .values
                .iter()
                .map(|(key, new, old)| ValueRename {
                    enum_key: key.clone(),
                    from: old.clone(),
                    to: new.clone(),
                })
                .collect(),
            using: column_sql(&data.using),
            using_down: column_sql(&data.using_down),
            backfill: column_sql(&data.backfill),
            remap,
            object_renames: renames
                .objects
                .iter()
                .map(|o| ObjectRenameRecord {
                    kind: o.kind,
                    schema: o.schema.clone(),
                    table: o.table.clone(),
                    from: o.from.clone(),
                    to: o.name.clone(),
                })
                .collect(),
        };
        h.table_renames.sort();
        h.column_renames.sort();
        h.enum_renames.sort();
        h.value_renames.sort();
        (h != RecordedHints::default()).then_some(h)
    }

    fn to_hints(&self) -> (Renames, DataHints) {
        let id = |schema: &str, name: &str| TableId {
            schema: schema.to_string(),
            name: name.to_string(),
        };
        let renames = Renames {
            tables: self
                .table_renames
                .iter()
                .map(|r| (id(&r.to_schema, &r.to), id(&r.from_schema, &r.from)))
                .collect(),
            columns: self
                .column_renames
                .iter()
                .map(|r| (id(&r.schema, &r.table), r.to.clone(), r.from.clone()))
                .collect(),
            enums: self
                .enum_renames
                .iter()
                .map(|r| (r.to.clone(), r.from.clone()))
                .collect(),
            values: self
                .value_renames
                .iter()
                .map(|r| (r.enum_key.clone(), r.to.clone(), r.from.clone()))
                .collect(),
            objects: self
                .object_renames
                .iter()
                .map(|r| crate::diff::ObjectRename {
                    kind: r.kind,
                    schema: r.schema.clone(),
                    table: r.table.clone(),
                    name: r.to.clone(),
                    from: r.from.clone(),
                })
                .collect(),
        };
        let map = |v: &[ColumnSql]| {
            v.iter()
                .map(|c| {
                    (
                        (c.schema.clone(), c.table.clone(), c.column.clone()),
                        c.sql.clone(),
                    )
                })
                .collect()
        };
        let mut remap: foldhash::HashMap<String, Vec<(String, String)>> =
            foldhash::HashMap::default();
        for r in &self.remap {
            remap
                .entry(r.enum_key.clone())
                .or_default()
                .push((r.from.clone(), r.to.clone()));
        }
        let data = DataHints {
            using: map(&self.using),
            using_down: map(&self.using_down),
            backfill: map(&self.backfill),
            remap,
            ..DataHints::default()
        };
        (renames, data)
    }
}
