//! One typed schema change: everything its SQL needs (names, rendered types
//! and defaults), so rendering it (`render.rs`) is a pure function of the
//! change alone.

use schemac_schema::model::*;
use schemac_schema::sql::qualified;

/// A table by its Postgres name, as it is when the change runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableRef {
    /// Its pg_schema.
    pub schema: String,
    /// Its name.
    pub name: String,
}

impl TableRef {
    /// The table `t`, by its names.
    pub fn of(t: &Table) -> TableRef {
        TableRef {
            schema: t.pg_schema.clone(),
            name: t.name.clone(),
        }
    }

    /// `"schema"."name"`.
    pub fn sql(&self) -> String {
        qualified(&self.schema, &self.name)
    }
}

/// Where an enum value is added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValuePosition {
    /// `BEFORE` this value.
    Before(String),
    /// `AFTER` this value.
    After(String),
}

/// A column whose type is an enum being recreated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumUsage {
    /// The column's table.
    pub table: TableRef,
    /// The column.
    pub column: String,
    /// An array of the enum.
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
        /// The SQL expression the rows get.
        value: String,
    },
    /// A down migration brings back a dropped column whose values are
    /// gone: the rows hold this placeholder, given as a default that is
    /// dropped right after (a constant default fills rows without a rewrite).
    Placeholder(String),
}

/// What a comment is on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommentTarget {
    /// A table.
    Table(TableRef),
    /// A column of a table.
    Column(TableRef, String),
    /// A type (an enum).
    Type {
        /// Its pg_schema.
        schema: String,
        /// Its name.
        name: String,
    },
    /// A view.
    View {
        /// The view.
        view: TableRef,
        /// A materialized view.
        materialized: bool,
    },
    /// A function or an aggregate.
    Routine {
        /// `FUNCTION` or `AGGREGATE`.
        kind: &'static str,
        /// `"schema"."name"(input types)`.
        signature: String,
    },
    /// A domain.
    Domain {
        /// Its pg_schema.
        schema: String,
        /// Its name.
        name: String,
    },
    /// A standalone sequence.
    Sequence {
        /// Its pg_schema.
        schema: String,
        /// Its name.
        name: String,
    },
    /// A trigger.
    Trigger {
        /// Its table.
        table: TableRef,
        /// Its name.
        name: String,
    },
}

