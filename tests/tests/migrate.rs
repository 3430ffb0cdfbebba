//! The migration runner against the real PostgreSQL: concurrent runners,
//! failures, edits, non-transactional migrations, status and down.

use std::path::Path;

use schemac_runtime::migrate::{Event, MigrateError, MigrationSet, MigrationState, Migrator};
use schemac_runtime::{Error, PoolConfig};
use schemac_tests::{TempDir, TestDb, tokio_runtime};

/// Writes a migration directory: `(tag, up, down)` in journal order.
fn write_dir(dir: &Path, migrations: &[(&str, &str, &str)]) {
    std::fs::create_dir_all(dir.join("meta")).expect("mkdir");
    let mut entries = Vec::new();
    for (idx, (tag, up, down)) in migrations.iter().enumerate() {
        std::fs::write(dir.join(format!("{tag}.sql")), up).expect("write up");
        std::fs::write(dir.join(format!("{tag}.down.sql")), down).expect("write down");
        // Chained as generate chains them: each starts from the snapshot before.
        let prev = match idx {
            0 => "null".to_string(),
            _ => format!("\"s{}\"", idx - 1),
        };
        entries.push(format!(
            r#"{{"idx": {idx}, "tag": "{tag}", "sql_sha256": "", "down_sha256": "", "snapshot_sha256": "s{idx}", "prev_snapshot_sha256": {prev}}}"#
        ));
    }
    std::fs::write(
        dir.join("meta/_journal.json"),
        format!(
            r#"{{"version": 1, "dialect": "postgresql", "entries": [{}]}}"#,
            entries.join(",")
        ),
    )
    .expect("write journal");
}

fn migrator(db: &TestDb) -> Migrator {
    Migrator::new(PoolConfig::new(db.url.clone()))
}

fn applied_tags(db: &mut TestDb) -> Vec<(String, i64)> {
    db.client
        .query(
            "SELECT tag, count(*) FROM schemac_migrations GROUP BY tag ORDER BY tag",
            &[],
        )
        .expect("tracking table")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

fn states(entries: &[schemac_runtime::migrate::StatusEntry]) -> Vec<(String, &'static str)> {
    entries
        .iter()
        .map(|e| {
            let state = match e.state {
                MigrationState::Applied(_) => "applied",
                MigrationState::Pending => "pending",
                MigrationState::Edited(_) => "edited",
                MigrationState::NotInDirectory(_) => "not in directory",
            };
            (e.tag.clone(), state)
        })
        .collect()
}

const CONCURRENT: &[(&str, &str, &str)] = &[
    (
        "0000_init",
        "CREATE TABLE a (id int PRIMARY KEY);",
        "DROP TABLE a;",
    ),
    (
        "0001_slow",
        // Slow enough that every other runner arrives while this one holds the lock.
        "SELECT pg_sleep(0.3);\n--> statement-breakpoint\nCREATE TABLE b (v int);\n--> statement-breakpoint\nINSERT INTO b SELECT generate_series(1, 1000);",
        "DROP TABLE b;",
    ),
    (
        "0002_index_b",
        // While this builds, the other runners are polling for the lock: a
        // blocking wait inside a transaction would deadlock the build.
        "-- schemac:no-transaction\nCREATE INDEX CONCURRENTLY b_v ON b (v);",
        "-- schemac:no-transaction\nDROP INDEX CONCURRENTLY b_v;",
    ),
    (
        "0003_c",
        "CREATE TABLE c (id int PRIMARY KEY);",
        "DROP TABLE c;",
    ),
];

#[test]
fn eight_concurrent_runners_apply_each_migration_once() {
    let mut db = TestDb::create("mig_concurrent");
    let dir = TempDir::new("mig-concurrent");
    write_dir(dir.path(), CONCURRENT);
    let set = MigrationSet::load(dir.path()).expect("load");
    let results = tokio_runtime().block_on(async {
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let migrator = migrator(&db);
            let set = set.clone();
            tasks.push(tokio::spawn(async move {
                let mut waited = false;
                let applied = migrator
                    .run(&set, &mut |e| waited |= e == Event::WaitingForLock)
                    .await;
                (applied, waited)
            }));
        }
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.expect("task"));
        }
        results
    });
    let mut all: Vec<String> = Vec::new();
    for (applied, _) in &results {
        all.extend(
            applied
                .as_ref()
                .expect("every runner succeeds")
                .iter()
                .cloned(),
        );
    }
    all.sort();
    assert_eq!(all, ["0000_init", "0001_slow", "0002_index_b", "0003_c"]);
    assert!(
        results.iter().filter(|(_, waited)| *waited).count() >= 1,
        "some runner had to wait for the lock"
    );
    assert_eq!(
        applied_tags(&mut db),
        CONCURRENT
            .iter()
            .map(|(t, _, _)| (t.to_string(), 1))
            .collect::<Vec<_>>()
    );
    let valid: bool = db
        .client
        .query_one(
            "SELECT indisvalid FROM pg_index WHERE indexrelid = 'b_v'::regclass",
            &[],
        )
        .expect("index")
        .get(0);
    assert!(valid);
}

