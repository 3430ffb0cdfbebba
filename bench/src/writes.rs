//! Bulk inserts and a short transaction.

use std::pin::pin;

use schemac_runtime::tokio_postgres::binary_copy::BinaryCopyInWriter;
use schemac_runtime::tokio_postgres::types::Type;
use schemac_runtime::tokio_postgres::{self, NoTls};
use schemac_runtime::{PoolConfig, ReadWritePool, SslMode};

use crate::Settings;
use crate::harness::{Side, Unit, Variant, compare, latency};
use crate::schema::items;

const ROWS: usize = 10_000;

/// The transaction's statements, written by hand for the raw and sqlx variants.
const INSERT_ITEM: &str = "INSERT INTO items (name, quantity, attributes) VALUES ($1, $2, $3) \
                           RETURNING id, name, quantity, created_at, attributes";
const UPDATE_ITEM: &str = "UPDATE items SET quantity = $1 WHERE id = $2 \
                           RETURNING id, name, quantity, created_at, attributes";
const GET_ITEM: &str = "SELECT id, name, quantity, created_at, attributes FROM items WHERE id = $1";

fn new_items() -> Vec<items::NewItem> {
    (0..ROWS)
        .map(|i| items::NewItem {
            id: None,
            name: format!("bulk {i}"),
            quantity: i as i32,
            created_at: None,
            attributes: serde_json::json!({ "colour": "green", "size": i % 7 }),
        })
        .collect()
}

async fn raw_client(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.expect("connect");
    tokio::spawn(connection);
    client
}

async fn sqlx_pool(url: &str) -> sqlx::PgPool {
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(&format!("{url}?sslmode=disable"))
        .await
        .expect("sqlx pool")
}

/// 10,000 rows in one transaction (rolled back, so every round inserts into
/// the same table).
pub async fn insert_many(s: &Settings) {
    let url = s.url.as_str();
    let pool =
        ReadWritePool::read_write(PoolConfig::new(url).ssl_mode(SslMode::Disable)).expect("pool");
    let rows = new_items();
    let mut raw = raw_client(url).await;
    let sqlx = sqlx_pool(url).await;
    let iterations = 5;
    let raw = &mut raw;
    let rows = &rows;
    let variants = vec![
        Variant {
            name: "schemac items::table.insert_many (COPY, the count)",
            side: Side::Schemac,
            run: Box::new(|| {
                let pool = pool.clone();
                Box::pin(async move {
                    latency(iterations, || async {
                        let tx = pool.begin().await.expect("begin");
                        std::hint::black_box(
                            items::table.insert_many(&tx, rows).await.expect("insert"),
                        );
                        tx.rollback().await.expect("rollback");
                    })
                    .await
                })
            }),
        },
        Variant {
            name: "schemac items::table.insert_many_returning (rows)",
            side: Side::Schemac,
            run: Box::new(|| {
                let pool = pool.clone();
                Box::pin(async move {
                    latency(iterations, || async {
                        let tx = pool.begin().await.expect("begin");
                        std::hint::black_box(
                            items::table
                                .insert_many_returning(&tx, rows)
                                .await
                                .expect("insert"),
                        );
                        tx.rollback().await.expect("rollback");
                    })
                    .await
                })
            }),
        },
        Variant {
            name: "raw: binary COPY",
            side: Side::Raw,
            run: Box::new(|| {
                let raw: &tokio_postgres::Client = &*raw;
                Box::pin(async move {
                    latency(iterations, || async {
                        raw.batch_execute("BEGIN").await.expect("begin");
                        let sink = raw
                            .copy_in("COPY items (name, quantity, attributes) FROM STDIN (FORMAT binary)")
                            .await
                            .expect("copy");
                        let mut writer = pin!(BinaryCopyInWriter::new(sink, &[Type::TEXT, Type::INT4, Type::JSONB]));
                        for row in rows {
                            writer.as_mut().write(&[&row.name, &row.quantity, &row.attributes]).await.expect("row");
                        }
                        std::hint::black_box(writer.finish().await.expect("finish"));
                        raw.batch_execute("ROLLBACK").await.expect("rollback");
                    })
                    .await
                })
            }),
        },
        Variant {
            name: "raw: INSERT ... SELECT FROM UNNEST",
            side: Side::Raw,
            run: Box::new(|| {
                let raw: &tokio_postgres::Client = &*raw;
                Box::pin(async move {
                    let statement = raw
                        .prepare(
                            "INSERT INTO items (name, quantity, attributes) \
                             SELECT * FROM UNNEST($1::text[], $2::int4[], $3::jsonb[])",
                        )
                        .await
                        .expect("prepare");
                    latency(iterations, || async {
                        raw.batch_execute("BEGIN").await.expect("begin");
                        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
                        let quantities: Vec<i32> = rows.iter().map(|r| r.quantity).collect();
                        let attributes: Vec<&serde_json::Value> =
                            rows.iter().map(|r| &r.attributes).collect();
                        std::hint::black_box(
                            raw.execute(&statement, &[&names, &quantities, &attributes])
                                .await
                                .expect("insert"),
                        );
                        raw.batch_execute("ROLLBACK").await.expect("rollback");
                    })
                    .await
                })
            }),
        },
        Variant {
            name: "sqlx: QueryBuilder::push_values",
            side: Side::Sqlx,
            run: Box::new(|| {
                let sqlx = sqlx.clone();
                Box::pin(async move {
                    latency(iterations, || async {
                        let mut tx = sqlx.begin().await.expect("begin");
                        let mut builder: sqlx::QueryBuilder<sqlx::Postgres> =
                            sqlx::QueryBuilder::new(
                                "INSERT INTO items (name, quantity, attributes) ",
                            );
                        builder.push_values(rows, |mut b, row| {
                            b.push_bind(&row.name)
                                .push_bind(row.quantity)
                                .push_bind(&row.attributes);
                        });
                        std::hint::black_box(
                            builder.build().execute(&mut *tx).await.expect("insert"),
                        );
                        tx.rollback().await.expect("rollback");
                    })
                    .await
                })
            }),
        },
    ];
    compare("insert 10,000 rows", Unit::Millis, s.rounds, variants).await;
}

