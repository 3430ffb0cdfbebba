//! A database's migrations directory: the SQL files, the snapshots and the journal.

use std::path::{Path, PathBuf};

use schemac_schema::{Schema, snapshot};

use schemac_schema::migration_dir::{
    ChainProblem, Journal, JournalEntry, JournalError, chain_problems, layout, migration_files,
    sha256_hex,
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

/// What `--custom` writes, to be filled in.
pub const CUSTOM_UP_TEMPLATE: &str = "-- Custom migration: write the SQL to run here. Separate statements the way\n\
     -- generated migrations do, with a statement-breakpoint marker line.\n\
     -- The schema snapshot does not change. Once it is written, `schemac generate`\n\
     -- records it in the journal.\n";
/// What a custom migration's down file holds until it is written.
pub const CUSTOM_DOWN_TEMPLATE: &str = "-- The reverse of the custom migration, if it has one.\n";

/// Whether a custom migration's file is the template as `--custom` wrote it
/// according to the journal, filled in since: hand-written SQL that is
/// expected, not an edit, and is recorded by the next `generate`.
fn filled_in(recorded: &str, template: &str, now: &str) -> bool {
    recorded == sha256_hex(template) && now != recorded
}

/// One file of a migration against the hash its journal entry recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileState {
    /// It hashes as recorded.
    Matches,
    /// A custom migration's template as `--custom` wrote it, filled in
    /// since: hand-written SQL that is expected, recorded by the next
    /// `generate`.
    FilledIn {
        /// Its hash now.
        now: String,
    },
    /// Changed after the journal recorded it.
    Edited {
        /// Its hash now.
        now: String,
    },
    /// Not there, or not readable.
    Missing,
}

/// The files of one journal entry against what the journal recorded.
#[derive(Clone, Debug)]
pub struct EntryState {
    /// `NNNN_name.sql`.
    pub up: FileState,
    /// `NNNN_name.down.sql`.
    pub down: FileState,
    /// `meta/NNNN_snapshot.json`.
    pub snapshot: FileState,
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
        let path = dir.join(layout::JOURNAL);
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
        self.dir.join(layout::JOURNAL)
    }

    /// A migration's up file.
    pub fn sql_path(&self, tag: &str) -> PathBuf {
        self.dir.join(layout::up(tag))
    }

    /// A migration's down file.
    pub fn down_path(&self, tag: &str) -> PathBuf {
        self.dir.join(layout::down(tag))
    }

    /// The snapshot after migration `idx`.
    pub fn snapshot_path(&self, idx: u32) -> PathBuf {
        self.dir.join(layout::snapshot(idx))
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

    /// Every entry's files hashed against the journal, in its order: what
    /// `check` and `generate --rehash` read.
    pub fn file_states(&self) -> Vec<EntryState> {
        self.journal
            .entries
            .iter()
            .map(|e| self.entry_state(e))
            .collect()
    }

    /// One entry's files hashed against what the journal recorded: the one
    /// place a file is told matched, edited, filled in or missing (the
    /// recording of filled-in custom migrations and the mending of a chain
    /// ask it of the entries they are about, not of every snapshot).
    pub fn entry_state(&self, e: &JournalEntry) -> EntryState {
        let state = |path: PathBuf, recorded: &str, template: Option<&str>| {
            let Ok(text) = std::fs::read_to_string(path) else {
                return FileState::Missing;
            };
            let now = sha256_hex(&text);
            match template {
                _ if now == recorded => FileState::Matches,
                Some(t) if filled_in(recorded, t, &now) => FileState::FilledIn { now },
                _ => FileState::Edited { now },
            }
        };
        let (up, down) = match e.custom {
            true => (Some(CUSTOM_UP_TEMPLATE), Some(CUSTOM_DOWN_TEMPLATE)),
            false => (None, None),
        };
        EntryState {
            up: state(self.sql_path(&e.tag), &e.sql_sha256, up),
            down: state(self.down_path(&e.tag), &e.down_sha256, down),
            snapshot: state(self.snapshot_path(e.idx), &e.snapshot_sha256, None),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_file_is_matched_edited_filled_in_or_missing() {
        let dir = std::env::temp_dir().join(format!("schemac-file-states-{}", std::process::id()));
        std::fs::create_dir_all(dir.join(layout::META)).expect("a scratch directory");
        let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).expect("written");
        let entry = |idx: u32, tag: &str, custom: bool, up: &str| JournalEntry {
            idx,
            tag: tag.into(),
            sql_sha256: sha256_hex(up),
            down_sha256: sha256_hex(if custom { CUSTOM_DOWN_TEMPLATE } else { "" }),
            snapshot_sha256: sha256_hex("{}"),
            prev_snapshot_sha256: None,
            custom,
            edited: false,
            baseline: false,
            hints: None,
            consumed_hints: Vec::new(),
        };
        let journal = Journal {
            entries: vec![
                entry(0, "0000_init", false, "CREATE TABLE t ();\n"),
                entry(1, "0001_by_hand", true, CUSTOM_UP_TEMPLATE),
            ],
            ..Journal::default()
        };
        write("0000_init.sql", "CREATE TABLE t (); -- edited\n");
        write("0000_init.down.sql", "");
        write(&layout::snapshot(0), "{}");
        write("0001_by_hand.sql", "UPDATE t SET x = 1;\n");
        write(&layout::snapshot(1), "{}");
        let states = MigrationDir::open_with(&dir, journal).file_states();
        std::fs::remove_dir_all(&dir).expect("removed");
        assert!(
            matches!(states[0].up, FileState::Edited { .. }),
            "{:?}",
            states[0]
        );
        assert_eq!(states[0].down, FileState::Matches);
        assert_eq!(states[0].snapshot, FileState::Matches);
        assert!(
            matches!(states[1].up, FileState::FilledIn { .. }),
            "{:?}",
            states[1]
        );
        assert_eq!(states[1].down, FileState::Missing);
    }
}
