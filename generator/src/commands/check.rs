//! `schemac check`: for CI. Is every schema change covered by a migration,
//! is the chain of migrations whole, is every file what the journal says,
//! and is the generated Rust code (under `[codegen] out`) up to date?

use std::path::Path;

use schemac_schema::queries::{LockStatus, QueryLock, read_queries};

use crate::commands::generate::rust_files;
use crate::diff::{self, ConsumedHints, HintsRead, describe, read_hints};
use crate::error::Error;
use crate::migration::dir::{FileState, MigrationDir};
use crate::migration::hazards::Finding;
use crate::project::usable;
use schemac_schema::migration_dir::{ChainProblem, layout};

/// Something `check` found wrong. Each says what is wrong and, where there
/// is one, the way out.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The migrations are not one chain (a merge, a file deleted by hand).
    #[error("migration chain broken: {0}")]
    Chain(#[from] ChainProblem),
    /// A file the journal lists is not there.
    #[error("{file} is missing (the journal lists {tag})")]
    Missing {
        /// The file, relative to the project.
        file: String,
        /// The migration.
        tag: String,
    },
    /// A migration file no longer matches its hash in the journal.
    #[error("{}", edited(file, tag, *runs))]
    Edited {
        /// The file, relative to the project.
        file: String,
        /// The migration.
        tag: String,
        /// The up SQL, what the runner applies and hashes.
        runs: bool,
    },
    /// A custom migration filled in but not recorded in the journal yet.
    #[error(
        "{file} was filled in after `generate --custom` wrote it, and is not recorded yet: \
         run `schemac generate` to record it"
    )]
    NotRecorded {
        /// The file, relative to the project.
        file: String,
    },
    /// The query lock is older than the queries or the last migration.
    #[error(
        "the queries in {dir} (or the schema they read) changed since {dir}/queries.lock.json was written: \
         run `schemac generate` with the database's URL variable set, so PostgreSQL types them again"
    )]
    QueriesStale {
        /// The queries directory.
        dir: String,
    },
    /// A schema with no migration at all.
    #[error("the schema has no migration yet; run `schemac generate`")]
    NoMigration,
    /// Schema changes no migration covers.
    #[error(
        "the schema has changes that no migration covers (run `schemac generate`):\n    {}",
        changes.join("\n    ")
    )]
    Uncovered {
        /// Each change, described.
        changes: Vec<String>,
    },
    /// A generated Rust file differs from what the schema gives.
    #[error(
        "generated Rust is out of date: {file} differs from what the schema gives; run `schemac generate`"
    )]
    RustDiffers {
        /// The file, relative to the project.
        file: String,
    },
    /// A generated Rust file of a table that is gone.
    #[error(
        "generated Rust is out of date: {file} belongs to no table any more; run `schemac generate`"
    )]
    RustOrphaned {
        /// The file, relative to the project.
        file: String,
    },
}

fn edited(file: &str, tag: &str, runs: bool) -> String {
    let mut text = format!(
        "{file} differs from the hash in the journal: it was edited after it was generated; \
         if the edit is deliberate, record it with `schemac generate --rehash`"
    );
    if runs {
        text.push_str(&format!(
            ", but only while no database has applied {tag}: a database that has refuses the edited file, \
             so restore it and write the change as a new migration (`schemac generate --custom NAME`)"
        ));
    }
    text
}

/// A migration whose SQL differs from what the journal recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditedSql {
    /// The database's name.
    pub database: String,
    /// The variable of its URL.
    pub url_env: String,
    /// The migration.
    pub tag: String,
    /// The database's migration directory, relative to the project.
    pub migrations: std::path::PathBuf,
}

/// The migrations whose up SQL, what the runner applies, was edited: what
/// `generate --rehash` would re-record and a database that applied them refuses.
pub fn edited_sql(root: &Path, database: Option<&str>) -> Result<Vec<EditedSql>, Error> {
    let config = schemac_schema::Config::load_alone(root)?;
    let mut out = Vec::new();
    for (_, db) in config.select(database)? {
        let dir = MigrationDir::open(&root.join(&db.migrations))?;
        for (e, state) in dir.journal.entries.iter().zip(dir.file_states()) {
            let edited = matches!(
                state.up,
                FileState::Edited { .. } | FileState::FilledIn { .. }
            );
            if edited {
                out.push(EditedSql {
                    database: db.name.clone(),
                    url_env: db.url_env.clone(),
                    tag: e.tag.clone(),
                    migrations: db.migrations.clone(),
                });
            }
        }
    }
    Ok(out)
}

/// A problem and the database it is in (none for the generated Rust, which
/// covers every database).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The database's name.
    pub database: Option<String>,
    /// What is wrong.
    pub problem: Problem,
}

impl std::fmt::Display for Found {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.database {
            Some(db) => write!(f, "{db}: {}", self.problem),
            None => write!(f, "{}", self.problem),
        }
    }
}

