//! The hazard rules, their stable ids and severities, and a hazard as
//! the migration file, `generate`, `check` and `lint` report it.

/// A kind of hazard. The ids are stable: CI configurations name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// Postgres rewrites the table (and rebuilds its indexes) under an ACCESS EXCLUSIVE lock.
    TableRewrite,
    /// `SET NOT NULL` reads every row under an ACCESS EXCLUSIVE lock.
    SetNotNullScan,
    /// `CREATE INDEX` without `CONCURRENTLY` blocks writes while it builds.
    IndexWithoutConcurrently,
    /// A constraint is checked against every row while the table is locked.
    ConstraintValidationUnderLock,
    /// An `UPDATE` writes many rows in one transaction.
    FullTableUpdate,
    /// Rows or values are deleted for good.
    DataLoss,
    /// The down migration cannot restore what this statement removes.
    IrreversibleDown,
    /// An index, a unique constraint or a primary key that queries may rely on is dropped.
    IndexDropped,
    /// The change fails on some existing rows (a narrower type, NOT NULL, a
    /// new unique key, a check or foreign key validated against the rows).
    DataDependent,
    /// A materialized view is computed in the migration: its query reads
    /// the rows of tables that hold them, in the migration's transaction.
    MaterializedViewComputed,
    /// A table or column is dropped or renamed that a function's body
    /// names: PostgreSQL does not track what a body uses, so the function
    /// fails when it next runs, not when the migration does.
    FunctionBodyDependency,
}

/// How bad a hazard is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// A reviewer should know.
    Warning,
    /// Data is lost.
    Error,
}

impl Severity {
    /// `warning` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl Rule {
    /// Every rule.
    pub const ALL: &'static [Rule] = &[
        Rule::TableRewrite,
        Rule::SetNotNullScan,
        Rule::IndexWithoutConcurrently,
        Rule::ConstraintValidationUnderLock,
        Rule::FullTableUpdate,
        Rule::DataLoss,
        Rule::IrreversibleDown,
        Rule::IndexDropped,
        Rule::DataDependent,
        Rule::MaterializedViewComputed,
        Rule::FunctionBodyDependency,
    ];

    /// The rule's id, as the comments and `--deny` spell it.
    pub fn id(self) -> &'static str {
        match self {
            Rule::TableRewrite => "table_rewrite",
            Rule::SetNotNullScan => "set_not_null_scan",
            Rule::IndexWithoutConcurrently => "index_without_concurrently",
            Rule::ConstraintValidationUnderLock => "constraint_validation_under_lock",
            Rule::FullTableUpdate => "full_table_update",
            Rule::DataLoss => "data_loss",
            Rule::IrreversibleDown => "irreversible_down",
            Rule::IndexDropped => "index_dropped",
            Rule::DataDependent => "data_dependent",
            Rule::MaterializedViewComputed => "materialized_view_computed",
            Rule::FunctionBodyDependency => "function_body_dependency",
        }
    }

    /// The rule of an id.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }

    /// How bad it is.
    pub fn severity(self) -> Severity {
        match self {
            Rule::DataLoss => Severity::Error,
            Rule::TableRewrite
            | Rule::SetNotNullScan
            | Rule::IndexWithoutConcurrently
            | Rule::ConstraintValidationUnderLock
            | Rule::FullTableUpdate
            | Rule::IrreversibleDown
            | Rule::IndexDropped
            | Rule::DataDependent
            | Rule::MaterializedViewComputed
            | Rule::FunctionBodyDependency => Severity::Warning,
        }
    }
}

/// Where in the schema a hazard comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HazardPlace {
    /// A table.
    Table {
        /// Its pg_schema.
        schema: String,
        /// Its name.
        table: String,
    },
    /// A column.
    Column {
        /// Its table's pg_schema.
        schema: String,
        /// Its table.
        table: String,
        /// Its name.
        column: String,
    },
    /// An enum.
    Enum {
        /// Its key.
        name: String,
    },
}

/// One hazard of a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hazard {
    /// Its rule.
    pub rule: Rule,
    /// What the statement does and why it matters.
    pub message: String,
    /// Where in the schema it comes from.
    pub place: Option<HazardPlace>,
    /// Which of its change's statements it is about (the first by default;
    /// past the last means the last).
    pub statement: usize,
    /// `data_dependent`: the query that counts the rows the change fails
    /// on, run before the migration (`schemac lint --check-data`).
    pub query: Option<String>,
}
