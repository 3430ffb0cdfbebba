//! What the templates see: each table, enum and ID with its names, types
//! and SQL worked out here, so the templates only arrange them.

use serde::Serialize;

use schemac_schema::model::{Column, IdBody, IdStorage, Identity, Schema, Table};
use schemac_schema::sql::{ident, qualified};
use schemac_schema::types::BaseType;

use super::names::{camel_ident, snake_ident, struct_name, unraw, variant_names};
use super::types::{RustType, imports, rust_type};

#[derive(Serialize)]
pub struct EnumView {
    pub name: String,
    pub pg_name: String,
    pub doc: String,
    pub variants: Vec<(String, String)>,
}

#[derive(Serialize)]
pub struct IdView {
    pub name: String,
    pub prefix: String,
    pub separator: String,
    pub storage: &'static str,
    pub body: &'static str,
    pub field: &'static str,
    pub doc: String,
}

#[derive(Serialize)]
pub struct Field {
    pub ident: String,
    /// The column as SQL spells it, quoted.
    pub sql: String,
    pub ty: String,
    /// `#[row(...)]` contents, if any.
    pub row_attr: String,
    pub sensitive: bool,
    pub doc: String,
    pub json: bool,
}

/// A field of the insert struct.
#[derive(Serialize)]
pub struct NewField {
    pub ident: String,
    pub sql: String,
    pub ty: String,
    pub doc: String,
    /// `required`, `optional` (omitted when None: default or NULL),
    /// `nullable_default` (Option<Option<T>>: None = default), `ulid` (made in code).
    pub kind: &'static str,
    pub json: bool,
    pub id_type: String,
    /// For insert_many: the UNNEST cast and what a missing value becomes.
    pub unnest_cast: String,
    pub coalesce: String,
    pub copy: bool,
    pub array: bool,
    /// The Rust locals insert_many binds for this field, in parameter order.
    pub many_params: Vec<String>,
}

#[derive(Serialize)]
pub struct PatchField {
    pub ident: String,
    pub sql: String,
    pub ty: String,
    pub nullable: bool,
    pub json: bool,
}

/// A set of columns a row can be found by: the primary key or a unique set.
#[derive(Serialize)]
pub struct Key {
    /// `user_id: &UserId, key: &str`
    pub params: String,
    /// `user_id, key`: the parameters as bound values.
    pub args: Vec<String>,
    /// `"user_id" = $1 AND "key" = $2`, numbered from `first`.
    pub where_sql: String,
    pub columns_sql: Vec<String>,
    /// `user_id_key`, for function names.
    pub suffix: String,
    /// For list(): `Option<(&UserId, &str)>` and the cursor's binding.
    pub cursor_ty: String,
    pub cursor_bind: Vec<String>,
    /// The key's type without `Option`, and the row fields that make it.
    pub key_ty: String,
    pub key_fields: Vec<String>,
    pub tuple_sql: String,
    /// The cursor's parameters after the limit: `$2` or `($2, $3)`.
    pub cursor_sql: String,
    pub order_asc: String,
    pub order_desc: String,
}

#[derive(Serialize)]
pub struct ForeignKeyView {
    pub ident: String,
    pub fn_name: String,
    pub param_ty: String,
    pub elem_ty: String,
    pub sql: String,
    pub parent: String,
    pub nullable: bool,
    pub copy: bool,
}

/// A list in the order of an index marked `paginate: true`.
#[derive(Serialize)]
pub struct OrderedList {
    pub fn_name: String,
    pub columns: String,
    pub key: Key,
}

/// A many-to-many relation: the rows of another table reached through a junction.
#[derive(Serialize)]
pub struct RelationView {
    pub name: String,
    pub target: String,
    pub junction: String,
    /// `super::users::User`
    pub target_struct: String,
    pub key_ty: String,
    pub key_param: String,
    pub key_copy: bool,
    /// The whole statement, `$1` being the keys (an array) or one key.
    pub sql_many: String,
    pub sql_one: String,
}

#[derive(Serialize)]
pub struct SoftView {
    /// `"deleted_at" IS NULL`
    pub live: String,
    pub deleted: String,
    pub set_deleted: String,
    pub set_restored: String,
}

#[derive(Serialize)]
pub struct TableView {
    pub header: String,
    pub module: String,
    pub struct_name: String,
    pub new_name: String,
    pub patch_name: String,
    pub doc: String,
    pub table_sql: String,
    pub select: String,
    pub imports: Vec<String>,
    pub fields: Vec<Field>,
    pub custom_debug: bool,
    pub new_fields: Vec<NewField>,
    pub patch_fields: Vec<PatchField>,
    pub on_update: Vec<String>,
    pub pk: Option<Key>,
    pub uniques: Vec<Key>,
    pub fks: Vec<ForeignKeyView>,
    pub soft: Option<SoftView>,
    pub insert_many: bool,
    pub insert_many_sql: String,
    pub ordered_lists: Vec<OrderedList>,
    pub relations: Vec<RelationView>,
    /// What the file takes from schemac_runtime.
    pub runtime_uses: String,
}

