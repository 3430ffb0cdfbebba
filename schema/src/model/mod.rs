//! The resolved model (the IR): what every later stage works from.
//!
//! Mixins are expanded, types and references resolved, every constraint and
//! index carries its final name and every default its SQL text. The snapshot
//! is this model serialized; change hints (`renamed_from`, `using`,
//! `backfill`, `remap`) describe a transition rather than a state, so they
//! live in the model but not in the snapshot.

use serde::{Deserialize, Serialize};

pub use crate::types::{BaseType, ColumnType};

mod domains;
mod renames;
mod routines;
mod sequences;

pub use domains::Domain;
pub use renames::{ObjectKind, ObjectRenamed};
pub use routines::{
    Aggregate, Function, Trigger, TriggerEvent, TriggerTiming, Volatility, input_types,
};
pub use sequences::{OwnedBy, Sequence, SequenceOptions};

/// One database of a project.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    /// The database's name.
    pub database: String,
    /// Sorted, without duplicates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<String>,
    /// Postgres namespaces other than `public` that the schema uses, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pg_schemas: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// The rich ID types.
    pub ids: Vec<IdType>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// The enums.
    pub enums: Vec<Enum>,
    /// The tables.
    pub tables: Vec<Table>,
    /// The views and materialized views, in declaration order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub views: Vec<View>,
    /// The functions, in declaration order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub functions: Vec<Function>,
    /// The aggregates, in declaration order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aggregates: Vec<Aggregate>,
    /// The standalone sequences, in declaration order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sequences: Vec<Sequence>,
    /// The domains, in declaration order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<Domain>,
    /// `renamed_from` of views, functions, triggers, sequences and domains:
    /// hints for the next migration (not kept in snapshots).
    #[serde(skip)]
    pub renamed: Vec<ObjectRenamed>,
}

impl Schema {
    /// The schema of a database with nothing in it: where the first
    /// migration starts from, and where the last down ends.
    pub fn empty(database: &str) -> Schema {
        Schema {
            database: database.to_string(),
            extensions: Vec::new(),
            pg_schemas: Vec::new(),
            ids: Vec::new(),
            enums: Vec::new(),
            tables: Vec::new(),
            views: Vec::new(),
            functions: Vec::new(),
            aggregates: Vec::new(),
            sequences: Vec::new(),
            domains: Vec::new(),
            renamed: Vec::new(),
        }
    }

    /// The view of that pg_schema and name.
    pub fn view(&self, pg_schema: &str, name: &str) -> Option<&View> {
        self.views
            .iter()
            .find(|v| v.pg_schema == pg_schema && v.name == name)
    }

    /// The table of that pg_schema and name.
    pub fn table(&self, pg_schema: &str, name: &str) -> Option<&Table> {
        self.tables
            .iter()
            .find(|t| t.pg_schema == pg_schema && t.name == name)
    }

    /// What the query lock types besides the named queries, by
    /// `pg_schema.name`: every view when the project has Rust code
    /// (`with_views`, its `[codegen]`), and the functions the code calls
    /// (`rust: true`).
    pub fn typed(&self, with_views: bool) -> crate::queries::Typed {
        let mut views: Vec<String> = match with_views {
            true => self.views.iter().map(View::key).collect(),
            false => Vec::new(),
        };
        views.sort_unstable();
        let mut functions: Vec<String> = self
            .functions
            .iter()
            .filter(|f| f.rust)
            .map(Function::key)
            .collect();
        functions.sort_unstable();
        crate::queries::Typed { views, functions }
    }

    /// The enum of that key.
    pub fn enum_type(&self, name: &str) -> Option<&Enum> {
        self.enums.iter().find(|e| e.name == name)
    }

    /// The rich ID type of that name.
    pub fn id_type(&self, name: &str) -> Option<&IdType> {
        self.ids.iter().find(|i| i.name == name)
    }

