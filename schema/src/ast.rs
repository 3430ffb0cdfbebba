//! The schema as written: one [`FileAst`] per YAML file, every value spanned.
//!
//! Nothing here is resolved yet: types are text, references are names,
//! mixins are not expanded. `resolve` turns a set of these into the model.

use crate::model::{Deferrable, FkAction, IdBody, IdStorage, Identity};
use crate::source::{FileId, Span, Spanned};
use crate::yaml::Node;

/// A value with the place it was written.
pub type Sp<T> = Spanned<T>;

#[derive(Debug, Default)]
/// One schema file as written.
pub struct FileAst {
    /// The file.
    pub file: Option<FileId>,
    /// The pg_schema it is in.
    pub pg_schema: Option<Sp<String>>,
    /// `extensions:`, the Postgres extensions it needs.
    pub extensions: Vec<Sp<String>>,
    /// The rich ID types.
    pub ids: Vec<IdDef>,
    /// The enums.
    pub enums: Vec<EnumDef>,
    /// Its mixins.
    pub mixins: Vec<MixinDef>,
    /// The tables.
    pub tables: Vec<TableDef>,
    /// The views.
    pub views: Vec<ViewDef>,
    /// The functions.
    pub functions: Vec<FunctionDef>,
    /// The aggregates.
    pub aggregates: Vec<AggregateDef>,
    /// The standalone sequences.
    pub sequences: Vec<SequenceDef>,
    /// The domains.
    pub domains: Vec<DomainDef>,
}

#[derive(Debug)]
/// A domain as written (`domains:`).
pub struct DomainDef {
    /// Its name.
    pub name: Sp<String>,
    /// `renamed_from:` its name before the next migration.
    pub renamed_from: Option<Sp<String>>,
    /// `type:`, its base type.
    pub base: Sp<String>,
    /// `not_null: true`.
    pub not_null: bool,
    /// `default_sql:`.
    pub default: Option<Sp<String>>,
    /// `checks:`, by name.
    pub checks: Vec<CheckDef>,
    /// Its comment.
    pub comment: Option<Sp<String>>,
}

#[derive(Debug)]
/// A sequence as written (`sequences:`).
pub struct SequenceDef {
    /// Its name.
    pub name: Sp<String>,
    /// `renamed_from:` its name before the next migration.
    pub renamed_from: Option<Sp<String>>,
    /// `type:`.
    pub data_type: Option<Sp<String>>,
    /// `start`, `increment`, `min`, `max`, `cache`.
    pub start: Option<i64>,
    /// `increment:`.
    pub increment: Option<Sp<i64>>,
    /// `min:`.
    pub min_value: Option<i64>,
    /// `max:`.
    pub max_value: Option<i64>,
    /// `cache:`.
    pub cache: Option<Sp<i64>>,
    /// `cycle: true`.
    pub cycle: bool,
    /// `owned_by: table.column`.
    pub owned_by: Option<Sp<String>>,
    /// Its comment.
    pub comment: Option<Sp<String>>,
}

#[derive(Debug)]
/// A function as written (`functions:`).
pub struct FunctionDef {
    /// Its name.
    pub name: Sp<String>,
    /// `renamed_from:` its name before the next migration.
    pub renamed_from: Option<Sp<String>>,
    /// Its parameters, as SQL writes each.
    pub args: Vec<Sp<String>>,
    /// What it returns.
    pub returns: Sp<String>,
    /// Its language.
    pub language: Sp<String>,
    /// Its body.
    pub body: Sp<String>,
    /// `volatility:`.
    pub volatility: crate::model::Volatility,
    /// `strict: true`.
    pub strict: bool,
    /// `security: definer`.
    pub security_definer: bool,
    /// `search_path:`.
    pub search_path: Option<Sp<String>>,
    /// Its comment.
    pub comment: Option<Sp<String>>,
    /// `rust: true`: the generated code calls it.
    pub rust: Option<Sp<bool>>,
}

#[derive(Debug)]
/// An aggregate as written (`aggregates:`).
pub struct AggregateDef {
    /// Its name.
    pub name: Sp<String>,
    /// The types it aggregates.
    pub args: Vec<Sp<String>>,
    /// The state transition function.
    pub sfunc: Sp<String>,
    /// The state's type.
    pub stype: Sp<String>,
    /// The final function.
    pub finalfunc: Option<Sp<String>>,
    /// The state's starting value.
    pub initcond: Option<Sp<String>>,
    /// Its comment.
    pub comment: Option<Sp<String>>,
}

