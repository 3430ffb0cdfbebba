//! `schemac lint --check-data`: before migrations run, ask the database how
//! many rows each `data_dependent` statement of the migrations it has not
//! applied would fail on. Each query runs in a read-only transaction under a
//! statement timeout, so a check cannot change anything or run for long.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use schemac::migration::hazards::Finding;
use schemac_runtime::{PoolConfig, ReadOnlyPool};
use serde::Serialize;

use super::EXIT_FAILURE;
use super::migrate::{Applied, applied, databases, load_config, runtime};

/// A finding with what the database said.
#[derive(Serialize)]
struct Checked {
    #[serde(flatten)]
    finding: Finding,
    /// Rows the statement would fail on; none when the query could not run.
    failing_rows: Option<i64>,
    /// Why the query could not run.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

pub fn check_data(root: &Path, db: Option<&str>, json: bool, timeout: &str) -> Result<ExitCode> {
    let config = load_config(root)?;
    let rt = runtime()?;
    let mut checked = Vec::new();
    for database in databases(&config, db)? {
        let tags = match applied(root, &database.name, &database.url_env)? {
            Applied::Tags(tags) => tags,
            Applied::Unknown => bail!(
                "{}: ${} is not set: --check-data counts rows in the database the migrations will run on",
                database.name,
                database.url_env
            ),
        };
        let findings = schemac::commands::lint::pending(root, &database.name, &tags)?;
        let findings: Vec<Finding> = findings.into_iter().filter(|f| f.query.is_some()).collect();
        if findings.is_empty() {
            continue;
        }
        let pool = ReadOnlyPool::read_only(
            PoolConfig::from_env(&database.url_env)?.application_name("schemac_check_data"),
        )?;
        for finding in findings {
            let query = finding.query.clone().unwrap_or_default();
            let counted = rt.block_on(count(&pool, &query, timeout));
            let (failing_rows, error) = match counted {
                Ok(n) => (Some(n), None),
                Err(e) => (None, Some(super::render(&e))),
            };
            checked.push(Checked {
                finding,
                failing_rows,
                error,
            });
        }
        pool.close();
    }
    if json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&checked).context("cannot write the findings as JSON")?
        );
    } else if checked.is_empty() {
        outln!("no data-dependent statements in the migrations not yet applied");
    } else {
        for c in &checked {
            let f = &c.finding;
            let verdict = match (c.failing_rows, &c.error) {
                (Some(n), _) => rows_failing(n),
                (None, e) => format!("could not count: {}", e.as_deref().unwrap_or("")),
            };
            outln!(
                "{}:{}: {}: {}: {verdict}",
                f.migration_file,
                f.statement_line,
                f.rule,
                f.message
            );
        }
    }
    let failing = checked.iter().filter(|c| c.failing_rows != Some(0)).count();
    if failing == 0 {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "error: {failing} statement(s) of the migrations not yet applied would fail on rows there, or could not be checked"
    );
    Ok(ExitCode::from(EXIT_FAILURE))
}

/// What a count of failing rows says.
fn rows_failing(n: i64) -> String {
    match n {
        0 => "no row would fail".into(),
        1 => "1 row would fail".into(),
        n => format!("{n} rows would fail"),
    }
}

/// The query's count, read-only, under the statement timeout.
async fn count(pool: &ReadOnlyPool, query: &str, timeout: &str) -> Result<i64> {
    let conn = pool.get().await?;
    let client = conn.client();
    client
        .batch_execute(&format!(
            "BEGIN READ ONLY; SET LOCAL statement_timeout = {}",
            schemac_schema::sql::string_literal(timeout)
        ))
        .await?;
    let row = client.query_one(query, &[]).await;
    // Nothing to keep: the transaction only read.
    let _ = client.batch_execute("ROLLBACK").await;
    let n: i64 = row?.try_get(0)?;
    Ok(n)
}

/// The rows a statement would fail on, asked of each database's URL
/// variable as `diff --check-data` needs them: one query at a time.
pub struct Checker {
    config: Option<schemac_schema::config::Config>,
    rt: Option<tokio::runtime::Runtime>,
}

impl Checker {
    pub fn new(root: &Path) -> Checker {
        Checker {
            config: load_config(root).ok(),
            rt: runtime().ok(),
        }
    }

    /// `3 rows would fail`, or why the rows could not be counted.
    pub fn verdict(&self, database: &str, query: &str) -> String {
        let (Some(config), Some(rt)) = (&self.config, &self.rt) else {
            return "not counted (the project's configuration cannot be read)".into();
        };
        let Some(db) = config.databases.iter().find(|d| d.name == database) else {
            return format!("not counted (no database {database})");
        };
        let counted = (|| -> Result<i64> {
            let pool = ReadOnlyPool::read_only(
                PoolConfig::from_env(&db.url_env)?.application_name("schemac_check_data"),
            )?;
            let n = rt.block_on(count(&pool, query, "30s"));
            pool.close();
            n
        })();
        match counted {
            Ok(n) => rows_failing(n),
            Err(e) => format!("not counted ({})", super::render(&e)),
        }
    }
}
