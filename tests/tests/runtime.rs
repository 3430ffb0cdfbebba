//! Pools, executors and transactions against the real PostgreSQL.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use schemac_runtime::tokio_postgres::error::SqlState;
use schemac_runtime::{
    Error, IsolationLevel, PoolConfig, Read, ReadOnlyPool, ReadWrite, ReadWritePool, RetryPolicy,
    SslMode, Transaction, TxOptions, Write,
};
use schemac_tests::pools::{config, create_items};
use schemac_tests::{TestDb, tokio_runtime};

async fn names(pool: &ReadWritePool) -> Vec<String> {
    pool.query("SELECT name FROM items ORDER BY name", &[])
        .await
        .expect("select")
        .iter()
        .map(|r| r.get(0))
        .collect()
}

fn is_read_only_violation(e: &Error) -> bool {
    e.sql_state() == Some(&SqlState::READ_ONLY_SQL_TRANSACTION)
}

#[test]
fn read_only_pool_rejects_writes_and_keeps_rejecting_after_a_session_change() {
    let db = TestDb::create("rt_ro");
    tokio_runtime().block_on(async {
        let rw = ReadWritePool::read_write(config(&db)).expect("rw pool");
        create_items(&rw).await;
        let ro = ReadOnlyPool::read_only(config(&db).max_size(1)).expect("ro pool");

        let error = ro
            .query("INSERT INTO items (name) VALUES ('x') RETURNING id", &[])
            .await
            .expect_err("the read-only session refuses an INSERT");
        assert!(is_read_only_violation(&error), "{error}");

        let name: String = ro
            .query_one("SELECT current_setting('application_name')", &[])
            .await
            .expect("select")
            .get(0);
        assert_eq!(name, "rt_test_readonly");
        let name: String = rw
            .query_one("SELECT current_setting('application_name')", &[])
            .await
            .expect("select")
            .get(0);
        assert_eq!(name, "rt_test_readwrite");

        // A checkout that turns the guard off does not pass that on: the
        // connection (the same backend, the pool holds one) is reset.
        let conn = ro.get().await.expect("checkout");
        let pid: i32 = conn
            .query_one("SELECT pg_backend_pid()", &[])
            .await
            .expect("pid")
            .get(0);
        conn.client()
            .batch_execute("SET default_transaction_read_only = off")
            .await
            .expect("set");
        drop(conn);
        let conn = ro.get().await.expect("checkout again");
        let same_pid: i32 = conn
            .query_one("SELECT pg_backend_pid()", &[])
            .await
            .expect("pid")
            .get(0);
        assert_eq!(pid, same_pid, "the pool reuses its one connection");
        let error = conn
            .query("INSERT INTO items (name) VALUES ('y') RETURNING id", &[])
            .await
            .expect_err("still read-only");
        assert!(is_read_only_violation(&error), "{error}");

        // A read-only transaction from the read-write pool refuses too.
        let tx = rw.begin_read_only().await.expect("begin");
        let error = tx
            .query("INSERT INTO items (name) VALUES ('z') RETURNING id", &[])
            .await
            .expect_err("read-only transaction");
        assert!(is_read_only_violation(&error), "{error}");
        drop(tx);
        assert!(names(&rw).await.is_empty());
    });
}

#[test]
fn statements_are_prepared_once_per_connection() {
    let db = TestDb::create("rt_cache");
    tokio_runtime().block_on(async {
        let pool = ReadWritePool::read_write(config(&db).max_size(1)).expect("pool");
        let conn = pool.get().await.expect("checkout");
        for i in 0..5 {
            let row = conn
                .query_one("SELECT $1::int + 1", &[&i])
                .await
                .expect("query");
            assert_eq!(row.get::<_, i32>(0), i + 1);
        }
        let prepared: i64 = conn
            .query_one(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1::int%'",
                &[],
            )
            .await
            .expect("count")
            .get(0);
        assert_eq!(prepared, 1, "five runs, one prepared statement");
    });
}

