//! Generated repository functions against hand-written tokio-postgres (a
//! `harness = false` binary against the PostgreSQL at `DATABASE_URL`).
//!
//! `cargo bench -p schemac-tests --bench repository` prints medians, over
//! interleaved rounds, of: `users::get` on a held connection against the same
//! query prepared by hand on a raw client and decoded field by field; and
//! `users::list_by_tenant_id` (500 rows) against its hand-written twin.

use std::hint::black_box;
use std::time::{Duration, Instant};

use schemac_generated::multitenant::{ids::TenantId, tenants, users};
use schemac_runtime::tokio_postgres::{self, NoTls};
use schemac_runtime::{PoolConfig, ReadWritePool, SslMode};
use schemac_tests::{TestDb, repo_root};

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

async fn measure<F, Fut>(iterations: usize, mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut runs = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let t = Instant::now();
        f().await;
        runs.push(t.elapsed());
    }
    median(runs)
}

/// What a careful person would write by hand for the same row.
#[allow(dead_code)]
struct HandUser {
    user_id: schemac_runtime::uuid::Uuid,
    tenant_id: schemac_runtime::uuid::Uuid,
    email: String,
    display_name: Option<String>,
    last_seen_ip: Option<std::net::IpAddr>,
    roles: Vec<String>,
    managers: Vec<schemac_runtime::uuid::Uuid>,
    created_at: schemac_runtime::chrono::DateTime<schemac_runtime::chrono::Utc>,
    updated_at: Option<schemac_runtime::chrono::DateTime<schemac_runtime::chrono::Utc>>,
}

fn hand_decode(r: &tokio_postgres::Row) -> HandUser {
    HandUser {
        user_id: r.get(0),
        tenant_id: r.get(1),
        email: r.get(2),
        display_name: r.get(3),
        last_seen_ip: r.get(4),
        roles: r.get(5),
        managers: r.get(6),
        created_at: r.get(7),
        updated_at: r.get(8),
    }
}

const HAND_COLUMNS: &str = "user_id, tenant_id, email, display_name, last_seen_ip, roles, managers, created_at, updated_at";

fn main() {
    let db = TestDb::with_init(
        &repo_root().join("generated/multitenant/migrations"),
        "bench_repository",
    );
    let url = db.url.clone();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (get_generated, get_hand, list_generated, list_hand) = rt.block_on(async {
        let pool =
            ReadWritePool::read_write(PoolConfig::new(url.clone()).ssl_mode(SslMode::Disable))
                .expect("pool");
        let tenant = tenants::table
            .insert(
                &pool,
                &tenants::NewTenant {
                    tenant_id: None,
                    slug: "bench".into(),
                    display_name: "Bench".into(),
                    plan: None,
                    seats: None,
                    settings: None,
                    created_at: None,
                    updated_at: None,
                },
            )
            .await
            .expect("tenant");
        let rows: Vec<users::NewUser> = (0..500)
            .map(|i| users::NewUser {
                user_id: None,
                tenant_id: tenant.tenant_id,
                email: format!("user{i}@bench.test"),
                display_name: Some(format!("User {i}")),
                idp_user_info: None,
                last_seen_ip: None,
                roles: Some(vec!["member".into(), "reader".into()]),
                managers: None,
                created_at: None,
                updated_at: None,
            })
            .collect();
        let inserted = users::table
            .insert_many_returning(&pool, &rows)
            .await
            .expect("users");
        let id = inserted[250].user_id;
        let tenant_uuid = tenant.tenant_id.to_uuid();
        let tenant_id: TenantId = tenant.tenant_id;

        let conn = pool.get().await.expect("checkout");
        let (raw, connection) = tokio_postgres::connect(&url, NoTls).await.expect("connect");
        tokio::spawn(connection);
        let by_id = raw
            .prepare(&format!(
                "SELECT {HAND_COLUMNS} FROM users WHERE user_id = $1"
            ))
            .await
            .expect("prepare");
        let by_tenant = raw
            .prepare(&format!(
                "SELECT {HAND_COLUMNS} FROM users WHERE tenant_id = $1 ORDER BY user_id"
            ))
            .await
            .expect("prepare");
        let uuid = id.to_uuid();

        let mut samples: [Vec<Duration>; 4] = Default::default();
        for _ in 0..20 {
            samples[0].push(
                measure(100, || async {
                    black_box(users::table.get(&conn, &id).await.expect("get"));
                })
                .await,
            );
            samples[1].push(
                measure(100, || async {
                    let row = raw.query_opt(&by_id, &[&uuid]).await.expect("get");
                    black_box(row.as_ref().map(hand_decode));
                })
                .await,
            );
            samples[2].push(
                measure(10, || async {
                    black_box(
                        users::by_tenant_id
                            .list(&conn, &tenant_id)
                            .await
                            .expect("list"),
                    );
                })
                .await,
            );
            samples[3].push(
                measure(10, || async {
                    let rows = raw.query(&by_tenant, &[&tenant_uuid]).await.expect("list");
                    black_box(rows.iter().map(hand_decode).collect::<Vec<_>>());
                })
                .await,
            );
        }
        let [a, b, c, d] = samples.map(median);
        (a, b, c, d)
    });
    let us = |d: Duration| format!("{:.1} µs", d.as_secs_f64() * 1e6);
    println!(
        "users::get, generated (held Conn)             {}",
        us(get_generated)
    );
    println!(
        "the same by hand (raw client, prepared)       {}",
        us(get_hand)
    );
    println!(
        "users::list_by_tenant_id (500 rows), generated {}",
        us(list_generated)
    );
    println!(
        "the same by hand                               {}",
        us(list_hand)
    );
}