#[derive(Debug)]
/// An exclusion constraint as written (a table's `exclude:`).
pub struct ExclusionDef {
    /// Its key, which names it `<table>_<key>_excl`.
    pub key: Sp<String>,
    /// `using:`, the index method (`gist` by default).
    pub using: Option<Sp<String>>,
    /// `elements:`, each `expression WITH operator`.
    pub elements: Vec<Sp<String>>,
    /// `where:`.
    pub predicate: Option<Sp<String>>,
    /// `name:`, when not the derived one.
    pub name: Option<Sp<String>>,
}

#[derive(Debug)]
/// A trigger as written (a table's `triggers:`).
pub struct TriggerDef {
    /// Its name.
    pub name: Sp<String>,
    /// `renamed_from:` its name before the next migration.
    pub renamed_from: Option<Sp<String>>,
    /// `before:`, `after:` or `instead_of:`.
    pub timing: crate::model::TriggerTiming,
    /// The events under the timing key.
    pub events: Vec<Sp<crate::model::TriggerEvent>>,
    /// `update_of:`.
    pub update_of: Vec<Sp<String>>,
    /// `for_each: row | statement`.
    pub for_each_row: bool,
    /// `when:`.
    pub when: Option<Sp<String>>,
    /// `function:`.
    pub function: Sp<String>,
    /// `args:`.
    pub args: Vec<Sp<String>>,
    /// Its comment.
    pub comment: Option<Sp<String>>,
}

#[derive(Debug)]
/// A view as written (`views:`).
pub struct ViewDef {
    /// Its name.
    pub name: Sp<String>,
    /// `renamed_from:` its name before the next migration.
    pub renamed_from: Option<Sp<String>>,
    /// Its query.
    pub sql: Sp<String>,
    /// A materialized view.
    pub materialized: bool,
    /// `security_barrier: true`.
    pub security_barrier: bool,
    /// `check_option: local | cascaded`.
    pub check_option: Option<crate::model::CheckOption>,
    /// Its comment.
    pub comment: Option<Sp<String>>,
    /// Tables and views it reads that its query does not name.
    pub depends_on: Vec<Sp<String>>,
    /// A materialized view's indexes.
    pub indexes: Vec<IndexDef>,
    /// `key:` the columns that find one row, for the generated code.
    pub key: Vec<Sp<String>>,
    /// `not_null:` columns PostgreSQL cannot tell are never NULL.
    pub not_null: Vec<Sp<String>>,
    /// Its `INSTEAD OF` triggers.
    pub triggers: Vec<TriggerDef>,
}

#[derive(Debug)]
/// A rich ID type as written (`ids:`).
pub struct IdDef {
    /// Its name.
    pub name: Sp<String>,
    /// The prefix of its text form (`org` in `org_01H…`).
    pub prefix: Sp<String>,
    /// Between prefix and body (`_` by default).
    pub separator: Option<Sp<String>>,
    /// How the database stores it.
    pub storage: IdStorage,
    /// What follows the prefix.
    pub body: IdBody,
}

#[derive(Debug)]
/// One value of an enum as written.
pub struct EnumValueDef {
    /// Its name.
    pub name: Sp<String>,
    /// The name it had before (`renamed_from`).
    pub renamed_from: Option<Sp<String>>,
}

#[derive(Debug)]
/// An enum as written.
pub struct EnumDef {
    /// Its name.
    pub name: Sp<String>,
    /// Its name in SQL.
    pub sql_name: Option<Sp<String>>,
    /// The span of the value list, for "enum has no values".
    pub values_span: Span,
    /// Its values, in order.
    pub values: Vec<EnumValueDef>,
    /// `remap:` (old value, value its rows become).
    pub remap: Vec<(Sp<String>, Sp<String>)>,
    /// The name it had before (`renamed_from`).
    pub renamed_from: Option<Sp<String>>,
    /// Its comment (`COMMENT ON`).
    pub comment: Option<Sp<String>>,
}