/// What `check` found wrong; empty when all is well.
pub fn check(root: &Path, database: Option<&str>) -> Result<Vec<Found>, Error> {
    Ok(check_with_hazards(root, database)?.0)
}

/// [`check`], and the hazards of the newest migrations (which it reports
/// without failing), from one compilation of the project.
pub fn check_with_hazards(
    root: &Path,
    database: Option<&str>,
) -> Result<(Vec<Found>, Vec<Finding>), Error> {
    let compiled = schemac_schema::compile_project_alongside(root, crate::sql_parser(), |_| ()).0;
    let config = usable(&compiled)?;
    // Hazards are shown, not checked: a file they cannot be read from is
    // one of the problems the check itself reports (missing, unreadable).
    let hazards =
        crate::commands::lint::findings(root, config, database, None, None).unwrap_or_default();
    let mut problems = Vec::new();
    for (i, db) in config.select(database)? {
        let Some(schema) = compiled.schemas.get(i) else {
            continue;
        };
        let dir = MigrationDir::open(&root.join(&db.migrations))?;
        let chain = dir.chain_problems()?;
        // A migration of a broken chain differs from the journal because
        // of the break (a colliding snapshot): that is not an edit.
        let involved: Vec<&str> = chain.iter().flat_map(ChainProblem::tags).collect();
        let mut p: Vec<Problem> = chain.iter().cloned().map(Problem::Chain).collect();
        hashes(&dir, &involved, &mut p);
        if p.is_empty() {
            coverage(&dir, schema, &mut p)?;
        }
        let queries = root.join(&db.queries);
        let sources = read_queries(&queries, &db.queries)?;
        let lock = QueryLock::read(&queries)?;
        let snapshot = dir.last().map(|e| e.snapshot_sha256.as_str());
        let status = QueryLock::status(
            lock.as_ref(),
            &sources,
            &schema.typed(config.codegen),
            snapshot,
        );
        if matches!(status, LockStatus::Stale | LockStatus::Orphaned) {
            p.push(Problem::QueriesStale {
                dir: db.queries.display().to_string(),
            });
        }
        problems.extend(p.into_iter().map(|problem| Found {
            database: Some(db.name.clone()),
            problem,
        }));
    }
    if let Some((files, stale)) = rust_files(root, &compiled, &[])? {
        let shown = |path: &Path| {
            path.strip_prefix(root)
                .unwrap_or(path)
                .display()
                .to_string()
        };
        for (path, text) in files.iter() {
            if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
                problems.push(Found {
                    database: None,
                    problem: Problem::RustDiffers { file: shown(path) },
                });
            }
        }
        for path in stale {
            problems.push(Found {
                database: None,
                problem: Problem::RustOrphaned { file: shown(&path) },
            });
        }
    }
    Ok((problems, hazards))
}

/// Every file hashes as the journal recorded it.
fn hashes(dir: &MigrationDir, skip: &[&str], problems: &mut Vec<Problem>) {
    for (e, state) in dir.journal.entries.iter().zip(dir.file_states()) {
        if skip.contains(&e.tag.as_str()) {
            continue;
        }
        for (file, name, runs) in [
            (state.up, layout::up(&e.tag), true),
            (state.down, layout::down(&e.tag), false),
            (state.snapshot, layout::snapshot(e.idx), false),
        ] {
            // Problems name the file as it is called, not its path.
            let file_name = name.rsplit('/').next().unwrap_or(&name).to_owned();
            match file {
                FileState::Matches => {}
                FileState::Missing => problems.push(Problem::Missing {
                    file: file_name,
                    tag: e.tag.clone(),
                }),
                FileState::FilledIn { .. } => {
                    problems.push(Problem::NotRecorded { file: file_name })
                }
                FileState::Edited { .. } => problems.push(Problem::Edited {
                    file: file_name,
                    tag: e.tag.clone(),
                    runs,
                }),
            }
        }
    }
}

/// The schema equals the last snapshot.
fn coverage(
    dir: &MigrationDir,
    schema: &schemac_schema::Schema,
    problems: &mut Vec<Problem>,
) -> Result<(), Error> {
    let Some(last) = dir.last() else {
        problems.push(Problem::NoMigration);
        return Ok(());
    };
    let previous = dir.snapshot(last.idx)?;
    let consumed = ConsumedHints::of(&dir.journal);
    let current = crate::migration::order::next_snapshot(&previous, schema, &consumed);
    if previous == current {
        return Ok(());
    }
    let HintsRead { renames, data, .. } = read_hints(&previous, schema, &consumed);
    let d = diff::diff(&previous, &current, &renames, &data);
    let mut changes: Vec<String> = d
        .changes
        .iter()
        .map(|c| {
            let (verb, what) = describe(c);
            format!("{verb} {what}")
        })
        .collect();
    if changes.is_empty() {
        changes.push("settings of the generated code".into());
    }
    problems.push(Problem::Uncovered { changes });
    Ok(())
}
