//! `renamed_from` on views, functions, triggers, sequences and domains:
//! the object is renamed in place (`ALTER … RENAME TO`), first thing in the
//! migration, and the rest of the diff sees the old schema as if it had
//! always had the new name, so that a renamed object whose definition also
//! changes is changed under its new name, and what refers to it (a view's
//! reads, a trigger's or an aggregate's function, a column's domain)
//! follows. PostgreSQL binds those references by object, not by name, so
//! the rename alone keeps them working.

use schemac_schema::migration_dir::HintKey;
use schemac_schema::model::{ObjectKind, Schema};
use schemac_schema::sql::{ident, qualified};

use super::hints::{Renames, TableId};
use crate::ddl::function_signature;

/// One object under a new name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectRename {
    /// What it is.
    pub kind: ObjectKind,
    /// Its pg_schema, which it keeps.
    pub schema: String,
    /// A trigger's table, as the new schema names it.
    pub table: Option<String>,
    /// Its new name.
    pub name: String,
    /// Its old name.
    pub from: String,
}

/// Reads the objects' `renamed_from` of `new` against `old`: each one that
/// applies (the old schema has the old name and not the new) into
/// `renames`, the others described in `stale`. `fresh` says whether a hint
/// is read at all (not consumed by an earlier migration), noting it.
pub(super) fn read(
    old: &Schema,
    new: &Schema,
    fresh: &mut dyn FnMut(HintKey) -> bool,
    renames: &mut Renames,
    stale: &mut Vec<String>,
) {
    for h in &new.renamed {
        if !fresh(HintKey::ObjectRenamedFrom {
            kind: h.kind,
            schema: h.pg_schema.clone(),
            table: h.table.clone(),
            name: h.name.clone(),
            from: h.from.clone(),
        }) {
            continue;
        }
        // A trigger's table, as the old schema names it.
        let old_table = h
            .table
            .as_ref()
            .map(|t| old_table_name(renames, &h.pg_schema, t));
        let has = |name: &str| exists(old, h.kind, &h.pg_schema, old_table.as_deref(), name);
        if has(&h.from) && !has(&h.name) {
            renames.objects.push(ObjectRename {
                kind: h.kind,
                schema: h.pg_schema.clone(),
                table: h.table.clone(),
                name: h.name.clone(),
                from: h.from.clone(),
            });
        } else {
            let why = match has(&h.name) {
                true => "the rename is already in the last snapshot",
                false => "the last snapshot has no such object",
            };
            stale.push(format!(
                "`renamed_from: {}` on {} `{}` is stale ({why}); it is ignored and can be removed",
                h.from,
                h.kind.word(),
                h.name
            ));
        }
    }
}

fn exists(s: &Schema, kind: ObjectKind, pg_schema: &str, table: Option<&str>, name: &str) -> bool {
    match kind {
        ObjectKind::View => s
            .views
            .iter()
            .any(|v| v.pg_schema == pg_schema && v.name == name),
        ObjectKind::Function => s
            .functions
            .iter()
            .any(|f| f.pg_schema == pg_schema && f.name == name),
        ObjectKind::Sequence => s
            .sequences
            .iter()
            .any(|q| q.pg_schema == pg_schema && q.name == name),
        ObjectKind::Domain => s
            .domains
            .iter()
            .any(|d| d.pg_schema == pg_schema && d.name == name),
        ObjectKind::Trigger => table
            .and_then(|t| s.table(pg_schema, t))
            .is_some_and(|t| t.triggers.iter().any(|tr| tr.name == name)),
    }
}

/// The name the old schema gives a table of `pg_schema` the new schema
/// calls `table` (a trigger's table, renamed in the same migration).
fn old_table_name(r: &Renames, pg_schema: &str, table: &str) -> String {
    let id = TableId {
        schema: pg_schema.to_owned(),
        name: table.to_owned(),
    };
    r.table_old_id(&id)
        .map_or_else(|| table.to_owned(), |old| old.name.clone())
}

