//! A table's keys and what reads by them: primary and unique keys, the
//! foreign keys' loaders and the ordered lists.

use schemac_schema::model::Table;
use schemac_schema::sql::ident as quoted;

use super::reads::{ListSpec, Scope};
use super::table::Ctx;
use super::{ForeignKeyView, Key, Param};
use crate::rust::names::unraw;
use crate::rust::types::option;

/// A set of columns a row is found by, as functions take and SQL compares it.
pub(super) fn key(ctx: &Ctx<'_>, cols: &[String]) -> Option<Key> {
    let mut params = Vec::new();
    let mut wheres = Vec::new();
    for (i, name) in cols.iter().enumerate() {
        let col = ctx.column(name)?;
        params.push(Param {
            name: col.ident.clone(),
            ty: col.rt.param.clone(),
        });
        wheres.push(format!("{} = ${}", quoted(&col.column.name), 1 + i));
    }
    let columns_sql: Vec<String> = cols.iter().map(|c| quoted(c)).collect();
    let args: Vec<String> = params.iter().map(|p| p.name.clone()).collect();
    let types: Vec<&str> = params.iter().map(|p| p.ty.as_str()).collect();
    let one = cols.len() == 1;
    let ordered = |dir: &str| {
        columns_sql
            .iter()
            .map(|c| format!("{c} {dir}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Some(Key {
        suffix: args.iter().map(|a| unraw(a)).collect::<Vec<_>>().join("_"),
        where_sql: wheres.join(" AND "),
        key_ty: if one {
            types[0].to_owned()
        } else {
            format!("({})", types.join(", "))
        },
        cursor_ty: if one {
            option(types[0])
        } else {
            option(&format!("({})", types.join(", ")))
        },
        cursor_bind: if one {
            vec![ctx.locals["cursor"].clone()]
        } else {
            let cursor = &ctx.locals["cursor"];
            (0..cols.len()).map(|i| format!("{cursor}.{i}")).collect()
        },
        cursor_sql: if one {
            "$2".to_owned()
        } else {
            let numbers: Vec<String> = (0..cols.len()).map(|i| format!("${}", i + 2)).collect();
            format!("({})", numbers.join(", "))
        },
        tuple_sql: if one {
            columns_sql[0].clone()
        } else {
            format!("({})", columns_sql.join(", "))
        },
        order_asc: ordered("ASC"),
        order_desc: ordered("DESC"),
        key_fields: args.clone(),
        args,
        params,
        columns_sql,
    })
}

/// The column sets a row can be found by besides the primary key: unique
/// constraints, then unique indexes on plain columns (with the predicate of
/// a partial one), each set once.
pub(super) fn unique_sets(t: &Table) -> Vec<(Vec<String>, Option<&str>)> {
    let mut sets: Vec<(Vec<String>, Option<&str>)> = Vec::new();
    let pk = t.primary_key.as_ref().map(|p| p.columns.as_slice());
    let taken = |sets: &[(Vec<String>, Option<&str>)], cols: &[String]| {
        pk == Some(cols) || sets.iter().any(|(c, _)| c.as_slice() == cols)
    };
    for u in &t.uniques {
        if !taken(&sets, &u.columns) {
            sets.push((u.columns.clone(), None));
        }
    }
    for ix in t.indexes.iter().filter(|ix| ix.unique) {
        // An expression key (lower(email)) is not a column a function can take.
        let Some(cols) = ix
            .keys
            .iter()
            .map(|k| k.column.clone())
            .collect::<Option<Vec<String>>>()
        else {
            continue;
        };
        if !taken(&sets, &cols) {
            sets.push((cols, ix.predicate.as_deref()));
        }
    }
    sets
}

/// The lists besides `list`: in the order of each index marked `paginate:
/// true` (the primary key appended as the tie-breaker), scoped to one parent
/// when the index leads with a foreign key (what such an index is for), and
/// one parent's rows in primary-key order for each foreign key.
pub(super) fn list_specs(ctx: &Ctx<'_>, fks: &[ForeignKeyView]) -> Vec<ListSpec> {
    let t = ctx.table;
    let scope_of = |column: &str| -> Option<Scope> {
        let col = ctx.column(column)?;
        let fk = fks
            .iter()
            .find(|fk| fk.column == column && fk.unique.is_none())?;
        Some(Scope {
            param: Param {
                name: col.ident.clone(),
                ty: col.rt.param.clone(),
            },
            sql: fk.sql.clone(),
            parent: fk.parent.clone(),
        })
    };
    let mut specs = Vec::new();
    for ix in t.indexes.iter().filter(|ix| ix.paginate) {
        let Some(mut cols) = ix
            .keys
            .iter()
            .map(|k| k.column.clone())
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        // NULLs have no place in a keyset comparison.
        if cols.iter().any(|c| t.column(c).is_none_or(|c| c.nullable)) {
            continue;
        }
        let scope = match cols.len() > 1 {
            true => scope_of(&cols[0]),
            false => None,
        };
        if scope.is_some() {
            cols.remove(0);
        }
        for p in &ctx.pk_columns {
            if !cols.iter().any(|c| c == p) {
                cols.push((*p).to_owned());
            }
        }
        let Some(k) = key(ctx, &cols) else { continue };
        let fn_name = match &scope {
            Some(s) => format!("list_by_{}_ordered_by_{}", unraw(&s.param.name), k.suffix),
            None => format!("list_ordered_by_{}", k.suffix),
        };
        specs.push(ListSpec {
            fn_name,
            order: format!(
                "ordered by ({}), the order of an index marked `paginate`",
                cols.join(", ")
            ),
            key: k,
            scope,
        });
    }
    let pk: Vec<String> = ctx.pk_columns.iter().map(|c| (*c).to_owned()).collect();
    if let Some(pk_key) = key(ctx, &pk).filter(|_| !pk.is_empty()) {
        // Every foreign key's handle pages its rows, even where an index
        // marked `paginate` gives the same order.
        for fk in fks.iter().filter(|fk| fk.unique.is_none()) {
            if let Some(scope) = scope_of(&fk.column) {
                specs.push(ListSpec {
                    fn_name: format!("page_by_{}", unraw(&fk.ident)),
                    order: "in primary-key order".into(),
                    key: pk_key.clone(),
                    scope: Some(scope),
                });
            }
        }
    }
    specs
}

/// The single-column foreign keys, each with its loaders (their statements
/// are filled in by the caller, which knows the visibilities).
pub(super) fn foreign_keys(ctx: &Ctx<'_>) -> Vec<ForeignKeyView> {
    ctx.table
        .foreign_keys
        .iter()
        .filter(|fk| fk.columns.len() == 1)
        .filter_map(|fk| {
            let col = ctx.column(&fk.columns[0])?;
            Some(ForeignKeyView {
                ident: col.ident.clone(),
                column: col.column.name.clone(),
                fn_name: format!("list_by_{}", unraw(&col.ident)),
                param_ty: col.rt.param.clone(),
                elem_ty: col.rt.value.clone(),
                sql: quoted(&col.column.name),
                parent: fk.ref_table.clone(),
                nullable: col.column.nullable,
                copy: col.rt.copy,
                reads: Vec::new(),
                unique: None,
            })
        })
        .collect()
}
