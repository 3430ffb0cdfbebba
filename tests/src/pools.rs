//! What the runtime tests start from: a pool configuration for a test
//! database, and the one table they write to.

use schemac_runtime::{PoolConfig, ReadWritePool, Write};

use crate::TestDb;

/// A pool configuration for `db`, named so its sessions can be told apart.
pub fn config(db: &TestDb) -> PoolConfig {
    PoolConfig::new(db.url.clone()).application_name("rt_test")
}

/// `items (id, name unique)`, the table the runtime tests write to.
pub async fn create_items(pool: &ReadWritePool) {
    pool.execute(
        "CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL UNIQUE)",
        &[],
    )
    .await
    .expect("create table");
}
