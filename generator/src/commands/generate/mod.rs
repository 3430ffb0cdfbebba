//! `schemac generate`: compile the schema and write the next migration of each database.
//!
//! Everything is planned in memory first, for every database; files are
//! written only when the whole plan succeeded.

mod by_hand;
mod planning;

use planning::plan;

use foldhash::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use schemac_schema::migration_dir::{HintKey, RecordedHint};
use schemac_schema::queries::{QueryLock, Typed};
use schemac_schema::resolve::Origins;
use schemac_schema::{
    Compiled, DatabaseConfig, MigrationSettings, Schema, compile_project_alongside, snapshot,
};

use crate::diff::{
    ConsumedHints, DataHints, HazardPlace, HintsRead, Loss, LossPlace, Renames, read_hints,
};
use crate::error::{DataLossReport, Error, LossFound, Usage};
use crate::migration::dir::{MigrationDir, idx_text};
use crate::migration::hazards::{self, Finding};
use crate::migration::hints::{Recorded, RecordedHints};
use crate::migration::name::migration_name;
use crate::migration::steps::steps_between;
use crate::migration::text;
use crate::output::FileSet;
use crate::project::usable;
use schemac_schema::migration_dir::{JournalEntry, sha256_hex};

/// What `generate` is asked to do (the command line's flags).
#[derive(Clone, Debug, Default)]
pub struct GenerateOptions {
    /// The migration name (`0003_<name>`); derived from the change when absent.
    pub name: Option<String>,
    /// Only this database; every database when absent.
    pub database: Option<String>,
    /// Write changes that can lose data instead of refusing them.
    pub allow_data_loss: bool,
    /// Write an empty migration with this name for hand-written SQL.
    pub custom: Option<String>,
    /// Re-record the hashes of deliberately edited migrations.
    pub rehash: bool,
}

/// What happened to one database.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// New migrations were written (two when an enum value must be added first).
    Created {
        /// Their tags.
        tags: Vec<String>,
        /// The files written, relative to the project.
        files: Vec<PathBuf>,
    },
    /// The schema equals the last snapshot: nothing was written.
    Unchanged {
        /// The last migration.
        last_tag: String,
    },
    /// `--rehash`: these migrations' hashes were re-recorded (tag, files that changed).
    Rehashed {
        /// (tag, the files whose hashes changed).
        entries: Vec<(String, Vec<String>)>,
    },
}

/// What `generate` did, for the command line to say.
#[derive(Debug)]
pub struct Report {
    /// (database name, outcome), in configuration order.
    pub databases: Vec<(String, Outcome)>,
    /// What the schema compiled with but warned about, with its places.
    pub schema_warnings: Option<schemac_schema::diagnostic::SchemaReport>,
    /// The migrations' warnings (stale hints, what a down cannot restore),
    /// one message each.
    pub warnings: Vec<String>,
    /// Rust files written or removed (only those whose bytes changed).
    pub rust_files: Vec<PathBuf>,
    /// The hazards of the migrations written, as their files record them.
    pub hazards: Vec<Finding>,
    /// (database, tag) of each custom migration whose hand-written SQL was
    /// recorded in the journal.
    pub recorded: Vec<(String, String)>,
}

struct Plan {
    database: String,
    outcome: Outcome,
    files: FileSet,
    warnings: Vec<String>,
    /// Custom migrations whose hand-written SQL is recorded now.
    recorded: Vec<String>,
}

/// Compiles the project under `root` and writes what changed.
pub fn generate(root: &Path, options: &GenerateOptions) -> Result<Report, Error> {
    prepare(root, options)?.write(Vec::new())
}

/// What `generate` would write, planned and not yet written: a caller can
/// look at the new migrations (the CLI types the named queries against
/// them) before anything reaches the disk.
pub struct Pending {
    root: PathBuf,
    compiled: Compiled,
    plans: Vec<Plan>,
    previous: HashMap<PathBuf, (u32, Schema)>,
    /// The Rust code with the locks on disk.
    rust: Option<(FileSet, Vec<PathBuf>)>,
    /// What each database's schema has typed besides its queries.
    typed: Vec<(String, Typed)>,
}

/// A database's query lock, typed again by the caller: written beside the
/// migrations and read by the Rust code instead of the one on disk.
#[derive(Debug)]
pub struct NewLock {
    /// The database's name.
    pub database: String,
    /// `None`: the database has no queries any more, and its lock goes.
    pub lock: Option<QueryLock>,
}

