//! Applying, reverting and listing migrations against a database.

use std::time::{Duration, Instant};

use tokio_postgres::Client;

use super::MigrateError;
use super::apply::{Record, Tracking, apply_file};
use super::source::{Migration, MigrationSet};
use crate::config::PoolConfig;
use crate::error::Error;

/// The advisory lock every runner takes ("schemac!" in ASCII).
const LOCK_KEY: i64 = 0x7363_6865_6d61_6321;

/// A row of the tracking table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedRow {
    /// The migration's number.
    pub idx: i32,
    /// Its tag (`0003_add_bio_to_users`).
    pub tag: String,
    /// The SHA-256 of its file when it was applied.
    pub sha256: String,
    /// `applied_at` as Postgres prints it (ISO 8601, UTC).
    pub applied_at: String,
    /// How long it ran.
    pub duration_ms: i64,
}

/// Where a migration stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MigrationState {
    /// Applied, as recorded.
    Applied(AppliedRow),
    /// Not applied yet.
    Pending,
    /// Applied, and the file changed since.
    Edited(AppliedRow),
    /// Recorded as applied, but not in the directory.
    NotInDirectory(AppliedRow),
}

/// One line of `schemac status`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusEntry {
    /// The migration.
    pub tag: String,
    /// Where it stands.
    pub state: MigrationState,
}

/// What the runner reports while it works, for a progress display.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// Another runner holds the lock; this one polls until it is free.
    WaitingForLock,
    /// A migration started.
    Started {
        /// Its place in this run, from 1.
        position: usize,
        /// How many this run applies (or reverts).
        total: usize,
        /// The migration.
        tag: String,
    },
    /// A migration finished.
    Finished {
        /// Its place in this run, from 1.
        position: usize,
        /// How many this run applies (or reverts).
        total: usize,
        /// The migration.
        tag: String,
        /// How long it took.
        duration: Duration,
    },
}

/// Applies a [`MigrationSet`] to the database a [`PoolConfig`] points at.
#[derive(Clone, Debug)]
pub struct Migrator {
    config: PoolConfig,
    table: String,
    /// A schema of its own for the tracking table, created with it.
    schema: Option<String>,
    database: String,
    lock_wait: Duration,
    poll_interval: Duration,
}

impl Migrator {
    /// A runner on the database `config` points at (its sessions named
    /// `schemac_migrate`).
    pub fn new(config: PoolConfig) -> Self {
        Migrator {
            config: config.application_name("schemac_migrate"),
            table: "public.schemac_migrations".to_owned(),
            schema: None,
            database: "main".to_owned(),
            lock_wait: Duration::from_secs(15 * 60),
            poll_interval: Duration::from_millis(100),
        }
    }

    /// How long to wait for another runner before giving up (default 15 minutes).
    pub fn lock_wait(mut self, wait: Duration) -> Self {
        self.lock_wait = wait;
        self
    }

    /// Where the tracking table lives, schema-qualified (default
    /// `public.schemac_migrations`). The name is trusted configuration.
    pub fn tracking_table(mut self, qualified: impl Into<String>) -> Self {
        self.table = qualified.into();
        self
    }

    /// Keeps the tracking table in `schema` (created if missing) instead of
    /// `public`: `<schema>.schemac_migrations`, as `tracking_schema` in
    /// `schemac.toml` says.
    pub fn tracking_schema(mut self, schema: &str) -> Self {
        self.table = format!("{}.schemac_migrations", schemac_schema::sql::ident(schema));
        self.schema = Some(schema.to_owned());
        self
    }

    /// The name of the database the migrations are for, as `schemac.toml`
    /// declares it (default `main`). Databases that share a server, or a
    /// URL, keep their records apart by it.
    pub fn database(mut self, name: impl Into<String>) -> Self {
        self.database = name.into();
        self
    }

