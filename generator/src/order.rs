//! Declaration order is not a database change.
//!
//! A snapshot records the database as migrations built it: a column added
//! later sits after the others, whatever its place in the YAML. Before a
//! schema is compared with the last snapshot it is put in the snapshot's
//! order (matched objects where they were, new ones after them in the order
//! the YAML gives), so moving tables, columns, keys or indexes around in the
//! files writes no migration.

use std::collections::HashMap;
use std::hash::Hash;

use schemac_schema::Schema;
use schemac_schema::model::Table;

use crate::diff::{Renames, TableId};

/// The schema (with its hints) as the next snapshot after `previous` records
/// it: without hints, in `previous`'s order.
pub fn next_snapshot(previous: &Schema, schema: &Schema) -> Schema {
    let (renames, _, _) = crate::diff::renames_from_hints(previous, schema);
    in_order_of(previous, &schema.hintless(), &renames)
}

/// `new` in the order of `old`, following the renames.
pub fn in_order_of(old: &Schema, new: &Schema, renames: &Renames) -> Schema {
    let mut out = new.clone();
    out.ids = align(
        &old.ids,
        std::mem::take(&mut out.ids),
        |i| i.name.clone(),
        |i| i.name.clone(),
    );
    out.enums = align(
        &old.enums,
        std::mem::take(&mut out.enums),
        |e| e.name.clone(),
        |e| {
            renames
                .enum_old_name(&e.name)
                .unwrap_or(&e.name)
                .to_string()
        },
    );
    let old_id = |t: &Table| {
        let id = TableId::of(t);
        renames.table_old_id(&id).cloned().unwrap_or(id)
    };
    out.tables = align(
        &old.tables,
        std::mem::take(&mut out.tables),
        TableId::of,
        old_id,
    );
    let old_tables: HashMap<TableId, &Table> =
        old.tables.iter().map(|t| (TableId::of(t), t)).collect();
    for t in &mut out.tables {
        if let Some(ot) = old_tables.get(&old_id(t)) {
            let id = TableId::of(t);
            align_table(ot, t, &id, renames);
        }
    }
    out
}

fn align_table(ot: &Table, t: &mut Table, id: &TableId, renames: &Renames) {
    t.columns = align(
        &ot.columns,
        std::mem::take(&mut t.columns),
        |c| c.name.clone(),
        |c| {
            renames
                .column_old_name(id, &c.name)
                .unwrap_or(&c.name)
                .to_string()
        },
    );
    // Keys, checks and indexes are matched by name: a renamed one is a new one here.
    t.uniques = align(
        &ot.uniques,
        std::mem::take(&mut t.uniques),
        |u| u.name.clone(),
        |u| u.name.clone(),
    );
    t.checks = align(
        &ot.checks,
        std::mem::take(&mut t.checks),
        |c| c.name.clone(),
        |c| c.name.clone(),
    );
    t.foreign_keys = align(
        &ot.foreign_keys,
        std::mem::take(&mut t.foreign_keys),
        |f| f.name.clone(),
        |f| f.name.clone(),
    );
    t.indexes = align(
        &ot.indexes,
        std::mem::take(&mut t.indexes),
        |i| i.name.clone(),
        |i| i.name.clone(),
    );
    t.relations = align(
        &ot.relations,
        std::mem::take(&mut t.relations),
        |r| r.name.clone(),
        |r| r.name.clone(),
    );
}

/// The items of `new` whose key (under its old name) is one of `old`'s, in
/// `old`'s order, then the rest in their own.
fn align<T, K: Eq + Hash>(
    old: &[T],
    new: Vec<T>,
    old_key: impl Fn(&T) -> K,
    new_key: impl Fn(&T) -> K,
) -> Vec<T> {
    let at: HashMap<K, usize> = old
        .iter()
        .enumerate()
        .map(|(i, o)| (old_key(o), i))
        .rev()
        .collect();
    let mut keyed: Vec<(usize, usize, T)> = new
        .into_iter()
        .enumerate()
        .map(|(i, n)| (at.get(&new_key(&n)).copied().unwrap_or(old.len()), i, n))
        .collect();
    keyed.sort_by_key(|(at, i, _)| (*at, *i));
    keyed.into_iter().map(|(_, _, n)| n).collect()
}
