//! `schemac rebase`: after a merge, keeps the other branch's migrations and
//! writes this branch's again on top of them.
//!
//! Two branches that each added migration 0003 cannot both keep it: each
//! starts from the snapshot of 0002, and applying both would run one side's
//! change on a schema that already has it. The other branch's migrations
//! (those of the merged-in ref, which may already be applied somewhere) are
//! taken as they are in git; this branch's are removed and generated again
//! from the merged schema, and its hand-written (custom) migrations are put
//! back after them with their SQL unchanged. Whether a database has applied
//! one of this branch's migrations is for the binary to ask before
//! [`apply`] runs.

use std::path::{Path, PathBuf};
use std::process::Command;

use schemac_schema::Config;
use schemac_schema::migration_dir::{
    Journal, JournalEntry, conflict_sides, layout, migration_files, tag_of_file,
};

use crate::commands::generate::{GenerateOptions, Outcome, generate};
use crate::error::{Error, RebaseError};
use crate::migration::dir::MigrationDir;

/// One database's rebase, worked out before anything is written.
#[derive(Debug)]
pub struct RebasePlan {
    /// The database's name.
    pub database: String,
    /// The variable of its URL, to ask whether this branch's migrations
    /// are applied there.
    pub url_env: String,
    /// This branch's migrations (tags), which will be removed and written again.
    pub ours: Vec<String>,
    their_journal: Journal,
    /// The other branch's migrations from where the two sides part.
    pub theirs: Vec<String>,
    /// Their files, as git has them.
    their_files: Vec<(PathBuf, String)>,
    /// This branch's hand-written migrations: (name, up, down).
    custom: Vec<(String, String, String)>,
    /// The name to give the regenerated migration: this branch's, when it had one.
    name: Option<String>,
    dir: PathBuf,
}

/// What a rebase did to one database.
#[derive(Debug)]
pub struct Rebased {
    /// The database's name.
    pub database: String,
    /// The other branch's migrations kept, by tag (from where the sides part).
    pub kept: Vec<String>,
    /// This branch's migrations as they were.
    pub removed: Vec<String>,
    /// Their replacements, numbered after the other branch's.
    pub written: Vec<String>,
}

/// The ref a rebase keeps: the one given, or the branch being merged.
pub fn onto(root: &Path, given: Option<&str>) -> Result<String, RebaseError> {
    match given {
        Some(r) => {
            git(
                root,
                &[
                    "rev-parse",
                    "--verify",
                    "--quiet",
                    &format!("{r}^{{commit}}"),
                ],
            )?
            .ok_or_else(|| RebaseError::UnknownRef(r.to_string()))?;
            Ok(r.to_string())
        }
        None => git(root, &["rev-parse", "--verify", "--quiet", "MERGE_HEAD"])?
            .map(|_| "MERGE_HEAD".to_string())
            .ok_or(RebaseError::NoMergeInProgress),
    }
}

/// Works out, for each chosen database, which migrations are this
/// branch's and what the other branch's directory holds.
pub fn plan(root: &Path, onto: &str, only: Option<&str>) -> Result<Vec<RebasePlan>, Error> {
    let config = Config::load_alone(root)?;
    let mut plans = Vec::new();
    for (_, db) in config.select(only)? {
        let dir = root.join(&db.migrations);
        let in_git = |file: &str| format!("./{}/{file}", slashes(&db.migrations));
        let journal_file = in_git(layout::JOURNAL);
        let theirs = match git_show(root, onto, &journal_file)? {
            None => Journal::default(),
            Some(text) => Journal::from_json(&text).map_err(|e| RebaseError::TheirJournal {
                rev: onto.to_string(),
                path: journal_file.clone(),
                message: e.to_string(),
            })?,
        };
        let is_theirs = |tag: &str| theirs.entries.iter().any(|e| e.tag == tag);
        // This branch's entries: in the journal as it stands (either side of
        // a conflict) or as HEAD has it, and not the other branch's.
        let mut ours: Vec<JournalEntry> = Vec::new();
        for journal in our_journals(root, &dir, &journal_file)? {
            for e in journal.entries {
                if !is_theirs(&e.tag) && !ours.iter().any(|o| o.tag == e.tag) {
                    ours.push(e);
                }
            }
        }
        ours.sort_by_key(|e| e.idx);
        let mut tags: Vec<String> = ours.iter().map(|e| e.tag.clone()).collect();
        // Files no journal lists (a merge that kept the other side's journal).
        let files = migration_files(&dir).map_err(|e| Error::Io {
            path: dir.clone(),
            source: e,
        })?;
        for f in &files {
            let tag = tag_of_file(f);
            if !is_theirs(tag) && !tags.iter().any(|t| t == tag) {
                tags.push(tag.to_string());
            }
        }
        let parted = ours
            .iter()
            .map(|e| e.idx as usize)
            .min()
            .unwrap_or(theirs.entries.len());
        let mut their_files = Vec::new();
        for e in theirs.entries.iter().skip(parted) {
            for file in [
                layout::up(&e.tag),
                layout::down(&e.tag),
                layout::snapshot(e.idx),
            ] {
                if let Some(text) = git_show(root, onto, &in_git(&file))? {
                    their_files.push((dir.join(&file), text));
                }
            }
        }
        let mut custom = Vec::new();
        for e in ours.iter().filter(|e| e.custom) {
            let read = |p: PathBuf| std::fs::read_to_string(&p).unwrap_or_default();
            custom.push((
                name_of(&e.tag).to_string(),
                read(dir.join(layout::up(&e.tag))),
                read(dir.join(layout::down(&e.tag))),
            ));
        }
        let generated: Vec<&JournalEntry> = ours.iter().filter(|e| !e.custom).collect();
        let name = match generated[..] {
            [one] => Some(name_of(&one.tag).to_string()),
            _ => None,
        };
        plans.push(RebasePlan {
            database: db.name.clone(),
            url_env: db.url_env.clone(),
            ours: tags,
            theirs: theirs
                .entries
                .iter()
                .skip(parted)
                .map(|e| e.tag.clone())
                .collect(),
            their_journal: theirs,
            their_files,
            custom,
            name,
            dir,
        });
    }
    Ok(plans)
}

