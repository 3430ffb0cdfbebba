//! One typed schema change: everything its SQL needs (names, rendered types
//! and defaults), so rendering it (`render.rs`) is a pure function of the
//! change alone.

use schemac_schema::model::*;
use schemac_schema::sql::qualified;

/// A table by its Postgres name, as it is when the change runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableRef {
    pub schema: String,
    pub name: String,
}

impl TableRef {
    pub fn of(t: &Table) -> TableRef {
        TableRef {
            schema: t.pg_schema.clone(),
            name: t.name.clone(),
        }
    }

    pub fn sql(&self) -> String {
        qualified(&self.schema, &self.name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValuePosition {
    Before(String),
    After(String),
}

/// A column whose type is an enum being recreated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumUsage {
    pub table: TableRef,
    pub column: String,
    pub array: bool,
    /// The column's default in the new schema, restored after the recreation.
    pub default: Option<String>,
    /// Whether the column had a default before, which must be dropped first.
    pub had_default: bool,
}

/// How an index is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndexBuild {
    /// In the migration's transaction, blocking writes while it builds.
    Plain,
    /// `CONCURRENTLY`, outside a transaction (safe mode, existing tables).
    Concurrent,
    /// An index whose definition changed, in safe mode: built concurrently
    /// under a temporary name, the old one dropped concurrently, then renamed.
    ConcurrentReplace,
}

/// The name an index is built under before it replaces the one it changes.
pub fn replacement_index_name(name: &str) -> String {
    let suffix = "__schemac_new";
    format!(
        "{}{suffix}",
        schemac_schema::naming::truncate_bytes(
            name,
            schemac_schema::naming::MAX_IDENTIFIER_BYTES - suffix.len()
        )
    )
}

/// How the rows of a table get a value for a NOT NULL column added without a default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fill {
    /// The schema's `backfill`: the column is added without NOT NULL,
    /// filled, then constrained.
    Backfill {
        /// The definition without NOT NULL.
        relaxed: String,
        value: String,
    },
    /// A down migration brings back a dropped column whose values are
    /// gone: the rows hold this placeholder, given as a default that is
    /// dropped right after (a constant default fills rows without a rewrite).
    Placeholder(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommentTarget {
    Table(TableRef),
    Column(TableRef, String),
    Type { schema: String, name: String },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    CreateExtension(String),
    DropExtension(String),
    CreateSchema(String),
    DropSchema(String),
    CreateEnum(Enum),
    DropEnum {
        schema: String,
        sql_name: String,
    },
    RenameEnum {
        schema: String,
        from: String,
        to: String,
    },
    MoveEnum {
        sql_name: String,
        from: String,
        to: String,
    },
    AddEnumValue {
        schema: String,
        sql_name: String,
        value: String,
        position: Option<ValuePosition>,
    },
    RenameEnumValue {
        schema: String,
        sql_name: String,
        from: String,
        to: String,
    },
    /// Values removed or reordered: the type is rebuilt and every column re-cast.
    RecreateEnum {
        new: Enum,
        /// (old value, value its rows become); removed values without an entry are lost.
        remap: Vec<(String, String)>,
        removed: Vec<String>,
        usages: Vec<EnumUsage>,
    },
    /// The full table as created (columns, primary key, uniques, checks).
    CreateTable {
        table: Table,
        create_sql: String,
    },
    DropTable(TableRef),
    RenameTable {
        table: TableRef,
        to: String,
    },
    MoveTable {
        table: TableRef,
        to_schema: String,
    },
    AddColumn {
        table: TableRef,
        column: String,
        /// `"name" type [NOT NULL] [DEFAULT ...] ...` as in CREATE TABLE.
        definition: String,
        /// How rows already in the table get a value for a NOT NULL column without a default.
        fill: Option<Fill>,
    },
    DropColumn {
        table: TableRef,
        column: String,
    },
    RenameColumn {
        table: TableRef,
        from: String,
        to: String,
    },
    AlterColumnType {
        table: TableRef,
        column: String,
        to_sql: String,
        using: String,
        /// The value NULLs get in the same rewrite, when the column also becomes NOT NULL.
        backfill: Option<String>,
        /// A serial's sequence whose type follows the column's.
        sequence: Option<(String, String)>,
    },
    /// NULLs of a column about to become NOT NULL get a value.
    Backfill {
        table: TableRef,
        column: String,
        value: String,
    },
    SetNotNull {
        table: TableRef,
        column: String,
        /// Safe mode: a validated `CHECK (col IS NOT NULL)` of this name
        /// spares Postgres the scan; it is dropped once NOT NULL is set.
        via_check: Option<String>,
    },
    DropNotNull {
        table: TableRef,
        column: String,
    },
    SetDefault {
        table: TableRef,
        column: String,
        sql: String,
    },
    DropDefault {
        table: TableRef,
        column: String,
    },
    AddIdentity {
        table: TableRef,
        column: String,
        identity: Identity,
    },
    SetIdentity {
        table: TableRef,
        column: String,
        identity: Identity,
    },
    DropIdentity {
        table: TableRef,
        column: String,
    },
    DropExpression {
        table: TableRef,
        column: String,
    },
    /// A plain integer column becomes serial: a sequence owned by the column.
    AddSerial {
        table: TableRef,
        column: String,
        sequence: String,
        big: bool,
    },
    /// A serial column becomes plain: its default and sequence go.
    DropSerial {
        table: TableRef,
        column: String,
        sequence: String,
    },
    RenameSequence {
        schema: String,
        from: String,
        to: String,
    },
    AddPrimaryKey {
        table: TableRef,
        pk: PrimaryKey,
        /// Safe mode: the key takes over a unique index built concurrently before.
        using_index: bool,
    },
    AddUnique {
        table: TableRef,
        unique: Unique,
        /// Safe mode: the constraint takes over a unique index built concurrently before.
        using_index: bool,
    },
    AddCheck {
        table: TableRef,
        check: Check,
        /// Safe mode: added without checking the rows (a later `ValidateConstraint` does).
        not_valid: bool,
    },
    AddForeignKey {
        table: TableRef,
        fk: ForeignKey,
        /// Safe mode: added without checking the rows (a later `ValidateConstraint` does).
        not_valid: bool,
    },
    /// Checks the rows against a constraint added NOT VALID, without blocking writes.
    ValidateConstraint {
        table: TableRef,
        name: String,
    },
    DropConstraint {
        table: TableRef,
        name: String,
    },
    RenameConstraint {
        table: TableRef,
        from: String,
        to: String,
    },
    CreateIndex {
        table: TableRef,
        index: Index,
        build: IndexBuild,
    },
    DropIndex {
        /// The table the index is on, as it is when the index is dropped.
        table: TableRef,
        name: String,
        /// Safe mode: `DROP INDEX CONCURRENTLY IF EXISTS`.
        concurrently: bool,
    },
    RenameIndex {
        schema: String,
        from: String,
        to: String,
    },
    Comment {
        target: CommentTarget,
        text: Option<String>,
    },
}

/// What [`retired_enum_name`] appends.
pub const RETIRED_ENUM_SUFFIX: &str = "__schemac_old";

/// The name an enum's old type steps aside to while it is rebuilt.
pub fn retired_enum_name(sql_name: &str) -> String {
    let suffix = RETIRED_ENUM_SUFFIX;
    format!(
        "{}{suffix}",
        schemac_schema::naming::truncate_bytes(
            sql_name,
            schemac_schema::naming::MAX_IDENTIFIER_BYTES - suffix.len()
        )
    )
}