pub fn enums(schema: &Schema) -> Vec<EnumView> {
    schema
        .enums
        .iter()
        .map(|e| EnumView {
            name: camel_ident(&e.name),
            pg_name: rust_string(&e.sql_name),
            doc: e
                .comment
                .clone()
                .unwrap_or_else(|| format!("The Postgres enum `{}`.", e.sql_name)),
            variants: variant_names(&e.values)
                .into_iter()
                .zip(e.values.iter().map(|v| rust_string(v)))
                .collect(),
        })
        .collect()
}

pub fn ids(schema: &Schema) -> Vec<IdView> {
    schema
        .ids
        .iter()
        .map(|i| IdView {
            name: i.name.clone(),
            prefix: rust_string(&i.prefix),
            separator: rust_string(&i.separator),
            storage: match i.storage {
                IdStorage::Uuid => "uuid",
                IdStorage::Text => "text",
            },
            body: match i.body {
                IdBody::Ulid => "ulid",
                IdBody::Any => "any",
            },
            field: match i.body {
                IdBody::Ulid => "schemac_runtime::Ulid",
                IdBody::Any => "String",
            },
            doc: format!(
                "`{}{}…`, stored as {}.",
                i.prefix,
                i.separator,
                match i.storage {
                    IdStorage::Uuid => "uuid",
                    IdStorage::Text => "text",
                }
            ),
        })
        .collect()
}

/// A Rust string literal's contents (without the quotes).
fn rust_string(s: &str) -> String {
    s.escape_default().to_string()
}

/// Module names, one per table: the table's name, or with its pg_schema in
/// front when two schemas hold tables of the same name.
pub fn module_names(schema: &Schema) -> Vec<String> {
    schema
        .tables
        .iter()
        .map(|t| {
            let clash = schema.tables.iter().filter(|o| o.name == t.name).count() > 1;
            if clash {
                snake_ident(&format!("{}_{}", t.pg_schema, t.name))
            } else {
                snake_ident(&t.name)
            }
        })
        .collect()
}

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
                    "ulid",
                    format!("Option<{}>", rt.value),
                    format!("A new `{}` when `None`.", id_name(&rt.value)),
                )
            } else if defaulted && c.nullable {
                (
                    "nullable_default",
                    format!("Option<Option<{}>>", rt.value),
                    "`None`: the column's default; `Some(None)`: NULL.".to_owned(),
                )
            } else if defaulted {
                (
                    "optional",
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
                ("optional", format!("Option<{}>", rt.value), String::new())
            } else {
                ("required", rt.value.clone(), String::new())
            };
            let coalesce = match (&c.default, kind) {
                (Some(d), "optional" | "nullable_default") => d.sql().to_owned(),
                // A sequence's next value, as the column's own default would
                // take it (an identity BY DEFAULT accepts it explicitly).
                (None, "optional") if c.identity.is_some() || c.ty.base.is_serial() => format!(
                    "nextval(pg_get_serial_sequence({}, {}))",
                    schemac_schema::sql::string_literal(&table_sql),
                    schemac_schema::sql::string_literal(&c.name)
                ),
                _ => String::new(),
            };
            NewField {
                ident: ident.clone(),
                sql: ident_sql(&c.name),
                ty,
                doc,
                kind,
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
    let uniques: Vec<Key> = t
        .uniques
        .iter()
        .filter(|u| Some(&u.columns) != t.primary_key.as_ref().map(|p| &p.columns))
        .filter_map(|u| key(&u.columns, 1))
        .collect();
    let ordered_lists: Vec<OrderedList> = t
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
            Some(OrderedList {
                fn_name: format!("list_ordered_by_{}", k.suffix),
                columns: cols.join(", "),
                key: k,
            })
        })
        .collect();
    let relations: Vec<RelationView> = t
        .relations
        .iter()
        .filter_map(|r| relation(schema, t, r, modules))
        .collect();
    let fks: Vec<ForeignKeyView> = t
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

    let mut uses = vec!["Error", "FromRow", "Read", "ToSql", "Write", "statement"];
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
        ordered_lists,
        relations,
        runtime_uses: uses.join(", "),
    }
}

