//! Databases for tests, with nothing set up by hand (feature `testing`).
//!
//! [`server`] is `DATABASE_URL` when it is set, else a throwaway PostgreSQL
//! started from the installed binaries for the test process and gone when
//! it ends. [`TestDb`] is a database of one test's own on it: cloned from a
//! template that holds the migrations (and seeds) applied once, named after
//! the test, dropped when the test passes and kept, its URL printed, when
//! it fails. The `#[schemac_runtime::test]` attribute wraps an async test
//! around one.
//!
//! ```ignore
//! #[schemac_runtime::test(migrations = "migrations")]
//! async fn a_tenant_is_created(db: schemac_runtime::testing::TestDb) {
//!     tenants::table.insert(&db, &new_tenant("acme")).await.unwrap();
//! }
//! ```

mod server;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

pub use server::{ServerError, TestServer, binaries, server, with_database};

use crate::migrate::{MigrationSet, Migrator};
use crate::seed::{SeedSet, Seeder};
use crate::{AsSql, Error, Params, PoolConfig, Read, ReadWritePool, RowStream, Write};

/// What a test's database starts with.
#[derive(Clone, Debug, Default)]
pub struct Setup {
    migrations: Option<PathBuf>,
    seeds: Option<(PathBuf, String)>,
    database: Option<String>,
}

impl Setup {
    /// An empty database.
    pub fn new() -> Setup {
        Setup::default()
    }

    /// The migrations directory to apply (once, to the template).
    pub fn migrations(mut self, dir: impl Into<PathBuf>) -> Setup {
        self.migrations = Some(dir.into());
        self
    }

    /// The seeds of `environment` in `dir` (`seeds/`), run after the
    /// migrations.
    pub fn seeds(mut self, dir: impl Into<PathBuf>, environment: &str) -> Setup {
        self.seeds = Some((dir.into(), environment.to_owned()));
        self
    }

    /// The database's name in `schemac.toml` (default `main`), which keys
    /// its tracking rows.
    pub fn database(mut self, name: &str) -> Setup {
        self.database = Some(name.to_owned());
        self
    }

    /// The template's name: the same migrations and seeds give the same
    /// template, so a server that outlives the tests (`DATABASE_URL`)
    /// reuses it and a changed migration makes a new one.
    fn template_name(&self) -> Result<Option<String>, Error> {
        let Some(dir) = &self.migrations else {
            return Ok(None);
        };
        let mut text = String::new();
        let set = MigrationSet::load(dir)?;
        for m in &set.migrations {
            text.push_str(&m.tag);
            text.push_str(&m.up.sha256);
        }
        if let Some((seeds, environment)) = &self.seeds {
            let seeds = SeedSet::load(seeds, environment)?;
            text.push_str(environment);
            for s in &seeds.seeds {
                text.push_str(&s.name);
                text.push_str(&s.sha256);
            }
        }
        text.push_str(self.database.as_deref().unwrap_or("main"));
        let hash = schemac_schema::migration_dir::sha256_hex(&text);
        Ok(Some(format!("schemac_tmpl_{}", &hash[..16])))
    }
}

/// A database of one test's own, with a read-write pool on it. It reads
/// and writes as its pool does, so generated functions take `&db`.
#[derive(Debug)]
pub struct TestDb {
    name: String,
    url: String,
    pool: ReadWritePool,
}

static SEQUENCE: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    /// A new database for the test `test` (its path, as `module_path!()`
    /// and the function's name give it), set up as `setup` says.
    pub async fn create(test: &str, setup: &Setup) -> Result<TestDb, Error> {
        let server = server().map_err(|e| Error::Config(e.to_string()))?;
        let name = database_name(test);
        let admin = crate::pool::connect_single(&PoolConfig::new(server.url())).await?;
        let template = match setup.template_name()? {
            Some(template) => {
                ensure_template(server, &admin, &template, setup).await?;
                format!(" TEMPLATE {}", schemac_schema::sql::ident(&template))
            }
            None => String::new(),
        };
        admin
            .batch_execute(&format!(
                "CREATE DATABASE {}{template}",
                schemac_schema::sql::ident(&name)
            ))
            .await?;
        let url = server.url_for(&name);
        let pool = ReadWritePool::read_write(PoolConfig::new(url.clone()))?;
        Ok(TestDb { name, url, pool })
    }

    /// The database's name (the test's, made unique).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The database's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The read-write pool on it.
    pub fn pool(&self) -> &ReadWritePool {
        &self.pool
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        self.pool.close();
        if std::thread::panicking() {
            eprintln!(
                "the failed test's database is kept: {} ({})",
                self.name, self.url
            );
            return;
        }
        let Ok(server) = server() else { return };
        let admin_url = server.url().to_owned();
        let name = self.name.clone();
        // Dropped inside the test's runtime, which cannot block on itself:
        // a thread of its own with a runtime of its own.
        let dropped = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                if let Ok(admin) = crate::pool::connect_single(&PoolConfig::new(admin_url)).await {
                    let _ = admin
                        .batch_execute(&format!(
                            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                            schemac_schema::sql::ident(&name)
                        ))
                        .await;
                }
            });
        });
        let _ = dropped.join();
    }
}