/// The renames seen from the other side, for the down migration: the new
/// names back to the old, a trigger's table named as the old schema does.
pub(super) fn inverse(r: &Renames) -> Vec<ObjectRename> {
    r.objects
        .iter()
        .map(|o| ObjectRename {
            kind: o.kind,
            schema: o.schema.clone(),
            table: o.table.as_ref().map(|t| old_table_name(r, &o.schema, t)),
            name: o.from.clone(),
            from: o.name.clone(),
        })
        .collect()
}

/// What each rename renames, as `ALTER` names it in `old`, and `old` with
/// them renamed: what the rest of the diff compares.
pub(super) fn apply(old: &Schema, r: &Renames) -> (Vec<(String, ObjectRename)>, Schema) {
    let mut s = old.clone();
    let mut targets = Vec::new();
    for o in &r.objects {
        let old_key = format!("{}.{}", o.schema, o.from);
        let new_key = format!("{}.{}", o.schema, o.name);
        let what = match o.kind {
            ObjectKind::View => {
                let Some(v) = s
                    .views
                    .iter_mut()
                    .find(|v| v.pg_schema == o.schema && v.name == o.from)
                else {
                    continue;
                };
                v.name.clone_from(&o.name);
                let kind = if v.materialized {
                    "MATERIALIZED VIEW"
                } else {
                    "VIEW"
                };
                format!("{kind} {}", qualified(&o.schema, &o.from))
            }
            ObjectKind::Function => {
                let Some(f) = s
                    .functions
                    .iter_mut()
                    .find(|f| f.pg_schema == o.schema && f.name == o.from)
                else {
                    continue;
                };
                let what = format!("FUNCTION {}", function_signature(f));
                f.name.clone_from(&o.name);
                what
            }
            ObjectKind::Sequence => {
                let Some(q) = s
                    .sequences
                    .iter_mut()
                    .find(|q| q.pg_schema == o.schema && q.name == o.from)
                else {
                    continue;
                };
                q.name.clone_from(&o.name);
                format!("SEQUENCE {}", qualified(&o.schema, &o.from))
            }
            ObjectKind::Domain => {
                let Some(d) = s
                    .domains
                    .iter_mut()
                    .find(|d| d.pg_schema == o.schema && d.name == o.from)
                else {
                    continue;
                };
                d.name.clone_from(&o.name);
                for c in s.tables.iter_mut().flat_map(|t| t.columns.iter_mut()) {
                    if c.ty.domain.as_deref() == Some(old_key.as_str()) {
                        c.ty.domain = Some(new_key.clone());
                    }
                }
                format!("DOMAIN {}", qualified(&o.schema, &o.from))
            }
            ObjectKind::Trigger => {
                let table = o.table.as_ref().map(|t| old_table_name(r, &o.schema, t));
                let Some(tr) = table
                    .as_ref()
                    .and_then(|t| {
                        s.tables
                            .iter_mut()
                            .find(|x| x.pg_schema == o.schema && &x.name == t)
                    })
                    .and_then(|t| t.triggers.iter_mut().find(|tr| tr.name == o.from))
                else {
                    continue;
                };
                tr.name.clone_from(&o.name);
                format!(
                    "TRIGGER {} ON {}",
                    ident(&o.from),
                    qualified(&o.schema, table.as_deref().unwrap_or_default())
                )
            }
        };
        // What refers to it by `pg_schema.name` follows.
        if matches!(o.kind, ObjectKind::View | ObjectKind::Function) {
            let follow = |d: &mut String| {
                if *d == old_key {
                    d.clone_from(&new_key);
                }
            };
            for v in &mut s.views {
                v.depends_on.iter_mut().for_each(follow);
                v.depends_on.sort();
            }
            for f in &mut s.functions {
                f.depends_on.iter_mut().for_each(follow);
                f.depends_on.sort();
            }
            for a in &mut s.aggregates {
                follow(&mut a.sfunc);
                if let Some(f) = &mut a.finalfunc {
                    follow(f);
                }
            }
            for tr in s.tables.iter_mut().flat_map(|t| t.triggers.iter_mut()) {
                follow(&mut tr.function);
            }
        }
        targets.push((what, o.clone()));
    }
    (targets, s)
}
