//! `schemac generate`: compile the schema and write the next migration of each database.

use std::path::{Path, PathBuf};

use schemac_schema::{Compiled, DatabaseConfig, Schema, compile_project, snapshot};

use crate::journal::{Journal, JournalEntry, sha256_hex};
use crate::output::FileSet;
use crate::sql;

#[derive(Clone, Debug, Default)]
pub struct GenerateOptions {
    /// The migration name (`0000_<name>`); derived when absent.
    pub name: Option<String>,
    /// Only this database; every database when absent.
    pub database: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The schema has errors; `rendered` shows them all.
    #[error("{rendered}")]
    Schema { rendered: String },
    /// The command was called wrongly (unknown database, bad name).
    #[error("{0}")]
    Usage(String),
    #[error("{path}: {message}")]
    Migrations { path: PathBuf, message: String },
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What happened to one database.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A new migration was written.
    Created { tag: String, files: Vec<PathBuf> },
    /// The schema equals the last snapshot: nothing was written.
    Unchanged { last_tag: String },
}

#[derive(Debug)]
pub struct Report {
    /// (database name, outcome), in configuration order.
    pub databases: Vec<(String, Outcome)>,
    /// Rendered warnings, empty when there are none.
    pub warnings: String,
}

/// The files one database's next migration consists of, before anything is written.
#[derive(Debug)]
pub struct Plan {
    pub database: String,
    pub outcome: PlannedOutcome,
}

#[derive(Debug)]
pub enum PlannedOutcome {
    Create { tag: String, files: FileSet },
    Unchanged { last_tag: String },
}

/// Compiles the project under `root` and writes what changed.
pub fn generate(root: &Path, options: &GenerateOptions) -> Result<Report, GenerateError> {
    let compiled = compile_project(root);
    let plans = plan(root, &compiled, options)?;
    let mut report = Report {
        databases: Vec::new(),
        warnings: if compiled.diagnostics.is_empty() {
            String::new()
        } else {
            compiled.render_diagnostics()
        },
    };
    for p in plans {
        let outcome = match p.outcome {
            PlannedOutcome::Unchanged { last_tag } => Outcome::Unchanged { last_tag },
            PlannedOutcome::Create { tag, files } => {
                let written = files.write().map_err(|e| GenerateError::Io {
                    path: root.to_path_buf(),
                    source: e,
                })?;
                Outcome::Created {
                    tag,
                    files: written
                        .into_iter()
                        .map(|p| p.strip_prefix(root).map(Path::to_path_buf).unwrap_or(p))
                        .collect(),
                }
            }
        };
        report.databases.push((p.database, outcome));
    }
    Ok(report)
}

/// Everything `generate` would write, without writing it.
pub fn plan(
    root: &Path,
    compiled: &Compiled,
    options: &GenerateOptions,
) -> Result<Vec<Plan>, GenerateError> {
    if compiled.has_errors() {
        return Err(GenerateError::Schema {
            rendered: compiled.render_diagnostics(),
        });
    }
    let Some(config) = &compiled.config else {
        return Err(GenerateError::Usage("no project configuration".into()));
    };
    if let Some(name) = &options.name {
        validate_name(name)?;
    }
    if let Some(db) = &options.database {
        if !config.databases.iter().any(|d| &d.name == db) {
            let names: Vec<&str> = config.databases.iter().map(|d| d.name.as_str()).collect();
            return Err(GenerateError::Usage(format!(
                "unknown database `{db}`; this project has {}",
                names.join(", ")
            )));
        }
    }
    let mut plans = Vec::new();
    for (db, schema) in config.databases.iter().zip(&compiled.schemas) {
        if options.database.as_ref().is_some_and(|d| d != &db.name) {
            continue;
        }
        plans.push(plan_database(root, db, schema, options)?);
    }
    Ok(plans)
}

fn validate_name(name: &str) -> Result<(), GenerateError> {
    let ok = !name.is_empty()
        && name.len() <= 60
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(GenerateError::Usage(format!(
            "invalid migration name `{name}`: use lower-case letters, digits and `_` (at most 60)"
        )))
    }
}

fn plan_database(
    root: &Path,
    db: &DatabaseConfig,
    schema: &Schema,
    options: &GenerateOptions,
) -> Result<Plan, GenerateError> {
    let dir = root.join(&db.migrations);
    let meta = dir.join("meta");
    let journal_path = meta.join("_journal.json");
    let mut journal = match std::fs::read_to_string(&journal_path) {
        Ok(text) => Journal::from_json(&text).map_err(|message| GenerateError::Migrations {
            path: journal_path.clone(),
            message,
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Journal::default(),
        Err(e) => {
            return Err(GenerateError::Io {
                path: journal_path,
                source: e,
            });
        }
    };
    let new_snapshot = snapshot::to_json(schema);

    let prev_snapshot_sha256 = match journal.entries.last() {
        None => None,
        Some(last) => {
            let path = meta.join(format!("{}_snapshot.json", idx_text(last.idx)));
            let text = std::fs::read_to_string(&path).map_err(|e| GenerateError::Migrations {
                path: path.clone(),
                message: format!("cannot read the last snapshot: {e}"),
            })?;
            let previous = snapshot::from_json(&text).map_err(|e| GenerateError::Migrations {
                path: path.clone(),
                message: e.to_string(),
            })?;
            if previous == schema.without_hints() {
                return Ok(Plan {
                    database: db.name.clone(),
                    outcome: PlannedOutcome::Unchanged {
                        last_tag: last.tag.clone(),
                    },
                });
            }
            return Err(GenerateError::Migrations {
                path: path.clone(),
                message: format!(
                    "the schema of database `{}` differs from snapshot {}; migrations that change an existing schema come with the snapshot differ, which this version of schemac does not have yet",
                    db.name, last.tag
                ),
            });
        }
    };

    let idx = journal.entries.len() as u32;
    let name = options.name.clone().unwrap_or_else(|| "init".to_string());
    let tag = format!("{}_{name}", idx_text(idx));
    let sql_text = sql::join_statements(&sql::create_schema(schema));
    journal.entries.push(JournalEntry {
        idx,
        tag: tag.clone(),
        sql_sha256: sha256_hex(&sql_text),
        snapshot_sha256: sha256_hex(&new_snapshot),
        prev_snapshot_sha256,
    });
    let mut files = FileSet::new();
    files.add(dir.join(format!("{tag}.sql")), sql_text);
    files.add(
        meta.join(format!("{}_snapshot.json", idx_text(idx))),
        new_snapshot,
    );
    files.add(journal_path, journal.to_json());
    Ok(Plan {
        database: db.name.clone(),
        outcome: PlannedOutcome::Create { tag, files },
    })
}

/// `0007`
pub fn idx_text(idx: u32) -> String {
    format!("{idx:04}")
}
