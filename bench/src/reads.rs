//! One-row lookups by key under concurrency, and children loaded for many parents.

use std::sync::Arc;

use schemac_runtime::chrono::{DateTime, Utc};
use schemac_runtime::tokio_postgres::{self, NoTls};
use schemac_runtime::{PoolConfig, ReadOnlyPool, SslMode};

use crate::harness::{Side, Unit, Variant, compare, latency, shared_by_tasks, throughput};
use crate::schema::{items, notes};
use crate::{PARENTS, Settings, TASKS};

const GET: &str = "SELECT id, name, quantity, created_at, attributes FROM items WHERE id = $1";
const CHILDREN: &str = "SELECT id, item_id, body FROM notes WHERE item_id = ANY($1) ORDER BY id";

/// What a careful person writes by hand for the same row.
#[allow(dead_code)]
#[derive(sqlx::FromRow)]
pub struct HandItem {
    pub id: i64,
    name: String,
    quantity: i32,
    created_at: DateTime<Utc>,
    attributes: serde_json::Value,
}

pub fn decode_item(row: &tokio_postgres::Row) -> HandItem {
    HandItem {
        id: row.get(0),
        name: row.get(1),
        quantity: row.get(2),
        created_at: row.get(3),
        attributes: row.get(4),
    }
}

#[allow(dead_code)]
#[derive(sqlx::FromRow)]
struct HandNote {
    id: i64,
    item_id: i64,
    body: String,
}

fn schemac_pool(url: &str, size: Option<usize>, ssl: Option<SslMode>) -> ReadOnlyPool {
    schemac_pool_with(PoolConfig::new(url), size, ssl)
}

fn schemac_pool_with(
    mut config: PoolConfig,
    size: Option<usize>,
    ssl: Option<SslMode>,
) -> ReadOnlyPool {
    if let Some(size) = size {
        config = config.max_size(size);
    }
    if let Some(ssl) = ssl {
        config = config.ssl_mode(ssl);
    }
    ReadOnlyPool::read_only(config).expect("pool")
}

pub fn deadpool(url: &str, size: usize) -> deadpool_postgres::Pool {
    let config: tokio_postgres::Config = url.parse().expect("url");
    let manager = deadpool_postgres::Manager::from_config(
        config,
        NoTls,
        deadpool_postgres::ManagerConfig {
            recycling_method: deadpool_postgres::RecyclingMethod::Fast,
        },
    );
    deadpool_postgres::Pool::builder(manager)
        .max_size(size)
        .build()
        .expect("deadpool")
}

async fn sqlx_pool(url: &str, size: u32) -> sqlx::PgPool {
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(size)
        .min_connections(size)
        // Its best setting here: no round trip to test each connection.
        .test_before_acquire(false)
        .connect(&format!("{url}?sslmode=disable"))
        .await
        .expect("sqlx pool")
}

/// `get(id)` from 16 tasks: schemac's pool at its defaults and other sizes,
/// against raw tokio-postgres and sqlx arrangements.
pub async fn get(s: &Settings) {
    let url = s.url.as_str();
    let d = s.seconds;
    let default = schemac_pool(url, None, Some(SslMode::Disable));
    let four = schemac_pool(url, Some(4), Some(SslMode::Disable));
    let tls = schemac_pool(url, None, None);
    let shared = |n| {
        schemac_pool_with(
            PoolConfig::new(url).shared_connections(n),
            None,
            Some(SslMode::Disable),
        )
    };
    let (shared0, shared1, shared4) = (shared(0), shared(1), shared(4));
    let held_pool = schemac_pool(url, Some(TASKS), Some(SslMode::Disable));
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.expect("connect");
    tokio::spawn(connection);
    let statement = client.prepare(GET).await.expect("prepare");
    let pipelined = Arc::new((client, statement));
    let dead16 = deadpool(url, 16);
    let dead4 = deadpool(url, 4);
    let sqlx16 = sqlx_pool(url, 16).await;
    let sqlx4 = sqlx_pool(url, 4).await;

    let on_pool = |pool: ReadOnlyPool| {
        shared_by_tasks(pool, d, |pool, id| async move {
            std::hint::black_box(items::table.get(&pool, &id).await.expect("get"));
        })
    };
    let on_deadpool = |pool: deadpool_postgres::Pool| {
        shared_by_tasks(pool, d, |pool, id| async move {
            let client = pool.get().await.expect("checkout");
            let statement = client.prepare_cached(GET).await.expect("prepare");
            let row = client.query_opt(&statement, &[&id]).await.expect("get");
            std::hint::black_box(row.as_ref().map(decode_item));
        })
    };
    let on_sqlx = |pool: sqlx::PgPool| {
        shared_by_tasks(pool, d, |pool, id| async move {
            let row: Option<HandItem> = sqlx::query_as(GET)
                .bind(id)
                .fetch_optional(&pool)
                .await
                .expect("get");
            std::hint::black_box(row);
        })
    };
    let variants = vec![
        Variant {
            name: "schemac ReadOnlyPool, defaults (sslmode=disable)",
            side: Side::Schemac,
            run: on_pool(default),
        },
        Variant {
            name: "schemac ReadOnlyPool, max 4",
            side: Side::Schemac,
            run: on_pool(four),
        },
        Variant {
            name: "schemac ReadOnlyPool, default sslmode (TLS)",
            side: Side::Schemac,
            run: on_pool(tls),
        },
        Variant {
            name: "schemac, shared_connections(0): one each",
            side: Side::Schemac,
            run: on_pool(shared0),
        },
        Variant {
            name: "schemac, shared_connections(1)",
            side: Side::Schemac,
            run: on_pool(shared1),
        },
        Variant {
            name: "schemac, shared_connections(4)",
            side: Side::Schemac,
            run: on_pool(shared4),
        },
        Variant {
            name: "schemac, one Conn held per task",
            side: Side::Schemac,
            run: Box::new(|| {
                let pool = held_pool.clone();
                Box::pin(async move {
                    throughput(
                        TASKS,
                        d,
                        |_| {
                            let pool = pool.clone();
                            async move { Arc::new(pool.get().await.expect("checkout")) }
                        },
                        |conn, id| async move {
                            std::hint::black_box(items::table.get(&*conn, &id).await.expect("get"));
                        },
                    )
                    .await
                })
            }),
        },
        Variant {
            name: "raw: one pipelined client, prepared",
            side: Side::Raw,
            run: shared_by_tasks(pipelined, d, |shared, id| async move {
                let row = shared.0.query_opt(&shared.1, &[&id]).await.expect("get");
                std::hint::black_box(row.as_ref().map(decode_item));
            }),
        },
        Variant {
            name: "raw: deadpool 16, prepare_cached",
            side: Side::Raw,
            run: on_deadpool(dead16),
        },
        Variant {
            name: "raw: deadpool 4, prepare_cached",
            side: Side::Raw,
            run: on_deadpool(dead4),
        },
        Variant {
            name: "sqlx 0.8 pool 16",
            side: Side::Sqlx,
            run: on_sqlx(sqlx16),
        },
        Variant {
            name: "sqlx 0.8 pool 4",
            side: Side::Sqlx,
            run: on_sqlx(sqlx4),
        },
    ];
    compare("get(id), 16 tasks", Unit::OpsPerSecond, s.rounds, variants).await;
}