impl Read for TestDb {
    async fn query(
        &self,
        sql: impl AsSql,
        params: &Params<'_>,
    ) -> Result<Vec<tokio_postgres::Row>, Error> {
        self.pool.query(sql, params).await
    }

    async fn query_stream<'a>(
        &'a self,
        sql: impl AsSql,
        params: &Params<'_>,
    ) -> Result<RowStream<'a>, Error> {
        self.pool.query_stream(sql, params).await
    }
}

impl Write for TestDb {
    async fn execute(&self, sql: impl AsSql, params: &Params<'_>) -> Result<u64, Error> {
        self.pool.execute(sql, params).await
    }

    async fn copy_in(
        &self,
        table: &str,
        columns: &[&str],
        values: &Params<'_>,
    ) -> Result<u64, Error> {
        self.pool.copy_in(table, columns, values).await
    }
}

/// Runs an async test on a database of its own: what
/// `#[schemac_runtime::test]` expands to.
pub fn run<F, Fut>(test: &str, setup: Setup, body: F)
where
    F: FnOnce(TestDb) -> Fut,
    Fut: Future<Output = ()>,
{
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("cannot start the test's async runtime: {e}"));
    rt.block_on(async {
        let db = TestDb::create(test, &setup)
            .await
            .unwrap_or_else(|e| panic!("cannot make the test's database: {e}"));
        body(db).await;
    });
}

/// A name PostgreSQL keeps whole (63 bytes), unique in the process and
/// across processes, that says which test it belongs to.
fn database_name(test: &str) -> String {
    let readable: String = test
        .rsplit("::")
        .next()
        .unwrap_or(test)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(36)
        .collect();
    format!(
        "t_{readable}_{}_{}",
        std::process::id(),
        SEQUENCE.fetch_add(1, Ordering::Relaxed)
    )
}

/// The template with `setup`'s migrations and seeds, made once: by one
/// thread of this process (the others wait) and one process on the server
/// (an advisory lock), under a name of its contents.
async fn ensure_template(
    server: &TestServer,
    admin: &tokio_postgres::Client,
    template: &str,
    setup: &Setup,
) -> Result<(), Error> {
    static MADE: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    let made = MADE.get_or_init(|| Mutex::new(Vec::new()));
    if made
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .any(|t| t == template)
    {
        return Ok(());
    }
    // One maker per server; the key is the template's name.
    admin
        .execute("SELECT pg_advisory_lock(hashtext($1))", &[&template])
        .await?;
    let result = make_template(server, admin, template, setup).await;
    let _ = admin
        .execute("SELECT pg_advisory_unlock(hashtext($1))", &[&template])
        .await;
    result?;
    made.lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(template.to_owned());
    Ok(())
}

async fn make_template(
    server: &TestServer,
    admin: &tokio_postgres::Client,
    template: &str,
    setup: &Setup,
) -> Result<(), Error> {
    let exists = admin
        .query_one(
            "SELECT count(*) FROM pg_database WHERE datname = $1",
            &[&template],
        )
        .await?
        .get::<_, i64>(0)
        > 0;
    if exists {
        return Ok(());
    }
    // Built under another name and renamed when complete: a half-made
    // template (a failed migration, a killed process) is never cloned.
    let building = format!("{template}_building");
    let quoted = schemac_schema::sql::ident(&building);
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
        .await?;
    admin
        .batch_execute(&format!("CREATE DATABASE {quoted}"))
        .await?;
    let url = server.url_for(&building);
    let database = setup.database.as_deref().unwrap_or("main");
    if let Some(dir) = &setup.migrations {
        let set = MigrationSet::load(dir)?;
        Migrator::new(PoolConfig::new(url.clone()))
            .database(database)
            .run(&set, &mut |_| {})
            .await?;
        if let Some((seeds, environment)) = &setup.seeds {
            let seeds = SeedSet::load(seeds, environment)?;
            Seeder::new(PoolConfig::new(url.clone()))
                .database(database)
                .run(&seeds, &set)
                .await?;
        }
    }
    admin
        .batch_execute(&format!(
            "ALTER DATABASE {quoted} RENAME TO {}",
            schemac_schema::sql::ident(template)
        ))
        .await?;
    Ok(())
}

/// The directory of a path given relative to a crate (what the attribute
/// joins to `CARGO_MANIFEST_DIR`).
pub fn in_crate(manifest_dir: &str, relative: &str) -> PathBuf {
    Path::new(manifest_dir).join(relative)
}