#[test]
fn a_failed_migration_leaves_no_trace_and_the_next_run_retries_it() {
    let mut db = TestDb::create("mig_failed");
    let dir = TempDir::new("mig-failed");
    let broken = "CREATE TABLE half (id int);\n--> statement-breakpoint\nINSERT INTO half VALUES (1);\n--> statement-breakpoint\nINSERT INTO missing_table VALUES (1);";
    write_dir(
        dir.path(),
        &[
            ("0000_init", "CREATE TABLE a (id int);", "DROP TABLE a;"),
            ("0001_broken", broken, "DROP TABLE half;"),
        ],
    );
    let rt = tokio_runtime();
    let set = MigrationSet::load(dir.path()).expect("load");
    let error = rt
        .block_on(migrator(&db).run(&set, &mut |_| {}))
        .expect_err("the second migration fails");
    let message = error.to_string();
    assert!(
        message.contains("migration 0001_broken failed at the statement on line 5 of")
            && message.contains("0001_broken.sql")
            && message.contains("relation \"missing_table\" does not exist")
            && message.contains("nothing of it was applied"),
        "{message}"
    );
    assert_eq!(applied_tags(&mut db), [("0000_init".to_owned(), 1)]);
    let half: Option<String> = db
        .client
        .query_one("SELECT to_regclass('half')::text", &[])
        .expect("regclass")
        .get(0);
    assert_eq!(
        half, None,
        "the failed migration's first statements were rolled back"
    );

    std::fs::write(
        dir.path().join("0001_broken.sql"),
        broken.replace("missing_table", "half"),
    )
    .expect("fix");
    let set = MigrationSet::load(dir.path()).expect("load");
    let applied = rt
        .block_on(migrator(&db).run(&set, &mut |_| {}))
        .expect("retry");
    assert_eq!(applied, ["0001_broken"]);
    let count: i64 = db
        .client
        .query_one("SELECT count(*) FROM half", &[])
        .expect("count")
        .get(0);
    assert_eq!(count, 2);
}

