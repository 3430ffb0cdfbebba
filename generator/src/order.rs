//! Declaration order is not a database change.
//!
//! A snapshot records the database as migrations built it: a column added
//! later sits after the others, whatever its place in the YAML. Before a
//! schema is compared with the last snapshot it is put in the snapshot's
//! order (matched objects where they were, new ones after them in the order
//! the YAML gives), so moving tables, columns, keys or indexes around in the
//! files writes no migration.

use schemac_schema::Schema;
use schemac_schema::model::Table;

use crate::diff::{Renames, TableId};

/// The schema (with its hints) as the next snapshot after `previous` records
/// it: without hints, in `previous`'s order.
pub fn next_snapshot(previous: &Schema, schema: &Schema) -> Schema {
    let (renames, _, _) = crate::diff::renames_from_hints(previous, schema);
    in_order_of(previous, &schema.without_hints(), &renames)
}

/// `new` in the order of `old`, following the renames.
pub fn in_order_of(old: &Schema, new: &Schema, renames: &Renames) -> Schema {
    let mut out = new.clone();
    out.ids = align(&old.ids, new.ids.clone(), |o, n| o.name == n.name);
    out.enums = align(&old.enums, new.enums.clone(), |o, n| {
        o.name == renames.enum_old_name(&n.name).unwrap_or(&n.name)
    });
    out.tables = align(&old.tables, new.tables.clone(), |o, n| {
        let id = TableId::of(n);
        let was = renames.table_old_id(&id).unwrap_or(&id);
        o.pg_schema == was.schema && o.name == was.name
    });
    for t in &mut out.tables {
        let id = TableId::of(t);
        let was = renames.table_old_id(&id).unwrap_or(&id).clone();
        if let Some(ot) = old
            .tables
            .iter()
            .find(|o| o.pg_schema == was.schema && o.name == was.name)
        {
            align_table(ot, t, &id, renames);
        }
    }
    out
}

fn align_table(ot: &Table, t: &mut Table, id: &TableId, renames: &Renames) {
    t.columns = align(&ot.columns, std::mem::take(&mut t.columns), |o, n| {
        o.name == renames.column_old_name(id, &n.name).unwrap_or(&n.name)
    });
    // Keys, checks and indexes are matched by name: a renamed one is a new one here.
    t.uniques = align(&ot.uniques, std::mem::take(&mut t.uniques), |o, n| {
        o.name == n.name
    });
    t.checks = align(&ot.checks, std::mem::take(&mut t.checks), |o, n| {
        o.name == n.name
    });
    t.foreign_keys = align(
        &ot.foreign_keys,
        std::mem::take(&mut t.foreign_keys),
        |o, n| o.name == n.name,
    );
    t.indexes = align(&ot.indexes, std::mem::take(&mut t.indexes), |o, n| {
        o.name == n.name
    });
    t.relations = align(&ot.relations, std::mem::take(&mut t.relations), |o, n| {
        o.name == n.name
    });
}

/// The items of `new` that match one of `old` in `old`'s order, then the rest in their own.
fn align<T>(old: &[T], new: Vec<T>, same: impl Fn(&T, &T) -> bool) -> Vec<T> {
    let mut keyed: Vec<(usize, usize, T)> = new
        .into_iter()
        .enumerate()
        .map(|(i, n)| {
            let at = old.iter().position(|o| same(o, &n)).unwrap_or(old.len());
            (at, i, n)
        })
        .collect();
    keyed.sort_by_key(|(at, i, _)| (*at, *i));
    keyed.into_iter().map(|(_, _, n)| n).collect()
}