/// Compiles the project under `root` and plans what changed, writing nothing.
pub fn prepare(root: &Path, options: &GenerateOptions) -> Result<Pending, Error> {
    // The last snapshots are read while the schema compiles: for a large
    // schema, reading one takes about as long as resolving the YAML. One that
    // cannot be read is left out, and met again where it is needed.
    let (mut compiled, previous) = compile_project_alongside(root, crate::sql_parser(), |config| {
        last_snapshots(root, config)
    });
    let mut previous = previous.unwrap_or_default();
    let config = usable(&compiled)?;
    let rust = rust_files(root, &compiled, &[])?;
    // The Rust code is made from the schemas as written; the migrations may
    // put them in the last snapshot's order, in place. With named queries,
    // a caller may type them again and the Rust be rendered again: from a
    // copy of the schemas as written.
    let typed: Vec<(String, Typed)> = config
        .databases
        .iter()
        .zip(&compiled.schemas)
        .map(|(db, s)| (db.name.clone(), s.typed(config.codegen)))
        .collect();
    // Views' rows and functions' calls are typed like the queries, into
    // the same lock.
    let has_queries = typed.iter().any(|(_, t)| !t.is_empty())
        || config
            .databases
            .iter()
            .any(|db| root.join(&db.queries).is_dir());
    let schemas = std::mem::take(&mut compiled.schemas);
    let as_written = has_queries.then(|| schemas.clone());
    let plans = plan(root, &compiled, schemas, options, &mut previous)?;
    compiled.schemas = as_written.unwrap_or_default();
    Ok(Pending {
        root: root.to_path_buf(),
        compiled,
        plans,
        previous,
        rust,
        typed,
    })
}

impl Pending {
    /// The project's configuration, as the compilation loaded it.
    pub fn config(&self) -> &schemac_schema::Config {
        self.compiled
            .config
            .as_ref()
            .expect("a pending generate holds a usable, configured project")
    }

    /// The files the new migrations of `database` add or change (the SQL,
    /// the snapshot, the journal), with their contents; none when its
    /// schema did not change.
    pub fn migration_files(&self, database: &str) -> Vec<(&Path, &str)> {
        self.plans
            .iter()
            .filter(|p| p.database == database)
            .flat_map(|p| p.files.iter())
            .collect()
    }

    /// What `database`'s schema as written has the query lock type: its
    /// views' rows, its functions' calls.
    pub fn typed(&self, database: &str) -> Typed {
        self.typed
            .iter()
            .find(|(db, _)| db == database)
            .map(|(_, t)| t.clone())
            .unwrap_or_default()
    }

    /// Leaves the migrations out: only the locks and the Rust code are
    /// written (a rebase has written the migrations itself).
    pub fn without_migrations(mut self) -> Pending {
        self.plans.clear();
        self
    }

    /// Writes the migrations, the `locks` given and the Rust code (rendered
    /// with those locks), after everything has been made in memory.
    pub fn write(self, locks: Vec<NewLock>) -> Result<Report, Error> {
        let Pending {
            root,
            compiled,
            plans,
            previous,
            rust,
            typed: _,
        } = self;
        let root = root.as_path();
        let rust = match locks.is_empty() {
            true => rust,
            false => rust_files(root, &compiled, &locks)?,
        };
        let mut report = Report {
            databases: Vec::new(),
            schema_warnings: None,
            warnings: Vec::new(),
            rust_files: Vec::new(),
            hazards: Vec::new(),
            recorded: Vec::new(),
        };
        if !compiled.diagnostics.is_empty() {
            report.schema_warnings = Some(compiled.report());
        }
        for p in plans {
            for (path, text) in p.files.iter() {
                let name = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default();
                if let Some(tag) = name.strip_suffix(".sql").filter(|t| !t.ends_with(".down")) {
                    let shown = path
                        .strip_prefix(root)
                        .unwrap_or(path)
                        .display()
                        .to_string();
                    report
                        .hazards
                        .extend(hazards::read(text, &p.database, tag, &shown));
                }
            }
            let written = p.files.write().map_err(Error::io(root))?;
            let outcome = match p.outcome {
                Outcome::Created { tags, .. } => Outcome::Created {
                    tags,
                    files: written
                        .into_iter()
                        .map(|p| p.strip_prefix(root).map(Path::to_path_buf).unwrap_or(p))
                        .collect(),
                },
                other => other,
            };
            report.warnings.extend(p.warnings);
            report
                .recorded
                .extend(p.recorded.into_iter().map(|tag| (p.database.clone(), tag)));
            report.databases.push((p.database, outcome));
        }
        if let Some(config) = &compiled.config {
            for new in &locks {
                let Some(db) = config.databases.iter().find(|d| d.name == new.database) else {
                    continue;
                };
                let path = root
                    .join(&db.queries)
                    .join(schemac_schema::queries::LOCK_FILE);
                match &new.lock {
                    Some(lock) => {
                        crate::output::write_if_changed(&path, lock.to_json().as_bytes())
                            .map_err(Error::io(&path))?;
                    }
                    None if path.is_file() => {
                        std::fs::remove_file(&path).map_err(Error::io(&path))?
                    }
                    None => {}
                }
            }
        }
        if let Some((files, stale)) = rust {
            report.rust_files = files.write().map_err(Error::io(root))?;
            for path in stale {
                std::fs::remove_file(&path).map_err(Error::io(&path))?;
                report.rust_files.push(path);
            }
            for path in &mut report.rust_files {
                if let Ok(relative) = path.strip_prefix(root) {
                    *path = relative.to_path_buf();
                }
            }
        }
        crate::parallel::drop_later((compiled, previous));
        Ok(report)
    }
}