#[test]
fn status_follows_every_state_and_an_edited_migration_is_refused() {
    let db = TestDb::create("mig_status");
    let dir = TempDir::new("mig-status");
    let migrations = [
        ("0000_init", "CREATE TABLE a (id int);\n", "DROP TABLE a;\n"),
        ("0001_b", "CREATE TABLE b (id int);\n", "DROP TABLE b;\n"),
    ];
    write_dir(dir.path(), &migrations);
    let rt = tokio_runtime();
    let load = || MigrationSet::load(dir.path()).expect("load");
    let status =
        |set: &MigrationSet| states(&rt.block_on(migrator(&db).status(set)).expect("status"));

    // No tracking table yet: everything pending.
    assert_eq!(
        status(&load()),
        [
            ("0000_init".into(), "pending"),
            ("0001_b".into(), "pending")
        ]
    );
    let set = load();
    let plan = rt.block_on(migrator(&db).plan(&set)).expect("plan");
    assert_eq!(
        plan.iter().map(|m| m.tag.as_str()).collect::<Vec<_>>(),
        ["0000_init", "0001_b"]
    );

    rt.block_on(migrator(&db).run(&load(), &mut |_| {}))
        .expect("run");
    assert_eq!(
        status(&load()),
        [
            ("0000_init".into(), "applied"),
            ("0001_b".into(), "applied")
        ]
    );

    // A CRLF checkout of the same file is not an edit.
    std::fs::write(
        dir.path().join("0000_init.sql"),
        "CREATE TABLE a (id int);\r\n",
    )
    .expect("crlf");
    assert_eq!(status(&load())[0].1, "applied");
    assert!(
        rt.block_on(migrator(&db).run(&load(), &mut |_| {}))
            .expect("run")
            .is_empty()
    );

    // A real edit is reported and refused, naming the file.
    std::fs::write(
        dir.path().join("0000_init.sql"),
        "CREATE TABLE a (id bigint);\n",
    )
    .expect("edit");
    assert_eq!(status(&load())[0].1, "edited");
    let error = rt
        .block_on(migrator(&db).run(&load(), &mut |_| {}))
        .expect_err("edited");
    assert!(
        matches!(&error, Error::Migrate(MigrateError::Edited { tag, .. }) if tag == "0000_init"),
        "{error}"
    );
    let message = error.to_string();
    assert!(
        message.contains("0000_init.sql") && message.contains("has changed"),
        "{message}"
    );
    std::fs::write(
        dir.path().join("0000_init.sql"),
        "CREATE TABLE a (id int);\n",
    )
    .expect("restore");

    // A recorded migration the directory lacks.
    write_dir(dir.path(), &migrations[..1]);
    std::fs::remove_file(dir.path().join("0001_b.sql")).expect("remove");
    std::fs::remove_file(dir.path().join("0001_b.down.sql")).expect("remove");
    assert_eq!(
        status(&load()),
        [
            ("0000_init".into(), "applied"),
            ("0001_b".into(), "not in directory")
        ]
    );
    let error = rt
        .block_on(migrator(&db).run(&load(), &mut |_| {}))
        .expect_err("not in directory");
    assert!(
        error.to_string().contains("0001_b is recorded as applied"),
        "{error}"
    );
}

#[test]
fn a_non_transactional_migration_runs_and_its_invalid_leftover_is_dropped_before_a_retry() {
    let mut db = TestDb::create("mig_notx");
    let dir = TempDir::new("mig-notx");
    write_dir(
        dir.path(),
        &[
            (
                "0000_init",
                "CREATE TABLE t (v int);\n--> statement-breakpoint\nINSERT INTO t VALUES (1), (1);",
                "DROP TABLE t;",
            ),
            (
                "0001_unique_v",
                "-- schemac:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY t_v_key ON t (v);",
                "-- schemac:no-transaction\nDROP INDEX CONCURRENTLY t_v_key;",
            ),
        ],
    );
    let rt = tokio_runtime();
    let set = MigrationSet::load(dir.path()).expect("load");
    assert!(set.migrations[1].up.no_transaction);
    let error = rt
        .block_on(migrator(&db).run(&set, &mut |_| {}))
        .expect_err("duplicate values");
    let message = error.to_string();
    assert!(
        message.contains("0001_unique_v") && message.contains("could not create unique index"),
        "{message}"
    );
    let valid: bool = db
        .client
        .query_one(
            "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_v_key'::regclass",
            &[],
        )
        .expect("the failed concurrent build left an index")
        .get(0);
    assert!(!valid, "the leftover is invalid");
    assert_eq!(applied_tags(&mut db), [("0000_init".to_owned(), 1)]);

    db.client
        .batch_execute("DELETE FROM t WHERE ctid <> (SELECT min(ctid) FROM t)")
        .expect("dedupe");
    let applied = rt
        .block_on(migrator(&db).run(&set, &mut |_| {}))
        .expect("the retry drops the leftover and builds the index");
    assert_eq!(applied, ["0001_unique_v"]);
    let valid: bool = db
        .client
        .query_one(
            "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_v_key'::regclass",
            &[],
        )
        .expect("index")
        .get(0);
    assert!(valid);

    // Down runs the marked down file outside a transaction too.
    let reverted = rt
        .block_on(migrator(&db).down(&set, 1, &mut |_| {}))
        .expect("down");
    assert_eq!(reverted, ["0001_unique_v"]);
    let gone: Option<String> = db
        .client
        .query_one("SELECT to_regclass('t_v_key')::text", &[])
        .expect("regclass")
        .get(0);
    assert_eq!(gone, None);
}