/// The notes of 1,000 items in one query, against the same query by hand
/// and one query per parent.
pub async fn children(s: &Settings) {
    let url = s.url.as_str();
    let pool = schemac_pool(url, None, Some(SslMode::Disable));
    let parents: Vec<i64> = (1..=PARENTS).collect();
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.expect("connect");
    tokio::spawn(connection);
    let client = Arc::new(client);
    let sqlx = sqlx_pool(url, 4).await;
    let iterations = 20;
    let variants = vec![
        Variant {
            name: "schemac notes::by_item_id.many",
            side: Side::Schemac,
            run: Box::new(|| {
                let (pool, parents) = (pool.clone(), parents.clone());
                Box::pin(async move {
                    latency(iterations, || async {
                        std::hint::black_box(
                            notes::by_item_id
                                .many(&pool, &parents)
                                .await
                                .expect("children"),
                        );
                    })
                    .await
                })
            }),
        },
        Variant {
            name: "raw: = ANY($1), prepared, grouped by hand",
            side: Side::Raw,
            run: Box::new(|| {
                let (client, parents) = (client.clone(), parents.clone());
                Box::pin(async move {
                    let statement = client.prepare(CHILDREN).await.expect("prepare");
                    latency(iterations, || async {
                        let rows = client
                            .query(&statement, &[&parents])
                            .await
                            .expect("children");
                        let mut grouped: std::collections::HashMap<i64, Vec<HandNote>> =
                            parents.iter().map(|p| (*p, Vec::new())).collect();
                        for row in &rows {
                            let note = HandNote {
                                id: row.get(0),
                                item_id: row.get(1),
                                body: row.get(2),
                            };
                            grouped.entry(note.item_id).or_default().push(note);
                        }
                        std::hint::black_box(grouped);
                    })
                    .await
                })
            }),
        },
        Variant {
            name: "raw: one query per parent",
            side: Side::Raw,
            run: Box::new(|| {
                let client = client.clone();
                Box::pin(async move {
                    let statement = client
                        .prepare(
                            "SELECT id, item_id, body FROM notes WHERE item_id = $1 ORDER BY id",
                        )
                        .await
                        .expect("prepare");
                    latency(iterations / 4, || async {
                        for parent in 1..=PARENTS {
                            std::hint::black_box(
                                client
                                    .query(&statement, &[&parent])
                                    .await
                                    .expect("children"),
                            );
                        }
                    })
                    .await
                })
            }),
        },
        Variant {
            name: "sqlx: = ANY($1)",
            side: Side::Sqlx,
            run: Box::new(|| {
                let (pool, parents) = (sqlx.clone(), parents.clone());
                Box::pin(async move {
                    latency(iterations, || async {
                        let rows: Vec<HandNote> = sqlx::query_as(CHILDREN)
                            .bind(&parents)
                            .fetch_all(&pool)
                            .await
                            .expect("children");
                        std::hint::black_box(rows);
                    })
                    .await
                })
            }),
        },
    ];
    compare(
        "children of 1,000 parents (10 each)",
        Unit::Millis,
        s.rounds,
        variants,
    )
    .await;
}
