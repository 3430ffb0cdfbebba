//! A table's fields: the row struct's, a new row's and a patch's.

use schemac_schema::model::{Column, Identity};
use schemac_schema::sql::{ident as quoted, string_literal};

use super::table::{Col, Ctx, id_name, is_ulid_id, nullable};
use super::{Field, NewField, NewFieldKind, PatchField, rust_string};
use crate::rust::names::{snake_ident, unraw};
use crate::rust::types::{option, path};

pub(super) fn field_ident(column: &Column) -> (String, String) {
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

/// The row struct's fields.
pub(super) fn fields(ctx: &Ctx<'_>) -> Vec<Field> {
    ctx.columns
        .iter()
        .map(
            |Col {
                 column: c,
                 ident,
                 rt,
             }| {
                let (_, rename) = field_ident(c);
                let mut attrs: Vec<String> = Vec::new();
                if !rename.is_empty() {
                    attrs.push(rename);
                }
                if rt.json {
                    attrs.push("json".to_owned());
                }
                // A sensitive value redacts itself in Debug and serde.
                let value = if c.sensitive {
                    format!("{}::Sensitive<{}>", path::RT, rt.value)
                } else {
                    rt.value.clone()
                };
                Field {
                    ident: ident.clone(),
                    sql: quoted(&c.name),
                    ty: nullable(&value, c.nullable),
                    row_attr: attrs.join(", "),
                    sensitive: c.sensitive,
                    doc: c.comment.clone().unwrap_or_default(),
                    json: rt.json,
                }
            },
        )
        .collect()
}

/// The insert struct's fields: every column a new row may give. A new row is
/// live: the soft-delete columns keep their defaults.
pub(super) fn new_fields(ctx: &Ctx<'_>) -> Vec<NewField> {
    ctx.columns
        .iter()
        .filter(|c| {
            c.column.generated.is_none()
                && c.column.identity != Some(Identity::Always)
                && !ctx.soft_columns.contains(&c.column.name.as_str())
        })
        .map(|c| new_field(ctx, c))
        .collect()
}

fn new_field(ctx: &Ctx<'_>, col: &Col<'_>) -> NewField {
    let Col {
        column: c,
        ident,
        rt,
    } = col;
    let sequence = c.identity.is_some() || c.ty.base.is_serial();
    let defaulted = c.default.is_some() || sequence;
    // Only a table's own single-column key is made here; a key that
    // points elsewhere (a foreign key) names an existing row.
    let references = ctx
        .table
        .foreign_keys
        .iter()
        .any(|fk| fk.columns.contains(&c.name));
    let ulid = is_ulid_id(c, ctx.schema)
        && ctx.pk_columns == [c.name.as_str()]
        && !references
        && !defaulted;
    let (kind, ty, doc) = if ulid {
        (
            NewFieldKind::Ulid,
            option(&rt.value),
            format!("A new `{}` when `None`.", id_name(&rt.value)),
        )
    } else if defaulted && c.nullable {
        (
            NewFieldKind::NullableDefault,
            option(&option(&rt.value)),
            "`None`: the column's default; `Some(None)`: NULL.".to_owned(),
        )
    } else if defaulted {
        let default = if sequence {
            "the next value of the sequence".to_owned()
        } else {
            format!(
                "the default, `{}`",
                c.default.as_ref().map(|d| d.sql()).unwrap_or_default()
            )
        };
        (
            NewFieldKind::Optional,
            option(&rt.value),
            format!("`None`: {default}."),
        )
    } else if c.nullable {
        (NewFieldKind::Optional, option(&rt.value), String::new())
    } else {
        (NewFieldKind::Required, rt.value.clone(), String::new())
    };
    let coalesce = match (&c.default, kind) {
        (Some(d), NewFieldKind::Optional | NewFieldKind::NullableDefault) => d.sql().to_owned(),
        // A sequence's next value, as the column's own default would take
        // it (an identity BY DEFAULT accepts it explicitly).
        (None, NewFieldKind::Optional) if sequence => format!(
            "nextval(pg_get_serial_sequence({}, {}))",
            string_literal(&ctx.table_sql),
            string_literal(&c.name)
        ),
        _ => String::new(),
    };
    let stem = unraw(ident).trim_end_matches('_');
    let defaulted_flag = kind == NewFieldKind::NullableDefault
        || (kind == NewFieldKind::Optional && !coalesce.is_empty());
    NewField {
        local: if stem.is_empty() { unraw(ident) } else { stem }.to_owned(),
        ident: ident.clone(),
        sql: quoted(&c.name),
        ty,
        doc,
        kind,
        sensitive: c.sensitive,
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
        attr: write_attr(
            c,
            ident,
            &[
                ("default", defaulted_flag),
                ("id", kind == NewFieldKind::Ulid),
                ("json", rt.json),
                ("array", rt.array),
            ],
        ),
    }
}

/// The patch struct's fields: what `update` may change (not the key, the
/// soft-delete columns or those the database sets).
pub(super) fn patch_fields(ctx: &Ctx<'_>) -> Vec<PatchField> {
    ctx.columns
        .iter()
        .filter(|Col { column: c, .. }| {
            c.generated.is_none()
                && c.identity != Some(Identity::Always)
                && !c.on_update_now
                && !ctx.pk_columns.contains(&c.name.as_str())
                && !ctx.soft_columns.contains(&c.name.as_str())
        })
        .map(
            |Col {
                 column: c,
                 ident,
                 rt,
             }| PatchField {
                ident: ident.clone(),
                sensitive: c.sensitive,
                sql: quoted(&c.name),
                ty: if c.nullable {
                    option(&option(&rt.value))
                } else {
                    option(&rt.value)
                },
                nullable: c.nullable,
                json: rt.json,
                attr: write_attr(c, ident, &[("json", rt.json)]),
            },
        )
        .collect()
}

/// `#[new(...)]` / `#[patch(...)]` contents: the column when the field is
/// named otherwise, and the flags that hold.
fn write_attr(column: &Column, ident: &str, flags: &[(&str, bool)]) -> String {
    let mut parts = Vec::new();
    if unraw(ident) != column.name {
        parts.push(format!("rename = \"{}\"", rust_string(&column.name)));
    }
    parts.extend(
        flags
            .iter()
            .filter(|(_, on)| *on)
            .map(|(f, _)| (*f).to_owned()),
    );
    parts.join(", ")
}