#[test]
fn transactions_commit_roll_back_on_drop_and_nest_as_savepoints() {
    let db = TestDb::create("rt_tx");
    tokio_runtime().block_on(async {
        let pool = ReadWritePool::read_write(config(&db).max_size(1)).expect("pool");
        create_items(&pool).await;
        let insert = "INSERT INTO items (name) VALUES ($1)";

        // Dropped uncommitted: rolled back, and the connection comes back clean.
        let tx = pool.begin().await.expect("begin");
        tx.execute(insert, &[&"dropped"]).await.expect("insert");
        drop(tx);
        assert!(names(&pool).await.is_empty());
        // SAVEPOINT fails outside a transaction block: the connection came
        // back to the pool (it holds one) with the transaction ended.
        let error = pool
            .execute("SAVEPOINT probe", &[])
            .await
            .expect_err("no transaction open");
        assert_eq!(
            error.sql_state(),
            Some(&SqlState::NO_ACTIVE_SQL_TRANSACTION)
        );

        let mut tx = pool.begin().await.expect("begin");
        tx.execute(insert, &[&"outer"]).await.expect("insert");
        {
            let sp = tx.savepoint().await.expect("savepoint");
            sp.execute(insert, &[&"kept"]).await.expect("insert");
            sp.commit().await.expect("release");
        }
        {
            let sp = tx.savepoint().await.expect("savepoint");
            sp.execute(insert, &[&"dropped savepoint"])
                .await
                .expect("insert");
        }
        {
            let sp = tx.savepoint().await.expect("savepoint");
            sp.execute(insert, &[&"rolled back"]).await.expect("insert");
            sp.rollback().await.expect("rollback to savepoint");
        }
        {
            let mut sp = tx.savepoint().await.expect("savepoint");
            sp.execute(insert, &[&"level 1"]).await.expect("insert");
            {
                let inner = sp.savepoint().await.expect("nested savepoint");
                inner
                    .execute(insert, &[&"level 2 dropped"])
                    .await
                    .expect("insert");
            }
            let inner = sp.savepoint().await.expect("nested savepoint");
            inner.execute(insert, &[&"level 2"]).await.expect("insert");
            inner.commit().await.expect("release");
            sp.commit().await.expect("release");
        }
        {
            // A failed statement inside a savepoint does not doom the transaction.
            let sp = tx.savepoint().await.expect("savepoint");
            let error = sp
                .execute(insert, &[&"outer"])
                .await
                .expect_err("duplicate");
            assert_eq!(error.sql_state(), Some(&SqlState::UNIQUE_VIOLATION));
        }
        tx.execute(insert, &[&"after"])
            .await
            .expect("insert after a failed savepoint");
        tx.commit().await.expect("commit");
        assert_eq!(
            names(&pool).await,
            ["after", "kept", "level 1", "level 2", "outer"]
        );

        // An owned transaction moves into another task, as a request handler's would.
        let tx: Transaction<ReadWrite> = pool.begin().await.expect("begin");
        tokio::spawn(async move {
            tx.execute(insert, &[&"from a task"]).await.expect("insert");
            tx.commit().await.expect("commit");
        })
        .await
        .expect("task");
        assert!(names(&pool).await.contains(&"from a task".to_owned()));

        let tx = pool
            .begin_with(TxOptions::default().isolation(IsolationLevel::Serializable))
            .await
            .expect("begin");
        let level: String = tx
            .query_one("SHOW transaction_isolation", &[])
            .await
            .expect("show")
            .get(0);
        assert_eq!(level, "serializable");
        tx.rollback().await.expect("rollback");
    });
}