/// Puts the other branch's migrations in place, removes this branch's and
/// generates them again. Should generating fail (a schema still holding
/// conflict markers, a loss not allowed), every file is put back as it was.
pub fn apply(root: &Path, plan: &RebasePlan, allow_data_loss: bool) -> Result<Rebased, Error> {
    let backup = Backup::take(&plan.dir)?;
    let result = apply_unguarded(root, plan, allow_data_loss);
    if result.is_err() {
        backup.restore();
    }
    result
}

fn apply_unguarded(
    root: &Path,
    plan: &RebasePlan,
    allow_data_loss: bool,
) -> Result<Rebased, Error> {
    let dir = MigrationDir::open_with(&plan.dir, plan.their_journal.clone());
    for tag in &plan.ours {
        for path in [dir.sql_path(tag), dir.down_path(tag)] {
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(&path)(e)),
            }
        }
    }
    // Snapshots past the other branch's last are this branch's.
    let mut idx = plan.their_journal.entries.len() as u32;
    while dir.snapshot_path(idx).exists() {
        let path = dir.snapshot_path(idx);
        std::fs::remove_file(&path).map_err(Error::io(&path))?;
        idx += 1;
    }
    for (path, text) in &plan.their_files {
        crate::output::write_if_changed(path, text.as_bytes()).map_err(Error::io(path))?;
    }
    let journal = dir.journal_path();
    if plan.their_journal.entries.is_empty() {
        if journal.exists() {
            std::fs::remove_file(&journal).map_err(Error::io(&journal))?;
        }
    } else {
        crate::output::write_if_changed(&journal, plan.their_journal.to_json().as_bytes())
            .map_err(Error::io(&journal))?;
    }
    let mut written = Vec::new();
    let report = generate(
        root,
        &GenerateOptions {
            name: plan.name.clone(),
            database: Some(plan.database.clone()),
            allow_data_loss,
            ..GenerateOptions::default()
        },
    )?;
    for (_, outcome) in report.databases {
        if let Outcome::Created { tags, .. } = outcome {
            written.extend(tags);
        }
    }
    for (name, up, down) in &plan.custom {
        written.push(crate::commands::generate::append_custom(
            root,
            &plan.database,
            name,
            up.clone(),
            down.clone(),
        )?);
    }
    Ok(Rebased {
        database: plan.database.clone(),
        kept: plan.theirs.clone(),
        removed: plan.ours.clone(),
        written,
    })
}

/// The name part of a tag: `add_email` of `0003_add_email`.
fn name_of(tag: &str) -> &str {
    tag.split_once('_').map_or(tag, |(_, name)| name)
}

