//! `schemac discard`: takes back the newest migration of a database that
//! was never applied, leaving the directory and the journal as they were
//! before it was generated, so that fixing the schema and generating again
//! replaces it.
//!
//! Whether it was applied is the binary's to ask the database; this module
//! only finds the migration and removes it.

use std::path::{Path, PathBuf};

use schemac_schema::Config;

use crate::error::{DiscardError, Error};
use crate::migration::dir::MigrationDir;

/// The newest migration of one database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Newest {
    /// The database's name.
    pub database: String,
    /// The variable that holds the database's URL.
    pub url_env: String,
    /// The migration.
    pub tag: String,
}

/// The newest migration of the chosen database (the only one when `--db`
/// is not given), once its chain is whole.
pub fn newest(root: &Path, only: Option<&str>) -> Result<Newest, Error> {
    let config = Config::load_alone(root)?;
    let chosen = config.select(only)?;
    let [(_, db)] = chosen[..] else {
        return Err(DiscardError::WhichDatabase(chosen.len()).into());
    };
    let dir = MigrationDir::open(&root.join(&db.migrations))?;
    let problems = dir.chain_problems()?;
    if !problems.is_empty() {
        return Err(Error::BrokenChain {
            database: db.name.clone(),
            problems,
        });
    }
    let last = dir
        .last()
        .ok_or_else(|| DiscardError::Empty(db.name.clone()))?;
    Ok(Newest {
        database: db.name.clone(),
        url_env: db.url_env.clone(),
        tag: last.tag.clone(),
    })
}

/// Removes the migration `newest` found: its SQL, its down, its snapshot and
/// its journal entry (the journal file goes with the first migration).
/// Returns the files removed or rewritten, relative to `root`.
pub fn discard(root: &Path, newest: &Newest) -> Result<Vec<PathBuf>, Error> {
    let config = Config::load_alone(root)?;
    let (_, db) = config.select(Some(&newest.database))?[0];
    let mut dir = MigrationDir::open(&root.join(&db.migrations))?;
    let Some(last) = dir.journal.entries.pop() else {
        return Err(DiscardError::Empty(db.name.clone()).into());
    };
    if last.tag != newest.tag {
        return Err(DiscardError::Moved {
            database: db.name.clone(),
            expected: newest.tag.clone(),
            found: last.tag,
        }
        .into());
    }
    let journal = dir.journal_path();
    // The journal first: should a removal fail after it, the leftover is a
    // stray file that `check` names, not an entry without its files.
    if dir.journal.entries.is_empty() {
        std::fs::remove_file(&journal).map_err(Error::io(&journal))?;
    } else {
        std::fs::write(&journal, dir.journal.to_json()).map_err(Error::io(&journal))?;
    }
    let mut touched = vec![journal];
    for path in [
        dir.sql_path(&last.tag),
        dir.down_path(&last.tag),
        dir.snapshot_path(last.idx),
    ] {
        match std::fs::remove_file(&path) {
            Ok(()) => touched.push(path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&path)(e)),
        }
    }
    Ok(touched
        .into_iter()
        .map(|p| p.strip_prefix(root).map(Path::to_path_buf).unwrap_or(p))
        .collect())
}
