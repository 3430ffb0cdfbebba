//! Reading a migration directory: the journal gives the order, the files the SQL.

use std::path::{Path, PathBuf};

pub use schemac_schema::migration_dir::{BREAKPOINT, NO_TRANSACTION_MARKER, Statement};
use schemac_schema::migration_dir::{
    Journal, chain_problems, layout, migration_files, runs_without_transaction, sha256_hex,
    statements,
};

use super::MigrateError;

/// One SQL file: the up or the down side of a migration.
#[derive(Clone, Debug)]
pub struct SqlFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// The text with line endings normalised to LF.
    pub sql: String,
    /// SHA-256 (hex) of `sql`, so a CRLF checkout of a file hashes the same.
    pub sha256: String,
    /// Marked to run outside a transaction (`CREATE INDEX CONCURRENTLY`).
    pub no_transaction: bool,
}

impl SqlFile {
    fn read(path: PathBuf) -> Result<Self, MigrateError> {
        let raw = std::fs::read_to_string(&path).map_err(|source| MigrateError::Read {
            path: path.clone(),
            source,
        })?;
        let sql = raw.replace("\r\n", "\n");
        let no_transaction = runs_without_transaction(&sql);
        Ok(SqlFile {
            path,
            sha256: sha256_hex(&sql),
            sql,
            no_transaction,
        })
    }

    /// The statements between breakpoints, each with the line it starts on.
    /// Chunks holding only comments or blanks are left out.
    pub fn statements(&self) -> Vec<Statement<'_>> {
        statements(&self.sql)
    }
}

/// One migration: the journal's entry and its files.
#[derive(Clone, Debug)]
pub struct Migration {
    /// Its number.
    pub idx: u32,
    /// Its tag (`0003_add_bio_to_users`).
    pub tag: String,
    /// `NNNN_name.sql`.
    pub up: SqlFile,
    /// `NNNN_name.down.sql`, when there is one.
    pub down: Option<SqlFile>,
    /// The schema a database already had (`schemac pull --baseline`,
    /// `schemac import`): see [`Migrator::record_baseline`](super::Migrator::record_baseline).
    pub baseline: bool,
}

/// The migrations of one database, in journal order.
#[derive(Clone, Debug)]
pub struct MigrationSet {
    /// The migration directory.
    pub dir: PathBuf,
    /// Its migrations, in the journal's order.
    pub migrations: Vec<Migration>,
}

impl MigrationSet {
    /// Reads `dir/meta/_journal.json` and every file it lists. A directory
    /// without a journal holds no migrations yet.
    pub fn load(dir: impl AsRef<Path>) -> Result<Self, MigrateError> {
        let dir = dir.as_ref().to_path_buf();
        let journal_path = dir.join(layout::JOURNAL);
        let text = match std::fs::read_to_string(&journal_path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(MigrationSet {
                    dir,
                    migrations: Vec::new(),
                });
            }
            Err(source) => {
                return Err(MigrateError::Read {
                    path: journal_path,
                    source,
                });
            }
        };
        let journal = Journal::from_json(&text).map_err(|source| MigrateError::Journal {
            path: journal_path.clone(),
            source,
        })?;
        // A directory two branches both added to is refused before anything
        // runs: applying both sides would run one side's change twice.
        let files = migration_files(&dir).map_err(|source| MigrateError::Read {
            path: dir.clone(),
            source,
        })?;
        let problems = chain_problems(&journal, &files);
        if !problems.is_empty() {
            return Err(MigrateError::BrokenChain { dir, problems });
        }
        let mut migrations = Vec::with_capacity(journal.entries.len());
        for entry in journal.entries {
            let up_path = dir.join(layout::up(&entry.tag));
            if !up_path.is_file() {
                return Err(MigrateError::MissingFile {
                    tag: entry.tag,
                    path: up_path,
                });
            }
            let down_path = dir.join(layout::down(&entry.tag));
            let down = if down_path.is_file() {
                Some(SqlFile::read(down_path)?)
            } else {
                None
            };
            migrations.push(Migration {
                idx: entry.idx,
                tag: entry.tag,
                up: SqlFile::read(up_path)?,
                down,
                baseline: entry.baseline,
            });
        }
        Ok(MigrationSet { dir, migrations })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(sql: &str) -> SqlFile {
        let sql = sql.replace("\r\n", "\n");
        SqlFile {
            path: PathBuf::from("x.sql"),
            sha256: sha256_hex(&sql),
            no_transaction: false,
            sql,
        }
    }

    #[test]
    fn crlf_hashes_like_lf() {
        assert_eq!(file("a;\r\nb;\r\n").sha256, file("a;\nb;\n").sha256);
    }

    #[test]
    fn comment_only_chunks_are_skipped() {
        assert!(file("-- nothing to do\n").statements().is_empty());
    }
}