#[derive(Debug)]
/// A mixin as written.
pub struct MixinDef {
    /// Its name.
    pub name: Sp<String>,
    /// The mixins it includes.
    pub mixins: Vec<Sp<String>>,
    /// Its columns, in order.
    pub columns: Vec<ColumnDef>,
    /// Its indexes.
    pub indexes: Vec<IndexDef>,
    /// Its check constraints.
    pub checks: Vec<CheckDef>,
    /// Soft delete, if the table has it.
    pub soft_delete: Option<SoftDeleteDef>,
}

#[derive(Debug)]
/// A table as written.
pub struct TableDef {
    /// Its name.
    pub name: Sp<String>,
    /// The Rust name given in the schema, if any.
    pub rust_name: Option<Sp<String>>,
    /// The mixins it includes.
    pub mixins: Vec<Sp<String>>,
    /// Its columns, in order.
    pub columns: Vec<ColumnDef>,
    /// The span of `columns:` (or of the table name when absent).
    pub columns_span: Span,
    /// `primary_key:`, its columns.
    pub primary_key: Option<Sp<Vec<Sp<String>>>>,
    /// `primary_key: { name: … }`: the key's own name.
    pub primary_key_name: Option<Sp<String>>,
    /// `unique:`, its unique constraints.
    pub unique: Vec<UniqueDef>,
    /// Its indexes.
    pub indexes: Vec<IndexDef>,
    /// Its check constraints.
    pub checks: Vec<CheckDef>,
    /// Its foreign keys.
    pub foreign_keys: Vec<ForeignKeyDef>,
    /// Soft delete, if the table has it.
    pub soft_delete: Option<SoftDeleteDef>,
    /// The relations the generated code loads.
    pub relations: Vec<RelationDef>,
    /// Its triggers.
    pub triggers: Vec<TriggerDef>,
    /// Its exclusion constraints, by key.
    pub exclusions: Vec<ExclusionDef>,
    /// Its comment (`COMMENT ON`).
    pub comment: Option<Sp<String>>,
    /// The name it had before (`renamed_from`).
    pub renamed_from: Option<Sp<String>>,
}

/// A column as written. The fields most columns leave out are boxed, so the
/// common column stays small: a large schema holds tens of thousands of
/// these at once, all files parsed before any is resolved.
#[derive(Debug)]
pub struct ColumnDef {
    /// Its name.
    pub name: Sp<String>,
    /// The type text as written, including a trailing `?` or `[]`.
    pub ty: Option<Sp<String>>,
    /// Whether it may be NULL.
    pub nullable: Option<Sp<bool>>,
    /// `primary_key: true`: the column is the key.
    pub primary_key: Option<Sp<bool>>,
    /// `unique: true`: a unique constraint on the column.
    pub unique: Option<Sp<bool>>,
    /// Kept as a node: how to read it depends on the column's resolved type.
    pub default: Option<Node>,
    /// `default_sql:`, an SQL expression.
    pub default_sql: Option<Box<Sp<String>>>,
    /// Identity (always or by default), if any.
    pub identity: Option<Sp<Identity>>,
    /// `identity: { generated: ..., start: ..., ... }`: its sequence's options.
    pub identity_options: Option<Box<crate::model::SequenceOptions>>,
    /// `generated:`, a stored generated column's expression.
    pub generated: Option<Box<Sp<String>>>,
    /// `on_update: now`: set to now() by every update the generated code makes.
    pub on_update_now: Option<Span>,
    /// `on_update: { now: trigger }`: and by a trigger, for every other writer.
    pub on_update_trigger: bool,
    /// `collation:`, how its text sorts and compares.
    pub collation: Option<Box<Sp<String>>>,
    /// `references:`, a foreign key.
    pub references: Option<Box<ReferenceDef>>,
    /// `ON DELETE`.
    pub on_delete: Option<Sp<FkAction>>,
    /// `check:`, a check on this column.
    pub check: Option<Box<Sp<String>>>,
    /// The Rust type given in the schema (`rust_type`), if any.
    pub rust_type: Option<Box<Sp<String>>>,
    /// The Rust name given in the schema, if any.
    pub rust_name: Option<Box<Sp<String>>>,
    /// `sensitive: true`: redacted in Debug and serde.
    pub sensitive: bool,
    /// Its comment (`COMMENT ON`).
    pub comment: Option<Box<Sp<String>>>,
    /// The name it had before (`renamed_from`).
    pub renamed_from: Option<Box<Sp<String>>>,
    /// `using:`, the conversion of a type change.
    pub using: Option<Box<Sp<String>>>,
    /// `using: { down: ... }`: the conversion back, for the down migration.
    pub using_down: Option<Box<Sp<String>>>,
    /// `backfill:`, the value rows get when the column becomes NOT NULL.
    pub backfill: Option<Box<Node>>,
    /// `backfill_sql:`, the same as an SQL expression.
    pub backfill_sql: Option<Box<Sp<String>>>,
}