#[test]
fn retry_helper_recovers_from_a_real_serialization_failure() {
    let db = TestDb::create("rt_retry");
    tokio_runtime().block_on(async {
        let pool = ReadWritePool::read_write(config(&db)).expect("pool");
        pool.execute(
            "CREATE TABLE doctors (id int PRIMARY KEY, on_call boolean NOT NULL)",
            &[],
        )
        .await
        .expect("create");
        pool.execute("INSERT INTO doctors VALUES (1, true), (2, true)", &[])
            .await
            .expect("insert");

        // Write skew: each doctor goes off call if someone else is on call.
        // Both first attempts read before either writes, so under
        // SERIALIZABLE one of them must fail and be retried.
        let barrier = Arc::new(tokio::sync::Barrier::new(2));
        let attempts = Arc::new(AtomicU32::new(0));
        let mut tasks = Vec::new();
        for me in [1i32, 2] {
            let pool = pool.clone();
            let barrier = barrier.clone();
            let attempts = attempts.clone();
            tasks.push(tokio::spawn(async move {
                let mine = Arc::new(AtomicU32::new(0));
                let options = TxOptions::default().isolation(IsolationLevel::Serializable);
                let policy = RetryPolicy {
                    max_attempts: 5,
                    base_delay: Duration::from_millis(5),
                    max_delay: Duration::from_millis(50),
                };
                // The async closure owns the counters and the barrier, and
                // each attempt borrows them: nothing is cloned per attempt.
                // (In a spawned task, whose future must be Send, a closure
                // that borrows its surroundings is beyond what rustc can show
                // Send today; one that owns them, as here, is not.)
                pool.run_in_transaction_with(options, policy, async move |tx| {
                    attempts.fetch_add(1, Ordering::SeqCst);
                    let attempt = mine.fetch_add(1, Ordering::SeqCst) + 1;
                    let on_call: i64 = tx
                        .query_one("SELECT count(*) FROM doctors WHERE on_call", &[])
                        .await?
                        .get(0);
                    if attempt == 1 {
                        barrier.wait().await;
                    }
                    if on_call >= 2 {
                        tx.execute("UPDATE doctors SET on_call = false WHERE id = $1", &[&me])
                            .await?;
                    }
                    Ok::<_, Error>(on_call)
                })
                .await
            }));
        }
        for task in tasks {
            task.await
                .expect("task")
                .expect("transaction succeeded in the end");
        }
        assert_eq!(
            attempts.load(Ordering::SeqCst),
            3,
            "one of the two was retried once"
        );
        let on_call: i64 = pool
            .query_one("SELECT count(*) FROM doctors WHERE on_call", &[])
            .await
            .expect("count")
            .get(0);
        assert_eq!(on_call, 1, "exactly one doctor stays on call");

        // Not transient: returned at once, no retry.
        let tries = AtomicU32::new(0);
        let error = pool
            .run_in_transaction(async |tx| {
                tries.fetch_add(1, Ordering::SeqCst);
                tx.execute("SELECT 1/0", &[]).await.map(|_| ())
            })
            .await
            .expect_err("division by zero");
        assert_eq!(error.sql_state(), Some(&SqlState::DIVISION_BY_ZERO));
        assert_eq!(tries.load(Ordering::SeqCst), 1);
    });
}

#[test]
fn retry_helper_recovers_from_a_real_deadlock() {
    let db = TestDb::create("rt_deadlock");
    tokio_runtime().block_on(async {
        let pool = ReadWritePool::read_write(config(&db)).expect("pool");
        pool.execute(
            "CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)",
            &[],
        )
        .await
        .expect("create");
        pool.execute("INSERT INTO accounts VALUES (1, 100), (2, 100)", &[])
            .await
            .expect("insert");
        // Two transfers locking the same rows in opposite orders.
        let barrier = Arc::new(tokio::sync::Barrier::new(2));
        let attempts = Arc::new(AtomicU32::new(0));
        let mut tasks = Vec::new();
        for (from, to) in [(1i32, 2i32), (2, 1)] {
            let pool = pool.clone();
            let barrier = barrier.clone();
            let attempts = attempts.clone();
            tasks.push(tokio::spawn(async move {
                let mine = Arc::new(AtomicU32::new(0));
                pool.run_in_transaction(async move |tx| {
                    attempts.fetch_add(1, Ordering::SeqCst);
                    let first = mine.fetch_add(1, Ordering::SeqCst) == 0;
                    let update = "UPDATE accounts SET balance = balance + $2 WHERE id = $1";
                    tx.execute(update, &[&from, &-10i32]).await?;
                    if first {
                        barrier.wait().await;
                    }
                    tx.execute(update, &[&to, &10i32]).await?;
                    Ok::<_, Error>(())
                })
                .await
            }));
        }
        for task in tasks {
            task.await
                .expect("task")
                .expect("both transfers succeed in the end");
        }
        assert_eq!(
            attempts.load(Ordering::SeqCst),
            3,
            "the deadlock victim was retried once"
        );
        let balances: Vec<i32> = pool
            .query("SELECT balance FROM accounts ORDER BY id", &[])
            .await
            .expect("select")
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(balances, [100, 100]);
    });
}

