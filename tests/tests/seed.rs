//! The seed runner as a library, the way an application runs its seeds at
//! start-up: SQL files and Rust functions that call the application's own
//! code in the seed's transaction.

use schemac_runtime::migrate::{MigrationSet, Migrator};
use schemac_runtime::seed::{SeedError, SeedSet, SeedState, Seeder};
use schemac_runtime::{Error, PoolConfig, Write};
use schemac_tests::{TempDir, TestDb, tokio_runtime};

fn write(dir: &TempDir, relative: &str, text: &str) {
    let path = dir.path().join(relative);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// One migration creating `tenants`, chained as generate writes it.
fn migrations(dir: &TempDir) -> MigrationSet {
    write(
        dir,
        "migrations/0000_init.sql",
        "CREATE TABLE tenants (slug text PRIMARY KEY, name text NOT NULL);\n",
    );
    write(
        dir,
        "migrations/0000_init.down.sql",
        "DROP TABLE tenants;\n",
    );
    write(
        dir,
        "migrations/meta/_journal.json",
        r#"{"version": 1, "dialect": "postgresql", "entries": [{"idx": 0, "tag": "0000_init", "sql_sha256": "", "down_sha256": "", "snapshot_sha256": "s0", "prev_snapshot_sha256": null}]}"#,
    );
    MigrationSet::load(dir.path().join("migrations")).expect("migrations")
}

/// What an application's service would do: insert through an executor.
async fn create_tenant(tx: &impl Write, slug: &str, name: &str) -> Result<(), Error> {
    tx.execute(
        "INSERT INTO tenants (slug, name) VALUES ($1, $2)",
        &[&slug, &name],
    )
    .await?;
    Ok(())
}

fn seeds(dir: &TempDir, version: u32, fail: bool) -> SeedSet {
    SeedSet::load(dir.path().join("seeds"), "development")
        .expect("seeds")
        .function("02_technova", version, move |tx| {
            Box::pin(async move {
                create_tenant(tx, "technova", "TechNova Global").await?;
                if fail {
                    // A service call that fails after the insert: both roll back.
                    create_tenant(tx, "technova", "again").await?;
                }
                Ok(())
            })
        })
        .expect("function")
}

#[test]
fn sql_and_rust_seeds_run_in_name_order_with_their_records() {
    let mut db = TestDb::create("seed_library");
    let dir = TempDir::new("seed-library");
    let migrations = migrations(&dir);
    write(
        &dir,
        "seeds/development/01_system.sql",
        "INSERT INTO tenants (slug, name) VALUES ('system', 'System');\n",
    );
    write(
        &dir,
        "seeds/development/03_names.sql",
        "UPDATE tenants SET name = upper(name) WHERE slug = 'technova';\n",
    );
    let rt = tokio_runtime();
    let config = PoolConfig::new(db.url.clone());
    let seeder = Seeder::new(config.clone());

    let refused = rt
        .block_on(seeder.run(&seeds(&dir, 1, false), &migrations))
        .expect_err("migrations first");
    assert!(matches!(
        refused,
        Error::Seed(SeedError::MigrationsNotApplied { .. })
    ));
    rt.block_on(Migrator::new(config).run(&migrations, &mut |_| {}))
        .expect("migrate");

    // A failing function rolls back with its record; the file before it stays.
    let failed = rt
        .block_on(seeder.run(&seeds(&dir, 1, true), &migrations))
        .expect_err("fails");
    assert!(
        failed.to_string().contains("seed 02_technova failed"),
        "{failed}"
    );
    let status = rt
        .block_on(seeder.status(&seeds(&dir, 1, false)))
        .expect("status");
    let states: Vec<(&str, bool)> = status
        .iter()
        .map(|s| (s.name.as_str(), matches!(s.state, SeedState::Ran { .. })))
        .collect();
    assert_eq!(
        states,
        [
            ("01_system", true),
            ("02_technova", false),
            ("03_names", false)
        ]
    );

    let ran = rt
        .block_on(seeder.run(&seeds(&dir, 1, false), &migrations))
        .expect("run");
    assert_eq!(ran, ["02_technova", "03_names"]);
    let name: String = db
        .client
        .query_one("SELECT name FROM tenants WHERE slug = 'technova'", &[])
        .expect("row")
        .get(0);
    assert_eq!(name, "TECHNOVA GLOBAL", "03 ran after 02");

    // A function given a new version after it ran is refused as changed.
    let changed = rt
        .block_on(seeder.run(&seeds(&dir, 2, false), &migrations))
        .expect_err("changed");
    assert!(
        matches!(&changed, Error::Seed(SeedError::Changed { names }) if names == &["02_technova"]),
        "{changed}"
    );
}
