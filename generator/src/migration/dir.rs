//! A database's migrations directory: the SQL files, the snapshots and the journal.

use std::path::{Path, PathBuf};

use schemac_schema::{Schema, snapshot};

use schemac_schema::migration_dir::{
    ChainProblem, Journal, JournalEntry, JournalError, chain_problems, migration_files,
};

/// Why the migrations directory cannot be used; each names the file.
#[derive(Debug, thiserror::Error)]
pub enum DirError {
    /// A file could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The journal is not one schemac wrote (or holds conflict markers).
    #[error("{}: {source}", path.display())]
    Journal {
        /// The journal's path.
        path: PathBuf,
        /// What is wrong with it.
        source: JournalError,
    },
    /// A snapshot is not one schemac wrote.
    #[error("{}: {source}", path.display())]
    Snapshot {
        /// The snapshot's path.
        path: PathBuf,
        /// What is wrong with it.
        source: snapshot::SnapshotError,
    },
}

/// A database's migration directory, its journal read.
pub struct MigrationDir {
    /// The directory.
    pub dir: PathBuf,
    /// `meta/_journal.json`.
    pub journal: Journal,
}

/// `0007`
pub fn idx_text(idx: u32) -> String {
    format!("{idx:04}")
}

impl MigrationDir {
    /// Reads the journal; a directory without one has no migrations yet.
    pub fn open(dir: &Path) -> Result<MigrationDir, DirError> {
        let path = dir.join("meta").join("_journal.json");
        let journal = match std::fs::read_to_string(&path) {
            Ok(text) => Journal::from_json(&text).map_err(|source| DirError::Journal {
                path: path.clone(),
                source,
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Journal::default(),
            Err(e) => {
                return Err(DirError::Read { path, source: e });
            }
        };
        Ok(MigrationDir {
            dir: dir.to_path_buf(),
            journal,
        })
    }

    /// The directory with a journal given rather than read.
    pub fn open_with(dir: &Path, journal: Journal) -> MigrationDir {
        MigrationDir {
            dir: dir.to_path_buf(),
            journal,
        }
    }

    /// `meta/_journal.json`.
    pub fn journal_path(&self) -> PathBuf {
        self.dir.join("meta").join("_journal.json")
    }

    /// A migration's up file.
    pub fn sql_path(&self, tag: &str) -> PathBuf {
        self.dir.join(format!("{tag}.sql"))
    }

    /// A migration's down file.
    pub fn down_path(&self, tag: &str) -> PathBuf {
        self.dir.join(format!("{tag}.down.sql"))
    }

    /// The snapshot after migration `idx`.
    pub fn snapshot_path(&self, idx: u32) -> PathBuf {
        self.dir
            .join("meta")
            .join(format!("{}_snapshot.json", idx_text(idx)))
    }

    /// A file's text, its path in the error when it cannot be read.
    pub fn read(&self, path: &Path) -> Result<String, DirError> {
        std::fs::read_to_string(path).map_err(|source| DirError::Read {
            path: path.to_path_buf(),
            source,
        })
    }

    /// The schema after migration `idx`.
    pub fn snapshot(&self, idx: u32) -> Result<Schema, DirError> {
        let path = self.snapshot_path(idx);
        let text = self.read(&path)?;
        snapshot::from_json(&text).map_err(|source| DirError::Snapshot { path, source })
    }

    /// The newest migration's entry.
    pub fn last(&self) -> Option<&JournalEntry> {
        self.journal.entries.last()
    }

    /// The entry with this tag or number (`0003_add_x`, `0003` or `3`).
    pub fn entry(&self, tag: &str) -> Option<&JournalEntry> {
        let number = tag
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| tag.parse::<u32>().ok())
            .flatten();
        self.journal
            .entries
            .iter()
            .find(|e| e.tag == tag || Some(e.idx) == number)
    }

    /// The first migration whose snapshot holds a table (and column), for
    /// telling where a dropped object came from.
    pub fn created_by(&self, schema: &str, table: &str, column: Option<&str>) -> Option<String> {
        self.journal.entries.iter().find_map(|e| {
            let s = self.snapshot(e.idx).ok()?;
            let t = s.table(schema, table)?;
            match column {
                Some(c) if t.column(c).is_none() => None,
                _ => Some(e.tag.clone()),
            }
        })
    }

    /// How the journal and the files fail to form one chain (two branches
    /// that both added a migration); empty when they do.
    pub fn chain_problems(&self) -> Result<Vec<ChainProblem>, DirError> {
        let files = migration_files(&self.dir).map_err(|source| DirError::Read {
            path: self.dir.clone(),
            source,
        })?;
        Ok(chain_problems(&self.journal, &files))
    }
}
