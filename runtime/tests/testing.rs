//! The test harness itself: a throwaway server when no DATABASE_URL is
//! given, one database per test cloned from a template, dropped when the
//! test passes and kept when it fails, and no server left behind.

#![cfg(feature = "testing")]

use std::process::Command;

use schemac_runtime::Read;
use schemac_runtime::testing::{Setup, run, server};

fn migrations() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated/saas/migrations")
}

/// Runs `f` on a pool on the server's `postgres` database.
fn on_server<T>(f: impl AsyncFnOnce(&schemac_runtime::ReadWritePool) -> T) -> T {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let pool = schemac_runtime::ReadWritePool::read_write(schemac_runtime::PoolConfig::new(
            server().expect("server").url(),
        ))
        .expect("pool");
        let out = f(&pool).await;
        pool.close();
        out
    })
}

fn exists(name: &str) -> bool {
    on_server(async |pool| {
        pool.query_one(
            "SELECT count(*) FROM pg_database WHERE datname = $1",
            &[&name],
        )
        .await
        .expect("count")
        .get::<_, i64>(0)
            > 0
    })
}

fn admin(sql: &str) {
    on_server(async |pool| {
        schemac_runtime::Write::execute(pool, sql, &[])
            .await
            .expect(sql);
    })
}

#[test]
fn two_tests_never_share_a_database_and_a_passing_ones_is_dropped() {
    let mut names = Vec::new();
    for _ in 0..2 {
        let mut seen = String::new();
        run(
            "harness::two_tests",
            Setup::new().migrations(migrations()),
            |db| {
                seen = db.name().to_owned();
                async move {
                    // The migrations are there, from the template.
                    let tables: i64 = db
                        .query_one(
                            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' \
                             AND tablename = 'organizations'",
                            &[],
                        )
                        .await
                        .expect("tables")
                        .get(0);
                    assert_eq!(tables, 1);
                    // The same key in each: a shared database would refuse the second.
                    schemac_runtime::Write::execute(
                        &db,
                        "INSERT INTO organizations (id, name) VALUES ('org_1', 'a')",
                        &[],
                    )
                    .await
                    .expect("the key is free in this test's database");
                }
            },
        );
        names.push(seen);
    }
    assert_ne!(names[0], names[1], "each test its own database");
    assert!(names[0].starts_with("t_two_tests_"), "{}", names[0]);
    for name in &names {
        assert!(!exists(name), "{name} was dropped after the test passed");
    }
}

#[test]
fn a_failing_tests_database_is_kept() {
    let kept = std::sync::Mutex::new(String::new());
    let result = std::panic::catch_unwind(|| {
        run("harness::failing", Setup::new(), |db| {
            *kept.lock().expect("lock") = db.name().to_owned();
            async move {
                let _db = db;
                panic!("the test fails");
            }
        })
    });
    assert!(result.is_err());
    let name = kept.lock().expect("lock").clone();
    assert!(exists(&name), "{name} is kept for a look");
    // Cleaned up by hand here, so the server stays tidy.
    admin(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"));
    assert!(!exists(&name));
}

/// The throwaway server goes with the process, however it ends: a child
/// process starts one and aborts; no server of its is left running.
#[test]
fn a_process_that_dies_leaves_no_server_running() {
    if std::env::var_os("SCHEMAC_HARNESS_CHILD").is_some() {
        let server = server().expect("a server");
        println!("DIR {}", server.url());
        std::process::abort();
    }
    let exe = std::env::current_exe().expect("exe");
    let out = Command::new(exe)
        .args([
            "a_process_that_dies_leaves_no_server_running",
            "--exact",
            "--nocapture",
        ])
        .env("SCHEMAC_HARNESS_CHILD", "1")
        .env_remove("DATABASE_URL")
        .output()
        .expect("child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let url = stdout
        .lines()
        .find_map(|l| l.strip_prefix("DIR "))
        .unwrap_or_else(|| panic!("the child started no server: {stdout}"));
    let port = url
        .rsplit_once(':')
        .and_then(|(_, rest)| rest.split('/').next())
        .expect("port");
    let mut gone = false;
    for _ in 0..100 {
        if std::net::TcpStream::connect(format!("127.0.0.1:{port}")).is_err() {
            gone = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(gone, "the server on port {port} outlived its process");
}

/// Seeds given to the setup run once, into the template: every test's
/// database starts with their rows.
#[test]
fn seeds_are_in_every_tests_database() {
    let seeds = std::env::temp_dir().join(format!("schemac-harness-seeds-{}", std::process::id()));
    std::fs::create_dir_all(seeds.join("test")).expect("mkdir");
    std::fs::write(
        seeds.join("test/01_organizations.sql"),
        "INSERT INTO organizations (id, name) VALUES ('org_seeded', 'Seeded');\n",
    )
    .expect("seed");
    for _ in 0..2 {
        run(
            "harness::seeds",
            Setup::new().migrations(migrations()).seeds(&seeds, "test"),
            |db| async move {
                let n: i64 = db
                    .query_one(
                        "SELECT count(*) FROM organizations WHERE id = 'org_seeded'",
                        &[],
                    )
                    .await
                    .expect("count")
                    .get(0);
                assert_eq!(n, 1, "the seed's row, once");
            },
        );
    }
    let _ = std::fs::remove_dir_all(seeds);
}

/// With no DATABASE_URL and no binaries to start a server from, one
/// message says how to install them.
#[test]
fn no_binaries_say_how_to_install_them() {
    if std::env::var_os("SCHEMAC_HARNESS_NO_BINARIES").is_some() {
        match server() {
            Ok(_) => println!("MESSAGE a server started"),
            Err(e) => println!("MESSAGE {e}"),
        }
        return;
    }
    let exe = std::env::current_exe().expect("exe");
    let out = Command::new(exe)
        .args([
            "no_binaries_say_how_to_install_them",
            "--exact",
            "--nocapture",
        ])
        .env("SCHEMAC_HARNESS_NO_BINARIES", "1")
        .env("PG_BIN", "/nonexistent/bin")
        .env_remove("DATABASE_URL")
        .output()
        .expect("child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let message = stdout
        .lines()
        .find_map(|l| l.strip_prefix("MESSAGE "))
        .unwrap_or_else(|| panic!("no message: {stdout}"));
    assert!(
        message.contains("no PostgreSQL binaries were found")
            && message.contains("apt-get install postgresql")
            && message.contains("DATABASE_URL"),
        "{message}"
    );
}
