//! `schemac migrate` and `schemac status`: the runtime's migration runner
//! against each database's URL from the environment.

use std::io::{IsTerminal, Write as _};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use schemac_runtime::PoolConfig;
use schemac_runtime::migrate::{Event, MigrationSet, MigrationState, Migrator};
use schemac_schema::config::{Config, DatabaseConfig};

/// What `migrate` was asked to do.
pub enum Action {
    Apply,
    DryRun,
    Down(usize),
}

pub(super) fn databases<'c>(
    config: &'c Config,
    only: Option<&str>,
) -> Result<Vec<&'c DatabaseConfig>> {
    Ok(config.select(only)?.into_iter().map(|(_, db)| db).collect())
}

pub(super) fn load_config(root: &Path) -> Result<Config> {
    Config::load_alone(root).map_err(|report| anyhow::anyhow!("{}", report.to_string().trim_end()))
}

pub(super) fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn setup(root: &Path, db: &DatabaseConfig) -> Result<(MigrationSet, Migrator)> {
    let set = MigrationSet::load(root.join(&db.migrations))?;
    let config = PoolConfig::from_env(&db.url_env)?;
    Ok((set, migrator(config, db)))
}

/// The migrations a `--down` reverts with. Mid-merge, the journal holds
/// both branches' entries and conflict markers, and `rebase` refuses while
/// one of this branch's migrations is applied: the downs then run from this
/// branch's side, as its last commit has it (in a directory of its own,
/// kept while they run).
fn setup_down(
    root: &Path,
    db: &DatabaseConfig,
) -> Result<(MigrationSet, Migrator, Option<super::TempDir>)> {
    let dir = root.join(&db.migrations);
    let conflicted =
        std::fs::read_to_string(dir.join(schemac_schema::migration_dir::layout::JOURNAL))
            .is_ok_and(|t| schemac_schema::migration_dir::conflict_marker_line(&t).is_some());
    if conflicted {
        let side = super::TempDir::new("branch-side")?;
        if schemac::commands::rebase::branch_side(root, &db.migrations, side.path())? {
            eprintln!(
                "{}: the journal is mid-merge; reverting with this branch's migrations as its last commit has them",
                db.name
            );
            let set = MigrationSet::load(side.path())?;
            let config = PoolConfig::from_env(&db.url_env)?;
            return Ok((set, migrator(config, db), Some(side)));
        }
    }
    let (set, migrator) = setup(root, db)?;
    Ok((set, migrator, None))
}

/// The runner of `db`'s migrations, its tracking table where the project says.
pub(super) fn migrator(config: PoolConfig, db: &DatabaseConfig) -> Migrator {
    let migrator = Migrator::new(config).database(&db.name);
    match &db.tracking_schema {
        Some(schema) => migrator.tracking_schema(schema),
        None => migrator,
    }
}