#[derive(Debug)]
/// A column's `references:` as written.
pub struct ReferenceDef {
    /// Where it is written.
    pub span: Span,
    /// The database's name.
    pub database: Option<Sp<String>>,
    /// The pg_schema.
    pub schema: Option<Sp<String>>,
    /// The table.
    pub table: Sp<String>,
    /// The column.
    pub column: Option<Sp<String>>,
    /// `ON DELETE`.
    pub on_delete: Option<Sp<FkAction>>,
    /// `ON UPDATE`.
    pub on_update: Option<Sp<FkAction>>,
    /// Whether, and how, it is deferrable.
    pub deferrable: Option<Deferrable>,
}

#[derive(Debug)]
/// An index as written.
pub struct IndexDef {
    /// Where it is written.
    pub span: Span,
    /// Its columns, in order.
    pub columns: Vec<Sp<String>>,
    /// An expression key, instead of a column.
    pub expression: Option<Sp<String>>,
    /// Its name.
    pub name: Option<Sp<String>>,
    /// A unique index.
    pub unique: bool,
    /// A partial index's `WHERE`.
    pub predicate: Option<Sp<String>>,
    /// `using:`, the index method (btree, gin, …).
    pub using: Option<Sp<String>>,
    /// `INCLUDE` columns.
    pub include: Vec<Sp<String>>,
    /// Keyset pagination is generated over it.
    pub paginate: bool,
    /// `nulls_not_distinct: true` on a unique index.
    pub nulls_not_distinct: Option<Sp<bool>>,
}

#[derive(Debug)]
/// A unique constraint as written.
pub struct UniqueDef {
    /// Where it is written.
    pub span: Span,
    /// Its columns, in order.
    pub columns: Vec<Sp<String>>,
    /// Its name.
    pub name: Option<Sp<String>>,
    /// `nulls_not_distinct: true`.
    pub nulls_not_distinct: bool,
}

#[derive(Debug)]
/// A table check as written.
pub struct CheckDef {
    /// Its key.
    pub key: Sp<String>,
    /// The SQL expression.
    pub expr: Sp<String>,
    /// Its name, when not the derived `<table>_<key>_check`.
    pub name: Option<Sp<String>>,
}

#[derive(Debug)]
/// A table-level foreign key as written.
pub struct ForeignKeyDef {
    /// Where it is written.
    pub span: Span,
    /// Its columns, in order.
    pub columns: Vec<Sp<String>>,
    /// The pg_schema.
    pub schema: Option<Sp<String>>,
    /// The referenced table.
    pub references: Sp<String>,
    /// The referenced columns.
    pub to: Vec<Sp<String>>,
    /// `ON DELETE`.
    pub on_delete: Option<Sp<FkAction>>,
    /// `ON UPDATE`.
    pub on_update: Option<Sp<FkAction>>,
    /// Whether, and how, it is deferrable.
    pub deferrable: Option<Deferrable>,
    /// Its name.
    pub name: Option<Sp<String>>,
}

#[derive(Debug)]
/// `soft_delete:` as written.
pub struct SoftDeleteDef {
    /// Where it is written.
    pub span: Span,
    /// The timestamp column.
    pub at: Sp<String>,
    /// The boolean column, if any.
    pub flag: Option<Sp<String>>,
}

#[derive(Debug)]
/// A relation as written.
pub struct RelationDef {
    /// Its name.
    pub name: Sp<String>,
    /// The table at the other end.
    pub many_to_many: Sp<String>,
    /// The junction table.
    pub through: Sp<String>,
}
