//! A scratch database: made on a server for one job (typing the queries,
//! building what applied migrations make for drift, checking a baseline),
//! and dropped again whatever happens.

use std::future::Future;

use anyhow::{Context, Result};
use schemac_runtime::testing::with_database;
use schemac_runtime::{Pool, PoolConfig, ReadWrite};
use schemac_schema::config::DatabaseConfig;

/// Runs `job` with the URL of a new database on the server at `url`, and
/// drops the database after it, whatever the job did.
pub async fn with_scratch<T, F, Fut>(url: &str, purpose: &str, job: F) -> Result<T>
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let admin: Pool<ReadWrite> =
        Pool::read_write(PoolConfig::new(url).application_name("schemac_scratch"))?;
    let conn = admin.get().await?;
    let scratch = format!(
        "schemac_scratch_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    );
    conn.client()
        .batch_execute(&format!("CREATE DATABASE {scratch}"))
        .await
        .with_context(|| {
            format!("cannot create a scratch database to {purpose} in (the role needs CREATEDB)")
        })?;
    let result = job(with_database(url, &scratch)).await;
    let _ = conn
        .client()
        .batch_execute(&format!("DROP DATABASE IF EXISTS {scratch} WITH (FORCE)"))
        .await;
    drop(conn);
    admin.close();
    result
}

/// The server a scratch database is made on when any will do:
/// SCHEMAC_SCRATCH_URL (another server, when the database's own is not one
/// to create it on), else the database's URL, else a throwaway server
/// started from the installed PostgreSQL binaries, gone when schemac
/// exits; why there is none.
pub fn server_for(db: &DatabaseConfig, purpose: &str) -> std::result::Result<String, String> {
    match std::env::var("SCHEMAC_SCRATCH_URL").or_else(|_| std::env::var(&db.url_env)) {
        Ok(url) => Ok(url),
        Err(_) => throwaway_server(purpose),
    }
}

/// A throwaway server's URL, said once on stderr; why there is none.
fn throwaway_server(purpose: &str) -> std::result::Result<String, String> {
    // SCHEMAC_NO_THROWAWAY=1: a CI job that must use the server it names.
    if std::env::var_os("SCHEMAC_NO_THROWAWAY").is_some() {
        return Err("SCHEMAC_NO_THROWAWAY is set".to_owned());
    }
    match schemac_runtime::testing::server() {
        Ok(server) => {
            match server.throwaway_from() {
                Some(bin) => eprintln!(
                    "no database URL set: {purpose} on a throwaway PostgreSQL server ({})",
                    bin.display()
                ),
                None => eprintln!("{purpose} on the server at $DATABASE_URL"),
            }
            Ok(server.url().to_owned())
        }
        Err(e) => Err(e.to_string()),
    }
}
