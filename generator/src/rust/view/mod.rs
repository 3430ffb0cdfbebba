//! What the templates see: each table, enum and ID with its names, types
//! and SQL worked out here, so the templates only arrange them.
//!
//! `table` builds a table's view; `statements` writes the SQL that needs
//! more than a line (insert_many, many-to-many loaders).

mod fields;
mod handles;
mod keys;
mod reads;
mod statements;
mod table;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use schemac_schema::model::{IdBody, IdStorage, Schema};

use super::names::{aside, camel_ident, snake_ident, variant_names};

pub use reads::{DeleteView, ForeignKeyRead, ListView, ReadVariant};
pub use table::table;

#[derive(Serialize)]
pub struct EnumView {
    pub name: String,
    pub pg_name: String,
    pub doc: String,
    /// Each variant, its label, and whether the label must be spelled out
    /// (the derive's default is the variant's name in snake_case).
    pub variants: Vec<(String, String, bool)>,
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

/// How a field of the insert struct is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum NewFieldKind {
    /// `T`: always written.
    Required,
    /// `Option<T>`: `None` leaves the column to its default (or NULL).
    Optional,
    /// `Option<Option<T>>`: `None` the default, `Some(None)` NULL.
    NullableDefault,
    /// `Option<Id>`: `None` makes a new ULID in code.
    Ulid,
}

/// A field of the insert struct.
#[derive(Serialize)]
pub struct NewField {
    pub ident: String,
    /// What the field's locals are named after (`self_` gives `self_values`).
    pub local: String,
    pub sql: String,
    pub ty: String,
    pub doc: String,
    pub kind: NewFieldKind,
    /// Redacted in `Debug`.
    pub sensitive: bool,
    /// The kinds, for the templates to branch on without spelling them.
    pub required: bool,
    pub optional: bool,
    pub nullable_default: bool,
    pub ulid: bool,
    /// Whether a row may leave the column to the database (a default, or a
    /// sequence), so `insert_many` writes it for all rows or none.
    pub defaulted: bool,
    pub json: bool,
    pub id_type: String,
    /// For insert_many: the UNNEST cast and what a missing value becomes.
    pub unnest_cast: String,
    pub coalesce: String,
    pub copy: bool,
    pub array: bool,
    /// The Rust locals insert_many binds for this field, in parameter order.
    pub many_params: Vec<String>,
    /// `#[new(...)]` contents, if any.
    pub attr: String,
}

#[derive(Serialize)]
pub struct PatchField {
    pub ident: String,
    /// Redacted in `Debug`.
    pub sensitive: bool,
    pub sql: String,
    pub ty: String,
    pub nullable: bool,
    pub json: bool,
    /// `#[patch(...)]` contents, if any.
    pub attr: String,
}

/// A parameter of a generated function.
#[derive(Clone, Serialize)]
pub struct Param {
    pub name: String,
    pub ty: String,
}

/// A set of columns a row can be found by: the primary key or a unique set.
#[derive(Clone, Serialize)]
pub struct Key {
    /// `user_id: &UserId`, `key: &str`
    pub params: Vec<Param>,
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
    /// The column's name, unquoted.
    pub column: String,
    pub fn_name: String,
    pub param_ty: String,
    pub elem_ty: String,
    pub sql: String,
    pub parent: String,
    pub nullable: bool,
    pub copy: bool,
    /// Its loaders' statements, for each visibility.
    pub reads: Vec<ForeignKeyRead>,
    /// The column is unique on its own: a parent has at most one such row,
    /// found by the key's `get_by_`, so instead of list loaders there is
    /// `get_by_<column>_many` with this statement.
    pub unique: Option<String>,
}

/// A unique set other than the primary key (a constraint, or a unique
/// index, partial or not), and the statement that finds a row by it.
#[derive(Serialize)]
pub struct UniqueView {
    pub key: Key,
    pub get: String,
    /// A partial unique index: an upsert cannot name it as its conflict.
    pub partial: bool,
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
    /// What an upsert of a soft-deleted row sets (its other changes touch
    /// the `on_update` columns already).
    pub set_restored: String,
    /// What `restore` sets.
    pub restore: String,
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
    pub fields: Vec<Field>,
    pub custom_debug: bool,
    /// The insert struct's constructor takes the required fields; with
    /// none, the struct is `Default` instead.
    pub new_required: Vec<Param>,
    pub new_fields: Vec<NewField>,
    pub patch_fields: Vec<PatchField>,
    pub on_update: Vec<String>,
    /// The `on_update: now` columns, quoted: what an upsert touches.
    pub on_update_columns: Vec<String>,
    pub pk: Option<Key>,
    pub uniques: Vec<UniqueView>,
    pub fks: Vec<ForeignKeyView>,
    pub soft: Option<SoftView>,
    pub insert_many: bool,
    pub insert_many_sql: String,
    /// `insert_many`'s statement when no defaulted field is given (or empty).
    pub insert_plain_sql: String,
    /// get, exists and count, for each visibility.
    pub reads: Vec<ReadVariant>,
    /// The keyset-paginated lists.
    pub lists: Vec<ListView>,
    /// The unique keys', foreign keys' and `paginate` lists' handles.
    pub handles: Vec<handles::Handle>,
    /// The primary key as the runtime names it: `fn(&UserId)`.
    pub key_fn: String,
    /// `list`'s statements, as a `Pages` value.
    pub pages: String,
    /// `list_with_deleted`'s, for a soft-delete table.
    pub all_pages: String,
    pub deletes: Option<DeleteView>,
    pub relations: Vec<RelationView>,
    /// The names of the functions' own parameters and locals (`db`, `row`,
    /// `columns`, ...), by the name they would have.
    pub locals: BTreeMap<&'static str, String>,
}

/// The parameters and locals of the generated functions that share a scope
/// with parameters or locals named after columns (a key column `db` beside
/// the executor, a json column `columns` beside the column list).
const LOCALS: &[&str] = &[
    "db", "new", "patch", "row", "rows", "after", "order", "limit", "cursor", "columns", "values",
    "value", "sql", "upsert", "changed",
];

/// [`LOCALS`], each moved aside with a trailing `_` while a column's field
/// has its name: the user's names stay as written, the generated ones give way.
pub fn locals<'a>(fields: impl IntoIterator<Item = &'a str>) -> BTreeMap<&'static str, String> {
    let taken: BTreeSet<&str> = fields.into_iter().collect();
    LOCALS
        .iter()
        .map(|&local| (local, aside(local, |n| taken.contains(n))))
        .collect()
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
                .zip(&e.values)
                .map(|(name, label)| {
                    let rename = heck::ToSnakeCase::to_snake_case(name.as_str()) != *label;
                    (name, rust_string(label), rename)
                })
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
                IdBody::Ulid => "::schemac_runtime::Ulid",
                IdBody::Any => "::std::string::String",
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
pub(super) fn rust_string(s: &str) -> String {
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
