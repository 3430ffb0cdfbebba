//! The library's error: one type for every command, each command's own
//! failures defined below it, rendered once at the edge of the binary.

use std::path::PathBuf;

use schemac_schema::migration_dir::ChainProblem;

use crate::migration::dir::DirError;

/// Why a command wrote nothing: each command's failures, said once at the
/// edge of the binary.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The schema has errors (its report holds them all).
    #[error(transparent)]
    Schema(#[from] schemac_schema::diagnostic::SchemaReport),
    /// The command was called wrongly (a bad name, an unknown migration).
    #[error(transparent)]
    Usage(#[from] Usage),
    /// `--db` names a database the project does not have.
    #[error(transparent)]
    UnknownDatabase(#[from] schemac_schema::config::UnknownDatabase),
    /// The change can lose data and `--allow-data-loss` was not given.
    #[error(transparent)]
    DataLoss(#[from] DataLossReport),
    /// Two branches both added migrations (or files were renamed by hand).
    #[error(
        "{database}: the migrations do not form one chain, so nothing was written:\n  - {}",
        problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  - ")
    )]
    BrokenChain {
        /// The database's name.
        database: String,
        /// Each way the migrations are not one chain.
        problems: Vec<ChainProblem>,
    },
    /// `discard` found nothing to take back.
    #[error(transparent)]
    Discard(#[from] DiscardError),
    /// `rebase` could not ask git.
    #[error(transparent)]
    Rebase(#[from] RebaseError),
    /// `init` in a project already.
    #[error(transparent)]
    Init(#[from] InitError),
    /// The named queries or their lock could not be read.
    #[error(transparent)]
    Queries(#[from] schemac_schema::queries::QueryError),
    /// A migration directory could not be read.
    #[error(transparent)]
    Migrations(#[from] DirError),
    /// The generated Rust did not parse (a schemac bug).
    #[error(transparent)]
    Codegen(#[from] crate::rust::CodegenError),
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// A command called wrongly: each says what was wrong and what is allowed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Usage {
    /// `--name` or `--custom` is not a migration name.
    #[error("invalid migration name `{0}`: use lower-case letters, digits and `_` (at most 60)")]
    InvalidName(String),
    /// A migration asked for by tag or number is not there.
    #[error("database `{database}` has no migration `{tag}`")]
    NoSuchMigration {
        /// The database's name.
        database: String,
        /// The tag or number asked for.
        tag: String,
    },
    /// A custom migration needs a first migration to follow.
    #[error(
        "database `{0}` has no migrations yet: run `schemac generate` first, then add a custom one"
    )]
    NoMigrationsYet(String),
    /// `--deny` names a rule that does not exist.
    #[error("unknown rule `{rule}`; the rules are {known}")]
    UnknownRule {
        /// The rule named.
        rule: String,
        /// The rules there are.
        known: String,
    },
    /// No `schemac.toml` and no `schema/` directory.
    #[error("no project configuration")]
    NoConfiguration,
    /// A command about one database, in a project of several.
    #[error(
        "`schemac {command}` draws one database, and this project has {databases}: say which with --db"
    )]
    OneDatabase {
        /// The command.
        command: &'static str,
        /// The project's databases.
        databases: String,
    },
}

/// Changes that can lose data, refused because `--allow-data-loss` was not given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataLossReport {
    /// Each lossy change.
    pub losses: Vec<LossFound>,
}

/// One lossy change, where it comes from, and how to avoid it if there is a way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LossFound {
    /// The database's name.
    pub database: String,
    /// What would be lost.
    pub what: String,
    /// `file:line:column` of the schema, or the migration that created a dropped object.
    pub place: Option<String>,
    /// What would keep the data (`renamed_from`, `using`, `remap`).
    pub hint: Option<String>,
}

impl std::error::Error for DataLossReport {}

impl std::fmt::Display for DataLossReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "error: these changes can lose data, so nothing was written:"
        )?;
        for l in &self.losses {
            write!(f, "  - {}: {}", l.database, l.what)?;
            match &l.place {
                Some(p) => writeln!(f, " ({p})")?,
                None => writeln!(f)?,
            }
            if let Some(h) = &l.hint {
                writeln!(f, "      hint: {h}")?;
            }
        }
        writeln!(f)?;
        writeln!(
            f,
            "If the loss is intended, run again with `--allow-data-loss`."
        )
    }
}

impl Error {
    /// A file that could not be written, with its path.
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }
}

/// Why there is nothing to take back.
#[derive(Debug, thiserror::Error)]
pub enum DiscardError {
    /// The database has no migrations.
    #[error("database `{0}` has no migrations to take back")]
    Empty(String),
    /// Another migration became the newest since it was read.
    #[error(
        "the newest migration of `{database}` is now {found}, not {expected}; run the command again"
    )]
    Moved {
        /// The database's name.
        database: String,
        /// The migration that was the newest.
        expected: String,
        /// The newest now.
        found: String,
    },
    /// Several databases, and `--db` names none.
    #[error(
        "the project has {0} databases: name the one whose newest migration to take back with `--db`"
    )]
    WhichDatabase(usize),
}

/// Why a rebase cannot start.
#[derive(Debug, thiserror::Error)]
pub enum RebaseError {
    /// No merge in progress, and no `--onto`.
    #[error(
        "no merge is in progress: name the branch whose migrations to keep, as in `schemac rebase --onto main`"
    )]
    NoMergeInProgress,
    /// `--onto` names no commit.
    #[error("`{0}` is not a commit git knows")]
    UnknownRef(String),
    /// git could not be run, or the directory is not a repository.
    #[error("cannot run git in {}: {message}", dir.display())]
    Git {
        /// Where git was run.
        dir: PathBuf,
        /// What git said.
        message: String,
    },
    /// The other branch's journal could not be read.
    #[error("{path} in {rev}: {message}")]
    TheirJournal {
        /// The other branch's commit.
        rev: String,
        /// The journal's path.
        path: String,
        /// What is wrong with it.
        message: String,
    },
}

/// Why `init` wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The directory is a project already.
    #[error("{} already exists: this is a schemac project; nothing was written", path.display())]
    Exists {
        /// The file that is there.
        path: PathBuf,
    },
}
