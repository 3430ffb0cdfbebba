//! `schemac seed`: the runtime's seed runner against each database's URL.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use schemac_runtime::PoolConfig;
use schemac_runtime::migrate::MigrationSet;
use schemac_runtime::seed::{SeedSet, SeedState, Seeder};

use super::EXIT_FAILURE;
use super::migrate::{databases, load_config, runtime};

/// What `seed` was asked to do.
#[derive(Clone, Copy)]
pub enum Action {
    Run,
    DryRun,
    Status,
}

/// The environment when `--env` is not given: `SCHEMAC_ENV`, else `development`.
pub fn default_environment() -> String {
    std::env::var("SCHEMAC_ENV").unwrap_or_else(|_| "development".to_string())
}

pub fn seed(
    root: &Path,
    only: Option<&str>,
    environment: &str,
    action: Action,
) -> Result<ExitCode> {
    let config = load_config(root)?;
    // Every database's seeds are read, and production names checked, before
    // any database is touched.
    let mut work = Vec::new();
    for db in databases(&config, only)? {
        let declared = db.rust_seeds.get(environment).map(Vec::as_slice);
        let seeds = SeedSet::load(root.join(&db.seeds), environment)
            .and_then(|set| set.declare_rust(declared.unwrap_or_default()))
            .with_context(|| format!("{}: seeds refused", db.name))?;
        work.push((db, seeds));
    }
    let rt = runtime()?;
    let mut trouble = false;
    for (db, seeds) in &work {
        let name = &db.name;
        let migrations = MigrationSet::load(root.join(&db.migrations))?;
        let mut seeder = Seeder::new(PoolConfig::from_env(&db.url_env)?).database(name);
        if let Some(schema) = &db.tracking_schema {
            seeder = seeder.tracking_schema(schema);
        }
        match action {
            Action::Status => {
                let entries = rt
                    .block_on(seeder.status(seeds))
                    .with_context(|| format!("{name}: seed status failed"))?;
                outln!("{name} ({environment}, {}):", seeds.dir.display());
                let width = entries.iter().map(|e| e.name.len()).max().unwrap_or(0);
                let rust = |name: &str| {
                    seeds
                        .seeds
                        .iter()
                        .any(|s| s.name == name && s.runs_elsewhere())
                };
                for e in &entries {
                    let line = match &e.state {
                        SeedState::Ran { ran_at } if rust(&e.name) => {
                            format!(
                                "  ran      {:width$}  {ran_at}  (Rust, by the application)",
                                e.name
                            )
                        }
                        SeedState::Ran { ran_at } => {
                            format!("  ran      {:width$}  {ran_at}", e.name)
                        }
                        SeedState::Pending if rust(&e.name) => format!(
                            "  pending  {:width$}  (Rust: the application runs it)",
                            e.name
                        ),
                        SeedState::Pending => format!("  pending  {}", e.name),
                        SeedState::Changed { ran_at } => {
                            trouble = true;
                            format!(
                                "  CHANGED  {:width$}  ran {ran_at}, the file changed since",
                                e.name
                            )
                        }
                        SeedState::Missing { ran_at } => {
                            format!(
                                "  missing  {:width$}  ran {ran_at}, no longer in the directory",
                                e.name
                            )
                        }
                    };
                    outln!("{}", line.trim_end());
                }
                if entries.is_empty() {
                    outln!("  no seeds");
                }
            }
            Action::DryRun => {
                let plan = rt
                    .block_on(seeder.plan(seeds, &migrations))
                    .with_context(|| format!("{name}: seed failed"))?;
                if plan.is_empty() {
                    outln!("{name}: every {environment} seed has run; nothing would run");
                }
                for s in plan {
                    outln!("-- {name}: would run seed {} ({environment})", s.name);
                    if let Some(sql) = s.sql() {
                        outln!("{}\n", sql.trim_end());
                    }
                }
            }
            Action::Run if seeds.seeds.is_empty() => {
                outln!(
                    "{name}: no {environment} seeds (none in {})",
                    seeds.dir.display()
                );
            }
            Action::Run => {
                let ran = rt
                    .block_on(seeder.run(seeds, &migrations))
                    .with_context(|| format!("{name}: seed failed"))?;
                let waiting: Vec<&str> = rt
                    .block_on(seeder.status(seeds))
                    .with_context(|| format!("{name}: seed status failed"))?
                    .into_iter()
                    .filter(|e| matches!(e.state, SeedState::Pending))
                    .filter_map(|e| seeds.seeds.iter().find(|s| s.name == e.name))
                    .map(|s| s.name.as_str())
                    .collect();
                match ran.len() {
                    0 if waiting.is_empty() => {
                        outln!("{name}: every {environment} seed has run; nothing to run")
                    }
                    0 => {}
                    n => outln!(
                        "{name}: ran {n} {environment} seed{} ({})",
                        if n == 1 { "" } else { "s" },
                        ran.join(", ")
                    ),
                }
                if !waiting.is_empty() {
                    outln!(
                        "{name}: {} written in Rust; the application runs {}: {}",
                        if waiting.len() == 1 {
                            "one seed is"
                        } else {
                            "seeds are"
                        },
                        if waiting.len() == 1 { "it" } else { "them" },
                        waiting.join(", ")
                    );
                }
            }
        }
    }
    Ok(if trouble {
        ExitCode::from(EXIT_FAILURE)
    } else {
        ExitCode::SUCCESS
    })
}