    fn tracking(&self) -> Tracking<'_> {
        Tracking {
            table: &self.table,
            database: &self.database,
        }
    }

    /// The tags this runner's database has applied, oldest first; empty when
    /// nothing was ever applied (no tracking table). Takes no lock: for
    /// commands that must not touch an applied migration's files.
    pub async fn applied_tags(&self) -> Result<Vec<String>, Error> {
        let client = self.connect().await?;
        Ok(self
            .applied(&client)
            .await?
            .into_iter()
            .map(|r| r.tag)
            .collect())
    }

    async fn connect(&self) -> Result<Client, Error> {
        crate::pool::connect_single(&self.config).await
    }

    /// Every migration of the directory and every recorded one, with its state.
    pub async fn status(&self, set: &MigrationSet) -> Result<Vec<StatusEntry>, Error> {
        let client = self.connect().await?;
        let applied = self.applied(&client).await?;
        Ok(status_of(set, &applied))
    }

    /// The migrations `run` would apply, after the same checks (`--dry-run`).
    pub async fn plan<'s>(&self, set: &'s MigrationSet) -> Result<Vec<&'s Migration>, Error> {
        let client = self.connect().await?;
        let applied = self.applied(&client).await?;
        Ok(pending(set, &applied)?)
    }

    /// Applies every pending migration, in order; returns the tags applied.
    pub async fn run(
        &self,
        set: &MigrationSet,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<Vec<String>, Error> {
        let client = self.connect().await?;
        self.lock(&client, on_event).await?;
        let result = self.run_locked(&client, set, on_event).await;
        unlock(&client).await;
        result
    }

    async fn run_locked(
        &self,
        client: &Client,
        set: &MigrationSet,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<Vec<String>, Error> {
        self.ensure_table(client).await?;
        let applied = self.applied(client).await?;
        let todo = pending(set, &applied)?;
        let total = todo.len();
        let mut done = Vec::with_capacity(total);
        for (i, migration) in todo.into_iter().enumerate() {
            let position = i + 1;
            on_event(Event::Started {
                position,
                total,
                tag: migration.tag.clone(),
            });
            let started = Instant::now();
            let record = Record::Applied {
                tracking: self.tracking(),
                migration,
            };
            apply_file(client, &migration.tag, &migration.up, record, started).await?;
            let duration = started.elapsed();
            tracing::info!(
                target: "schemac_runtime::migrate",
                tag = %migration.tag,
                duration_ms = duration.as_millis() as u64,
                "applied migration"
            );
            on_event(Event::Finished {
                position,
                total,
                tag: migration.tag.clone(),
                duration,
            });
            done.push(migration.tag.clone());
        }
        Ok(done)
    }

    /// Records the set's baseline (its first migration, marked so by
    /// `schemac pull --baseline` or `schemac import`) as applied without
    /// running it, on a database where nothing is recorded yet; returns its
    /// tag, or None when there is nothing to record. The caller checks
    /// first that the database is at the baseline's schema (`schemac
    /// migrate` does, against a scratch database built from it).
    pub async fn record_baseline(&self, set: &MigrationSet) -> Result<Option<String>, Error> {
        let Some(first) = set.migrations.first().filter(|m| m.baseline) else {
            return Ok(None);
        };
        let client = self.connect().await?;
        self.lock(&client, &mut |_| {}).await?;
        let result = async {
            self.ensure_table(&client).await?;
            if !self.applied(&client).await?.is_empty() {
                return Ok(None);
            }
            let record = Record::Applied {
                tracking: self.tracking(),
                migration: first,
            };
            record
                .write(&client, Instant::now())
                .await
                .map_err(MigrateError::database("recording the baseline"))?;
            tracing::info!(target: "schemac_runtime::migrate", tag = %first.tag, "recorded the baseline as applied");
            Ok(Some(first.tag.clone()))
        }
        .await;
        unlock(&client).await;
        result
    }

    /// Reverts the last `count` applied migrations with their `.down.sql`.
    pub async fn down(
        &self,
        set: &MigrationSet,
        count: usize,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<Vec<String>, Error> {
        let client = self.connect().await?;
        self.lock(&client, on_event).await?;
        let result = self.down_locked(&client, set, count, on_event).await;
        unlock(&client).await;
        result
    }

    async fn down_locked(
        &self,
        client: &Client,
        set: &MigrationSet,
        count: usize,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<Vec<String>, Error> {
        self.ensure_table(client).await?;
        let applied = self.applied(client).await?;
        // The same checks as a run: nothing is reverted on top of an edit.
        pending(set, &applied)?;
        if count > applied.len() {
            return Err(MigrateError::TooFewApplied {
                count,
                applied: applied.len(),
            }
            .into());
        }
        let mut done = Vec::with_capacity(count);
        for (i, row) in applied.iter().rev().take(count).enumerate() {
            let migration = set
                .migrations
                .iter()
                .find(|m| m.tag == row.tag)
                .ok_or_else(|| MigrateError::NotInDirectory {
                    tag: row.tag.clone(),
                    dir: set.dir.clone(),
                })?;
            let down = migration
                .down
                .as_ref()
                .ok_or_else(|| MigrateError::NoDown {
                    tag: migration.tag.clone(),
                    path: set.dir.join(format!("{}.down.sql", migration.tag)),
                })?;
            on_event(Event::Started {
                position: i + 1,
                total: count,
                tag: migration.tag.clone(),
            });
            let started = Instant::now();
            let forget = Record::Reverted {
                tracking: self.tracking(),
                tag: &migration.tag,
            };
            apply_file(client, &migration.tag, down, forget, started).await?;
            tracing::info!(target: "schemac_runtime::migrate", tag = %migration.tag, "reverted migration");
            on_event(Event::Finished {
                position: i + 1,
                total: count,
                tag: migration.tag.clone(),
                duration: started.elapsed(),
            });
            done.push(migration.tag.clone());
        }
        Ok(done)
    }

    async fn lock(
        &self,
        client: &Client,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<(), Error> {
        take_lock(client, self.lock_wait, self.poll_interval, &mut || {
            on_event(Event::WaitingForLock)
        })
        .await
    }

    async fn ensure_table(&self, client: &Client) -> Result<(), Error> {
        if let Some(schema) = &self.schema {
            client
                .batch_execute(&format!(
                    "CREATE SCHEMA IF NOT EXISTS {}",
                    schemac_schema::sql::ident(schema)
                ))
                .await
                .map_err(MigrateError::database(
                    "creating the tracking table's schema",
                ))?;
        }
        let sql = format!(
            "CREATE TABLE IF NOT EXISTS {} (\n\
             \x20   database    text        NOT NULL,\n\
             \x20   idx         integer     NOT NULL,\n\
             \x20   tag         text        NOT NULL,\n\
             \x20   sha256      text        NOT NULL,\n\
             \x20   applied_at  timestamptz NOT NULL DEFAULT now(),\n\
             \x20   duration_ms bigint      NOT NULL,\n\
             \x20   PRIMARY KEY (database, tag)\n\
             )",
            self.table
        );
        client
            .batch_execute(&sql)
            .await
            .map_err(MigrateError::database("creating the tracking table"))?;
        if !has_database_column(client, &self.table).await? {
            self.upgrade_table(client)
                .await
                .map_err(MigrateError::database("upgrading the tracking table"))?;
        }
        Ok(())
    }

    /// A tracking table written before databases were told apart holds one
    /// database's rows: they become this database's, and the key takes the
    /// name in. Runs under the migration lock, in one transaction.
    async fn upgrade_table(&self, client: &Client) -> Result<(), tokio_postgres::Error> {
        let key = client
            .query_opt(
                "SELECT conname FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'p'",
                &[&self.table],
            )
            .await?
            .map(|r| r.get::<_, String>(0));
        let drop_key = key
            .map(|k| format!("DROP CONSTRAINT \"{}\", ", k.replace('"', "\"\"")))
            .unwrap_or_default();
        let name = self.database.replace('\'', "''");
        let t = &self.table;
        client
            .batch_execute(&format!(
                "BEGIN;\n\
                 ALTER TABLE {t} ADD COLUMN database text NOT NULL DEFAULT '{name}';\n\
                 ALTER TABLE {t} ALTER COLUMN database DROP DEFAULT, {drop_key}ADD PRIMARY KEY (database, tag);\n\
                 COMMIT;"
            ))
            .await
    }

    async fn applied(&self, client: &Client) -> Result<Vec<AppliedRow>, Error> {
        let exists = client
            .query_one("SELECT to_regclass($1) IS NOT NULL", &[&self.table])
            .await
            .map_err(MigrateError::database("looking for the tracking table"))?;
        if !exists.get::<_, bool>(0) {
            return Ok(Vec::new());
        }
        // Before the upgrade (which the next run makes), every row is this database's.
        let scoped = has_database_column(client, &self.table).await?;
        let sql = format!(
            "SELECT idx, tag, sha256, \
             to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), duration_ms \
             FROM {} WHERE {} ORDER BY idx, tag",
            self.table,
            if scoped {
                "database = $1"
            } else {
                "$1::text IS NOT NULL"
            }
        );
        let rows = client
            .query(&sql, &[&self.database])
            .await
            .map_err(MigrateError::database("reading the tracking table"))?;
        Ok(rows
            .iter()
            .map(|r| AppliedRow {
                idx: r.get(0),
                tag: r.get(1),
                sha256: r.get(2),
                applied_at: r.get(3),
                duration_ms: r.get(4),
            })
            .collect())
    }
}

async fn has_database_column(client: &Client, table: &str) -> Result<bool, Error> {
    let row = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_attribute \
             WHERE attrelid = to_regclass($1) AND attname = 'database' AND NOT attisdropped)",
            &[&table],
        )
        .await
        .map_err(MigrateError::database(
            "reading the tracking table's columns",
        ))?;
    Ok(row.get(0))
}

/// Takes the advisory lock every runner (migrations and seeds) shares,
/// polling outside any transaction until it is free or `wait` has passed.
pub(crate) async fn take_lock(
    client: &Client,
    wait: Duration,
    poll: Duration,
    on_wait: &mut (dyn FnMut() + Send),
) -> Result<(), Error> {
    let started = Instant::now();
    let mut announced = false;
    loop {
        let row = client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&LOCK_KEY])
            .await
            .map_err(MigrateError::database("taking the migration lock"))?;
        if row.get::<_, bool>(0) {
            return Ok(());
        }
        if !announced {
            announced = true;
            on_wait();
        }
        if started.elapsed() >= wait {
            return Err(MigrateError::LockTimeout(wait).into());
        }
        tokio::time::sleep(poll).await;
    }
}