/// Safe mode writes `IF NOT EXISTS` builds of indexes on tables in any
/// schema: a failed one's invalid leftover must be found in its table's
/// schema, or the retry would skip the build and leave the index invalid.
#[test]
fn an_invalid_leftover_in_another_schema_is_dropped_before_a_retry() {
    let mut db = TestDb::create("mig_notx_schema");
    let dir = TempDir::new("mig-notx-schema");
    write_dir(
        dir.path(),
        &[
            (
                "0000_init",
                "CREATE SCHEMA audit;\n--> statement-breakpoint\nCREATE TABLE audit.t (v int);\n--> statement-breakpoint\nINSERT INTO audit.t VALUES (1), (1);",
                "DROP SCHEMA audit CASCADE;",
            ),
            (
                "0001_unique_v",
                "-- schemac:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"t_v_key\" ON \"audit\".\"t\" (\"v\");",
                "-- schemac:no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS \"audit\".\"t_v_key\";",
            ),
        ],
    );
    let rt = tokio_runtime();
    let set = MigrationSet::load(dir.path()).expect("load");
    rt.block_on(migrator(&db).run(&set, &mut |_| {}))
        .expect_err("duplicate values");
    db.client
        .batch_execute("DELETE FROM audit.t WHERE ctid <> (SELECT min(ctid) FROM audit.t)")
        .expect("dedupe");
    rt.block_on(migrator(&db).run(&set, &mut |_| {}))
        .expect("the retry drops the leftover and builds the index");
    let valid: bool = db
        .client
        .query_one(
            "SELECT indisvalid FROM pg_index WHERE indexrelid = 'audit.t_v_key'::regclass",
            &[],
        )
        .expect("index")
        .get(0);
    assert!(
        valid,
        "the retry kept the invalid leftover instead of building the index"
    );
}

#[test]
fn down_reverts_the_last_migrations_and_order_is_enforced() {
    let mut db = TestDb::create("mig_down");
    let dir = TempDir::new("mig-down");
    let migrations = [
        ("0000_a", "CREATE TABLE a (id int);", "DROP TABLE a;"),
        ("0001_b", "CREATE TABLE b (id int);", "DROP TABLE b;"),
        ("0002_c", "CREATE TABLE c (id int);", "DROP TABLE c;"),
    ];
    write_dir(dir.path(), &migrations);
    let rt = tokio_runtime();
    let set = MigrationSet::load(dir.path()).expect("load");
    rt.block_on(migrator(&db).run(&set, &mut |_| {}))
        .expect("run");
    let reverted = rt
        .block_on(migrator(&db).down(&set, 2, &mut |_| {}))
        .expect("down");
    assert_eq!(reverted, ["0002_c", "0001_b"]);
    assert_eq!(applied_tags(&mut db), [("0000_a".to_owned(), 1)]);
    let error = rt
        .block_on(migrator(&db).down(&set, 5, &mut |_| {}))
        .expect_err("too many");
    assert!(error.to_string().contains("only 1 are applied"), "{error}");

    // Applied 0000 and 0002, pending 0001: refused, it would run out of order.
    rt.block_on(migrator(&db).run(&set, &mut |_| {}))
        .expect("run");
    db.client
        .batch_execute("DROP TABLE b; DELETE FROM schemac_migrations WHERE tag = '0001_b'")
        .expect("forget 0001");
    let error = rt
        .block_on(migrator(&db).run(&set, &mut |_| {}))
        .expect_err("out of order");
    assert!(
        error
            .to_string()
            .contains("0001_b is pending but comes before 0002_c"),
        "{error}"
    );
}

