//! A scratch database: made on a server for one job (typing the queries,
//! building what applied migrations make for drift, checking a baseline),
//! and dropped again whatever happens.

use std::future::Future;

use anyhow::{Context, Result};
use schemac_runtime::testing::with_database;
use schemac_runtime::{Pool, PoolConfig, ReadWrite};

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
