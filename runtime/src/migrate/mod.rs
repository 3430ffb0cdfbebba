//! The migration runner: applies a directory written by `schemac generate`.
//!
//! - Applied migrations are recorded in `schemac_migrations` (database, tag, SHA-256,
//!   applied_at, duration).
//! - A session advisory lock makes concurrent runners apply each migration
//!   once. Waiting runners poll `pg_try_advisory_lock` outside any
//!   transaction: a blocking `pg_advisory_lock` would deadlock against a
//!   CREATE INDEX CONCURRENTLY run by the holder, which waits for every
//!   transaction that could see the table.
//! - Each migration runs in a transaction of its own, unless its first line is
//!   [`NO_TRANSACTION_MARKER`]; then it runs statement by statement.
//! - An applied migration whose file changed is refused, naming the file.

mod apply;
mod runner;
mod source;

use std::path::PathBuf;

use schemac_schema::migration_dir::{ChainProblem, JournalError};
use std::time::Duration;

pub use runner::{AppliedRow, Event, MigrationState, Migrator, StatusEntry};
pub(crate) use runner::{take_lock, unlock};
pub use source::{BREAKPOINT, Migration, MigrationSet, NO_TRANSACTION_MARKER, SqlFile, Statement};

/// Why the runner refused or stopped. Every variant names the migration and,
/// where there is one, its file.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    Journal {
        path: PathBuf,
        #[source]
        source: JournalError,
    },
    #[error(
        "the migrations in {} do not form one chain, so nothing was applied:\n  - {}",
        dir.display(),
        problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  - ")
    )]
    BrokenChain {
        dir: PathBuf,
        problems: Vec<ChainProblem>,
    },
    #[error("migration {tag} is in the journal but {} does not exist", path.display())]
    MissingFile { tag: String, path: PathBuf },
    #[error(
        "migration {tag} was applied, but {} has changed since (applied sha256 {recorded}, file now {current}); \
         restore the file, or write a new migration for the change",
        path.display()
    )]
    Edited {
        tag: String,
        path: PathBuf,
        recorded: String,
        current: String,
    },
    #[error(
        "migration {tag} is recorded as applied in the database but is not in {}; \
         is this the right directory and database?",
        dir.display()
    )]
    NotInDirectory { tag: String, dir: PathBuf },
    #[error(
        "migration {pending} is pending but comes before {applied}, which is applied; \
         renumber it after the applied migrations (schemac generate writes it again)"
    )]
    OutOfOrder { pending: String, applied: String },
    #[error("migration {tag} failed at the statement on line {line} of {}: {message}{note}", path.display())]
    Failed {
        tag: String,
        path: PathBuf,
        line: usize,
        message: String,
        /// What state the failure left behind.
        note: &'static str,
    },
    #[error("cannot revert {tag}: {} does not exist", path.display())]
    NoDown { tag: String, path: PathBuf },
    #[error("cannot revert {count} migrations: only {applied} are applied")]
    TooFewApplied { count: usize, applied: usize },
    #[error("another runner held the migration lock for longer than {0:?}")]
    LockTimeout(Duration),
    #[error("{context}: {}", crate::error::chain(source))]
    Database {
        context: &'static str,
        #[source]
        source: tokio_postgres::Error,
    },
}

impl MigrateError {
    /// Wraps a driver error with what the runner was doing.
    pub(crate) fn database(context: &'static str) -> impl FnOnce(tokio_postgres::Error) -> Self {
        move |source| MigrateError::Database { context, source }
    }
}