#[test]
fn two_databases_on_one_url_keep_their_records_apart() {
    let mut db = TestDb::create("migrate_shared_url");
    let tmp = TempDir::new("migrate_shared_url");
    let main_dir = tmp.path().join("main");
    let audit_dir = tmp.path().join("audit");
    write_dir(
        &main_dir,
        &[("0000_init", "CREATE TABLE m (id int);", "DROP TABLE m;")],
    );
    write_dir(
        &audit_dir,
        &[
            ("0000_init", "CREATE TABLE a (id int);", "DROP TABLE a;"),
            ("0001_more", "CREATE TABLE a2 (id int);", "DROP TABLE a2;"),
        ],
    );
    let main_set = MigrationSet::load(&main_dir).expect("main");
    let audit_set = MigrationSet::load(&audit_dir).expect("audit");
    let rt = tokio_runtime();
    let main = migrator(&db);
    let audit = migrator(&db).database("audit");
    rt.block_on(main.run(&main_set, &mut |_| {}))
        .expect("main runs");
    // The same tag, 0000_init, is another database's migration: it still runs.
    let applied = rt
        .block_on(audit.run(&audit_set, &mut |_| {}))
        .expect("audit runs");
    assert_eq!(applied, ["0000_init", "0001_more"]);
    let main_status = rt.block_on(main.status(&main_set)).expect("status");
    assert_eq!(states(&main_status), [("0000_init".to_string(), "applied")]);
    let rows: Vec<(String, String)> = db
        .client
        .query(
            "SELECT database, tag FROM schemac_migrations ORDER BY 1, 2",
            &[],
        )
        .expect("rows")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let expected: Vec<(String, String)> = [
        ("audit", "0000_init"),
        ("audit", "0001_more"),
        ("main", "0000_init"),
    ]
    .iter()
    .map(|(d, t)| (d.to_string(), t.to_string()))
    .collect();
    assert_eq!(rows, expected);
    // Reverting one database's migration leaves the other's record alone.
    rt.block_on(audit.down(&audit_set, 2, &mut |_| {}))
        .expect("down");
    let main_status = rt.block_on(main.status(&main_set)).expect("status");
    assert_eq!(states(&main_status), [("0000_init".to_string(), "applied")]);
}

#[test]
fn a_tracking_table_from_before_database_names_is_upgraded_in_place() {
    let mut db = TestDb::create("migrate_legacy_table");
    let tmp = TempDir::new("migrate_legacy_table");
    write_dir(
        tmp.path(),
        &[
            ("0000_init", "CREATE TABLE t (id int);", "DROP TABLE t;"),
            ("0001_more", "CREATE TABLE u (id int);", "DROP TABLE u;"),
        ],
    );
    let set = MigrationSet::load(tmp.path()).expect("set");
    // The table as earlier versions made it, with 0000_init applied.
    db.client
        .batch_execute(&format!(
            "CREATE TABLE t (id int);\n\
             CREATE TABLE public.schemac_migrations (idx integer NOT NULL, tag text PRIMARY KEY, \
             sha256 text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), duration_ms bigint NOT NULL);\n\
             INSERT INTO schemac_migrations (idx, tag, sha256, duration_ms) VALUES (0, '0000_init', '{}', 1);",
            set.migrations[0].up.sha256
        ))
        .expect("legacy table");
    let rt = tokio_runtime();
    let m = migrator(&db).database("app");
    let before = rt
        .block_on(m.status(&set))
        .expect("status reads the old table");
    assert_eq!(
        states(&before),
        [
            ("0000_init".to_string(), "applied"),
            ("0001_more".to_string(), "pending")
        ]
    );
    let applied = rt.block_on(m.run(&set, &mut |_| {})).expect("run");
    assert_eq!(
        applied,
        ["0001_more"],
        "the old rows count as this database's"
    );
    let key: String = db
        .client
        .query_one(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint \
             WHERE conrelid = 'schemac_migrations'::regclass AND contype = 'p'",
            &[],
        )
        .expect("key")
        .get(0);
    assert_eq!(key, "PRIMARY KEY (database, tag)");
    let owners: Vec<String> = db
        .client
        .query("SELECT DISTINCT database FROM schemac_migrations", &[])
        .expect("rows")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(owners, ["app"]);
}