/// The Rust code of every database, under `[codegen] out` (a directory per
/// database when there are several), and the generated files there that a
/// fresh run no longer writes (a dropped table's module).
pub(crate) fn rust_files(
    root: &Path,
    compiled: &Compiled,
    new_locks: &[NewLock],
) -> Result<Option<(FileSet, Vec<PathBuf>)>, Error> {
    let config = usable(compiled)?;
    let Some(out) = &config.codegen_out else {
        return Ok(None);
    };
    let out = root.join(out);
    let several = config.databases.len() > 1;
    let mut files = FileSet::new();
    let mut locks = query_locks(root, config)?;
    for new in new_locks {
        if let Some(i) = config.databases.iter().position(|d| d.name == new.database) {
            locks[i] = new.lock.clone();
        }
    }
    for (db, rendered) in crate::rust::render_databases(
        &config.databases,
        &compiled.schemas,
        &locks,
        crate::rust::RustOptions {
            deserialize: config.codegen_deserialize,
        },
    )? {
        let dir = if several { out.join(&db) } else { out.clone() };
        for (name, text) in rendered {
            files.add(dir.join(name), text);
        }
    }
    if several {
        let mut text = String::from(
            "//! Generated by schemac: one module per database. Do not edit: change the schema and run `schemac generate`.\n\n",
        );
        for db in &config.databases {
            text.push_str(&format!(
                "pub mod {};\n",
                crate::rust::module_ident(&db.name)
            ));
        }
        files.add(out.join("mod.rs"), text);
    }
    let keep: Vec<&Path> = files.iter().map(|(p, _)| p).collect();
    let mut stale = Vec::new();
    let mut dirs = vec![out.clone()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && !keep.contains(&path.as_path())
                && std::fs::read_to_string(&path)
                    .is_ok_and(|t| t.starts_with("//! Generated by schemac"))
            {
                stale.push(path);
            }
        }
    }
    stale.sort();
    Ok(Some((files, stale)))
}

/// Each database's query lock (none without queries), for the Rust code.
pub(crate) fn query_locks(
    root: &Path,
    config: &schemac_schema::Config,
) -> Result<Vec<Option<QueryLock>>, Error> {
    Ok(QueryLock::read_all(root, &config.databases)?)
}

/// The last snapshot of each database's migration directory, by directory;
/// whatever cannot be read is left out, for [`plan`] to meet and report.
fn last_snapshots(root: &Path, config: &schemac_schema::Config) -> HashMap<PathBuf, (u32, Schema)> {
    config
        .databases
        .iter()
        .filter_map(|db| {
            let dir = MigrationDir::open(&root.join(&db.migrations)).ok()?;
            let idx = dir.last()?.idx;
            let schema = dir.snapshot(idx).ok()?;
            Some((dir.dir, (idx, schema)))
        })
        .collect()
}

/// Adds a hand-written migration with these texts after the last one of
/// `database` (a rebase putting this branch's back); returns its tag.
pub fn append_custom(
    root: &Path,
    database: &str,
    name: &str,
    up: String,
    down: String,
) -> Result<String, Error> {
    let config = schemac_schema::Config::load_alone(root)?;
    let (_, db) = config.select(Some(database))?[0];
    let dir = MigrationDir::open(&root.join(&db.migrations))?;
    let plan = by_hand::custom(&dir, db, name, Some((up, down)))?;
    plan.files.write().map_err(|source| Error::Io {
        path: dir.dir.clone(),
        source,
    })?;
    match plan.outcome {
        Outcome::Created { mut tags, .. } => Ok(tags.pop().unwrap_or_default()),
        _ => Ok(String::new()),
    }
}

fn validate_name(name: &str) -> Result<(), Error> {
    let ok = !name.is_empty()
        && name.len() <= 60
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Usage::InvalidName(name.to_string()).into())
    }
}