#[test]
fn tls_modes_connect_as_libpq_would() {
    let db = TestDb::create("rt_tls");
    tokio_runtime().block_on(async {
        let ssl_in_use = |pool: ReadWritePool| async move {
            pool.query_one(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                &[],
            )
            .await
            .map(|r| r.get::<_, bool>(0))
        };
        let require =
            ReadWritePool::read_write(config(&db).ssl_mode(SslMode::Require)).expect("pool");
        assert!(
            ssl_in_use(require).await.expect("require connects"),
            "encrypted"
        );
        let url = format!("{}?sslmode=disable", db.url);
        let disable = ReadWritePool::read_write(PoolConfig::new(url)).expect("pool");
        assert!(
            !ssl_in_use(disable).await.expect("disable connects"),
            "plain"
        );

        // The server's snakeoil certificate is not issued for 127.0.0.1.
        let verify = ReadWritePool::read_write(
            config(&db)
                .ssl_mode(SslMode::VerifyFull)
                .ca_file("/etc/ssl/certs/ssl-cert-snakeoil.pem"),
        )
        .expect("pool");
        let error = ssl_in_use(verify)
            .await
            .expect_err("verify-full refuses it");
        assert!(error.to_string().contains("certificate"), "{error}");

        let error = PoolConfig::new(format!("{}?sslmode=verify-ca", db.url)).max_size(1);
        let error = ReadWritePool::read_write(error).expect_err("unsupported mode");
        assert!(error.to_string().contains("verify-ca"), "{error}");
    });
}

/// Every kind of session change a plain statement can make, through the
/// pool itself, a checked-out connection and a transaction, is gone for the
/// next borrower of the same backend (each pool holds one connection).
#[test]
fn no_session_change_reaches_the_next_borrower() {
    let db = TestDb::create("rt_guard");
    tokio_runtime().block_on(async {
        let setup = ReadWritePool::read_write(config(&db)).expect("rw pool");
        create_items(&setup).await;
        setup.execute("CREATE ROLE rt_guard_role", &[]).await.ok();
        let ro = ReadOnlyPool::read_only(config(&db).max_size(1)).expect("ro pool");
        let rw = ReadWritePool::read_write(config(&db).max_size(1)).expect("rw pool");
        // A read-only session refuses to create even a temporary table.
        let everywhere = [
            "SET default_transaction_read_only = off",
            "SET ROLE rt_guard_role",
            "LISTEN rt_guard_channel",
            "SELECT pg_advisory_lock(42)",
            "SELECT set_config('application_name', 'changed', false)",
        ];
        leaves_nothing_behind(&ro, &everywhere).await;
        leaves_nothing_behind(&rw, &everywhere).await;
        leaves_nothing_behind(&rw, &["CREATE TEMP TABLE left_behind (x int)"]).await;
        // The guard still holds.
        let error = ro
            .query("INSERT INTO items (name) VALUES ('x')", &[])
            .await
            .expect_err("read-only");
        assert!(is_read_only_violation(&error), "{error}");
    });
}

