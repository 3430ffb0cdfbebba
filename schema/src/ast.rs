//! The schema as written: one [`FileAst`] per YAML file, every value spanned.
//!
//! Nothing here is resolved yet: types are text, references are names,
//! mixins are not expanded. `resolve` turns a set of these into the model.

use crate::model::{Deferrable, FkAction, IdBody, IdStorage, Identity};
use crate::source::{FileId, Span, Spanned};
use crate::yaml::Node;

pub type Sp<T> = Spanned<T>;

#[derive(Debug, Default)]
pub struct FileAst {
    pub file: Option<FileId>,
    pub pg_schema: Option<Sp<String>>,
    pub extensions: Vec<Sp<String>>,
    pub ids: Vec<IdDef>,
    pub enums: Vec<EnumDef>,
    pub mixins: Vec<MixinDef>,
    pub tables: Vec<TableDef>,
}

#[derive(Debug)]
pub struct IdDef {
    pub name: Sp<String>,
    pub prefix: Sp<String>,
    pub separator: Option<Sp<String>>,
    pub storage: IdStorage,
    pub body: IdBody,
}

#[derive(Debug)]
pub struct EnumValueDef {
    pub name: Sp<String>,
    pub renamed_from: Option<Sp<String>>,
}

#[derive(Debug)]
pub struct EnumDef {
    pub name: Sp<String>,
    pub sql_name: Option<Sp<String>>,
    /// The span of the value list, for "enum has no values".
    pub values_span: Span,
    pub values: Vec<EnumValueDef>,
    pub remap: Vec<(Sp<String>, Sp<String>)>,
    pub renamed_from: Option<Sp<String>>,
    pub comment: Option<Sp<String>>,
}

#[derive(Debug)]
pub struct MixinDef {
    pub name: Sp<String>,
    pub mixins: Vec<Sp<String>>,
    pub columns: Vec<ColumnDef>,
    pub indexes: Vec<IndexDef>,
    pub checks: Vec<CheckDef>,
    pub soft_delete: Option<SoftDeleteDef>,
}

#[derive(Debug)]
pub struct TableDef {
    pub name: Sp<String>,
    pub rust_name: Option<Sp<String>>,
    pub mixins: Vec<Sp<String>>,
    pub columns: Vec<ColumnDef>,
    /// The span of `columns:` (or of the table name when absent).
    pub columns_span: Span,
    pub primary_key: Option<Sp<Vec<Sp<String>>>>,
    pub unique: Vec<UniqueDef>,
    pub indexes: Vec<IndexDef>,
    pub checks: Vec<CheckDef>,
    pub foreign_keys: Vec<ForeignKeyDef>,
    pub soft_delete: Option<SoftDeleteDef>,
    pub relations: Vec<RelationDef>,
    pub comment: Option<Sp<String>>,
    pub renamed_from: Option<Sp<String>>,
}

/// A column as written. The fields most columns leave out are boxed, so the
/// common column stays small: a large schema holds tens of thousands of
/// these at once, all files parsed before any is resolved.
#[derive(Debug)]
pub struct ColumnDef {
    pub name: Sp<String>,
    /// The type text as written, including a trailing `?` or `[]`.
    pub ty: Option<Sp<String>>,
    pub nullable: Option<Sp<bool>>,
    pub primary_key: Option<Sp<bool>>,
    pub unique: Option<Sp<bool>>,
    /// Kept as a node: how to read it depends on the column's resolved type.
    pub default: Option<Node>,
    pub default_sql: Option<Box<Sp<String>>>,
    pub identity: Option<Sp<Identity>>,
    pub generated: Option<Box<Sp<String>>>,
    pub on_update_now: Option<Span>,
    pub references: Option<Box<ReferenceDef>>,
    pub on_delete: Option<Sp<FkAction>>,
    pub check: Option<Box<Sp<String>>>,
    pub rust_type: Option<Box<Sp<String>>>,
    pub rust_name: Option<Box<Sp<String>>>,
    pub sensitive: bool,
    pub comment: Option<Box<Sp<String>>>,
    pub renamed_from: Option<Box<Sp<String>>>,
    pub using: Option<Box<Sp<String>>>,
    /// `using: { down: ... }`: the conversion back, for the down migration.
    pub using_down: Option<Box<Sp<String>>>,
    pub backfill: Option<Box<Node>>,
    pub backfill_sql: Option<Box<Sp<String>>>,
}

#[derive(Debug)]
pub struct ReferenceDef {
    pub span: Span,
    pub database: Option<Sp<String>>,
    pub schema: Option<Sp<String>>,
    pub table: Sp<String>,
    pub column: Option<Sp<String>>,
    pub on_delete: Option<Sp<FkAction>>,
    pub on_update: Option<Sp<FkAction>>,
    pub deferrable: Option<Deferrable>,
}

#[derive(Debug)]
pub struct IndexDef {
    pub span: Span,
    pub columns: Vec<Sp<String>>,
    pub expression: Option<Sp<String>>,
    pub name: Option<Sp<String>>,
    pub unique: bool,
    pub predicate: Option<Sp<String>>,
    pub using: Option<Sp<String>>,
    pub include: Vec<Sp<String>>,
    pub paginate: bool,
}

#[derive(Debug)]
pub struct UniqueDef {
    pub span: Span,
    pub columns: Vec<Sp<String>>,
    pub name: Option<Sp<String>>,
}

#[derive(Debug)]
pub struct CheckDef {
    pub key: Sp<String>,
    pub expr: Sp<String>,
}

#[derive(Debug)]
pub struct ForeignKeyDef {
    pub span: Span,
    pub columns: Vec<Sp<String>>,
    pub schema: Option<Sp<String>>,
    pub references: Sp<String>,
    pub to: Vec<Sp<String>>,
    pub on_delete: Option<Sp<FkAction>>,
    pub on_update: Option<Sp<FkAction>>,
    pub deferrable: Option<Deferrable>,
    pub name: Option<Sp<String>>,
}

#[derive(Debug)]
pub struct SoftDeleteDef {
    pub span: Span,
    pub at: Sp<String>,
    pub flag: Option<Sp<String>>,
}

#[derive(Debug)]
pub struct RelationDef {
    pub name: Sp<String>,
    pub many_to_many: Sp<String>,
    pub through: Sp<String>,
}
