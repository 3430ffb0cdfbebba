//! What the runtime logs: every statement with its duration and rows, and
//! never a password or a parameter.

use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use schemac_runtime::{PoolConfig, Read, ReadWritePool, Write};
use schemac_tests::TestDb;
use schemac_tests::pools::{config, create_items};

/// Collects every log line, at every level, from every thread.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

/// The one subscriber of this test binary: global, so that no callsite's
/// cached interest depends on which thread hit it first (scoped subscribers
/// in parallel tests made the logging tests flaky). Tests take turns; each
/// starts from an empty buffer.
static CAPTURE: OnceLock<Captured> = OnceLock::new();
static TURN: Mutex<()> = Mutex::new(());

fn capture() -> (MutexGuard<'static, ()>, Captured) {
    let turn = TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let captured = CAPTURE
        .get_or_init(|| {
            let captured = Captured::default();
            let writer = captured.clone();
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_ansi(false)
                .with_writer(move || writer.clone())
                .finish();
            tracing::subscriber::set_global_default(subscriber)
                .expect("the only subscriber of this test binary");
            captured
        })
        .clone();
    if let Ok(mut buffer) = captured.0.lock() {
        buffer.clear();
    }
    (turn, captured)
}

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut v) = self.0.lock() {
            v.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn passwords_never_reach_errors_or_logs() {
    const PASSWORD: &str = "hunter2-Sekret";
    let (_turn, captured) = capture();
    let mut seen = Vec::new();
    {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let urls = [
                // A role that does not exist: the server refuses it.
                format!("postgres://no_such_role:{PASSWORD}@127.0.0.1:5432/postgres"),
                // Nothing listens on port 1.
                format!("postgres://postgres:{PASSWORD}@127.0.0.1:1/postgres"),
                // Not a URL the driver can parse.
                format!("postgres://postgres:{PASSWORD}@127.0.0.1:notaport/postgres"),
                format!("host=127.0.0.1 port=1 user=postgres password={PASSWORD}"),
            ];
            for url in urls {
                let config = PoolConfig::new(url)
                    .connect_timeout(Duration::from_secs(2))
                    .max_size(1);
                seen.push(format!("{config:?}"));
                match ReadWritePool::read_write(config.clone()) {
                    Ok(pool) => {
                        seen.push(format!("{pool:?}"));
                        let error = pool
                            .query("SELECT 1", &[])
                            .await
                            .expect_err("cannot connect");
                        seen.push(error.to_string());
                        seen.push(format!("{error:?}"));
                    }
                    Err(error) => {
                        seen.push(error.to_string());
                        seen.push(format!("{error:?}"));
                    }
                }
                let migrator = schemac_runtime::migrate::Migrator::new(config);
                seen.push(format!("{migrator:?}"));
                let set = schemac_runtime::migrate::MigrationSet {
                    dir: "/nonexistent".into(),
                    migrations: Vec::new(),
                };
                let error = migrator.status(&set).await.expect_err("cannot connect");
                seen.push(error.to_string());
                seen.push(format!("{error:?}"));
            }
        });
    }
    let logs = String::from_utf8_lossy(&captured.0.lock().expect("logs")).into_owned();
    assert!(
        seen.iter().any(|s| s.contains("no_such_role")),
        "the errors say what went wrong: {seen:#?}"
    );
    for text in seen.iter().chain(std::iter::once(&logs)) {
        assert!(!text.contains(PASSWORD), "password leaked: {text}");
        assert!(
            !text.contains("Sekret"),
            "part of the password leaked: {text}"
        );
    }
}

#[test]
fn every_statement_is_logged_with_its_duration_and_row_count() {
    let db = TestDb::create("rt_log");
    let (_turn, captured) = capture();
    {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let pool = ReadWritePool::read_write(config(&db)).expect("pool");
            create_items(&pool).await;
            let rows = pool
                .query("SELECT generate_series(1, $1)", &[&3i32])
                .await
                .expect("query");
            assert_eq!(rows.len(), 3);
            let changed = pool
                .execute(
                    "INSERT INTO items (name) VALUES ($1), ($2)",
                    &[&"secret value one", &"secret value two"],
                )
                .await
                .expect("insert");
            assert_eq!(changed, 2);
        });
    }
    let logs = String::from_utf8_lossy(&captured.0.lock().expect("logs")).into_owned();
    let line = |needle: &str| {
        logs.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no log line with {needle:?} in:\n{logs}"))
            .to_owned()
    };
    let select = line("generate_series");
    assert!(
        select.contains("DEBUG") && select.contains("rows=3") && select.contains("elapsed_us="),
        "{select}"
    );
    let insert = line("INSERT INTO items");
    assert!(
        insert.contains("rows=2") && insert.contains("elapsed_us="),
        "{insert}"
    );
    assert!(
        !logs.contains("secret value"),
        "parameters are never logged:\n{logs}"
    );
}