/// Insert a row, update it, read it back, commit: three statements in one
/// transaction, one task.
pub async fn transaction(s: &Settings) {
    let url = s.url.as_str();
    let pool =
        ReadWritePool::read_write(PoolConfig::new(url).ssl_mode(SslMode::Disable)).expect("pool");
    let dead = crate::reads::deadpool(url, 4);
    let sqlx = sqlx_pool(url).await;
    let iterations = 200;
    let attributes = serde_json::json!({ "colour": "red" });
    let attributes = &attributes;
    let variants = vec![
        Variant {
            name: "schemac: begin, insert, update, get, commit",
            side: Side::Schemac,
            run: Box::new(|| {
                let pool = pool.clone();
                Box::pin(async move {
                    latency(iterations, || async {
                        let tx = pool.begin().await.expect("begin");
                        let new = items::NewItem {
                            id: None,
                            name: "tx".into(),
                            quantity: 1,
                            created_at: None,
                            attributes: attributes.clone(),
                        };
                        let item = items::table.insert(&tx, &new).await.expect("insert");
                        let patch = items::ItemPatch {
                            quantity: Some(2),
                            ..Default::default()
                        };
                        items::table
                            .update(&tx, &item.id, &patch)
                            .await
                            .expect("update");
                        std::hint::black_box(items::table.get(&tx, &item.id).await.expect("get"));
                        tx.commit().await.expect("commit");
                    })
                    .await
                })
            }),
        },
        Variant {
            name: "raw: deadpool, prepare_cached, same statements",
            side: Side::Raw,
            run: Box::new(|| {
                let dead = dead.clone();
                Box::pin(async move {
                    latency(iterations, || async {
                        let mut client = dead.get().await.expect("checkout");
                        let tx = client.transaction().await.expect("begin");
                        let insert = tx.prepare_cached(INSERT_ITEM).await.expect("prepare");
                        let row = tx
                            .query_one(&insert, &[&"tx", &1i32, attributes])
                            .await
                            .expect("insert");
                        let item = crate::reads::decode_item(&row);
                        let update = tx.prepare_cached(UPDATE_ITEM).await.expect("prepare");
                        let row = tx
                            .query_opt(&update, &[&2i32, &item.id])
                            .await
                            .expect("update");
                        std::hint::black_box(row.as_ref().map(crate::reads::decode_item));
                        let get = tx.prepare_cached(GET_ITEM).await.expect("prepare");
                        let row = tx.query_opt(&get, &[&item.id]).await.expect("get");
                        std::hint::black_box(row.as_ref().map(crate::reads::decode_item));
                        tx.commit().await.expect("commit");
                    })
                    .await
                })
            }),
        },
        Variant {
            name: "sqlx: same statements",
            side: Side::Sqlx,
            run: Box::new(|| {
                let sqlx = sqlx.clone();
                Box::pin(async move {
                    latency(iterations, || async {
                        let mut tx = sqlx.begin().await.expect("begin");
                        let item: crate::reads::HandItem = sqlx::query_as(INSERT_ITEM)
                            .bind("tx")
                            .bind(1i32)
                            .bind(attributes)
                            .fetch_one(&mut *tx)
                            .await
                            .expect("insert");
                        let updated: Option<crate::reads::HandItem> = sqlx::query_as(UPDATE_ITEM)
                            .bind(2i32)
                            .bind(item.id)
                            .fetch_optional(&mut *tx)
                            .await
                            .expect("update");
                        std::hint::black_box(updated);
                        let got: Option<crate::reads::HandItem> = sqlx::query_as(GET_ITEM)
                            .bind(item.id)
                            .fetch_optional(&mut *tx)
                            .await
                            .expect("get");
                        std::hint::black_box(got);
                        tx.commit().await.expect("commit");
                    })
                    .await
                })
            }),
        },
    ];
    compare(
        "transaction of three statements",
        Unit::Millis,
        s.rounds,
        variants,
    )
    .await;
}
