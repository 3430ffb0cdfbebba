//! The two plans that take no diff: `--custom`, an empty migration for
//! hand-written SQL, and `--rehash`, which re-records migrations edited on
//! purpose.

use schemac_schema::DatabaseConfig;

use super::planning::{Hashed, NewMigration, write_plan};
use super::{Outcome, Plan};
use crate::error::{Error, Usage};
use crate::migration::dir::{
    CUSTOM_DOWN_TEMPLATE, CUSTOM_UP_TEMPLATE, EntryState, FileState, MigrationDir,
};
use crate::output::FileSet;
use schemac_schema::migration_dir::{ChainProblem, layout};

/// Records the hand-written SQL of custom migrations filled in since
/// `--custom` wrote them; returns their tags.
pub(super) fn record_filled_in(dir: &mut MigrationDir) -> Result<Vec<String>, Error> {
    // Only custom migrations can be filled in: the others' files (and the
    // snapshots, megabytes each) are not read on every generate.
    let states: Vec<Option<EntryState>> = dir
        .journal
        .entries
        .iter()
        .map(|e| e.custom.then(|| dir.entry_state(e)))
        .collect();
    let mut recorded = Vec::new();
    for (e, state) in dir.journal.entries.iter_mut().zip(states) {
        let Some(state) = state else { continue };
        let mut changed = false;
        for (hash, file) in [
            (&mut e.sql_sha256, state.up),
            (&mut e.down_sha256, state.down),
        ] {
            if let FileState::FilledIn { now } = file {
                *hash = now;
                changed = true;
            }
        }
        if changed {
            recorded.push(e.tag.clone());
        }
    }
    Ok(recorded)
}

/// A migration for hand-written SQL, empty to be filled in or with the
/// texts given (`(up, down)`); the schema stays as it was.
pub(super) fn custom(
    dir: &MigrationDir,
    db: &DatabaseConfig,
    name: &str,
    texts: Option<(String, String)>,
) -> Result<Plan, Error> {
    let Some(last) = dir.last() else {
        return Err(Usage::NoMigrationsYet(db.name.clone()).into());
    };
    let snapshot_text = dir.read(&dir.snapshot_path(last.idx))?;
    let (up, down) = texts.unwrap_or_else(|| {
        (
            CUSTOM_UP_TEMPLATE.to_string(),
            CUSTOM_DOWN_TEMPLATE.to_string(),
        )
    });
    let m = NewMigration {
        name: name.to_string(),
        up: Hashed::new(up),
        down: Hashed::new(down),
        snapshot: Hashed::new(snapshot_text),
        custom: true,
        hints: None,
        consumed_hints: Vec::new(),
    };
    Ok(write_plan(dir, db, vec![m], Vec::new()))
}

/// Whether `--rehash` may re-link the chain: only where each break follows
/// a snapshot that was itself edited (on purpose, the rehash says). A
/// collision or a stray file is two branches' work, which re-recording
/// hashes would hide; `schemac rebase` is the way out of those.
pub(super) fn mends(dir: &MigrationDir, problems: &[ChainProblem]) -> bool {
    problems.iter().all(|p| {
        let ChainProblem::NotChained { previous, .. } = p else {
            return false;
        };
        dir.journal.entries.iter().any(|e| {
            &e.tag == previous && matches!(dir.entry_state(e).snapshot, FileState::Edited { .. })
        })
    })
}

/// Re-records the hashes of migrations whose files were edited on purpose.
pub(super) fn rehash(dir: &MigrationDir, db: &DatabaseConfig) -> Result<Plan, Error> {
    let mut journal = dir.journal.clone();
    let mut changed = Vec::new();
    let mut prev: Option<String> = None;
    for (e, state) in journal.entries.iter_mut().zip(dir.file_states()) {
        let mut what = Vec::new();
        for (file, hash, name) in [
            (state.up, &mut e.sql_sha256, layout::up(&e.tag)),
            (state.down, &mut e.down_sha256, layout::down(&e.tag)),
            (
                state.snapshot,
                &mut e.snapshot_sha256,
                layout::snapshot(e.idx),
            ),
        ] {
            match file {
                FileState::Matches => {}
                FileState::Edited { now } | FileState::FilledIn { now } => {
                    what.push(name);
                    *hash = now;
                }
                // Said with the file's path and why it cannot be read.
                FileState::Missing => {
                    dir.read(&dir.dir.join(&name))?;
                }
            }
        }
        if e.prev_snapshot_sha256 != prev {
            what.push("the link to the previous snapshot".into());
            e.prev_snapshot_sha256 = prev.clone();
        }
        prev = Some(e.snapshot_sha256.clone());
        if !what.is_empty() {
            e.edited = true;
            changed.push((e.tag.clone(), what));
        }
    }
    let mut files = FileSet::new();
    if !changed.is_empty() {
        files.add(dir.journal_path(), journal.to_json());
    }
    Ok(Plan {
        database: db.name.clone(),
        outcome: Outcome::Rehashed { entries: changed },
        files,
        warnings: Vec::new(),
        recorded: Vec::new(),
    })
}