/// `insert_many`'s one statement. Scalar values travel as one array per
/// column through UNNEST, with the row's number. UNNEST would flatten an
/// array column's values into one, so each array column travels as all its
/// elements in one array plus the row number of each element (and, when the
/// field is optional, whether each row gave a value); the rows' arrays are
/// put back together with array_agg, grouped by row number. One round trip
/// whatever the row count, in linear time.
fn insert_many_sql(table_sql: &str, select: &str, fields: &mut [NewField]) -> String {
    let mut n = 0;
    let mut next = || {
        n += 1;
        format!("${n}")
    };
    let mut unnest_args = Vec::new();
    let mut unnest_names = Vec::new();
    let mut ctes = Vec::new();
    let mut joins = String::new();
    let mut selected = Vec::new();
    for (i, f) in fields.iter_mut().enumerate() {
        let local = unraw(&f.ident).to_owned();
        if !f.array {
            unnest_args.push(format!("{}::{}", next(), f.unnest_cast));
            unnest_names.push(format!("c{i}"));
            f.many_params.push(format!("&{local}_values"));
            let col = format!("u.c{i}");
            selected.push(if f.coalesce.is_empty() {
                col
            } else {
                format!("COALESCE({col}, {})", f.coalesce)
            });
            continue;
        }
        let elements = next();
        let owners = next();
        f.many_params.push(format!("&{local}_elements"));
        f.many_params.push(format!("&{local}_rows"));
        ctes.push(format!(
            "a{i} AS (SELECT f.r, array_agg(f.e ORDER BY f.o) AS v FROM UNNEST({elements}::{}, {owners}::int8[]) WITH ORDINALITY AS f(e, r, o) GROUP BY f.r)",
            f.unnest_cast
        ));
        joins.push_str(&format!(" LEFT JOIN a{i} ON a{i}.r = u.schemac_row"));
        let value = format!("COALESCE(a{i}.v, '{{}}')");
        if f.kind == "required" {
            selected.push(value);
        } else {
            unnest_args.push(format!("{}::bool[]", next()));
            unnest_names.push(format!("g{i}"));
            f.many_params.push(format!("&{local}_given"));
            let otherwise = if f.coalesce.is_empty() {
                "NULL"
            } else {
                f.coalesce.as_str()
            };
            selected.push(format!(
                "CASE WHEN u.g{i} THEN {value} ELSE {otherwise} END"
            ));
        }
    }
    unnest_args.push(format!("{}::int8[]", next()));
    unnest_names.push("schemac_row".to_owned());
    let columns: Vec<&str> = fields.iter().map(|f| f.sql.as_str()).collect();
    ctes.insert(
        0,
        format!(
            "u AS (SELECT * FROM UNNEST({}) AS u({}))",
            unnest_args.join(", "),
            unnest_names.join(", ")
        ),
    );
    format!(
        "WITH {} INSERT INTO {table_sql} ({}) SELECT {} FROM u{joins} ORDER BY u.schemac_row RETURNING {select}",
        ctes.join(", "),
        columns.join(", "),
        selected.join(", ")
    )
}

/// The loaders of a many-to-many relation, when its junction has a
/// single-column foreign key to each side and this table a one-column key.
fn relation(
    schema: &Schema,
    t: &Table,
    r: &schemac_schema::model::Relation,
    modules: &[String],
) -> Option<RelationView> {
    let pk = t.primary_key.as_ref().filter(|p| p.columns.len() == 1)?;
    let (target_at, target) = schema
        .tables
        .iter()
        .enumerate()
        .find(|(_, o)| o.name == r.many_to_many)?;
    let junction = schema.tables.iter().find(|o| o.name == r.through)?;
    let to_self = junction.foreign_keys.iter().find(|fk| {
        fk.ref_table == t.name && fk.columns.len() == 1 && fk.ref_columns == pk.columns
    })?;
    let to_target = junction.foreign_keys.iter().find(|fk| {
        fk.ref_table == target.name && fk.columns.len() == 1 && !std::ptr::eq(*fk, to_self)
    })?;
    let key_column = t.column(&pk.columns[0])?;
    let rt = rust_type(key_column, schema);
    let select = target
        .columns
        .iter()
        .map(|c| format!("t.{}", ident(&c.name)))
        .collect::<Vec<_>>()
        .join(", ");
    let mut live = Vec::new();
    for (alias, table) in [("t", target), ("j", junction)] {
        if let Some(soft) = &table.soft_delete {
            live.push(format!("{alias}.{} IS NULL", ident(&soft.at)));
        }
    }
    let live: String = live.iter().map(|l| format!(" AND {l}")).collect();
    let order = target
        .primary_key
        .as_ref()
        .map(|p| {
            let cols: Vec<String> = p
                .columns
                .iter()
                .map(|c| format!("t.{}", ident(c)))
                .collect();
            format!(" ORDER BY {}", cols.join(", "))
        })
        .unwrap_or_default();
    let from = format!(
        "FROM {} t JOIN {} j ON j.{} = t.{} WHERE j.{}",
        qualified(&target.pg_schema, &target.name),
        qualified(&junction.pg_schema, &junction.name),
        ident(&to_target.columns[0]),
        ident(&to_target.ref_columns[0]),
        ident(&to_self.columns[0]),
    );
    Some(RelationView {
        name: snake_ident(&r.name),
        target: target.name.clone(),
        junction: junction.name.clone(),
        target_struct: format!(
            "super::{}::{}",
            modules[target_at],
            struct_name(&target.name, target.rust_name.as_deref())
        ),
        key_ty: rt.value.clone(),
        key_param: rt.param.clone(),
        key_copy: rt.copy,
        sql_many: format!(
            "SELECT j.{} AS \"schemac_parent\", {select} {from} = ANY($1){live}{order}",
            ident(&to_self.columns[0])
        ),
        sql_one: format!("SELECT {select} {from} = $1{live}{order}"),
    })
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