    /// Whether any enum, table or column carries a change hint.
    pub fn has_hints(&self) -> bool {
        !self.renamed.is_empty()
            || self.enums.iter().any(|e| e.hints != EnumHints::default())
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
        s.renamed.clear();
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

/// A view (`views:`): a named `SELECT`, run each time it is read, or a
/// materialized one, whose rows are stored until it is refreshed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct View {
    /// Its pg_schema.
    pub pg_schema: String,
    /// Its name.
    pub name: String,
    /// The query, as written (without a trailing `;`).
    pub sql: String,
    /// A materialized view.
    #[serde(default, skip_serializing_if = "is_false")]
    pub materialized: bool,
    /// `security_barrier`: the view's own conditions run before any a
    /// query adds (for row-level filtering views).
    #[serde(default, skip_serializing_if = "is_false")]
    pub security_barrier: bool,
    /// `WITH CHECK OPTION` of an updatable view.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_option: Option<CheckOption>,
    /// Its comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The tables and views it reads, `pg_schema.name`, sorted: those its
    /// query names, and those `depends_on` adds where the query cannot
    /// tell (a function that reads a table).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    /// A materialized view's indexes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    /// The columns that find one row (`key:`): the generated code's `get`
    /// and keyset pages. The database knows nothing of it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key: Vec<String>,
    /// Columns read as never NULL although PostgreSQL cannot tell (an
    /// aggregate, an expression): the generated row has no `Option` there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_null: Vec<String>,
    /// Its `INSTEAD OF` triggers: what a write to the view does.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<Trigger>,
}

impl View {
    /// `pg_schema.name`, as `depends_on` lists it.
    pub fn key(&self) -> String {
        format!("{}.{}", self.pg_schema, self.name)
    }
}

/// `WITH [LOCAL | CASCADED] CHECK OPTION`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckOption {
    /// Only this view's condition is checked.
    Local,
    /// The conditions of the views it reads are checked too.
    Cascaded,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
/// How a rich ID is stored.
pub enum IdStorage {
    /// A ULID stored in a `uuid` column.
    Uuid,
    /// The full external string stored in a `text` column.
    Text,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
/// What follows a rich ID's prefix.
pub enum IdBody {
    /// A ULID made by generated code.
    Ulid,
    /// Made elsewhere: any text after the prefix.
    Any,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// A rich ID type (`ids:`): a prefix and a body, stored as uuid or text.
pub struct IdType {
    /// Its name.
    pub name: String,
    /// The prefix of its text form (`org` in `org_01H…`).
    pub prefix: String,
    /// Between prefix and body (`_` by default).
    pub separator: String,
    /// How the database stores it.
    pub storage: IdStorage,
    /// What follows the prefix.
    pub body: IdBody,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// An enum type.
pub struct Enum {
    /// The key in `enums:`, which columns use as their type.
    pub name: String,
    /// The pg_schema it is in.
    pub pg_schema: String,
    /// The Postgres type name (`sql_name`, or the key).
    pub sql_name: String,
    /// Its values, in order.
    pub values: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Its comment (`COMMENT ON`).
    pub comment: Option<String>,
    #[serde(skip)]
    /// Hints for the next migration (not kept in snapshots).
    pub hints: EnumHints,
}

#[derive(Clone, Debug, Default, PartialEq)]
/// An enum's hints for the next migration.
pub struct EnumHints {
    /// The name it had before (`renamed_from`).
    pub renamed_from: Option<String>,
    /// (new value, old value)
    pub value_renames: Vec<(String, String)>,
    /// (removed value, value its rows become)
    pub remap: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// A table, mixins expanded and references resolved.
pub struct Table {
    /// The pg_schema it is in.
    pub pg_schema: String,
    /// Its name.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The Rust name given in the schema, if any.
    pub rust_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Its comment (`COMMENT ON`).
    pub comment: Option<String>,
    /// Its columns, in order.
    pub columns: Vec<Column>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Its primary key, if any.
    pub primary_key: Option<PrimaryKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// Its unique constraints.
    pub uniques: Vec<Unique>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// Its check constraints.
    pub checks: Vec<Check>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// Its foreign keys.
    pub foreign_keys: Vec<ForeignKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// Its indexes.
    pub indexes: Vec<Index>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Soft delete, if the table has it.
    pub soft_delete: Option<SoftDelete>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// The relations the generated code loads.
    pub relations: Vec<Relation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// Its triggers.
    pub triggers: Vec<Trigger>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// Its exclusion constraints.
    pub exclusions: Vec<Exclusion>,
    #[serde(skip)]
    /// Hints for the next migration (not kept in snapshots).
    pub hints: TableHints,
}

impl Table {
    /// The column of that name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
/// A table's hints for the next migration.
pub struct TableHints {
    /// The name it had before (`renamed_from`).
    pub renamed_from: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// A column.
pub struct Column {
    /// Its name.
    pub name: String,
    #[serde(rename = "type")]
    /// Its type.
    pub ty: ColumnType,
    #[serde(default, skip_serializing_if = "is_false")]
    /// Whether it may be NULL.
    pub nullable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Its default, if any.
    pub default: Option<ColumnDefault>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Identity (always or by default), if any.
    pub identity: Option<Identity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The options of an identity's sequence, when any is given.
    pub identity_options: Option<Box<SequenceOptions>>,
    /// The expression of a `GENERATED ALWAYS AS (...) STORED` column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    /// `on_update: now`: set to now() by every update the generated code makes.
    pub on_update_now: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// `COLLATE`: how its text sorts and compares (its type's default when none).
    pub collation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The Rust name given in the schema, if any.
    pub rust_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The Rust type given in the schema (`rust_type`), if any.
    pub rust_type: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    /// `sensitive: true`: redacted in Debug and serde.
    pub sensitive: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Its comment (`COMMENT ON`).
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
/// A column's hints for the next migration.
pub struct ColumnHints {
    /// The name it had before (`renamed_from`).
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
    /// A literal, as SQL (`'draft'`, `0`).
    Literal(String),
    /// An SQL expression (`default_sql`), as written.
    Sql(String),
}

impl ColumnDefault {
    /// The SQL text.
    pub fn sql(&self) -> &str {
        match self {
            ColumnDefault::Literal(s) | ColumnDefault::Sql(s) => s,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
/// An identity column's kind.
pub enum Identity {
    /// `GENERATED ALWAYS AS IDENTITY`.
    Always,
    /// `GENERATED BY DEFAULT AS IDENTITY`.
    ByDefault,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// A reference to a table of another database (no foreign key).
pub struct ExternalRef {
    /// The database's name.
    pub database: String,
    /// The table.
    pub table: String,
    /// The column.
    pub column: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// A primary key.
pub struct PrimaryKey {
    /// Its name.
    pub name: String,
    /// Its columns, in order.
    pub columns: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// A unique constraint.
pub struct Unique {
    /// Its name.
    pub name: String,
    /// Its columns, in order.
    pub columns: Vec<String>,
    /// `NULLS NOT DISTINCT`: two rows with NULL in the same key columns
    /// collide (PostgreSQL 15 and later).
    #[serde(default, skip_serializing_if = "is_false")]
    pub nulls_not_distinct: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// A check constraint.
pub struct Check {
    /// Its name.
    pub name: String,
    /// The SQL expression.
    pub expr: String,
}

/// An exclusion constraint: no two rows whose elements all compare true
/// with their operators (`EXCLUDE USING gist (room WITH =, during WITH &&)`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exclusion {
    /// Its name.
    pub name: String,
    /// The index method.
    pub using: String,
    /// Each `expression WITH operator`, as written.
    pub elements: Vec<String>,
    /// `WHERE`: only the rows it holds for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
/// What a foreign key does when its row is deleted or updated.
pub enum FkAction {
    /// `NO ACTION` (the default).
    NoAction,
    /// `RESTRICT`.
    Restrict,
    /// `CASCADE`.
    Cascade,
    /// `SET NULL`.
    SetNull,
    /// `SET DEFAULT`.
    SetDefault,
}

impl FkAction {
    /// The action in SQL.
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
/// Whether a foreign key is deferrable.
pub enum Deferrable {
    /// Not deferrable.
    No,
    /// `DEFERRABLE` (initially immediate).
    Deferrable,
    /// `DEFERRABLE INITIALLY DEFERRED`.
    InitiallyDeferred,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// A foreign key.
pub struct ForeignKey {
    /// Its name.
    pub name: String,
    /// Its columns, in order.
    pub columns: Vec<String>,
    /// The referenced table's pg_schema.
    pub ref_schema: String,
    /// The referenced table.
    pub ref_table: String,
    /// The referenced columns.
    pub ref_columns: Vec<String>,
    /// `ON DELETE`.
    pub on_delete: FkAction,
    /// `ON UPDATE`.
    pub on_update: FkAction,
    /// Whether, and how, it is deferrable.
    pub deferrable: Deferrable,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
/// An index key's order.
pub enum SortOrder {
    /// `ASC`.
    Asc,
    /// `DESC`.
    Desc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
/// Where an index key puts NULLs.
pub enum NullsOrder {
    /// `NULLS FIRST`.
    First,
    /// `NULLS LAST`.
    Last,
}

/// One key of an index: a column or an expression, with its options.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexKey {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The column.
    pub column: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// An expression key, instead of a column.
    pub expression: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Its operator class, if any.
    pub opclass: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// `ASC` or `DESC`, if given.
    pub order: Option<SortOrder>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// `NULLS FIRST` or `LAST`, if given.
    pub nulls: Option<NullsOrder>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// An index.
pub struct Index {
    /// Its name.
    pub name: String,
    #[serde(default, skip_serializing_if = "is_false")]
    /// A unique index.
    pub unique: bool,
    /// btree, hash, gin, gist, brin (or another access method by name).
    pub method: String,
    /// Its keys, in order.
    pub keys: Vec<IndexKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// `INCLUDE` columns.
    pub include: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "where")]
    /// A partial index's `WHERE`.
    pub predicate: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    /// Keyset pagination is generated over it.
    pub paginate: bool,
    /// A unique index's `NULLS NOT DISTINCT`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nulls_not_distinct: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// Soft delete: rows are marked deleted, not removed.
pub struct SoftDelete {
    /// The nullable timestamp column set when a row is deleted.
    pub at: String,
    /// An optional boolean column set to true alongside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// A many-to-many relation the generated code loads.
pub struct Relation {
    /// Its name.
    pub name: String,
    /// The table at the other end.
    pub many_to_many: String,
    /// The junction table.
    pub through: String,
}
