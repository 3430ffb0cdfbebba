//! One table's view: its fields, keys, loaders and statements.

use schemac_schema::model::{Column, IdBody, Identity, Schema, Table};
use schemac_schema::sql::{ident, qualified};
use schemac_schema::types::BaseType;

use super::reads::Source;
use super::statements::{insert_many_sql, relation};
use super::{
    Field, ForeignKeyView, Key, NewField, NewFieldKind, PatchField, RelationView, SoftView,
    TableView, UniqueView, rust_string,
};
use crate::rust::names::{snake_ident, struct_name, unraw};
use crate::rust::types::{RustType, imports, rust_type};

fn is_ulid_id(column: &Column, schema: &Schema) -> bool {
    match &column.ty.base {
        BaseType::Id(name) if !column.ty.array => {
            schema.id_type(name).is_some_and(|i| i.body == IdBody::Ulid)
        }
        _ => false,
    }
}

fn field_ident(column: &Column) -> (String, String) {
    let ident = match &column.rust_name {
        Some(name) => snake_ident(name),
        None => snake_ident(&column.name),
    };
    // The derive reads the column named like the field (raw prefix aside).
    let rename = if unraw(&ident) == column.name {
        String::new()
    } else {
        format!("rename = \"{}\"", rust_string(&column.name))
    };
    (ident, rename)
}