async fn leaves_nothing_behind<A: schemac_runtime::Access>(
    pool: &schemac_runtime::Pool<A>,
    changes: &[&str],
) {
    // What the next borrower sees: each as a fresh session has it.
    let probe = "SELECT current_setting('default_transaction_read_only'), current_user::text, \
                 to_regclass('pg_temp.left_behind') IS NULL, \
                 (SELECT count(*) FROM pg_listening_channels()), \
                 (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()), \
                 current_setting('application_name')";
    let state = |row: &schemac_runtime::PgRow| {
        (
            row.get::<_, String>(0),
            row.get::<_, String>(1),
            row.get::<_, bool>(2),
            row.get::<_, i64>(3),
            row.get::<_, i64>(4),
            row.get::<_, String>(5),
        )
    };
    let before = state(&pool.query_one(probe, &[]).await.expect("probe"));
    for change in changes {
        // Through the pool: a statement of its own.
        pool.query(*change, &[]).await.expect(change);
        let after = state(&pool.query_one(probe, &[]).await.expect("probe"));
        assert_eq!(after, before, "after `{change}` on the pool");
        // On a checked-out connection.
        let conn = pool.get().await.expect("checkout");
        conn.query(*change, &[]).await.expect(change);
        drop(conn);
        let after = state(&pool.query_one(probe, &[]).await.expect("probe"));
        assert_eq!(after, before, "after `{change}` on a connection");
        // Inside a committed transaction (what SET LOCAL would not outlive).
        let tx = pool.begin().await.expect("begin");
        tx.query(*change, &[]).await.expect(change);
        tx.commit().await.expect("commit");
        let after = state(&pool.query_one(probe, &[]).await.expect("probe"));
        assert_eq!(after, before, "after `{change}` in a transaction");
    }
}

/// Statements marked stateless from many tasks share the pool's few shared
/// connections (pipelined) instead of one connection each, give them back
/// when idle (a checkout on a one-connection pool still gets it), and are
/// not reset: which is why only statements that change nothing in the
/// session may be marked so.
#[test]
fn stateless_statements_share_connections_and_skip_the_reset() {
    let db = TestDb::create("rt_shared");
    tokio_runtime().block_on(async {
        let rw = ReadWritePool::read_write(config(&db)).expect("rw pool");
        create_items(&rw).await;
        let pool = ReadOnlyPool::read_only(config(&db).max_size(16)).expect("pool");
        let pid = schemac_runtime::Sql::stateless("SELECT pg_backend_pid(), pg_sleep(0.01)::text");
        let tasks: Vec<_> = (0..32)
            .map(|_| {
                let pool = pool.clone();
                tokio::spawn(async move {
                    let row = pool.query_one(pid, &[]).await.expect("pid");
                    row.get::<_, i32>(0)
                })
            })
            .collect();
        let mut backends = std::collections::BTreeSet::new();
        for task in tasks {
            backends.insert(task.await.expect("task"));
        }
        assert!(
            backends.len() <= 4,
            "32 concurrent stateless statements used {} backends, not the 4 shared ones",
            backends.len()
        );

        // Shared connections busy without a pause leave the rest of the pool
        // to transactions: a pool of 2 shares one.
        let two = ReadWritePool::read_write(config(&db).max_size(2)).expect("pool");
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let busy: Vec<_> = (0..8)
            .map(|_| {
                let (pool, stop) = (two.clone(), stop.clone());
                tokio::spawn(async move {
                    while !stop.load(Ordering::Relaxed) {
                        pool.query_one(pid, &[]).await.expect("busy");
                    }
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(50)).await;
        let tx = tokio::time::timeout(Duration::from_secs(2), two.begin())
            .await
            .expect("a transaction finds a connection the shared one does not hold")
            .expect("begin");
        tx.rollback().await.expect("rollback");
        stop.store(true, Ordering::Relaxed);
        for task in busy {
            task.await.expect("task");
        }

        let one = ReadOnlyPool::read_only(config(&db).max_size(1)).expect("pool");
        one.query_one(pid, &[]).await.expect("shared");
        // The lane gave its connection back: a checkout gets it at once.
        let conn = tokio::time::timeout(Duration::from_secs(2), one.get())
            .await
            .expect("the shared connection went back to the pool")
            .expect("checkout");
        // A stateless statement on it leaves the session unreset when the
        // connection returns; a plain one would have it reset.
        conn.query_one(
            schemac_runtime::Sql::stateless("SELECT set_config('application_name', 'kept', false)"),
            &[],
        )
        .await
        .expect("set");
        drop(conn);
        let name: String = one
            .query_one("SELECT current_setting('application_name')", &[])
            .await
            .expect("name")
            .get(0);
        assert_eq!(
            name, "kept",
            "a stateless statement's connection is not reset"
        );
        let name: String = one
            .query_one("SELECT current_setting('application_name')", &[])
            .await
            .expect("name")
            .get(0);
        assert_eq!(
            name, "rt_test_readonly",
            "the plain statement's connection was reset"
        );

        // With sharing turned off, each statement takes a connection of its own.
        let solo = ReadOnlyPool::read_only(config(&db).shared_connections(0)).expect("pool");
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let pool = solo.clone();
                tokio::spawn(async move {
                    pool.query_one(pid, &[])
                        .await
                        .expect("pid")
                        .get::<_, i32>(0)
                })
            })
            .collect();
        let mut backends = std::collections::BTreeSet::new();
        for task in tasks {
            backends.insert(task.await.expect("task"));
        }
        assert!(
            backends.len() > 2,
            "without sharing, {} backends",
            backends.len()
        );
    });
}

/// The sessions of the pool named `app` that the server holds.
async fn backends(observer: &ReadWritePool, app: &str) -> i64 {
    observer
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1",
            &[&format!("{app}_readwrite")],
        )
        .await
        .expect("pg_stat_activity")
        .get(0)
}

