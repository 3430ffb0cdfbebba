//! schemac: compiles a YAML schema into PostgreSQL migrations and Rust code.
//!
//! The library is what a build.rs uses ([`Builder`]) and what every command
//! of the `schemac` binary runs ([`commands`]); with `default-features =
//! false` it pulls in no async runtime and no database driver. The `cli`
//! feature adds the binary.

#![warn(missing_docs)]

pub mod build;
pub mod commands;
pub mod ddl;
pub mod diff;
pub mod error;
#[doc(hidden)]
pub mod exercise;
pub mod import;
#[cfg(feature = "introspect")]
pub mod introspect;
pub mod migration;
pub mod output;
mod parallel;
pub mod project;
pub mod pull;
pub mod queries;
pub mod rust;
#[cfg(feature = "sql-parser")]
pub mod sql_tree;

pub use build::{BuildError, Builder};
pub use commands::generate::{GenerateOptions, Outcome, Report, generate};
pub use error::{DataLossReport, Error, LossFound, Usage};
pub use schemac_schema as schema;

/// PostgreSQL's parser, when this build has it (the `sql-parser` feature),
/// for the SQL a schema carries; a build.rs goes without.
pub fn sql_parser() -> Option<schemac_schema::expressions::SqlParser> {
    #[cfg(feature = "sql-parser")]
    return Some(sql_tree::statements);
    #[cfg(not(feature = "sql-parser"))]
    return None;
}
