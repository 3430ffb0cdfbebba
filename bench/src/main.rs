//! schemac's runtime and generated code against hand-written tokio-postgres
//! and sqlx (and, on diesel_bench's shapes, SeaORM and diesel-async), on the
//! same tables and rows, in one run, interleaved.
//!
//! `cargo run --release -p schemac-bench` (PostgreSQL at `DATABASE_URL`;
//! options: `--rounds N`, `--seconds S` per throughput sample, `--only
//! get|insert|children|transaction|shapes[/trivial|medium|associations|insert]`). The generate step's benchmark is
//! `bench/generate.py`.

mod harness;
mod reads;
mod shapes;
mod writes;

use std::time::Duration;

use schemac_runtime::migrate::{MigrationSet, Migrator};
use schemac_runtime::tokio_postgres::{self, NoTls};
use schemac_runtime::{PoolConfig, SslMode};

#[allow(clippy::all, dead_code)]
mod schema {
    include!(concat!(env!("OUT_DIR"), "/schema.rs"));
}

/// Rows in `items`; the first [`PARENTS`] have [`NOTES_PER_ITEM`] notes each.
pub const ITEMS: i64 = 100_000;
pub const PARENTS: i64 = 1_000;
pub const NOTES_PER_ITEM: i64 = 10;
/// Concurrent tasks in the throughput measurements.
pub const TASKS: usize = 16;

pub struct Settings {
    pub url: String,
    pub rounds: usize,
    pub seconds: Duration,
}

fn parse_args() -> Result<(usize, f64, Option<String>), String> {
    let mut rounds = 5;
    let mut seconds = 1.0;
    let mut only = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--rounds" => rounds = value()?.parse().map_err(|e| format!("--rounds: {e}"))?,
            "--seconds" => seconds = value()?.parse().map_err(|e| format!("--seconds: {e}"))?,
            "--only" => only = Some(value()?),
            other => {
                return Err(format!(
                    "unknown argument `{other}` (--rounds N, --seconds S, --only NAME)"
                ));
            }
        }
    }
    Ok((rounds.max(1), seconds, only))
}

#[tokio::main]
async fn main() {
    let (rounds, seconds, only) = parse_args().unwrap_or_else(|e| {
        eprintln!("error: {e}");
        std::process::exit(2)
    });
    let base = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("schemac_bench_{}", std::process::id());
    let (admin, connection) = tokio_postgres::connect(&base, NoTls)
        .await
        .unwrap_or_else(|e| {
            eprintln!(
                "error: cannot reach PostgreSQL at DATABASE_URL ({e}); start it with \
             `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`"
            );
            std::process::exit(1)
        });
    tokio::spawn(connection);
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create database");
    let server = base.rsplit_once('/').map_or(base.as_str(), |(s, _)| s);
    let url = format!("{server}/{name}");

    setup(&url).await;
    let settings = Settings {
        url,
        rounds,
        seconds: Duration::from_secs_f64(seconds),
    };
    println!(
        "schemac-bench: {ITEMS} items, {TASKS} tasks, {rounds} interleaved rounds; ratios are medians of per-round ratios (above 1: schemac is faster)"
    );
    let wants = |what: &str| only.as_deref().is_none_or(|o| o == what);
    if wants("get") {
        reads::get(&settings).await;
    }
    if wants("children") {
        reads::children(&settings).await;
    }
    if wants("insert") {
        writes::insert_many(&settings).await;
    }
    if wants("transaction") {
        writes::transaction(&settings).await;
    }
    // `--only shapes` runs the four, `--only shapes/insert` one of them.
    match only
        .as_deref()
        .map(|o| o.split_once('/').unwrap_or((o, "")))
    {
        None => shapes::run(&settings, "").await,
        Some(("shapes", shape)) => shapes::run(&settings, shape).await,
        Some(_) => {}
    }
    admin
        .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .await
        .expect("drop database");
}

/// The benchmark's migrations, applied by schemac's runner, then the rows.
async fn setup(url: &str) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
    let set = MigrationSet::load(dir).expect("the benchmark's migrations");
    Migrator::new(PoolConfig::new(url).ssl_mode(SslMode::Disable))
        .run(&set, &mut |_| {})
        .await
        .expect("migrate");
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.expect("connect");
    tokio::spawn(connection);
    client
        .batch_execute(&format!(
            "INSERT INTO items (name, quantity, attributes)
             SELECT 'item ' || i, i % 1000, jsonb_build_object('colour', 'blue', 'size', i % 7)
             FROM generate_series(1, {ITEMS}) AS i;
             INSERT INTO notes (item_id, body)
             SELECT p, 'note ' || n FROM generate_series(1, {PARENTS}) AS p, generate_series(1, {NOTES_PER_ITEM}) AS n;"
        ))
        .await
        .expect("rows");
    // Separately: a multi-statement string runs as one transaction.
    client
        .batch_execute("VACUUM ANALYZE items")
        .await
        .expect("vacuum");
    client
        .batch_execute("VACUUM ANALYZE notes")
        .await
        .expect("vacuum");
}