fn slashes(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The journals this branch's migrations may be listed in: each side of a
/// conflicted journal (or the journal itself), and HEAD's.
fn our_journals(root: &Path, dir: &Path, journal_in_git: &str) -> Result<Vec<Journal>, Error> {
    let mut texts = Vec::new();
    if let Ok(text) = std::fs::read_to_string(dir.join(layout::JOURNAL)) {
        match conflict_sides(&text) {
            Some((ours, theirs)) => texts.extend([ours, theirs]),
            None => texts.push(text),
        }
    }
    if let Some(text) = git_show(root, "HEAD", journal_in_git)? {
        texts.push(text);
    }
    // A side that does not parse lists nothing this branch can rebase.
    Ok(texts
        .iter()
        .filter_map(|t| Journal::from_json(t).ok())
        .collect())
}

/// Mid-merge, this branch's migration directory `migrations` (relative to
/// `root`) as its last commit has it, written into `into`: the journal and
/// files the database of this branch was migrated with, for the downs that
/// revert it before `rebase`. False, writing nothing, when no merge is in
/// progress.
pub fn branch_side(root: &Path, migrations: &Path, into: &Path) -> Result<bool, RebaseError> {
    if git(root, &["rev-parse", "--verify", "--quiet", "MERGE_HEAD"])?.is_none() {
        return Ok(false);
    }
    let dir = migrations.to_string_lossy();
    let listed = git(root, &["ls-tree", "-r", "--name-only", "HEAD", "--", &dir])?;
    for path in listed.iter().flat_map(|l| l.lines()) {
        let relative = Path::new(path)
            .strip_prefix(migrations)
            .unwrap_or(Path::new(path));
        let Some(text) = git_show(root, "HEAD", &format!("./{path}"))? else {
            continue;
        };
        let target = into.join(relative);
        let io = |e: std::io::Error| RebaseError::Git {
            dir: target.clone(),
            message: e.to_string(),
        };
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        std::fs::write(&target, text).map_err(io)?;
    }
    Ok(true)
}

/// Where this branch left its trunk: the trunk's name (`origin/HEAD`'s
/// branch, else `main`, else `master`) and the commit both share last. On
/// the trunk itself that is its last commit. None outside a repository, or
/// with no trunk to find.
pub fn branch_point(root: &Path) -> Result<Option<(String, String)>, RebaseError> {
    let inside = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--is-inside-work-tree"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !inside {
        return Ok(None);
    }
    let remote = git(
        root,
        &[
            "symbolic-ref",
            "--quiet",
            "--short",
            "refs/remotes/origin/HEAD",
        ],
    )?
    .map(|s| s.trim().to_owned());
    let mut candidates: Vec<String> = remote.into_iter().collect();
    candidates.extend(["main".to_owned(), "master".to_owned()]);
    for trunk in candidates {
        if git(root, &["rev-parse", "--verify", "--quiet", &trunk])?.is_none() {
            continue;
        }
        if let Some(base) = git(root, &["merge-base", "HEAD", &trunk])? {
            return Ok(Some((trunk, base.trim().to_owned())));
        }
    }
    Ok(None)
}

/// Whether the journal of `migrations` (relative to `root`) at `rev` lists `tag`.
pub fn journal_lists(
    root: &Path,
    rev: &str,
    migrations: &Path,
    tag: &str,
) -> Result<bool, RebaseError> {
    let path = format!("./{}/{}", slashes(migrations), layout::JOURNAL);
    Ok(git_show(root, rev, &path)?
        .and_then(|text| Journal::from_json(&text).ok())
        .is_some_and(|j| j.entries.iter().any(|e| e.tag == tag)))
}

/// Runs git in `root`; None when it exits non-zero (the ref or file is not there).
fn git(root: &Path, args: &[&str]) -> Result<Option<String>, RebaseError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| RebaseError::Git {
            dir: root.to_path_buf(),
            message: e.to_string(),
        })?;
    if out.status.success() {
        return Ok(Some(String::from_utf8_lossy(&out.stdout).into_owned()));
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("not a git repository") {
        return Err(RebaseError::Git {
            dir: root.to_path_buf(),
            message: stderr.trim().to_string(),
        });
    }
    Ok(None)
}

/// A file as `rev` has it, by a path relative to `root`; None when it has none.
fn git_show(root: &Path, rev: &str, path: &str) -> Result<Option<String>, RebaseError> {
    git(root, &["show", &format!("{rev}:{path}")])
}

/// Every file of a migration directory, to put back if the rebase fails.
struct Backup {
    dir: PathBuf,
    files: Vec<(PathBuf, Vec<u8>)>,
}

impl Backup {
    fn take(dir: &Path) -> Result<Backup, Error> {
        let mut files = Vec::new();
        for sub in [dir.to_path_buf(), dir.join(layout::META)] {
            let Ok(entries) = std::fs::read_dir(&sub) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_file() {
                    let bytes = std::fs::read(&path).map_err(|source| Error::Io {
                        path: path.clone(),
                        source,
                    })?;
                    files.push((path, bytes));
                }
            }
        }
        Ok(Backup {
            dir: dir.to_path_buf(),
            files,
        })
    }

    /// Best effort: the directory as it was, files added since removed.
    fn restore(self) {
        for sub in [self.dir.clone(), self.dir.join(layout::META)] {
            if let Ok(entries) = std::fs::read_dir(&sub) {
                for entry in entries.flatten() {
                    let path = entry.path();
                    if path.is_file() && !self.files.iter().any(|(p, _)| p == &path) {
                        let _ = std::fs::remove_file(&path);
                    }
                }
            }
        }
        for (path, bytes) in self.files {
            let _ = std::fs::write(&path, bytes);
        }
    }
}