/// One schema change, with everything its SQL needs.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// `CREATE EXTENSION IF NOT EXISTS`, by name.
    CreateExtension(String),
    /// `DROP EXTENSION`, by name.
    DropExtension(String),
    /// `CREATE SCHEMA`, by name.
    CreateSchema(String),
    /// `DROP SCHEMA`, by name.
    DropSchema(String),
    /// `CREATE TYPE … AS ENUM`.
    CreateEnum(Enum),
    /// `DROP TYPE` of an enum.
    DropEnum {
        /// The pg_schema.
        schema: String,
        /// The type's name in SQL.
        sql_name: String,
    },
    /// `ALTER TYPE … RENAME TO`.
    RenameEnum {
        /// The pg_schema.
        schema: String,
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// `ALTER TYPE … SET SCHEMA`.
    MoveEnum {
        /// The type's name in SQL.
        sql_name: String,
        /// The pg_schema it leaves.
        from: String,
        /// The pg_schema it goes to.
        to: String,
    },
    /// `ALTER TYPE … ADD VALUE`.
    AddEnumValue {
        /// The pg_schema.
        schema: String,
        /// The type's name in SQL.
        sql_name: String,
        /// The value.
        value: String,
        /// Where it goes among the values (at the end when absent).
        position: Option<ValuePosition>,
    },
    /// `ALTER TYPE … RENAME VALUE`.
    RenameEnumValue {
        /// The pg_schema.
        schema: String,
        /// The type's name in SQL.
        sql_name: String,
        /// The old value.
        from: String,
        /// The new value.
        to: String,
    },
    /// Values removed or reordered: the type is rebuilt and every column re-cast.
    RecreateEnum {
        /// The enum as it becomes.
        new: Enum,
        /// (old value, value its rows become); removed values without an entry are lost.
        remap: Vec<(String, String)>,
        /// The values removed.
        removed: Vec<String>,
        /// The columns of its type, re-cast.
        usages: Vec<EnumUsage>,
    },
    /// The full table as created (columns, primary key, uniques, checks).
    CreateTable {
        /// The table as created.
        table: Table,
        /// Its `CREATE TABLE` statement.
        create_sql: String,
    },
    /// `DROP TABLE`.
    DropTable(TableRef),
    /// `ALTER TABLE … RENAME TO`.
    RenameTable {
        /// The table.
        table: TableRef,
        /// The new name.
        to: String,
    },
    /// `ALTER TABLE … SET SCHEMA`.
    MoveTable {
        /// The table.
        table: TableRef,
        /// The pg_schema it goes to.
        to_schema: String,
    },
    /// `ADD COLUMN`.
    AddColumn {
        /// The table.
        table: TableRef,
        /// The column.
        column: String,
        /// `"name" type [NOT NULL] [DEFAULT ...] ...` as in CREATE TABLE.
        definition: String,
        /// How rows already in the table get a value for a NOT NULL column without a default.
        fill: Option<Fill>,
    },
    /// `DROP COLUMN`.
    DropColumn {
        /// The table.
        table: TableRef,
        /// The column.
        column: String,
    },
    /// `RENAME COLUMN`.
    RenameColumn {
        /// The table.
        table: TableRef,
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// `ALTER COLUMN … TYPE … USING`.
    AlterColumnType {
        /// The table.
        table: TableRef,
        /// The column.
        column: String,
        /// The new type, in SQL.
        to_sql: String,
        /// The `USING` expression.
        using: String,
        /// The value NULLs get in the same rewrite, when the column also becomes NOT NULL.
        backfill: Option<String>,
        /// A serial's sequence whose type follows the column's.
        sequence: Option<(String, String)>,
    },
    /// NULLs of a column about to become NOT NULL get a value.
    Backfill {
        /// The table.
        table: TableRef,
        /// The column.
        column: String,
        /// The SQL expression they get.
        value: String,
    },
    /// `ALTER COLUMN … SET NOT NULL`.
    SetNotNull {
        /// The table.
        table: TableRef,
        /// The column.
        column: String,
        /// Safe mode: a validated `CHECK (col IS NOT NULL)` of this name
        /// spares Postgres the scan; it is dropped once NOT NULL is set.
        via_check: Option<String>,
    },
    /// `ALTER COLUMN … DROP NOT NULL`.
    DropNotNull {
        /// The table.
        table: TableRef,
        /// The column.
        column: String,
    },
    /// `ALTER COLUMN … SET DEFAULT`.
    SetDefault {
        /// The table.
        table: TableRef,
        /// The column.
        column: String,
        /// The default, in SQL.
        sql: String,
    },
    /// `ALTER COLUMN … DROP DEFAULT`.
    DropDefault {
        /// The table.
        table: TableRef,
        /// The column.
        column: String,
    },
    /// `ALTER COLUMN … ADD GENERATED … AS IDENTITY`.
    AddIdentity {
        /// The table.
        table: TableRef,
        /// The column.
        column: String,
        /// Always or by default.
        identity: Identity,
        /// Its sequence's options, ` (START WITH …)`, or empty.
        options: String,
        /// Where its numbers start (1 by default).
        start: i64,
    },
    /// `ALTER COLUMN … SET GENERATED …` (always or by default), and the
    /// sequence options that change.
    SetIdentity {
        /// The table.
        table: TableRef,
        /// The column.
        column: String,
        /// Always or by default, when that changes.
        identity: Option<Identity>,
        /// `SET INCREMENT BY …` and the like.
        options: Vec<String>,
    },
    /// `ALTER COLUMN … DROP IDENTITY`.
    DropIdentity {
        /// The table.
        table: TableRef,
        /// The column.
        column: String,
    },
    /// `ALTER COLUMN … DROP EXPRESSION`: a generated column becomes plain.
    DropExpression {
        /// The table.
        table: TableRef,
        /// The column.
        column: String,
    },
    /// A plain integer column becomes serial: a sequence owned by the column.
    AddSerial {
        /// The table.
        table: TableRef,
        /// The column.
        column: String,
        /// The sequence, by Postgres' name for it.
        sequence: String,
        /// `bigserial` (a bigint sequence).
        big: bool,
    },
    /// A serial column becomes plain: its default and sequence go.
    DropSerial {
        /// The table.
        table: TableRef,
        /// The column.
        column: String,
        /// The sequence dropped.
        sequence: String,
    },
    /// `ALTER SEQUENCE … RENAME TO`.
    RenameSequence {
        /// The pg_schema.
        schema: String,
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// `ADD CONSTRAINT … PRIMARY KEY`.
    AddPrimaryKey {
        /// The table.
        table: TableRef,
        /// The key.
        pk: PrimaryKey,
        /// Safe mode: the key takes over a unique index built concurrently before.
        using_index: bool,
    },
    /// `ADD CONSTRAINT … UNIQUE`.
    AddUnique {
        /// The table.
        table: TableRef,
        /// The constraint.
        unique: Unique,
        /// Safe mode: the constraint takes over a unique index built concurrently before.
        using_index: bool,
    },
    /// `ADD CONSTRAINT … CHECK`.
    AddCheck {
        /// The table.
        table: TableRef,
        /// The check.
        check: Check,
        /// Safe mode: added without checking the rows (a later `ValidateConstraint` does).
        not_valid: bool,
    },
    /// `ADD CONSTRAINT … FOREIGN KEY`.
    AddForeignKey {
        /// The table.
        table: TableRef,
        /// The foreign key.
        fk: ForeignKey,
        /// Safe mode: added without checking the rows (a later `ValidateConstraint` does).
        not_valid: bool,
    },
    /// Checks the rows against a constraint added NOT VALID, without blocking writes.
    ValidateConstraint {
        /// The table.
        table: TableRef,
        /// The constraint's name.
        name: String,
    },
    /// `DROP CONSTRAINT`.
    DropConstraint {
        /// The table.
        table: TableRef,
        /// The constraint's name.
        name: String,
    },
    /// `RENAME CONSTRAINT`.
    RenameConstraint {
        /// The table.
        table: TableRef,
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// `CREATE INDEX`, built as `build` says.
    CreateIndex {
        /// The table.
        table: TableRef,
        /// The index.
        index: Index,
        /// How it is built.
        build: IndexBuild,
    },
    /// `DROP INDEX`.
    DropIndex {
        /// The table the index is on, as it is when the index is dropped.
        table: TableRef,
        /// The index's name.
        name: String,
        /// Safe mode: `DROP INDEX CONCURRENTLY IF EXISTS`.
        concurrently: bool,
    },
    /// `ALTER INDEX … RENAME TO`.
    RenameIndex {
        /// The pg_schema.
        schema: String,
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// `COMMENT ON`, or its removal.
    Comment {
        /// What it is on.
        target: CommentTarget,
        /// The comment; none removes it.
        text: Option<String>,
    },
    /// `ALTER … RENAME TO` of a view, function, trigger, sequence or domain
    /// (`renamed_from`), first in the migration.
    RenameObject {
        /// The rename.
        rename: super::object_renames::ObjectRename,
        /// What is renamed, as `ALTER` names it: `VIEW "public"."a"`,
        /// `FUNCTION "public"."f"(integer)`, `TRIGGER "t" ON "public"."x"`.
        target: String,
    },
    /// `CREATE [MATERIALIZED] VIEW`, with a materialized view's indexes and
    /// the comment.
    CreateView {
        /// The view.
        view: View,
        /// Created again, as it was, after what it reads changed: the
        /// migration is not about it.
        again: bool,
        /// `CREATE OR REPLACE VIEW`: a plain view whose new query keeps
        /// its columns (more may follow them); what reads it stays.
        replace: bool,
    },
    /// `CREATE FUNCTION`, or `CREATE OR REPLACE FUNCTION` for a function
    /// whose signature stays.
    CreateFunction {
        /// The function.
        function: Function,
        /// Replaces the function of that signature in place.
        replace: bool,
        /// Created again, as it was: the migration is not about it.
        again: bool,
    },
    /// `DROP FUNCTION`.
    DropFunction {
        /// The function, as it was.
        function: Function,
        /// Dropped to be created again below, and why.
        again: Option<String>,
    },
    /// `CREATE AGGREGATE`.
    CreateAggregate {
        /// The aggregate.
        aggregate: Aggregate,
        /// Created again, as it was.
        again: bool,
    },
    /// `DROP AGGREGATE`.
    DropAggregate {
        /// The aggregate, as it was.
        aggregate: Aggregate,
        /// Dropped to be created again below, and why.
        again: Option<String>,
    },
    /// `CREATE TRIGGER`.
    CreateTrigger {
        /// Its table.
        table: TableRef,
        /// The trigger.
        trigger: Trigger,
        /// Created again, as it was.
        again: bool,
    },
    /// `DROP TRIGGER`.
    DropTrigger {
        /// Its table.
        table: TableRef,
        /// Its name.
        name: String,
        /// Dropped to be created again below, and why.
        again: Option<String>,
    },
    /// `ADD CONSTRAINT … EXCLUDE`.
    AddExclusion {
        /// The table.
        table: TableRef,
        /// The constraint.
        exclusion: Exclusion,
    },
    /// `CREATE DOMAIN`.
    CreateDomain {
        /// The domain.
        domain: Domain,
        /// Its base type as SQL.
        base: String,
    },
    /// `ALTER DOMAIN`, one statement per action.
    AlterDomain {
        /// Its name.
        name: String,
        /// The statements.
        statements: Vec<String>,
    },
    /// `DROP DOMAIN`.
    DropDomain {
        /// Its pg_schema.
        schema: String,
        /// Its name.
        name: String,
    },
    /// `CREATE SEQUENCE`.
    CreateSequence(Sequence),
    /// `ALTER SEQUENCE` with the options that change.
    AlterSequence {
        /// Its pg_schema.
        schema: String,
        /// Its name.
        name: String,
        /// The options, as SQL.
        options: Vec<String>,
    },
    /// `ALTER SEQUENCE … OWNED BY`.
    SetSequenceOwner {
        /// Its pg_schema.
        schema: String,
        /// Its name.
        name: String,
        /// The column; none makes it stand alone.
        owner: Option<OwnedBy>,
    },
    /// `DROP SEQUENCE`.
    DropSequence {
        /// Its pg_schema.
        schema: String,
        /// Its name.
        name: String,
    },
    /// `DROP [MATERIALIZED] VIEW`.
    DropView {
        /// The view.
        view: TableRef,
        /// A materialized view.
        materialized: bool,
        /// Dropped to be created again below, and why: what it reads
        /// changes in a way PostgreSQL refuses under a view.
        again: Option<String>,
    },
}

/// What [`retired_name`] appends.
pub const RETIRED_ENUM_SUFFIX: &str = "__schemac_old";

/// The name an enum's or a domain's old type steps aside to while it is
/// rebuilt.
pub fn retired_name(sql_name: &str) -> String {
    let suffix = RETIRED_ENUM_SUFFIX;
    format!(
        "{}{suffix}",
        schemac_schema::naming::truncate_bytes(
            sql_name,
            schemac_schema::naming::MAX_IDENTIFIER_BYTES - suffix.len()
        )
    )
}
