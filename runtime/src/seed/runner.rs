//! Running seeds against a database, and their status.

use std::time::{Duration, Instant};

use tokio_postgres::Client;

use super::{Body, Seed, SeedError, SeedSet};
use crate::config::PoolConfig;
use crate::error::Error;
use crate::executor::Write;
use crate::migrate::{MigrateError, MigrationSet, MigrationState, Migrator, take_lock};
use crate::pool::Pool;

/// Where a seed stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SeedState {
    /// Ran at this time (ISO 8601, UTC).
    Ran {
        /// When.
        ran_at: String,
    },
    /// Not run yet.
    Pending,
    /// Ran, and its file (or version) changed since.
    Changed {
        /// When it ran.
        ran_at: String,
    },
    /// Ran, and no longer in the directory.
    Missing {
        /// When it ran.
        ran_at: String,
    },
}

/// One line of `schemac seed --status`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedStatus {
    /// The seed.
    pub name: String,
    /// Where it stands.
    pub state: SeedState,
}

struct Recorded {
    name: String,
    sha256: String,
    ran_at: String,
}

/// Runs a [`SeedSet`] on the database a [`PoolConfig`] points at.
#[derive(Clone, Debug)]
pub struct Seeder {
    config: PoolConfig,
    database: String,
    table: String,
    /// A schema of its own for the tracking tables, created with them.
    schema: Option<String>,
    lock_wait: Duration,
    poll_interval: Duration,
}

impl Seeder {
    /// A runner on the database `config` points at (its sessions named
    /// `schemac_seed`).
    pub fn new(config: PoolConfig) -> Self {
        Seeder {
            config: config.application_name("schemac_seed"),
            database: "main".to_owned(),
            table: "public.schemac_seeds".to_owned(),
            schema: None,
            lock_wait: Duration::from_secs(15 * 60),
            poll_interval: Duration::from_millis(100),
        }
    }

    /// The database's name in `schemac.toml` (default `main`): its records
    /// are kept apart from those of other databases on the same server.
    pub fn database(mut self, name: impl Into<String>) -> Self {
        self.database = name.into();
        self
    }

    /// Keeps the seeds' tracking table in `schema` (created if missing)
    /// instead of `public`, and reads the migrations' from there too: as
    /// `tracking_schema` in `schemac.toml` says.
    pub fn tracking_schema(mut self, schema: &str) -> Self {
        self.table = format!("{}.schemac_seeds", schemac_schema::sql::ident(schema));
        self.schema = Some(schema.to_owned());
        self
    }

    /// How long to wait for another runner's lock (default 15 minutes).
    pub fn lock_wait(mut self, wait: Duration) -> Self {
        self.lock_wait = wait;
        self
    }

    async fn connect(&self) -> Result<Client, Error> {
        crate::pool::connect_single(&self.config).await
    }

    /// Every seed of the set and every recorded one of its environment.
    pub async fn status(&self, set: &SeedSet) -> Result<Vec<SeedStatus>, Error> {
        let client = self.connect().await?;
        let recorded = self.recorded(&client, &set.environment).await?;
        Ok(status_of(set, &recorded))
    }

