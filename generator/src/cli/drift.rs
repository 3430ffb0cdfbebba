//! Drift (`schemac status --drift`): the live database against a scratch
//! one built from the migrations it applied; and the check that lets
//! `schemac migrate` record a baseline as applied on a database that is
//! already at it.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use schemac::introspect::drift::{Drift, compare, render_text};
use schemac::introspect::{self, Filter, Pulled};
use schemac_runtime::migrate::{MigrationSet, Migrator};
use schemac_runtime::{Pool, PoolConfig, ReadWrite};
use schemac_schema::config::DatabaseConfig;

use super::migrate::{databases, load_config, migrator, runtime};
use super::{EXIT_FAILURE, scratch::with_scratch};

/// How drift is written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum DriftFormat {
    Text,
    Json,
}

pub fn status_drift(root: &Path, only: Option<&str>, format: DriftFormat) -> Result<ExitCode> {
    let config = load_config(root)?;
    let rt = runtime()?;
    let mut report = Vec::new();
    let mut drifted = false;
    for db in databases(&config, only)? {
        let set = MigrationSet::load(root.join(&db.migrations))?;
        let url = url_of(db)?;
        let drift = rt.block_on(drift_of(db, &set, &url))?;
        drifted |= !drift.is_empty();
        match format {
            DriftFormat::Text => out!("{}", render_text(&db.name, &drift)),
            DriftFormat::Json => report.push(serde_json::json!({
                "database": db.name,
                "drift": drift,
            })),
        }
    }
    if format == DriftFormat::Json {
        let doc = serde_json::json!({ "drifted": drifted, "databases": report });
        outln!("{}", serde_json::to_string_pretty(&doc)?);
    }
    Ok(match drifted {
        true => ExitCode::from(EXIT_FAILURE),
        false => ExitCode::SUCCESS,
    })
}

fn url_of(db: &DatabaseConfig) -> Result<String> {
    std::env::var(&db.url_env).with_context(|| format!("{}: set ${}", db.name, db.url_env))
}

/// The server a scratch database is made on: SCHEMAC_SCRATCH_URL when
/// set, else the database's own, so that both sides are printed by the
/// same PostgreSQL.
fn scratch_server(url: &str) -> String {
    std::env::var("SCHEMAC_SCRATCH_URL").unwrap_or_else(|_| url.to_owned())
}

/// What differs between the database at `url` and what the migrations it
/// applied make.
async fn drift_of(db: &DatabaseConfig, set: &MigrationSet, url: &str) -> Result<Vec<Drift>> {
    let applied = migrator(PoolConfig::new(url), db).applied_tags().await?;
    let mut upto = 0;
    for (i, tag) in applied.iter().enumerate() {
        match set.migrations.get(i) {
            Some(m) if &m.tag == tag => upto = i + 1,
            _ => bail!(
                "{}: the database applied {tag}, which is not migration {} of {}: `schemac status` says more",
                db.name,
                i,
                set.dir.display()
            ),
        }
    }
    let live = pulled(url, &db.name).await?;
    let server = scratch_server(url);
    let expected = built_from(db, set, upto, &server).await?;
    settled(db, &expected, &live, &server).await
}

/// What differs between `expected` and `live` however PostgreSQL prints
/// it. A baseline is written from what PostgreSQL printed, and PostgreSQL
/// does not always print what it reads back from its print the same way
/// (`x IN ('a', 'b')` on a varchar): an object that differs is drift only
/// if it differs again against the live database printed once more.
async fn settled(
    db: &DatabaseConfig,
    expected: &Pulled,
    live: &Pulled,
    server: &str,
) -> Result<Vec<Drift>> {
    let raw = compare(expected, live);
    if raw.is_empty() {
        return Ok(raw);
    }
    let mut printed = reprinted(db, live, server).await?;
    // What YAML has no word for is the live database's as it is.
    printed.disabled_triggers = live.disabled_triggers.clone();
    printed.unsupported = live.unsupported.clone();
    let again = compare(expected, &printed);
    // Of the two ways an object differs, the one with fewer lines changed
    // is the one to show: the other also shows the printing.
    Ok(raw
        .into_iter()
        .filter_map(|d| {
            let other = again.iter().find(|a| a.object == d.object)?;
            Some(match changed_lines(other) < changed_lines(&d) {
                true => other.clone(),
                false => d,
            })
        })
        .collect())
}

fn changed_lines(d: &Drift) -> usize {
    similar::TextDiff::from_lines(&d.expected, &d.actual)
        .iter_all_changes()
        .filter(|c| c.tag() != similar::ChangeTag::Equal)
        .count()
}

