//! The two plans that take no diff: `--custom`, an empty migration for
//! hand-written SQL, and `--rehash`, which re-records migrations edited on
//! purpose.

use schemac_schema::DatabaseConfig;

use super::{Hashed, NewMigration, Outcome, Plan, write_plan};
use crate::error::{Error, Usage};
use crate::migration::dir::{MigrationDir, idx_text};
use crate::output::FileSet;
use schemac_schema::migration_dir::{ChainProblem, sha256_hex};

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
pub fn filled_in(recorded: &str, template: &str, now: &str) -> bool {
    recorded == sha256_hex(template) && now != recorded
}

/// Records the hand-written SQL of custom migrations filled in since
/// `--custom` wrote them; returns their tags.
pub(super) fn record_filled_in(dir: &mut MigrationDir) -> Result<Vec<String>, Error> {
    let mut recorded = Vec::new();
    let (sql_paths, down_paths): (Vec<_>, Vec<_>) = dir
        .journal
        .entries
        .iter()
        .map(|e| (dir.sql_path(&e.tag), dir.down_path(&e.tag)))
        .unzip();
    for ((e, up), down) in dir
        .journal
        .entries
        .iter_mut()
        .zip(sql_paths)
        .zip(down_paths)
    {
        if !e.custom {
            continue;
        }
        let mut changed = false;
        for (path, hash, template) in [
            (up, &mut e.sql_sha256, CUSTOM_UP_TEMPLATE),
            (down, &mut e.down_sha256, CUSTOM_DOWN_TEMPLATE),
        ] {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let now = sha256_hex(&text);
            if filled_in(hash, template, &now) {
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
            &e.tag == previous
                && dir
                    .read(&dir.snapshot_path(e.idx))
                    .is_ok_and(|text| sha256_hex(&text) != e.snapshot_sha256)
        })
    })
}

/// Re-records the hashes of migrations whose files were edited on purpose.
pub(super) fn rehash(dir: &MigrationDir, db: &DatabaseConfig) -> Result<Plan, Error> {
    let mut journal = dir.journal.clone();
    let mut changed = Vec::new();
    let mut prev: Option<String> = None;
    for e in &mut journal.entries {
        let mut what = Vec::new();
        let up = sha256_hex(&dir.read(&dir.sql_path(&e.tag))?);
        let down = sha256_hex(&dir.read(&dir.down_path(&e.tag))?);
        let snap = sha256_hex(&dir.read(&dir.snapshot_path(e.idx))?);
        if up != e.sql_sha256 {
            what.push(format!("{}.sql", e.tag));
            e.sql_sha256 = up;
        }
        if down != e.down_sha256 {
            what.push(format!("{}.down.sql", e.tag));
            e.down_sha256 = down;
        }
        if snap != e.snapshot_sha256 {
            what.push(format!("meta/{}_snapshot.json", idx_text(e.idx)));
            e.snapshot_sha256 = snap;
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
