//! schemac: compiles a YAML schema into PostgreSQL migrations and Rust code.
//!
//! The library is what a build.rs uses: with `default-features = false` it
//! pulls in no async runtime and no database driver. The `cli` feature adds
//! the `schemac` binary.

#![warn(missing_docs)]

pub mod build;
pub mod check;
pub mod diff;
pub mod discard;
#[doc(hidden)]
pub mod exercise;
pub mod generate;
pub mod history;
pub mod init;
pub mod lint;
pub mod migration_text;
pub mod migrations;
pub mod naming;
pub mod order;
pub mod output;
mod parallel;
pub mod query_typing;
pub mod rebase;
pub mod rust;
pub mod show;
pub mod sql;
#[cfg(feature = "sql-parser")]
pub mod sql_tree;
pub mod steps;

pub use build::{BuildError, Builder};
pub use generate::{
    DataLossReport, GenerateError, GenerateOptions, LossFound, Outcome, Report, Usage, generate,
};
pub use schemac_schema as schema;

/// PostgreSQL's parser, when this build has it (the `sql-parser` feature),
/// for the SQL a schema carries; a build.rs goes without.
pub fn sql_parser() -> Option<schemac_schema::expressions::SqlParser> {
    #[cfg(feature = "sql-parser")]
    return Some(sql_tree::statements);
    #[cfg(not(feature = "sql-parser"))]
    return None;
}