/// The database at `url` as the model reads it, without the migration
/// tools' own tables.
pub async fn pulled(url: &str, database: &str) -> Result<Pulled> {
    let pool: Pool<ReadWrite> =
        Pool::read_write(PoolConfig::new(url).application_name("schemac_introspect"))?;
    let conn = pool.get().await.context("cannot connect to the database")?;
    let mut pulled = introspect::read(conn.client(), database, &Filter::default()).await?;
    drop(conn);
    pool.close();
    super::pull::leave_out_tracking(&mut pulled);
    Ok(pulled)
}

/// What the first `count` migrations of `set` make, read from a scratch
/// database on `server`.
async fn built_from(
    db: &DatabaseConfig,
    set: &MigrationSet,
    count: usize,
    server: &str,
) -> Result<Pulled> {
    let subset = MigrationSet {
        dir: set.dir.clone(),
        migrations: set.migrations[..count].to_vec(),
    };
    with_scratch(
        server,
        "build what the migrations make",
        |scratch| async move {
            migrator(PoolConfig::new(&scratch), db)
                .run(&subset, &mut |_| {})
                .await
                .context("cannot build a scratch database from the applied migrations")?;
            pulled(&scratch, &db.name).await
        },
    )
    .await
}

/// Before `migrate`: a baseline not yet recorded on a database that holds
/// a schema is recorded as applied, without running it, when the database
/// is at the baseline's schema; refused with what differs when it is not.
/// An empty database runs it as any migration. Returns the line to say.
pub async fn record_baseline(
    db: &DatabaseConfig,
    set: &MigrationSet,
    url: &str,
) -> Result<Option<String>> {
    let Some(first) = set.migrations.first().filter(|m| m.baseline) else {
        return Ok(None);
    };
    let runner: Migrator = migrator(PoolConfig::new(url), db);
    if !runner.applied_tags().await?.is_empty() {
        return Ok(None);
    }
    {
        let pool: Pool<ReadWrite> =
            Pool::read_write(PoolConfig::new(url).application_name("schemac_migrate"))?;
        let conn = pool.get().await.context("cannot connect to the database")?;
        super::import::check_drizzle_record(conn.client(), &set.dir, &db.name).await?;
        drop(conn);
        pool.close();
    }
    let live = pulled(url, &db.name).await?;
    if !holds(&live) {
        return Ok(None);
    }
    let server = scratch_server(url);
    let expected = built_from(db, set, 1, &server).await?;
    let drift = settled(db, &expected, &live, &server).await?;
    if !drift.is_empty() {
        bail!(
            "{}: {} is the baseline of a database that already has its schema, but this database \
             is neither empty nor at it, so it is neither run nor recorded:\n{}",
            db.name,
            first.tag,
            render_text(&db.name, &drift).trim_end()
        );
    }
    Ok(runner.record_baseline(set).await?.map(|tag| {
        format!(
            "{}: the database is at the baseline: recorded {tag} as applied without running it",
            db.name
        )
    }))
}

/// The database `live` describes, built once more in a scratch database
/// from the YAML `pull` writes of it, and read back.
async fn reprinted(db: &DatabaseConfig, live: &Pulled, server: &str) -> Result<Pulled> {
    let files = schemac::pull::files(&live.schema, Default::default(), &mut Vec::new());
    let compiled = schemac_schema::compile_sources(
        vec![(db.name.clone(), files)],
        schemac_schema::SourceMap::new(),
        schemac_schema::Diagnostics::new(),
    );
    let Some(schema) = compiled.schemas.first().filter(|_| !compiled.has_errors()) else {
        bail!(
            "{}: the database as pulled does not compile:\n{}",
            db.name,
            compiled.render_diagnostics()
        );
    };
    let sql = schemac::ddl::join_statements(&schemac::ddl::create_schema(schema));
    with_scratch(
        server,
        "print the database once more",
        |scratch| async move {
            let pool: Pool<ReadWrite> = Pool::read_write(PoolConfig::new(&scratch))?;
            let conn = pool.get().await?;
            for statement in schemac_schema::migration_dir::statements(&sql) {
                conn.client().batch_execute(statement.sql).await?;
            }
            drop(conn);
            pool.close();
            pulled(&scratch, &db.name).await
        },
    )
    .await
}

/// Whether the database at `url` holds any schema of the user's (not the
/// migration tools' own tables): a baseline is recorded there, not run.
pub async fn holds_a_schema(db: &DatabaseConfig, url: &str) -> Result<bool> {
    Ok(holds(&pulled(url, &db.name).await?))
}

fn holds(live: &Pulled) -> bool {
    let empty = Pulled {
        schema: schemac_schema::model::Schema::empty(&live.schema.database),
        unsupported: Vec::new(),
        disabled_triggers: Vec::new(),
    };
    !compare(&empty, live).is_empty()
}