pub fn table(
    schema: &Schema,
    t: &Table,
    module: &str,
    modules: &[String],
    source: &str,
) -> TableView {
    let struct_name = struct_name(&t.name, t.rust_name.as_deref());
    let table_sql = qualified(&t.pg_schema, &t.name);
    let columns: Vec<(&Column, String, RustType)> = t
        .columns
        .iter()
        .map(|c| (c, field_ident(c).0, rust_type(c, schema)))
        .collect();
    let ty_of = |name: &str| columns.iter().find(|(c, _, _)| c.name == name);

    let fields: Vec<Field> = columns
        .iter()
        .map(|(c, ident, rt)| {
            let (_, rename) = field_ident(c);
            let mut attrs: Vec<String> = Vec::new();
            if !rename.is_empty() {
                attrs.push(rename);
            }
            if rt.json {
                attrs.push("json".to_owned());
            }
            Field {
                ident: ident.clone(),
                sql: ident_sql(&c.name),
                ty: nullable(&rt.value, c.nullable),
                row_attr: attrs.join(", "),
                sensitive: c.sensitive,
                doc: c.comment.clone().unwrap_or_default(),
                json: rt.json,
            }
        })
        .collect();
    let select = t
        .columns
        .iter()
        .map(|c| ident(&c.name))
        .collect::<Vec<_>>()
        .join(", ");

    let soft_columns: Vec<&str> = t
        .soft_delete
        .iter()
        .flat_map(|s| std::iter::once(s.at.as_str()).chain(s.flag.as_deref()))
        .collect();
    let pk_columns: Vec<&str> = t
        .primary_key
        .iter()
        .flat_map(|p| p.columns.iter().map(String::as_str))
        .collect();

    let new_fields: Vec<NewField> = columns
        .iter()
        // A new row is live: the soft-delete columns keep their defaults.
        .filter(|(c, _, _)| {
            c.generated.is_none()
                && c.identity != Some(Identity::Always)
                && !soft_columns.contains(&c.name.as_str())
        })
        .map(|(c, ident, rt)| {
            let defaulted = c.default.is_some() || c.identity.is_some() || c.ty.base.is_serial();
            // Only a table's own single-column key is made here; a key that
            // points elsewhere (a foreign key) names an existing row.
            let references = t.foreign_keys.iter().any(|fk| fk.columns.contains(&c.name));
            let ulid = is_ulid_id(c, schema)
                && pk_columns == [c.name.as_str()]
                && !references
                && !defaulted;
            let (kind, ty, doc) = if ulid {
                (
                    NewFieldKind::Ulid,
                    format!("Option<{}>", rt.value),
                    format!("A new `{}` when `None`.", id_name(&rt.value)),
                )
            } else if defaulted && c.nullable {
                (
                    NewFieldKind::NullableDefault,
                    format!("Option<Option<{}>>", rt.value),
                    "`None`: the column's default; `Some(None)`: NULL.".to_owned(),
                )
            } else if defaulted {
                (
                    NewFieldKind::Optional,
                    format!("Option<{}>", rt.value),
                    format!(
                        "`None`: {}.",
                        if c.identity.is_some() || c.ty.base.is_serial() {
                            "the next value of the sequence".to_owned()
                        } else {
                            format!(
                                "the default, `{}`",
                                c.default.as_ref().map(|d| d.sql()).unwrap_or_default()
                            )
                        }
                    ),
                )
            } else if c.nullable {
                (
                    NewFieldKind::Optional,
                    format!("Option<{}>", rt.value),
                    String::new(),
                )
            } else {
                (NewFieldKind::Required, rt.value.clone(), String::new())
            };
            let coalesce = match (&c.default, kind) {
                (Some(d), NewFieldKind::Optional | NewFieldKind::NullableDefault) => {
                    d.sql().to_owned()
                }
                // A sequence's next value, as the column's own default would
                // take it (an identity BY DEFAULT accepts it explicitly).
                (None, NewFieldKind::Optional) if c.identity.is_some() || c.ty.base.is_serial() => {
                    format!(
                        "nextval(pg_get_serial_sequence({}, {}))",
                        schemac_schema::sql::string_literal(&table_sql),
                        schemac_schema::sql::string_literal(&c.name)
                    )
                }
                _ => String::new(),
            };
            NewField {
                ident: ident.clone(),
                sql: ident_sql(&c.name),
                ty,
                doc,
                kind,
                required: kind == NewFieldKind::Required,
                optional: kind == NewFieldKind::Optional,
                nullable_default: kind == NewFieldKind::NullableDefault,
                ulid: kind == NewFieldKind::Ulid,
                defaulted: kind == NewFieldKind::NullableDefault
                    || (kind == NewFieldKind::Optional && !coalesce.is_empty()),
                json: rt.json,
                id_type: rt.value.clone(),
                unnest_cast: rt.unnest_cast.clone(),
                coalesce,
                copy: rt.copy,
                array: rt.array,
                many_params: Vec::new(),
            }
        })
        .collect();
    // insert_many goes through UNNEST, which flattens arrays.
    let mut new_fields = new_fields;
    let insert_many_sql = insert_many_sql(&table_sql, &select, &mut new_fields);
    let insert_many = !new_fields.is_empty();

    let on_update: Vec<String> = t
        .columns
        .iter()
        .filter(|c| c.on_update_now)
        .map(|c| format!("{} = now()", ident(&c.name)))
        .collect();
    let patch_fields: Vec<PatchField> = columns
        .iter()
        .filter(|(c, _, _)| {
            c.generated.is_none()
                && c.identity != Some(Identity::Always)
                && !c.on_update_now
                && !pk_columns.contains(&c.name.as_str())
                && !soft_columns.contains(&c.name.as_str())
        })
        .map(|(c, ident, rt)| PatchField {
            ident: ident.clone(),
            sql: ident_sql(&c.name),
            ty: if c.nullable {
                format!("Option<Option<{}>>", rt.value)
            } else {
                format!("Option<{}>", rt.value)
            },
            nullable: c.nullable,
            json: rt.json,
        })
        .collect();

    let key = |cols: &[String], first: usize| -> Option<Key> {
        let mut params = Vec::new();
        let mut args = Vec::new();
        let mut wheres = Vec::new();
        let mut cursor_tys = Vec::new();
        let mut suffix = Vec::new();
        for (i, name) in cols.iter().enumerate() {
            let (c, field, rt) = ty_of(name)?;
            params.push(format!("{field}: {}", rt.param));
            args.push(field.clone());
            wheres.push(format!("{} = ${}", ident_sql(&c.name), first + i));
            cursor_tys.push(rt.param.clone());
            suffix.push(unraw(field).to_owned());
        }
        let columns_sql: Vec<String> = cols.iter().map(|c| ident(c)).collect();
        let key_fields = args.clone();
        let key_ty = if cols.len() == 1 {
            cursor_tys[0].clone()
        } else {
            format!("({})", cursor_tys.join(", "))
        };
        let (cursor_ty, cursor_bind) = if cols.len() == 1 {
            (
                format!("Option<{}>", cursor_tys[0]),
                vec!["cursor".to_owned()],
            )
        } else {
            (
                format!("Option<({})>", cursor_tys.join(", ")),
                (0..cols.len()).map(|i| format!("cursor.{i}")).collect(),
            )
        };
        Some(Key {
            params: params.join(", "),
            args,
            where_sql: wheres.join(" AND "),
            suffix: suffix.join("_"),
            cursor_ty,
            cursor_bind,
            key_ty,
            key_fields,
            cursor_sql: if cols.len() == 1 {
                "$2".to_owned()
            } else {
                format!(
                    "({})",
                    (0..cols.len())
                        .map(|i| format!("${}", i + 2))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
            tuple_sql: if cols.len() == 1 {
                columns_sql[0].clone()
            } else {
                format!("({})", columns_sql.join(", "))
            },
            order_asc: columns_sql
                .iter()
                .map(|c| format!("{c} ASC"))
                .collect::<Vec<_>>()
                .join(", "),
            order_desc: columns_sql
                .iter()
                .map(|c| format!("{c} DESC"))
                .collect::<Vec<_>>()
                .join(", "),
            columns_sql,
        })
    };
    let pk = t.primary_key.as_ref().and_then(|p| key(&p.columns, 1));
    let unique_keys: Vec<Key> = t
        .uniques
        .iter()
        .filter(|u| Some(&u.columns) != t.primary_key.as_ref().map(|p| &p.columns))
        .filter_map(|u| key(&u.columns, 1))
        .collect();
    let ordered: Vec<(String, String, Key)> = t
        .indexes
        .iter()
        .filter(|ix| ix.paginate)
        .filter_map(|ix| {
            let mut cols: Vec<String> = ix
                .keys
                .iter()
                .map(|k| k.column.clone())
                .collect::<Option<Vec<_>>>()?;
            // NULLs have no place in a keyset comparison.
            if cols.iter().any(|c| t.column(c).is_none_or(|c| c.nullable)) {
                return None;
            }
            for p in &pk_columns {
                if !cols.iter().any(|c| c == p) {
                    cols.push((*p).to_owned());
                }
            }
            let k = key(&cols, 1)?;
            Some((format!("list_ordered_by_{}", k.suffix), cols.join(", "), k))
        })
        .collect();
    let relations: Vec<RelationView> = t
        .relations
        .iter()
        .filter_map(|r| relation(schema, t, r, modules))
        .collect();
    let mut fks: Vec<ForeignKeyView> = t
        .foreign_keys
        .iter()
        .filter(|fk| fk.columns.len() == 1)
        .filter_map(|fk| {
            let (c, field, rt) = ty_of(&fk.columns[0])?;
            Some(ForeignKeyView {
                ident: field.clone(),
                fn_name: format!("list_by_{}", unraw(field)),
                param_ty: rt.param.clone(),
                elem_ty: rt.value.clone(),
                sql: ident(&c.name),
                parent: fk.ref_table.clone(),
                nullable: c.nullable,
                copy: rt.copy,
                reads: Vec::new(),
            })
        })
        .collect();
    let soft = t.soft_delete.as_ref().map(|s| {
        let at = ident(&s.at);
        let (flag_on, flag_off) = match &s.flag {
            Some(f) => (
                format!(", {} = true", ident(f)),
                format!(", {} = false", ident(f)),
            ),
            None => (String::new(), String::new()),
        };
        SoftView {
            live: format!("{at} IS NULL"),
            deleted: format!("{at} IS NOT NULL"),
            set_deleted: format!("{at} = now(){flag_on}"),
            set_restored: format!("{at} = NULL{flag_off}"),
        }
    });

    let statements = Source {
        table_sql: &table_sql,
        select: &select,
        soft: soft.as_ref(),
        pk: pk.as_ref(),
    };
    let reads = statements.reads();
    let lists = statements.lists(ordered);
    let deletes = statements.deletes();
    let uniques: Vec<UniqueView> = unique_keys
        .into_iter()
        .map(|key| UniqueView {
            get: statements.get_by(&key),
            key,
        })
        .collect();
    for fk in &mut fks {
        fk.reads = statements.foreign_key(fk);
    }
    let mut uses = vec![
        "Error",
        "FromRow",
        "Read",
        "Sql",
        "ToSql",
        "Write",
        "statement",
    ];
    if columns.iter().any(|(_, _, rt)| rt.json) {
        uses.push("Json");
    }
    if pk.is_some() {
        uses.push("Order");
    }
    uses.sort_by_key(|u| (u.chars().next().is_some_and(char::is_lowercase), *u));
    let types: Vec<&RustType> = columns.iter().map(|(_, _, rt)| rt).collect();
    TableView {
        header: format!(
            "Generated by schemac from {source}, table {}. Do not edit: change the schema and run `schemac generate`.",
            table_sql
        ),
        module: module.to_owned(),
        new_name: format!("New{}", unraw(&struct_name)),
        patch_name: format!("{}Patch", unraw(&struct_name)),
        struct_name,
        doc: t
            .comment
            .clone()
            .unwrap_or_else(|| format!("A row of {table_sql}.")),
        table_sql,
        select,
        imports: imports(&types),
        custom_debug: t.columns.iter().any(|c| c.sensitive),
        fields,
        new_fields,
        patch_fields,
        on_update,
        pk,
        uniques,
        fks,
        soft,
        insert_many,
        insert_many_sql,
        reads,
        lists,
        deletes,
        relations,
        runtime_uses: uses.join(", "),
    }
}

fn nullable(ty: &str, nullable: bool) -> String {
    if nullable {
        format!("Option<{ty}>")
    } else {
        ty.to_owned()
    }
}

/// A quoted identifier; the templates turn SQL into raw string literals.
fn ident_sql(name: &str) -> String {
    ident(name)
}

/// `UserId` of `super::ids::UserId`.
fn id_name(ty: &str) -> String {
    ty.rsplit("::").next().unwrap_or(ty).to_owned()
}