#[test]
fn idle_connections_are_closed_after_the_idle_timeout_but_min_idle_stay() {
    let db = TestDb::create("rt_idle");
    tokio_runtime().block_on(async {
        let observer = ReadWritePool::read_write(config(&db)).expect("observer");
        for (app, min_idle, left) in [("rt_idle_none", 0, 0), ("rt_idle_two", 2, 2)] {
            let pool = ReadWritePool::read_write(
                PoolConfig::new(db.url.clone())
                    .application_name(app)
                    .max_size(8)
                    .min_idle(min_idle)
                    .idle_timeout(Duration::from_secs(1)),
            )
            .expect("pool");
            // The keeper opens min_idle connections from the first checkout
            // on; wait until it has and given them back, or a connection it
            // still holds makes the pool open a fifth below.
            pool.query_one("SELECT 1", &[]).await.expect("first use");
            for _ in 0..40 {
                if min_idle == 0 || pool.status() == (min_idle, min_idle) {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            // Four transactions at once: four connections.
            let mut open = Vec::new();
            for _ in 0..4 {
                open.push(pool.begin().await.expect("begin"));
            }
            assert_eq!(backends(&observer, app).await, 4, "{app}: in use");
            for tx in open {
                tx.commit().await.expect("commit");
            }
            assert_eq!(
                backends(&observer, app).await,
                4,
                "{app}: idle, not yet closed"
            );
            tokio::time::sleep(Duration::from_millis(2500)).await;
            assert_eq!(
                backends(&observer, app).await,
                left,
                "{app}: after the timeout"
            );
            // The pool still serves.
            pool.query_one("SELECT 1", &[])
                .await
                .expect("a query after");
        }
        // min_idle alone opens connections up to it.
        let warm = ReadWritePool::read_write(
            PoolConfig::new(db.url.clone())
                .application_name("rt_idle_warm")
                .min_idle(3),
        )
        .expect("pool");
        warm.query_one("SELECT 1", &[]).await.expect("first use");
        let mut seen = 0;
        for _ in 0..40 {
            seen = backends(&observer, "rt_idle_warm").await;
            if seen >= 3 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        assert_eq!(seen, 3, "min_idle connections opened");
    });
}
