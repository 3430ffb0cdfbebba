//! The runtime's one error type.
//!
//! No variant carries a connection string: URLs hold passwords, and errors end
//! up in logs. Configuration errors name the setting, never its value.

use std::fmt;

use tokio_postgres::error::SqlState;

/// Everything the runtime can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A setting is missing or malformed (the message names the setting only).
    #[error("configuration: {0}")]
    Config(String),
    /// No connection could be made or checked out of the pool.
    #[error("{0}")]
    Connect(String),
    /// The database answered with an error, or the connection broke.
    #[error("{}", describe(.0))]
    Db(#[from] tokio_postgres::Error),
    /// A column could not be read into the Rust type asked for.
    #[error("column `{column}`: {}", decode_reason(source))]
    Decode {
        /// The column's name.
        column: String,
        /// The driver's reason.
        #[source]
        source: tokio_postgres::Error,
    },
    /// A value could not be written as its column's type (in a `COPY`).
    #[error("column {column}: {source}")]
    Encode {
        /// The column's name.
        column: String,
        /// The value's reason.
        #[source]
        source: Box<dyn std::error::Error + Sync + Send>,
    },
    /// A query that must return exactly one row returned another number.
    #[error("expected one row, the query returned {0}")]
    RowCount(usize),
    /// A row that must exist does not (a generated `fetch`): for an API,
    /// a 404 rather than a 500.
    #[error("{table} has no row with key {key}")]
    NotFound {
        /// The table, as SQL names it.
        table: &'static str,
        /// The key looked for, as `Debug` shows it.
        key: String,
    },
    /// The migration runner refused or failed; the message names the file.
    #[error(transparent)]
    Migrate(#[from] crate::migrate::MigrateError),
    /// The seed runner refused or a seed failed; the message names the seed.
    #[error(transparent)]
    Seed(#[from] crate::seed::SeedError),
}

impl Error {
    /// The SQLSTATE of a database error, if this is one.
    pub fn sql_state(&self) -> Option<&SqlState> {
        match self {
            Error::Db(e) | Error::Decode { source: e, .. } => e.code(),
            _ => None,
        }
    }

    /// Whether a row that must exist was missing ([`Error::NotFound`]).
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. })
    }

    /// A failure that a retry of the whole transaction may not meet again:
    /// a serialization failure or a detected deadlock.
    pub fn is_transient(&self) -> bool {
        matches!(
            self.sql_state(),
            Some(s) if *s == SqlState::T_R_SERIALIZATION_FAILURE || *s == SqlState::T_R_DEADLOCK_DETECTED
        )
    }
}

/// Errors that [`crate::Pool::run_in_transaction`] can classify, so an
/// application's own error type can flow through the retry helper.
pub trait Retryable {
    /// Whether the transaction that failed with this error is worth retrying.
    fn is_transient(&self) -> bool;
}

impl Retryable for Error {
    fn is_transient(&self) -> bool {
        Error::is_transient(self)
    }
}

/// How many lines of `sql` come before the place PostgreSQL's error points
/// at (none when it points nowhere): the error's line is the statement's
/// first line plus this.
pub fn lines_before_error(error: &tokio_postgres::Error, sql: &str) -> usize {
    match error.as_db_error().and_then(|d| d.position()) {
        Some(tokio_postgres::error::ErrorPosition::Original(at)) => {
            let before = (*at as usize).saturating_sub(1);
            sql.chars().take(before).filter(|&c| c == '\n').count()
        }
        _ => 0,
    }
}

/// The driver's decode error says only "error deserializing column N"; the
/// reason is its source.
fn decode_reason(e: &tokio_postgres::Error) -> String {
    match std::error::Error::source(e) {
        Some(cause) => cause.to_string(),
        None => e.to_string(),
    }
}

/// A database error as Postgres words it (with its detail), or the
/// driver's error and its causes; the driver's own Display says only "db error".
fn describe(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut s = format!("{}: {}", db.severity(), db.message());
            if let Some(detail) = db.detail() {
                s.push_str(&format!(" ({detail})"));
            }
            s
        }
        None => chain(e),
    }
}

/// An error and its sources as one line, each cause once: the driver's
/// top-level messages ("db error", "error performing TLS handshake") say
/// what failed, their sources say why.
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        let text = cause.to_string();
        if !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        next = cause.source();
    }
    out
}

/// A result whose error is the runtime's [`Error`] unless said otherwise.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A string that never shows itself: connection URLs and passwords.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Keeps `value` out of every `Debug` and `Display`.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself; call sites are few and easy to audit.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}
