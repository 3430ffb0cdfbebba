//! `schemac check`: for CI. Is every schema change covered by a migration,
//! is the chain of migrations whole, is every file what the journal says,
//! and is the generated Rust code (under `[codegen] out`) up to date?

use std::path::Path;

use schemac_schema::compile_project;

use crate::diff::{self, describe, renames_from_hints};
use crate::generate::{GenerateError, rust_files, usable};
use crate::lint::Finding;
use crate::migrations::{MigrationDir, idx_text};
use schemac_schema::migration_dir::sha256_hex;

/// What `check` found wrong, per database; empty when all is well.
pub fn check(root: &Path, database: Option<&str>) -> Result<Vec<String>, GenerateError> {
    Ok(check_with_hazards(root, database)?.0)
}

/// [`check`], and the hazards of the newest migrations (which it reports
/// without failing), from one compilation of the project.
pub fn check_with_hazards(
    root: &Path,
    database: Option<&str>,
) -> Result<(Vec<String>, Vec<Finding>), GenerateError> {
    let compiled = compile_project(root);
    let config = usable(&compiled)?;
    // Hazards are shown, not checked: a file they cannot be read from is
    // one of the problems the check itself reports (missing, unreadable).
    let hazards = crate::lint::findings(root, config, database, None, None).unwrap_or_default();
    let mut problems = Vec::new();
    for (i, db) in config.select(database)? {
        let Some(schema) = compiled.schemas.get(i) else {
            continue;
        };
        let dir = MigrationDir::open(&root.join(&db.migrations))?;
        let mut p = Vec::new();
        chain(&dir, &mut p);
        hashes(&dir, &mut p);
        if p.is_empty() {
            coverage(&dir, schema, &mut p)?;
        }
        problems.extend(p.into_iter().map(|m| format!("{}: {m}", db.name)));
    }
    if let Some((files, stale)) = rust_files(root, &compiled)? {
        let shown = |path: &Path| {
            path.strip_prefix(root)
                .unwrap_or(path)
                .display()
                .to_string()
        };
        for (path, text) in files.iter() {
            if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
                problems.push(format!(
                    "generated Rust is out of date: {} differs from what the schema gives; run `schemac generate`",
                    shown(path)
                ));
            }
        }
        for path in stale {
            problems.push(format!(
                "generated Rust is out of date: {} belongs to no table any more; run `schemac generate`",
                shown(&path)
            ));
        }
    }
    Ok((problems, hazards))
}

/// Entries in order, each starting from the snapshot the previous one ended with.
fn chain(dir: &MigrationDir, problems: &mut Vec<String>) {
    let entries = &dir.journal.entries;
    for (i, e) in entries.iter().enumerate() {
        if e.idx as usize != i {
            problems.push(format!(
                "migration chain broken: journal entry {} is numbered {} (two branches that both added a migration?)",
                i, e.tag
            ));
        }
        let expected = i.checked_sub(1).map(|p| entries[p].snapshot_sha256.clone());
        if e.prev_snapshot_sha256 != expected {
            problems.push(format!(
                "migration chain broken: {} does not start from the snapshot of {} (two branches that both added migration {}?); \
                 regenerate one branch's migration on top of the other's",
                e.tag,
                i.checked_sub(1).map_or("nothing".to_string(), |p| entries[p].tag.clone()),
                idx_text(e.idx)
            ));
        }
    }
    for f in dir.stray_files() {
        problems.push(format!(
            "migration chain broken: {f} is not in the journal (added by another branch, or renamed by hand?)"
        ));
    }
}

/// Every file hashes as the journal recorded it.
fn hashes(dir: &MigrationDir, problems: &mut Vec<String>) {
    for e in &dir.journal.entries {
        let files = [
            (dir.sql_path(&e.tag), &e.sql_sha256),
            (dir.down_path(&e.tag), &e.down_sha256),
            (dir.snapshot_path(e.idx), &e.snapshot_sha256),
        ];
        for (path, recorded) in files {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            match std::fs::read_to_string(&path) {
                Err(_) => problems.push(format!("{name} is missing (the journal lists {})", e.tag)),
                Ok(text) if &sha256_hex(&text) != recorded => problems.push(format!(
                    "{name} differs from the hash in the journal: it was edited after it was generated; \
                     if the edit is deliberate, record it with `schemac generate --rehash`"
                )),
                Ok(_) => {}
            }
        }
    }
}

/// The schema equals the last snapshot.
fn coverage(
    dir: &MigrationDir,
    schema: &schemac_schema::Schema,
    problems: &mut Vec<String>,
) -> Result<(), GenerateError> {
    let Some(last) = dir.last() else {
        problems.push("the schema has no migration yet; run `schemac generate`".into());
        return Ok(());
    };
    let previous = dir.snapshot(last.idx)?;
    let current = crate::order::next_snapshot(&previous, schema);
    if previous == current {
        return Ok(());
    }
    let (renames, data, _) = renames_from_hints(&previous, schema);
    let d = diff::diff(&previous, &current, &renames, &data);
    let mut summary: Vec<String> = d
        .changes
        .iter()
        .map(|c| {
            let (verb, what) = describe(c);
            format!("{verb} {what}")
        })
        .collect();
    if summary.is_empty() {
        summary.push("settings of the generated code".into());
    }
    problems.push(format!(
        "the schema has changes that no migration covers (run `schemac generate`):\n    {}",
        summary.join("\n    ")
    ));
    Ok(())
}