pub fn migrate(root: &Path, only: Option<&str>, action: Action) -> Result<ExitCode> {
    let config = load_config(root)?;
    let rt = runtime()?;
    for db in databases(&config, only)? {
        let (set, migrator, _side) = match action {
            Action::Down(_) => setup_down(root, db)?,
            _ => {
                let (set, migrator) = setup(root, db)?;
                (set, migrator, None)
            }
        };
        let name = &db.name;
        rt.block_on(async {
            match action {
                Action::DryRun => {
                    let plan = migrator.plan(&set).await?;
                    if plan.is_empty() {
                        outln!("{name}: up to date; nothing would be applied");
                    }
                    let filled = match plan.first() {
                        Some(m) if m.baseline => {
                            let url = std::env::var(&db.url_env)
                                .with_context(|| format!("{name}: set ${}", db.url_env))?;
                            super::drift::holds_a_schema(db, &url).await?
                        }
                        _ => false,
                    };
                    for m in plan {
                        if m.baseline && filled {
                            outln!(
                                "-- {name}: would record {} as applied without running it, if the database is at it (checked when it runs)",
                                m.tag
                            );
                            outln!();
                            continue;
                        }
                        outln!("-- {name}: would apply {}", m.up.path.display());
                        outln!("{}", m.up.sql.trim_end());
                        outln!();
                    }
                }
                Action::Apply => {
                    let url = std::env::var(&db.url_env)
                        .with_context(|| format!("{name}: set ${}", db.url_env))?;
                    if let Some(line) = super::drift::record_baseline(db, &set, &url).await? {
                        outln!("{line}");
                    }
                    let mut progress = Progress::new(name, "applied");
                    let applied = migrator
                        .run(&set, &mut |e| progress.event(e))
                        .await
                        .with_context(|| format!("{name}: migrate failed"))?;
                    progress.finish();
                    match applied.len() {
                        0 => outln!("{name}: up to date; nothing to apply"),
                        n => outln!(
                            "{name}: applied {n} migration{} ({})",
                            if n == 1 { "" } else { "s" },
                            applied.join(", ")
                        ),
                    }
                }
                Action::Down(count) => {
                    let mut progress = Progress::new(name, "reverted");
                    let reverted = migrator
                        .down(&set, count, &mut |e| progress.event(e))
                        .await
                        .with_context(|| format!("{name}: migrate --down failed"))?;
                    progress.finish();
                    outln!("{name}: reverted {}", reverted.join(", "));
                }
            }
            anyhow::Ok(())
        })?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Lists every migration's state; exits 1 when one was edited or is missing
/// from the directory, so CI can stop a deploy that would be refused.
pub fn status(root: &Path, only: Option<&str>) -> Result<ExitCode> {
    let config = load_config(root)?;
    let rt = runtime()?;
    let mut trouble = false;
    for db in databases(&config, only)? {
        let (set, migrator) = setup(root, db)?;
        let entries = rt
            .block_on(migrator.status(&set))
            .with_context(|| format!("{}: status failed", db.name))?;
        outln!("{} ({}):", db.name, db.url_env);
        let width = entries.iter().map(|e| e.tag.len()).max().unwrap_or(0);
        for entry in &entries {
            let line = match &entry.state {
                MigrationState::Applied(row) => format!(
                    "  applied  {:width$}  {}  {} ms",
                    entry.tag, row.applied_at, row.duration_ms
                ),
                MigrationState::Pending => format!("  pending  {}", entry.tag),
                MigrationState::Edited(row) => {
                    trouble = true;
                    format!(
                        "  EDITED   {:width$}  applied {}, the file changed since",
                        entry.tag, row.applied_at
                    )
                }
                MigrationState::NotInDirectory(row) => {
                    trouble = true;
                    format!(
                        "  MISSING  {:width$}  applied {}, not in {}",
                        entry.tag,
                        row.applied_at,
                        set.dir.display()
                    )
                }
            };
            outln!("{}", line.trim_end());
        }
        if entries.is_empty() {
            outln!("  no migrations");
        }
    }
    Ok(if trouble {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// What a database says it has applied.
pub enum Applied {
    /// Its URL variable is not set: nothing can be asked.
    Unknown,
    Tags(Vec<String>),
}

/// The migrations the database at `url_env` has applied, for commands that
/// must not touch an applied migration's files.
pub fn applied(root: &Path, database: &str, url_env: &str) -> Result<Applied> {
    if std::env::var_os(url_env).is_none() {
        return Ok(Applied::Unknown);
    }
    let config = PoolConfig::from_env(url_env)?;
    let project = load_config(root)?;
    let migrator = match project.databases.iter().find(|d| d.name == database) {
        Some(db) => migrator(config, db),
        None => Migrator::new(config).database(database),
    };
    let tags = runtime()?
        .block_on(migrator.applied_tags())
        .with_context(|| format!("cannot ask the database at ${url_env} what it has applied"))?;
    Ok(Applied::Tags(tags))
}

/// On a terminal, one line that counts up; elsewhere, a line per migration.
struct Progress<'a> {
    db: &'a str,
    verb: &'static str,
    live: bool,
    drawn: bool,
}

impl<'a> Progress<'a> {
    fn new(db: &'a str, verb: &'static str) -> Self {
        Progress {
            db,
            verb,
            live: std::io::stderr().is_terminal(),
            drawn: false,
        }
    }

    fn event(&mut self, event: Event) {
        let mut err = std::io::stderr().lock();
        match event {
            Event::WaitingForLock => {
                let _ = writeln!(
                    err,
                    "{}: another runner holds the migration lock; waiting",
                    self.db
                );
            }
            Event::Started {
                position,
                total,
                tag,
            } if self.live => {
                let _ = write!(err, "\r\x1b[2K{}: [{position}/{total}] {tag}", self.db);
                let _ = err.flush();
                self.drawn = true;
            }
            Event::Finished { tag, duration, .. } if !self.live => {
                let _ = writeln!(
                    err,
                    "{}: {} {tag} ({} ms)",
                    self.db,
                    self.verb,
                    duration.as_millis()
                );
            }
            _ => {}
        }
    }

    fn finish(&mut self) {
        if self.drawn {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}
