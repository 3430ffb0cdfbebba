//! What the runtime adds on top of tokio-postgres (a `harness = false` binary
//! against the PostgreSQL at `DATABASE_URL`, in a database of its own).
//!
//! `cargo bench -p schemac-runtime --bench query` prints medians of: a
//! one-row lookup on a raw tokio-postgres client with a prepared statement,
//! the same through a held `Conn` and through the pool (checkout, cached
//! statement, query, return), the latter once with the pool idle (the
//! latency a request sees) and once back to back (which also pays for the
//! session reset of each returned connection); a transaction of one insert;
//! decoding 10,000 rows by hand and through `#[derive(Row)]`; and `migrate`
//! applying ten migrations, then finding them applied.

use std::hint::black_box;
use std::time::{Duration, Instant};

use schemac_runtime::chrono::{DateTime, Utc};
use schemac_runtime::migrate::{MigrationSet, Migrator};
use schemac_runtime::tokio_postgres::{self, NoTls};
use schemac_runtime::{FromRow, PoolConfig, Read, ReadWritePool, Row, Write};

#[derive(Row)]
#[allow(dead_code)]
struct Item {
    id: i32,
    name: String,
    score: f64,
    created_at: DateTime<Utc>,
    note: Option<String>,
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

async fn measure<F, Fut>(iterations: usize, mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    f().await;
    let mut runs = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let t = Instant::now();
        f().await;
        runs.push(t.elapsed());
    }
    median(runs)
}

const SELECT: &str = "SELECT id, name, score, created_at, note FROM items WHERE id = $1";

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let base = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("schemac_bench_{}", std::process::id());
    let (admin, connection) = tokio_postgres::connect(&base, NoTls)
        .await
        .expect("PostgreSQL at DATABASE_URL (start it with pg_ctlcluster ... main start)");
    tokio::spawn(connection);
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create database");
    let server = base.rsplit_once('/').map_or(base.as_str(), |(s, _)| s);
    let url = format!("{server}/{name}");

    let (raw, connection) = tokio_postgres::connect(&url, NoTls).await.expect("connect");
    tokio::spawn(connection);
    raw.batch_execute(
        "CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, score float8 NOT NULL,
                             created_at timestamptz NOT NULL DEFAULT now(), note text);
         INSERT INTO items (name, score, note)
         SELECT 'item ' || i, i * 1.5, CASE WHEN i % 2 = 0 THEN 'even' END
         FROM generate_series(1, 10000) AS i;",
    )
    .await
    .expect("setup");

    let pool = ReadWritePool::read_write(
        PoolConfig::new(url.clone())
            .ssl_mode(schemac_runtime::SslMode::Disable)
            .max_size(4),
    )
    .expect("pool");
    let held = pool.get().await.expect("checkout");
    let statement = raw.prepare(SELECT).await.expect("prepare");

    // Interleaved rounds, so drift in the machine's speed hits every variant alike.
    let rounds = 30;
    let per_round = 100;
    let mut samples: [Vec<Duration>; 6] = Default::default();
    for _ in 0..rounds {
        samples[0].push(
            measure(per_round, || async {
                black_box(raw.query_one(&statement, &[&42i32]).await.expect("query"));
            })
            .await,
        );
        samples[1].push(
            measure(per_round, || async {
                black_box(held.query_one(SELECT, &[&42i32]).await.expect("query"));
            })
            .await,
        );
        samples[2].push(
            measure(per_round, || async {
                black_box(pool.get().await.expect("checkout"));
            })
            .await,
        );
        samples[3].push(
            measure(per_round, || async {
                black_box(pool.query_one(SELECT, &[&42i32]).await.expect("query"));
            })
            .await,
        );
        // The latency a request sees when the pool is not saturated: every
        // connection is back (its reset done) before the next lookup starts.
        let mut idle = Vec::with_capacity(per_round);
        for _ in 0..per_round {
            // `held` stays checked out throughout.
            while pool.status().1 + 1 < pool.status().0 {
                tokio::task::yield_now().await;
            }
            let t = Instant::now();
            black_box(pool.query_one(SELECT, &[&42i32]).await.expect("query"));
            idle.push(t.elapsed());
        }
        samples[5].push(median(idle));
        samples[4].push(
            measure(per_round / 4, || async {
                let tx = pool.begin().await.expect("begin");
                tx.execute(
                    "INSERT INTO items (name, score) VALUES ($1, $2)",
                    &[&"x", &1.0f64],
                )
                .await
                .expect("insert");
                tx.commit().await.expect("commit");
            })
            .await,
        );
    }
    let [
        raw_lookup,
        conn_lookup,
        checkout,
        pool_lookup,
        tx_insert,
        idle_lookup,
    ] = samples.map(median);

    let rows = raw
        .query(
            "SELECT id, name, score, created_at, note FROM items ORDER BY id LIMIT 10000",
            &[],
        )
        .await
        .expect("rows");
    let by_hand = measure(50, || async {
        let items: Vec<Item> = rows
            .iter()
            .map(|r| Item {
                id: r.get("id"),
                name: r.get("name"),
                score: r.get("score"),
                created_at: r.get("created_at"),
                note: r.get("note"),
            })
            .collect();
        black_box(items);
    })
    .await;
    let derived = measure(50, || async {
        black_box(Item::from_rows(&rows).expect("decode"));
    })
    .await;

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../generated/saas-evolution/migrations");
    let set = MigrationSet::load(&dir).expect("migrations");
    let migrator =
        Migrator::new(PoolConfig::new(url.clone()).ssl_mode(schemac_runtime::SslMode::Disable));
    let started = Instant::now();
    migrator.run(&set, &mut |_| {}).await.expect("migrate");
    let first_run = started.elapsed();
    let up_to_date = measure(20, || async {
        assert!(
            migrator
                .run(&set, &mut |_| {})
                .await
                .expect("migrate")
                .is_empty()
        );
    })
    .await;

    drop(held);
    pool.close();
    drop(raw);
    let _ = admin
        .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .await;

    let us = |d: Duration| format!("{:.1} µs", d.as_secs_f64() * 1e6);
    let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1e3);
    println!(
        "one-row lookup, raw tokio-postgres (prepared)  {}",
        us(raw_lookup)
    );
    println!(
        "one-row lookup, held Conn (cached statement)   {}",
        us(conn_lookup)
    );
    println!(
        "pool checkout and return, no statement       {}",
        us(checkout)
    );
    println!(
        "one-row lookup, through an idle pool          {}",
        us(idle_lookup)
    );
    println!(
        "one-row lookup, through the pool, back to back {}",
        us(pool_lookup)
    );
    println!(
        "transaction with one insert, through the pool {}",
        us(tx_insert)
    );
    println!(
        "decode 10,000 rows by hand                    {}",
        ms(by_hand)
    );
    println!(
        "decode 10,000 rows with #[derive(Row)]        {}",
        ms(derived)
    );
    println!(
        "migrate: apply 10 migrations (saas evolution) {}",
        ms(first_run)
    );
    println!(
        "migrate: 10 applied, nothing to do            {}",
        ms(up_to_date)
    );
}