pub(crate) async fn unlock(client: &Client) {
    // Closing the session releases the lock too; this only makes it prompt.
    let _ = client
        .query_one("SELECT pg_advisory_unlock($1)", &[&LOCK_KEY])
        .await;
}

/// The state of every migration, in directory order, then the recorded ones
/// the directory lacks.
fn status_of(set: &MigrationSet, applied: &[AppliedRow]) -> Vec<StatusEntry> {
    let mut out: Vec<StatusEntry> = set
        .migrations
        .iter()
        .map(|m| {
            let state = match applied.iter().find(|a| a.tag == m.tag) {
                Some(row) if row.sha256 == m.up.sha256 => MigrationState::Applied(row.clone()),
                Some(row) => MigrationState::Edited(row.clone()),
                None => MigrationState::Pending,
            };
            StatusEntry {
                tag: m.tag.clone(),
                state,
            }
        })
        .collect();
    for row in applied {
        if !set.migrations.iter().any(|m| m.tag == row.tag) {
            out.push(StatusEntry {
                tag: row.tag.clone(),
                state: MigrationState::NotInDirectory(row.clone()),
            });
        }
    }
    out
}

/// The migrations still to apply, or why the directory and the database
/// disagree too much to apply anything.
fn pending<'s>(
    set: &'s MigrationSet,
    applied: &[AppliedRow],
) -> Result<Vec<&'s Migration>, MigrateError> {
    let mut todo = Vec::new();
    for entry in status_of(set, applied) {
        match entry.state {
            MigrationState::Edited(row) => {
                let m = set.migrations.iter().find(|m| m.tag == row.tag);
                return Err(MigrateError::Edited {
                    tag: row.tag,
                    path: m.map(|m| m.up.path.clone()).unwrap_or_default(),
                    recorded: row.sha256,
                    current: m.map(|m| m.up.sha256.clone()).unwrap_or_default(),
                });
            }
            MigrationState::NotInDirectory(row) => {
                return Err(MigrateError::NotInDirectory {
                    tag: row.tag,
                    dir: set.dir.clone(),
                });
            }
            MigrationState::Pending => {
                if let Some(m) = set.migrations.iter().find(|m| m.tag == entry.tag) {
                    todo.push(m);
                }
            }
            MigrationState::Applied(_) => {}
        }
    }
    if let (Some(first), Some(last)) = (todo.first(), applied.last()) {
        if i64::from(first.idx) < i64::from(last.idx) {
            return Err(MigrateError::OutOfOrder {
                pending: first.tag.clone(),
                applied: last.tag.clone(),
            });
        }
    }
    Ok(todo)
}
