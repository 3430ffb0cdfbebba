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
    /// A file of the directory could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The journal is not one schemac wrote (or holds conflict markers).
    #[error("{}: {source}", path.display())]
    Journal {
        /// The journal's path.
        path: PathBuf,
        /// What is wrong with it.
        #[source]
        source: JournalError,
    },
    /// Two branches both added a migration of one number, or the journal
    /// and the files disagree: nothing is applied.
    #[error(
        "the migrations in {} do not form one chain, so nothing was applied:\n  - {}",
        dir.display(),
        problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  - ")
    )]
    BrokenChain {
        /// The migration directory.
        dir: PathBuf,
        /// Each way it is not one chain.
        problems: Vec<ChainProblem>,
    },
    /// The journal lists a migration whose file is not there.
    #[error("migration {tag} is in the journal but {} does not exist", path.display())]
    MissingFile {
        /// The migration.
        tag: String,
        /// The file looked for.
        path: PathBuf,
    },
    /// An applied migration's file changed since it ran.
    #[error(
        "migration {tag} was applied, but {} has changed since (applied sha256 {recorded}, file now {current}); \
         restore the file, or write a new migration for the change",
        path.display()
    )]
    Edited {
        /// The migration.
        tag: String,
        /// Its file.
        path: PathBuf,
        /// The SHA-256 recorded when it was applied.
        recorded: String,
        /// The file's SHA-256 now.
        current: String,
    },
    /// The database records a migration the directory does not have.
    #[error(
        "migration {tag} is recorded as applied in the database but is not in {}; \
         is this the right directory and database?",
        dir.display()
    )]
    NotInDirectory {
        /// The migration.
        tag: String,
        /// The directory it is not in.
        dir: PathBuf,
    },
    /// A pending migration comes before an applied one.
    #[error(
        "migration {pending} is pending but comes before {applied}, which is applied; \
         renumber it after the applied migrations (schemac generate writes it again)"
    )]
    OutOfOrder {
        /// The pending migration.
        pending: String,
        /// The applied one it comes before.
        applied: String,
    },
    /// A statement of a migration failed; its transaction rolled back.
    #[error("migration {tag} failed at the statement on line {line} of {}: {message}{note}", path.display())]
    Failed {
        /// The migration.
        tag: String,
        /// Its file.
        path: PathBuf,
        /// The line of the statement that failed.
        line: usize,
        /// PostgreSQL's message.
        message: String,
        /// What state the failure left behind.
        note: &'static str,
    },
    /// A migration to revert has no down file.
    #[error("cannot revert {tag}: {} does not exist", path.display())]
    NoDown {
        /// The migration.
        tag: String,
        /// The down file looked for.
        path: PathBuf,
    },
    /// More migrations to revert than are applied.
    #[error("cannot revert {count} migrations: only {applied} are applied")]
    TooFewApplied {
        /// How many were to be reverted.
        count: usize,
        /// How many are applied.
        applied: usize,
    },
    /// Another runner held the lock for longer than the runner waits.
    #[error("another runner held the migration lock for longer than {0:?}")]
    LockTimeout(Duration),
    /// The database refused what the runner itself asked of it.
    #[error("{context}: {}", crate::error::chain(source))]
    Database {
        /// What the runner was doing.
        context: &'static str,
        /// The driver's error.
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
