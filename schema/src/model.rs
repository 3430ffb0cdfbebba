//! The resolved model (the IR): what every later stage works from.
//!
//! Mixins are expanded, types and references resolved, every constraint and
//! index carries its final name and every default its SQL text. The snapshot
//! is this model serialized; change hints (`renamed_from`, `using`,
//! `backfill`, `remap`) describe a transition rather than a state, so they
//! live in the model but not in the snapshot.

use serde::{Deserialize, Serialize};

pub use crate::types::{BaseType, ColumnType};

/// One database of a project.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    pub database: String,
    /// Sorted, without duplicates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<String>,
    /// Postgres namespaces other than `public` that the schema uses, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pg_schemas: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<IdType>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enums: Vec<Enum>,
    pub tables: Vec<Table>,
}

impl Schema {
    pub fn table(&self, pg_schema: &str, name: &str) -> Option<&Table> {
        self.tables
            .iter()
            .find(|t| t.pg_schema == pg_schema && t.name == name)
    }

    pub fn enum_type(&self, name: &str) -> Option<&Enum> {
        self.enums.iter().find(|e| e.name == name)
    }

    pub fn id_type(&self, name: &str) -> Option<&IdType> {
        self.ids.iter().find(|i| i.name == name)
    }

    /// Whether any enum, table or column carries a change hint.
    pub fn has_hints(&self) -> bool {
        self.enums.iter().any(|e| e.hints != EnumHints::default())
            || self.tables.iter().any(|t| {
                t.hints != TableHints::default() || t.columns.iter().any(|c| c.hints.is_some())
            })
    }

    /// The schema with every change hint removed, borrowed when it has none
    /// (a copy of a large schema costs as much as serializing it).
    pub fn hintless(&self) -> std::borrow::Cow<'_, Schema> {
        if self.has_hints() {
            std::borrow::Cow::Owned(self.without_hints())
        } else {
            std::borrow::Cow::Borrowed(self)
        }
    }

    /// The same schema with every change hint removed: what a snapshot holds.
    pub fn without_hints(&self) -> Schema {
        self.clone().into_hintless()
    }

    /// [`Schema::without_hints`], in place.
    pub fn into_hintless(self) -> Schema {
        let mut s = self;
        for e in &mut s.enums {
            e.hints = EnumHints::default();
        }
        for t in &mut s.tables {
            t.hints = TableHints::default();
            for c in &mut t.columns {
                c.hints = None;
            }
        }
        s
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdStorage {
    /// A ULID stored in a `uuid` column.
    Uuid,
    /// The full external string stored in a `text` column.
    Text,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdBody {
    /// A ULID made by generated code.
    Ulid,
    /// Made elsewhere: any text after the prefix.
    Any,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdType {
    pub name: String,
    pub prefix: String,
    pub separator: String,
    pub storage: IdStorage,
    pub body: IdBody,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Enum {
    /// The key in `enums:`, which columns use as their type.
    pub name: String,
    pub pg_schema: String,
    /// The Postgres type name (`sql_name`, or the key).
    pub sql_name: String,
    pub values: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(skip)]
    pub hints: EnumHints,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct EnumHints {
    pub renamed_from: Option<String>,
    /// (new value, old value)
    pub value_renames: Vec<(String, String)>,
    /// (removed value, value its rows become)
    pub remap: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    pub pg_schema: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub columns: Vec<Column>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<PrimaryKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uniques: Vec<Unique>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soft_delete: Option<SoftDelete>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<Relation>,
    #[serde(skip)]
    pub hints: TableHints,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct TableHints {
    pub renamed_from: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: ColumnType,
    #[serde(default, skip_serializing_if = "is_false")]
    pub nullable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<ColumnDefault>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// The expression of a `GENERATED ALWAYS AS (...) STORED` column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub on_update_now: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_type: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub sensitive: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// A reference into another database of the project (no FK constraint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_ref: Option<Box<ExternalRef>>,
    /// Boxed, and absent when the column has none (nearly always): a large
    /// schema has tens of thousands of columns, two schemas are held at once
    /// while a change is planned, and these were a quarter of a column.
    #[serde(skip)]
    pub hints: Option<Box<ColumnHints>>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ColumnHints {
    pub renamed_from: Option<String>,
    /// `ALTER ... TYPE ... USING <expr>`
    pub using: Option<String>,
    /// The `USING` expression of the down migration's conversion back.
    pub using_down: Option<String>,
    /// SQL for the value existing rows get when the column becomes NOT NULL.
    pub backfill: Option<String>,
}

/// A column default: a literal schemac rendered for the column's type, or raw SQL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnDefault {
    Literal(String),
    Sql(String),
}

impl ColumnDefault {
    pub fn sql(&self) -> &str {
        match self {
            ColumnDefault::Literal(s) | ColumnDefault::Sql(s) => s,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    Always,
    ByDefault,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalRef {
    pub database: String,
    pub table: String,
    pub column: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrimaryKey {
    pub name: String,
    pub columns: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unique {
    pub name: String,
    pub columns: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub name: String,
    pub expr: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FkAction {
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl FkAction {
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Deferrable {
    No,
    Deferrable,
    InitiallyDeferred,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForeignKey {
    pub name: String,
    pub columns: Vec<String>,
    pub ref_schema: String,
    pub ref_table: String,
    pub ref_columns: Vec<String>,
    pub on_delete: FkAction,
    pub on_update: FkAction,
    pub deferrable: Deferrable,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    Asc,
    Desc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NullsOrder {
    First,
    Last,
}

/// One key of an index: a column or an expression, with its options.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexKey {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opclass: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<SortOrder>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nulls: Option<NullsOrder>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    pub name: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// btree, hash, gin, gist, brin (or another access method by name).
    pub method: String,
    pub keys: Vec<IndexKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "where")]
    pub predicate: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub paginate: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SoftDelete {
    /// The nullable timestamp column set when a row is deleted.
    pub at: String,
    /// An optional boolean column set to true alongside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Relation {
    pub name: String,
    pub many_to_many: String,
    pub through: String,
}
