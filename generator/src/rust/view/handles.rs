//! A table module's key handles: constants naming each way to find rows
//! besides the primary key, with their statements. The code behind them is
//! generic in `schemac_runtime::table`; here they are only data.

use serde::Serialize;

use super::{ForeignKeyView, Key, ListView, UniqueView};
use crate::rust::names::unraw;
use crate::rust::raw_literal;

const TABLE: &str = "::schemac_runtime::table";

/// `pub const {name}: {ty} = {init};`, with its doc comment.
#[derive(Serialize)]
pub struct Handle {
    pub name: String,
    pub doc: String,
    pub ty: String,
    pub init: String,
}

/// `fn(&A, &B)`: a key's columns as the runtime's handles name them.
pub fn key_fn(key: &Key) -> String {
    let types: Vec<&str> = key.params.iter().map(|p| p.ty.as_str()).collect();
    format!("fn({})", types.join(", "))
}

/// `Pages { ... }` of a list's four statements.
pub fn pages(list: &ListView) -> String {
    format!(
        "::schemac_runtime::statement::Pages {{ first_asc: {}, first_desc: {}, after_asc: {}, after_desc: {} }}",
        raw_literal(list.first_asc.clone()),
        raw_literal(list.first_desc.clone()),
        raw_literal(list.after_asc.clone()),
        raw_literal(list.after_desc.clone()),
    )
}

/// The handles of the unique keys, foreign keys and `paginate` lists, in
/// that order. `lists` are the table's lists besides `list` itself.
pub fn handles(
    row: &str,
    uniques: &[UniqueView],
    fks: &[ForeignKeyView],
    lists: &[ListView],
    soft: bool,
) -> Vec<Handle> {
    let mut out = Vec::new();
    let unless = if soft { " (unless soft-deleted)" } else { "" };
    for u in uniques {
        // A unique foreign key's handle is its one-to-one one, below.
        let one_to_one = fks
            .iter()
            .any(|fk| fk.unique.is_some() && u.key.columns_sql == [fk.sql.clone()]);
        if one_to_one {
            continue;
        }
        let columns = u.key.columns_sql.join(", ");
        let (ty, init, doc) = match u.partial {
            true => (
                format!("{TABLE}::Lookup<{row}, {}>", key_fn(&u.key)),
                format!("{TABLE}::Lookup::new({})", raw_literal(u.get.clone())),
                format!(
                    "The row with these values of ({columns}), a partial unique index{unless}: `get`."
                ),
            ),
            false => (
                format!("{TABLE}::Unique<{row}, {}>", key_fn(&u.key)),
                format!(
                    "{TABLE}::Unique::new({}, &[{}])",
                    raw_literal(u.get.clone()),
                    literals(&u.key.columns_sql)
                ),
                format!(
                    "The row with these values of ({columns}){unless}: `get`, and `upsert` on them."
                ),
            ),
        };
        out.push(Handle {
            name: format!("by_{}", u.key.suffix),
            doc,
            ty,
            init,
        });
    }
    for fk in fks {
        let key = format!("fn({})", fk.param_ty);
        let of = match fk.nullable {
            true => format!("|row: &{row}| row.{}.as_ref()", fk.ident),
            false => format!(
                "|row: &{row}| ::core::option::Option::Some(&row.{})",
                fk.ident
            ),
        };
        let name = format!("by_{}", unraw(&fk.ident));
        if let Some(many) = &fk.unique {
            let get = uniques
                .iter()
                .find(|u| u.key.columns_sql == [fk.sql.clone()])
                .map(|u| u.get.clone())
                .unwrap_or_default();
            out.push(Handle {
                name,
                doc: format!(
                    "The row whose `{}` is this {} key{unless}, unique: `get`, `many` for many keys in one query, `upsert`.",
                    unraw(&fk.ident),
                    fk.parent
                ),
                ty: format!("{TABLE}::OneToOne<{row}, {key}>"),
                init: format!(
                    "{TABLE}::OneToOne::new({}, {}, &[{}], {of})",
                    raw_literal(get),
                    raw_literal(many.clone()),
                    literals(std::slice::from_ref(&fk.sql))
                ),
            });
            continue;
        }
        let Some(live) = fk.reads.first() else {
            continue;
        };
        // A table without a primary key has no `page` (it needs `Keyed`).
        let page = lists
            .iter()
            .find(|l| l.fn_name == format!("page_by_{}", unraw(&fk.ident)))
            .map(pages)
            .unwrap_or_else(|| {
                "::schemac_runtime::statement::Pages { first_asc: \"\", first_desc: \"\", after_asc: \"\", after_desc: \"\" }".to_owned()
            });
        let mut init = format!(
            "{TABLE}::ForeignKey::new({}, {}, {page}, {of})",
            raw_literal(live.one.clone()),
            raw_literal(live.many.clone()),
        );
        if let Some(all) = fk.reads.get(1) {
            init.push_str(&format!(
                ".with_deleted_reads({}, {})",
                raw_literal(all.one.clone()),
                raw_literal(all.many.clone())
            ));
        }
        out.push(Handle {
            name,
            doc: format!(
                "The rows whose `{}` is this {} key{unless}: `list`, `many` for many keys in one query, `page` in primary-key order.",
                unraw(&fk.ident),
                fk.parent
            ),
            ty: format!("{TABLE}::ForeignKey<{row}, {key}>"),
            init,
        });
    }
    for list in lists {
        let Some(name) = list
            .fn_name
            .strip_prefix("list_")
            .filter(|n| n.contains("ordered_by_"))
        else {
            continue;
        };
        let cursor = key_fn(&list.key);
        let (ty, init) = match &list.scope {
            Some(scope) => (
                format!("{TABLE}::OrderedWithin<{row}, fn({}), {cursor}>", scope.ty),
                format!("{TABLE}::OrderedWithin::new({})", pages(list)),
            ),
            None => (
                format!("{TABLE}::Ordered<{row}, {cursor}>"),
                format!("{TABLE}::Ordered::new({})", pages(list)),
            ),
        };
        out.push(Handle {
            name: name.to_owned(),
            doc: format!("{}.", list.doc),
            ty,
            init,
        });
    }
    out
}

fn literals(columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| raw_literal(c.clone()))
        .collect::<Vec<_>>()
        .join(", ")
}
