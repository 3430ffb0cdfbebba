//! Reading a migration directory: the journal gives the order, the files the SQL.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::MigrateError;

/// The first line of a migration that must not run inside a transaction
/// (CREATE INDEX CONCURRENTLY and the like). Such a migration runs statement
/// by statement, so each statement sits between breakpoints of its own.
pub const NO_TRANSACTION_MARKER: &str = "-- schemac:no-transaction";

/// What separates statements in a migration file.
pub const BREAKPOINT: &str = "--> statement-breakpoint";

/// One SQL file: the up or the down side of a migration.
#[derive(Clone, Debug)]
pub struct SqlFile {
    pub path: PathBuf,
    /// The text with line endings normalised to LF.
    pub sql: String,
    /// SHA-256 (hex) of `sql`, so a CRLF checkout of a file hashes the same.
    pub sha256: String,
    pub no_transaction: bool,
}

impl SqlFile {
    fn read(path: PathBuf) -> Result<Self, MigrateError> {
        let raw = std::fs::read_to_string(&path).map_err(|source| MigrateError::Read {
            path: path.clone(),
            source,
        })?;
        let sql = raw.replace("\r\n", "\n");
        let no_transaction = sql
            .lines()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.trim() == NO_TRANSACTION_MARKER);
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
        let mut out = Vec::new();
        let mut offset = 0;
        for chunk in self.sql.split(BREAKPOINT) {
            let start = offset;
            offset += chunk.len() + BREAKPOINT.len();
            let meaningful = chunk
                .lines()
                .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with("--"));
            if !meaningful {
                continue;
            }
            // The statement proper starts at its first non-blank line.
            let leading = chunk.len() - chunk.trim_start().len();
            let line = 1 + self.sql[..start + leading].matches('\n').count();
            out.push(Statement {
                sql: chunk.trim(),
                line,
            });
        }
        out
    }
}

/// One statement of a migration file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Statement<'a> {
    pub sql: &'a str,
    /// The 1-based line of the file the statement starts on.
    pub line: usize,
}

/// One migration: the journal's entry and its files.
#[derive(Clone, Debug)]
pub struct Migration {
    pub idx: u32,
    pub tag: String,
    pub up: SqlFile,
    pub down: Option<SqlFile>,
}

/// The migrations of one database, in journal order.
#[derive(Clone, Debug)]
pub struct MigrationSet {
    pub dir: PathBuf,
    pub migrations: Vec<Migration>,
}

#[derive(Deserialize)]
struct Journal {
    version: u32,
    entries: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    idx: u32,
    tag: String,
}

impl MigrationSet {
    /// Reads `dir/meta/_journal.json` and every file it lists. A directory
    /// without a journal holds no migrations yet.
    pub fn load(dir: impl AsRef<Path>) -> Result<Self, MigrateError> {
        let dir = dir.as_ref().to_path_buf();
        let journal_path = dir.join("meta").join("_journal.json");
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
        let journal: Journal = serde_json::from_str(&text).map_err(|e| MigrateError::Journal {
            path: journal_path.clone(),
            message: e.to_string(),
        })?;
        if journal.version != 1 {
            return Err(MigrateError::Journal {
                path: journal_path,
                message: format!(
                    "journal version {} is not supported (this runtime reads version 1)",
                    journal.version
                ),
            });
        }
        let mut migrations = Vec::with_capacity(journal.entries.len());
        for entry in journal.entries {
            let up_path = dir.join(format!("{}.sql", entry.tag));
            if !up_path.is_file() {
                return Err(MigrateError::MissingFile {
                    tag: entry.tag,
                    path: up_path,
                });
            }
            let down_path = dir.join(format!("{}.down.sql", entry.tag));
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
            });
        }
        Ok(MigrationSet { dir, migrations })
    }
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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
    fn statements_carry_their_line() {
        let f =
            file("-- header\nCREATE TABLE a ();\n--> statement-breakpoint\n\nCREATE TABLE b ();\n");
        let s = f.statements();
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].sql, s[0].line), ("-- header\nCREATE TABLE a ();", 1));
        assert_eq!((s[1].sql, s[1].line), ("CREATE TABLE b ();", 5));
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
