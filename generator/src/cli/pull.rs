//! `schemac pull`: a live database's catalog written as the project's
//! schema YAML, and with `--baseline` its first migration.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use schemac::introspect::{self, Filter, Pulled, Unsupported};
use schemac::pull::{Layout, files};
use schemac_runtime::{Pool, PoolConfig, ReadWrite};

use super::migrate::{databases, load_config, runtime};
use super::{EXIT_FAILURE, indent};

pub struct PullOptions {
    pub db: Option<String>,
    pub url: Option<String>,
    pub pg_schemas: Vec<String>,
    pub split: bool,
    pub mixins: bool,
    pub strict: bool,
    pub baseline: bool,
}

/// The tracking tables of the migration tools a database may carry: not
/// the application's.
const TRACKING_TABLES: &[&str] = &[
    "schemac_migrations",
    "schemac_seeds",
    "__drizzle_migrations",
];

pub fn run_pull(root: &Path, options: PullOptions) -> Result<ExitCode> {
    let config = load_config(root)?;
    let dbs = databases(&config, options.db.as_deref())?;
    let db = match dbs.as_slice() {
        [one] => *one,
        _ => bail!(
            "the project has {} databases: name the one to pull into with --db",
            dbs.len()
        ),
    };
    let url = match &options.url {
        Some(url) => url.clone(),
        None => std::env::var(&db.url_env).with_context(|| {
            format!(
                "{}: set ${} to the database to pull, or give --url",
                db.name, db.url_env
            )
        })?,
    };
    let schema_dir = root.join(&db.schema);
    let migrations_dir = root.join(&db.migrations);
    refuse_existing(
        &schema_dir,
        options.baseline.then_some(migrations_dir.as_path()),
    )?;
    let filter = Filter {
        pg_schemas: options.pg_schemas.clone(),
    };
    let mut pulled = runtime()?.block_on(read(&url, &db.name, &filter))?;
    leave_out_tracking(&mut pulled);
    let mut left_out: Vec<(String, String)> = pulled
        .unsupported
        .iter()
        .map(|u| (u.object.clone(), u.reason.clone()))
        .collect();
    let layout = Layout {
        split: options.split,
        mixins: options.mixins,
    };
    let written = files(&pulled.schema, layout, &mut left_out);
    if !left_out.is_empty() {
        eprintln!(
            "{}: the database holds what schemac does not express yet; left out:",
            db.name
        );
        for (object, reason) in &left_out {
            eprintln!("  {object}: {reason}");
        }
        if options.strict {
            eprintln!("{}: --strict: nothing written", db.name);
            return Ok(ExitCode::from(EXIT_FAILURE));
        }
    }
    compiles(&db.name, &written)?;
    write_files(&schema_dir, &written)?;
    let counts = summary(&pulled);
    outln!("{}: pulled {counts} into {}", db.name, db.schema.display());
    for (path, _) in &written {
        out!("{}", indent(&db.schema.join(path).display().to_string()));
    }
    if options.baseline {
        super::baseline::write(root, db)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Nothing is written unless the files compile: one that does not is
/// schemac's mistake, not the database's, and is said so.
pub(super) fn compiles(database: &str, files: &[(PathBuf, String)]) -> Result<()> {
    let compiled = schemac_schema::compile_sources(
        vec![(database.to_owned(), files.to_vec())],
        schemac_schema::SourceMap::new(),
        schemac_schema::Diagnostics::new(),
    );
    if compiled.has_errors() {
        bail!(
            "{database}: the schema read from the database does not compile, so nothing is \
             written (a bug of schemac's: please report it with this message):\n{}",
            compiled.render_diagnostics()
        );
    }
    Ok(())
}

async fn read(url: &str, database: &str, filter: &Filter) -> Result<Pulled> {
    let pool: Pool<ReadWrite> =
        Pool::read_write(PoolConfig::new(url).application_name("schemac_pull"))?;
    let conn = pool
        .get()
        .await
        .context("cannot connect to the database to pull")?;
    let pulled = introspect::read(conn.client(), database, filter).await?;
    drop(conn);
    pool.close();
    Ok(pulled)
}

/// Nothing may be there already: pull starts a project's schema (and
/// with a baseline its migrations), it does not merge into one.
pub(super) fn refuse_existing(schema: &Path, migrations: Option<&Path>) -> Result<()> {
    let yaml = match schema.is_dir() {
        true => schemac_schema::schema_files(schema)
            .with_context(|| format!("cannot read {}", schema.display()))?
            .into_iter()
            .next(),
        false => None,
    };
    let sql = match migrations {
        Some(dir) => schemac_schema::migration_dir::migration_files(dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .into_iter()
            .next()
            .map(|name| dir.join(name)),
        None => None,
    };
    for (dir, what, found) in [
        (Some(schema), "schema", yaml),
        (migrations, "migrations", sql),
    ] {
        if let (Some(dir), Some(first)) = (dir, found) {
            bail!(
                "{} already holds {what} files ({}): pull writes a new project's {what}; \
                 pull into a new directory (`schemac -C new-project pull`) or move them away",
                dir.display(),
                first.display()
            );
        }
    }
    Ok(())
}

/// Writes the schema files under `dir`.
pub(super) fn write_files(dir: &Path, files: &[(PathBuf, String)]) -> Result<()> {
    for (path, text) in files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// The migration tools' own tables (schemac's, drizzle-kit's) are not the
/// application's schema; nor is a pg_schema that holds only them.
pub(super) fn leave_out_tracking(pulled: &mut Pulled) {
    let schema = &mut pulled.schema;
    schema
        .tables
        .retain(|t| !TRACKING_TABLES.contains(&t.name.as_str()));
    schema.sequences.retain(|s| {
        !TRACKING_TABLES
            .iter()
            .any(|t| s.name.starts_with(&format!("{t}_")))
    });
    let used = |space: &str| {
        schema.tables.iter().any(|t| t.pg_schema == space)
            || schema.views.iter().any(|v| v.pg_schema == space)
            || schema.enums.iter().any(|e| e.pg_schema == space)
            || schema.functions.iter().any(|f| f.pg_schema == space)
            || schema.sequences.iter().any(|s| s.pg_schema == space)
            || schema.domains.iter().any(|d| d.pg_schema == space)
            || schema.aggregates.iter().any(|a| a.pg_schema == space)
    };
    let keep: Vec<String> = schema
        .pg_schemas
        .iter()
        .filter(|s| used(s))
        .cloned()
        .collect();
    schema.pg_schemas = keep;
    pulled
        .unsupported
        .retain(|u: &Unsupported| !TRACKING_TABLES.iter().any(|t| u.object.contains(t)));
}

fn summary(p: &Pulled) -> String {
    let s = &p.schema;
    let parts = super::counted(&[
        (s.tables.len(), "table", "tables"),
        (s.views.len(), "view", "views"),
        (s.enums.len(), "enum", "enums"),
        (s.domains.len(), "domain", "domains"),
        (s.sequences.len(), "sequence", "sequences"),
        (s.functions.len(), "function", "functions"),
        (s.aggregates.len(), "aggregate", "aggregates"),
    ]);
    match parts.is_empty() {
        true => "nothing (the database is empty)".to_string(),
        false => parts.join(", "),
    }
}
