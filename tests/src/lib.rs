//! Helpers for the workspace tests: a fresh PostgreSQL database per test, and
//! the catalog of a database as sorted, readable lines.

pub mod catalog;
pub mod pools;
pub mod project;
pub mod pulled;
pub mod random_domains;
pub mod random_routines;
pub mod random_schema;
pub mod random_sequences;
pub mod roundtrip;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use postgres::{Client, NoTls};
use schemac_runtime::testing::with_database;

/// The server the tests use: `DATABASE_URL` when it is set, else a
/// throwaway one started for this test process from the installed
/// PostgreSQL binaries (see `schemac_runtime::testing`).
pub fn database_url() -> String {
    match schemac_runtime::testing::server() {
        Ok(server) => server.url().to_owned(),
        Err(e) => panic!("{e}"),
    }
}

fn connect(url: &str) -> Client {
    Client::connect(url, NoTls).unwrap_or_else(|e| {
        panic!(
            "cannot connect to PostgreSQL at {url}: {e}\n\
             DATABASE_URL must name a server where the user may create databases; \
             unset it and the tests start a throwaway server of their own."
        )
    })
}

/// A uniquely named database, dropped when the value is dropped.
pub struct TestDb {
    pub name: String,
    pub url: String,
    pub client: Client,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The template database holding `init` (a first migration), made by one
/// thread of the process and one process on the server, renamed to its
/// final name only when complete.
fn init_template(init: &str) -> String {
    static MADE: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let hash = schemac_schema::migration_dir::sha256_hex(init);
    let name = format!("schemac_tmpl_init_{}", &hash[..16]);
    let mut made = MADE.lock().unwrap_or_else(|p| p.into_inner());
    if made.contains(&name) {
        return name;
    }
    let url = database_url();
    let mut admin = connect(&url);
    admin
        .execute("SELECT pg_advisory_lock(hashtext($1))", &[&name])
        .expect("lock");
    let exists: i64 = admin
        .query_one(
            "SELECT count(*) FROM pg_database WHERE datname = $1",
            &[&name],
        )
        .expect("pg_database")
        .get(0);
    if exists == 0 {
        let building = format!("{name}_building");
        admin
            .batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)"
            ))
            .expect("drop");
        admin
            .batch_execute(&format!("CREATE DATABASE \"{building}\""))
            .expect("create template");
        let mut client = connect(&with_database(&url, &building));
        apply_migration(&mut client, init);
        drop(client);
        admin
            .batch_execute(&format!(
                "ALTER DATABASE \"{building}\" RENAME TO \"{name}\""
            ))
            .expect("rename template");
    }
    admin
        .execute("SELECT pg_advisory_unlock(hashtext($1))", &[&name])
        .expect("unlock");
    made.push(name.clone());
    name
}

impl TestDb {
    pub fn create(label: &str) -> TestDb {
        TestDb::create_from(label, None)
    }

    /// A new database, a copy of `template` when one is given.
    pub fn create_from(label: &str, template: Option<&str>) -> TestDb {
        let admin_url = database_url();
        let mut admin = connect(&admin_url);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "schemac_{label}_{}_{}_{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let template = template
            .map(|t| format!(" TEMPLATE \"{t}\""))
            .unwrap_or_default();
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\"{template}"))
            .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        let url = with_database(&admin_url, &name);
        let client = connect(&url);
        TestDb { name, url, client }
    }

    /// A database holding the first migration of a migrations directory:
    /// a clone of a template that holds it, made once per content.
    pub fn with_init(migrations: &Path, label: &str) -> TestDb {
        let path = migrations.join("0000_init.sql");
        let sql = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let template = init_template(&sql);
        TestDb::create_from(label, Some(&template))
    }

    /// Runs a migration file the way the runner will: statement by statement,
    /// split on the breakpoint marker, inside one transaction, or outside any
    /// when the file is marked no-transaction.
    pub fn apply_migration(&mut self, sql: &str) {
        apply_migration(&mut self.client, sql);
    }
}

/// Runs a migration file the way the runner will (see [`TestDb::apply_migration`]).
fn apply_migration(client: &mut Client, sql: &str) {
    if sql.starts_with(schemac::migration::text::NO_TRANSACTION_MARKER) {
        for (i, stmt) in sql.split(schemac::ddl::BREAKPOINT).enumerate() {
            client
                .batch_execute(stmt)
                .unwrap_or_else(|e| panic!("statement {} failed: {e}\n{stmt}", i + 1));
        }
        return;
    }
    let mut tx = client.transaction().expect("begin");
    for (i, stmt) in sql.split(schemac::ddl::BREAKPOINT).enumerate() {
        if stmt.trim().is_empty() {
            continue;
        }
        tx.batch_execute(stmt).unwrap_or_else(|e| {
            let why = e.as_db_error().map_or(e.to_string(), |d| d.to_string());
            panic!("statement {} failed: {why}\n{stmt}", i + 1)
        });
    }
    tx.commit().expect("commit");
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let mut admin = connect(&database_url());
        let _ = admin.batch_execute(&format!(
            "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
            self.name
        ));
    }
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The runtime the async tests run on: two workers, so tasks of one test
/// really run side by side (concurrent runners, conflicting transactions).
pub fn tokio_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// One database of an example and where its checked-in output lives.
pub struct ExampleDatabase {
    pub example: String,
    /// The name in schemac.toml (`main` when there is one database).
    pub database: String,
    pub migrations: PathBuf,
    pub rust: PathBuf,
}

/// Every database of every example: one per example, or, when its output
/// has a directory per database (marketplace), one per such directory.
pub fn example_databases() -> Vec<ExampleDatabase> {
    let mut out = Vec::new();
    for example in examples() {
        let generated = repo_root().join("generated").join(&example);
        let migrations = generated.join("migrations");
        if migrations.join("0000_init.sql").exists() {
            out.push(ExampleDatabase {
                database: "main".to_owned(),
                migrations,
                rust: generated.join("rust"),
                example,
            });
            continue;
        }
        let mut names: Vec<String> = std::fs::read_dir(&migrations)
            .expect("migrations directory")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for database in names {
            out.push(ExampleDatabase {
                example: example.clone(),
                migrations: migrations.join(&database),
                rust: generated.join("rust").join(&database),
                database,
            });
        }
    }
    out
}

/// The example projects under `examples/`, sorted.
pub fn examples() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo_root().join("examples"))
        .expect("examples/ exists")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("schemac.toml").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A unified diff of two texts, for assertion messages.
pub fn diff(expected: &str, actual: &str) -> String {
    similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .header("expected", "actual")
        .to_string()
}

/// A fresh temporary directory, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "schemac-{label}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every file under `dir`, by path relative to it, with its text.
pub fn read_tree(dir: &Path) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .expect("under dir")
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read_to_string(&p).expect("utf-8 file"));
            }
        }
    }
    out
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let p = entry.path();
        let target = to.join(entry.file_name());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).expect("copy file");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn swaps_the_database_name() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u@h/db?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
    }
}