    /// The seeds `run` would run, after the same checks (`--dry-run`).
    pub async fn plan<'s>(
        &self,
        set: &'s SeedSet,
        migrations: &MigrationSet,
    ) -> Result<Vec<&'s Seed>, Error> {
        self.migrations_applied(migrations).await?;
        let client = self.connect().await?;
        let recorded = self.recorded(&client, &set.environment).await?;
        pending(set, &recorded)
    }

    /// Runs every seed that has not run, in name order, once the database's
    /// migrations (`migrations`) are all applied; returns their names.
    pub async fn run(
        &self,
        set: &SeedSet,
        migrations: &MigrationSet,
    ) -> Result<Vec<String>, Error> {
        let client = self.connect().await?;
        take_lock(&client, self.lock_wait, self.poll_interval, &mut || {
            tracing::info!(target: "schemac_runtime::seed", "another runner holds the lock; waiting");
        })
        .await?;
        let result = self.run_locked(&client, set, migrations).await;
        crate::migrate::unlock(&client).await;
        result
    }

    async fn run_locked(
        &self,
        client: &Client,
        set: &SeedSet,
        migrations: &MigrationSet,
    ) -> Result<Vec<String>, Error> {
        self.migrations_applied(migrations).await?;
        self.ensure_table(client).await?;
        let recorded = self.recorded(client, &set.environment).await?;
        let todo = pending(set, &recorded)?;
        if todo.is_empty() {
            return Ok(Vec::new());
        }
        let pool = Pool::read_write(self.config.clone())?;
        let mut done = Vec::with_capacity(todo.len());
        for seed in todo {
            let started = Instant::now();
            self.run_one(&pool, &set.environment, seed, started).await?;
            tracing::info!(
                target: "schemac_runtime::seed",
                seed = %seed.name,
                duration_ms = started.elapsed().as_millis() as u64,
                "ran seed"
            );
            done.push(seed.name.clone());
        }
        pool.close();
        Ok(done)
    }

    /// One seed and its record in one transaction: a failure leaves neither.
    async fn run_one(
        &self,
        pool: &Pool<crate::ReadWrite>,
        environment: &str,
        seed: &Seed,
        started: Instant,
    ) -> Result<(), Error> {
        let tx = pool.begin().await?;
        let ran = match &seed.body {
            Body::Sql { path, sql } => tx.batch(sql).await.map_err(|e| SeedError::Failed {
                name: seed.name.clone(),
                path: path.clone(),
                line: failed_line(&e, sql),
                message: e.to_string(),
            }),
            Body::Rust(f) => f(&tx).await.map_err(|e| SeedError::FunctionFailed {
                name: seed.name.clone(),
                message: e.to_string(),
            }),
            // `pending` hands out no seed of the application's.
            Body::Elsewhere => Ok(()),
        };
        if let Err(e) = ran {
            let _ = tx.rollback().await;
            return Err(e.into());
        }
        let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        let sql = format!(
            "INSERT INTO {} (database, environment, name, sha256, duration_ms) VALUES ($1, $2, $3, $4, $5)",
            self.table
        );
        tx.execute(
            sql.as_str(),
            &[
                &self.database,
                &environment,
                &seed.name,
                &seed.sha256,
                &duration_ms,
            ],
        )
        .await?;
        tx.commit().await
    }

    async fn migrations_applied(&self, migrations: &MigrationSet) -> Result<(), Error> {
        let mut migrator = Migrator::new(self.config.clone()).database(&self.database);
        if let Some(schema) = &self.schema {
            migrator = migrator.tracking_schema(schema);
        }
        let pending: Vec<String> = migrator
            .status(migrations)
            .await?
            .into_iter()
            .filter(|e| !matches!(e.state, MigrationState::Applied(_)))
            .map(|e| e.tag)
            .collect();
        if pending.is_empty() {
            Ok(())
        } else {
            Err(SeedError::MigrationsNotApplied { pending }.into())
        }
    }

    async fn ensure_table(&self, client: &Client) -> Result<(), Error> {
        if let Some(schema) = &self.schema {
            client
                .batch_execute(&format!(
                    "CREATE SCHEMA IF NOT EXISTS {}",
                    schemac_schema::sql::ident(schema)
                ))
                .await?;
        }
        let sql = format!(
            "CREATE TABLE IF NOT EXISTS {} (\n\
             \x20   database    text        NOT NULL,\n\
             \x20   environment text        NOT NULL,\n\
             \x20   name        text        NOT NULL,\n\
             \x20   sha256      text        NOT NULL,\n\
             \x20   ran_at      timestamptz NOT NULL DEFAULT now(),\n\
             \x20   duration_ms bigint      NOT NULL,\n\
             \x20   PRIMARY KEY (database, environment, name)\n\
             )",
            self.table
        );
        client
            .batch_execute(&sql)
            .await
            .map_err(MigrateError::database("creating the seeds table"))?;
        Ok(())
    }

    async fn recorded(&self, client: &Client, environment: &str) -> Result<Vec<Recorded>, Error> {
        let exists = client
            .query_one("SELECT to_regclass($1) IS NOT NULL", &[&self.table])
            .await
            .map_err(MigrateError::database("looking for the seeds table"))?;
        if !exists.get::<_, bool>(0) {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT name, sha256, \
             to_char(ran_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') \
             FROM {} WHERE database = $1 AND environment = $2 ORDER BY name",
            self.table
        );
        let rows = client
            .query(&sql, &[&self.database, &environment])
            .await
            .map_err(MigrateError::database("reading the seeds table"))?;
        Ok(rows
            .iter()
            .map(|r| Recorded {
                name: r.get(0),
                sha256: r.get(1),
                ran_at: r.get(2),
            })
            .collect())
    }
}

/// The line of `sql` Postgres' error points at (1 when it points nowhere).
fn failed_line(error: &Error, sql: &str) -> usize {
    match error {
        Error::Db(e) => 1 + crate::error::lines_before_error(e, sql),
        _ => 1,
    }
}

fn status_of(set: &SeedSet, recorded: &[Recorded]) -> Vec<SeedStatus> {
    let mut out: Vec<SeedStatus> = set
        .seeds
        .iter()
        .map(|s| {
            let state = match recorded.iter().find(|r| r.name == s.name) {
                // Its version is the application's to know.
                Some(r) if r.sha256 == s.sha256 || s.runs_elsewhere() => SeedState::Ran {
                    ran_at: r.ran_at.clone(),
                },
                Some(r) => SeedState::Changed {
                    ran_at: r.ran_at.clone(),
                },
                None => SeedState::Pending,
            };
            SeedStatus {
                name: s.name.clone(),
                state,
            }
        })
        .collect();
    for r in recorded {
        if !set.seeds.iter().any(|s| s.name == r.name) {
            out.push(SeedStatus {
                name: r.name.clone(),
                state: SeedState::Missing {
                    ran_at: r.ran_at.clone(),
                },
            });
        }
    }
    out
}

/// The seeds still to run, or the changed ones that refuse the run.
fn pending<'s>(set: &'s SeedSet, recorded: &[Recorded]) -> Result<Vec<&'s Seed>, Error> {
    let changed: Vec<String> = status_of(set, recorded)
        .into_iter()
        .filter(|s| matches!(s.state, SeedState::Changed { .. }))
        .map(|s| s.name)
        .collect();
    if !changed.is_empty() {
        return Err(SeedError::Changed { names: changed }.into());
    }
    let todo: Vec<&Seed> = set
        .seeds
        .iter()
        .filter(|s| !recorded.iter().any(|r| r.name == s.name))
        .collect();
    // A seed of the application's not yet run: nothing after it may run,
    // and it is not this runner's to run.
    if let Some(at) = todo.iter().position(|s| s.runs_elsewhere()) {
        let later: Vec<String> = todo[at..]
            .iter()
            .filter(|s| !s.runs_elsewhere())
            .map(|s| s.name.clone())
            .collect();
        if !later.is_empty() {
            return Err(SeedError::WaitsForApplication {
                name: todo[at].name.clone(),
                later,
            }
            .into());
        }
        return Ok(todo[..at].to_vec());
    }
    Ok(todo)
}
