//! Declaration order is not a database change.
//!
//! A snapshot records the database as migrations built it: a column added
//! later sits after the others, whatever its place in the YAML. Before a
//! schema is compared with the last snapshot it is put in the snapshot's
//! order (matched objects where they were, new ones after them in the order
//! the YAML gives), so moving tables, columns, keys or indexes around in the
//! files writes no migration.

use foldhash::HashMap;
use std::hash::Hash;

use schemac_schema::Schema;
use schemac_schema::model::{Aggregate, Domain, Function, Sequence, Table, View};

use crate::diff::{ConsumedHints, Renames, TableId};

/// The schema (with its hints, less those consumed) as the next snapshot
/// after `previous` records it: without hints, in `previous`'s order.
pub fn next_snapshot(previous: &Schema, schema: &Schema, consumed: &ConsumedHints) -> Schema {
    let renames = crate::diff::read_hints(previous, schema, consumed).renames;
    in_order_of(previous, schema.hintless().into_owned(), &renames)
}

/// `new` in the order of `old`, following the renames.
pub fn in_order_of(old: &Schema, new: Schema, renames: &Renames) -> Schema {
    // Every kind of object by name: a new one is a compile error here until
    // it says how it is ordered.
    let Schema {
        database: _,
        extensions: _,
        pg_schemas: _,
        ids: _,
        enums: _,
        tables: _,
        views: _,
        functions: _,
        aggregates: _,
        sequences: _,
        domains: _,
        renamed: _,
    } = &new;
    let mut out = new;
    out.ids = align_str(
        &old.ids,
        std::mem::take(&mut out.ids),
        |i| &i.name,
        |_| None,
    );
    out.enums = align_str(
        &old.enums,
        std::mem::take(&mut out.enums),
        |e| &e.name,
        |e| renames.enum_old_name(&e.name),
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
    out.views = align(
        &old.views,
        std::mem::take(&mut out.views),
        View::key,
        View::key,
    );
    for v in &mut out.views {
        if let Some(ov) = old.view(&v.pg_schema, &v.name) {
            v.indexes = align_str(
                &ov.indexes,
                std::mem::take(&mut v.indexes),
                |i| &i.name,
                |_| None,
            );
        }
    }
    out.functions = align(
        &old.functions,
        std::mem::take(&mut out.functions),
        Function::key,
        Function::key,
    );
    out.aggregates = align(
        &old.aggregates,
        std::mem::take(&mut out.aggregates),
        Aggregate::key,
        Aggregate::key,
    );
    out.domains = align(
        &old.domains,
        std::mem::take(&mut out.domains),
        Domain::key,
        Domain::key,
    );
    out.sequences = align(
        &old.sequences,
        std::mem::take(&mut out.sequences),
        Sequence::key,
        Sequence::key,
    );
    out
}

fn align_table(ot: &Table, t: &mut Table, id: &TableId, renames: &Renames) {
    // Every part of a table by name: a new one is a compile error here
    // until it says how it is ordered.
    let Table {
        pg_schema: _,
        name: _,
        rust_name: _,
        comment: _,
        columns: _,
        primary_key: _,
        uniques: _,
        checks: _,
        foreign_keys: _,
        indexes: _,
        soft_delete: _,
        relations: _,
        triggers: _,
        exclusions: _,
        hints: _,
    } = t;
    t.columns = align_str(
        &ot.columns,
        std::mem::take(&mut t.columns),
        |c| &c.name,
        |c| renames.column_old_name(id, &c.name),
    );
    // Keys, checks and indexes are matched by name: a renamed one is a new one here.
    t.uniques = align_str(
        &ot.uniques,
        std::mem::take(&mut t.uniques),
        |u| &u.name,
        |_| None,
    );
    t.checks = align_str(
        &ot.checks,
        std::mem::take(&mut t.checks),
        |c| &c.name,
        |_| None,
    );
    t.foreign_keys = align_str(
        &ot.foreign_keys,
        std::mem::take(&mut t.foreign_keys),
        |f| &f.name,
        |_| None,
    );
    t.indexes = align_str(
        &ot.indexes,
        std::mem::take(&mut t.indexes),
        |i| &i.name,
        |_| None,
    );
    t.relations = align_str(
        &ot.relations,
        std::mem::take(&mut t.relations),
        |r| &r.name,
        |_| None,
    );
    t.triggers = align_str(
        &ot.triggers,
        std::mem::take(&mut t.triggers),
        |r| &r.name,
        |_| None,
    );
    t.exclusions = align_str(
        &ot.exclusions,
        std::mem::take(&mut t.exclusions),
        |x| &x.name,
        |_| None,
    );
}

/// [`align`] by a name borrowed from each item: the columns, keys and
/// indexes of every table are aligned on each run, and a key allocated per
/// item made this a tenth of a one-column change at 1,000 tables.
/// An item of `new` goes by its old name, `renamed(item)`, when it has one.
fn align_str<'o, 'r, T>(
    old: &'o [T],
    new: Vec<T>,
    name: impl Fn(&T) -> &str,
    renamed: impl Fn(&T) -> Option<&'r str>,
) -> Vec<T> {
    // Already in order (the usual case): nothing to move.
    let same = |o: &T, n: &T| match renamed(n) {
        Some(old_name) => old_name == name(o),
        None => name(n) == name(o),
    };
    if old.len() == new.len() && old.iter().zip(&new).all(|(o, n)| same(o, n)) {
        return new;
    }
    let at: HashMap<&str, usize> = old
        .iter()
        .enumerate()
        .map(|(i, o)| (name(o), i))
        .rev()
        .collect();
    let mut keyed: Vec<(usize, usize, T)> = new
        .into_iter()
        .enumerate()
        .map(|(i, n)| {
            let position = match renamed(&n) {
                Some(old_name) => at.get(old_name),
                None => at.get(name(&n)),
            };
            (position.copied().unwrap_or(old.len()), i, n)
        })
        .collect();
    keyed.sort_by_key(|(at, i, _)| (*at, *i));
    keyed.into_iter().map(|(_, _, n)| n).collect()
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
