//! `schemac import drizzle` on the real drizzle-kit directories of
//! `../shared/drizzle-fixtures/` (read in place, never copied): the schema
//! it writes generates nothing more, `migrate` on a database drizzle-kit's
//! migrator built records the baseline without running it, and a database
//! behind or ahead of the directory is refused with what differs.

mod support;

use std::path::{Path, PathBuf};

use support::{Db, Project};

fn fixture(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/drizzle-fixtures")
        .join(name)
        .join("migrations");
    assert!(
        dir.join("meta/_journal.json").is_file(),
        "{} is missing: the drizzle-kit fixtures live in ../shared/drizzle-fixtures beside the checkout",
        dir.display()
    );
    dir
}

/// The journal's migrations, in order: (tag, `when`).
fn journal(dir: &Path) -> Vec<(String, i64)> {
    let text = std::fs::read_to_string(dir.join("meta/_journal.json")).expect("journal");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    v["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            (
                e["tag"].as_str().expect("tag").to_string(),
                e["when"].as_i64().expect("when"),
            )
        })
        .collect()
}

fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What drizzle-kit 0.x's migrator does: each file's statements, and a
/// row of its hash and date in `drizzle.__drizzle_migrations`.
fn migrate_as_drizzle(db: &Db, dir: &Path, count: usize) {
    let mut client = db.client();
    client
        .batch_execute(
            "CREATE SCHEMA IF NOT EXISTS drizzle;
             CREATE TABLE IF NOT EXISTS drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)",
        )
        .expect("drizzle's table");
    for (tag, when) in journal(dir).into_iter().take(count) {
        let sql = std::fs::read_to_string(dir.join(format!("{tag}.sql"))).expect("sql");
        let mut tx = client.transaction().expect("tx");
        for statement in sql.split("--> statement-breakpoint") {
            if !statement.trim().is_empty() {
                tx.batch_execute(statement)
                    .unwrap_or_else(|e| panic!("{tag}: {e}"));
            }
        }
        tx.execute(
            "INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ($1, $2)",
            &[&sha256_hex(&sql), &when],
        )
        .expect("record");
        tx.commit().expect("commit");
    }
}

fn project(label: &str) -> Project {
    let p = Project::empty(label);
    p.write("schemac.toml", support::CONFIG);
    p
}

#[test]
fn each_fixture_imports_generates_nothing_and_a_drizzle_migrated_database_applies_nothing() {
    for name in ["ai-chatbot", "dittofeed", "cosmo"] {
        let dir = fixture(name);
        let p = project(&format!("import-{name}"));
        let scratch = Db::create(&format!("import_scratch_{}", name.replace('-', "_")));
        let out = p
            .run(
                Some(&scratch),
                &["import", "drizzle", dir.to_str().expect("utf-8")],
            )
            .success();
        assert!(
            out.stdout
                .contains("main: wrote migrations/0000_baseline.sql as the baseline"),
            "{name}: {}",
            out.stdout
        );
        let again = p.run(Some(&scratch), &["generate"]).success();
        assert!(
            again
                .stdout
                .contains("no schema changes since 0000_baseline; nothing written"),
            "{name}: {}",
            again.stdout
        );
        let record = p.read("migrations/meta/drizzle.json");
        assert_eq!(
            record.matches("\"sha256\"").count(),
            journal(&dir).len(),
            "{name}: one hash per journal entry"
        );

        let db = Db::create(&format!("import_{}", name.replace('-', "_")));
        migrate_as_drizzle(&db, &dir, usize::MAX);
        let out = p.run(Some(&db), &["migrate"]).success();
        assert!(
            out.stdout
                .contains("recorded 0000_baseline as applied without running it")
                && out.stdout.contains("nothing to apply"),
            "{name}: {}\n{}",
            out.stdout,
            out.stderr
        );
        let out = p.run(Some(&db), &["status", "--drift"]).success();
        assert!(
            out.stdout.contains("main: no drift"),
            "{name}: {}",
            out.stdout
        );
        // A fresh database built from the baseline is the same schema.
        let fresh = Db::create(&format!("import_fresh_{}", name.replace('-', "_")));
        p.run(Some(&fresh), &["migrate"]).success();
        assert_eq!(fresh.columns(), db.columns(), "{name}");
    }
}

#[test]
fn quirks_of_real_directories_are_named() {
    let p = project("import-quirks");
    let scratch = Db::create("import_quirks");
    let out = p
        .run(
            Some(&scratch),
            &[
                "import",
                "drizzle",
                fixture("cosmo").to_str().expect("utf-8"),
            ],
        )
        .success();
    for expected in [
        "0022_large_thor.sql is in the directory but not in meta/_journal.json",
        "two migrations are numbered 0026 (0026_eager_arachne and 0026_gigantic_robin_chapel)",
        "has no meta/0024_snapshot.json: the snapshot chain has a gap",
        // A custom migration made what the newest snapshot does not know.
        "the newest snapshot",
        "enum public.change_type: made by the SQL, not in the snapshot",
    ] {
        assert!(
            out.stderr.contains(expected),
            "stderr lacks {expected:?}:\n{}",
            out.stderr
        );
    }
    let dittofeed = project("import-data-fix");
    let out = dittofeed
        .run(
            Some(&scratch),
            &[
                "import",
                "drizzle",
                fixture("dittofeed").to_str().expect("utf-8"),
            ],
        )
        .success();
    assert!(
        out.stderr
            .contains("0002_spicy_inertia: a data change, not carried: UPDATE \"Workspace\""),
        "{}",
        out.stderr
    );
}

#[test]
fn a_database_behind_or_ahead_of_the_directory_is_refused() {
    let dir = fixture("ai-chatbot");
    let p = project("import-behind");
    let scratch = Db::create("import_behind_scratch");
    p.run(
        Some(&scratch),
        &["import", "drizzle", dir.to_str().expect("utf-8")],
    )
    .success();
    let tags = journal(&dir);

    let behind = Db::create("import_behind");
    migrate_as_drizzle(&behind, &dir, tags.len() - 1);
    let out = p.run(Some(&behind), &["migrate"]).exit(1);
    assert!(
        out.stderr
            .contains("drizzle-kit has not applied every migration the baseline stands for")
            && out.stderr.contains(&tags[tags.len() - 1].0),
        "{}",
        out.stderr
    );

    let ahead = Db::create("import_ahead");
    migrate_as_drizzle(&ahead, &dir, usize::MAX);
    ahead
        .client()
        .batch_execute(
            "ALTER TABLE \"Chat\" ADD COLUMN pinned boolean;
             INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ('0badc0de', 1760000000000)",
        )
        .expect("a migration the directory lacks");
    let out = p.run(Some(&ahead), &["migrate"]).exit(1);
    assert!(
        out.stderr
            .contains("applied drizzle-kit migrations the baseline does not stand for")
            && out.stderr.contains("0badc0de"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_v1_layout_a_folder_per_migration_imports_too() {
    // drizzle-kit 1.x's layout, made from ai-chatbot's files: a folder per
    // migration named by its date, holding migration.sql and snapshot.json.
    let dir = fixture("ai-chatbot");
    let v1 = Project::empty("import-v1-dir");
    for (tag, when) in journal(&dir) {
        let sql = std::fs::read_to_string(dir.join(format!("{tag}.sql"))).expect("sql");
        let name = tag.split_once('_').map_or(tag.as_str(), |(_, n)| n);
        let folder = format!("{when}_{name}");
        v1.write(&format!("{folder}/migration.sql"), &sql);
        v1.write(
            &format!("{folder}/snapshot.json"),
            r#"{"version":"8","dialect":"postgres","id":"x","prevIds":[],"ddl":[{"entityType":"tables","schema":"public","name":"Chat"},{"entityType":"columns","schema":"public","table":"Chat","name":"title","notNull":true}],"renames":[]}"#,
        );
    }
    let p = project("import-v1");
    let scratch = Db::create("import_v1");
    let out = p
        .run(
            Some(&scratch),
            &["import", "drizzle", v1.0.to_str().expect("utf-8")],
        )
        .success();
    assert!(
        out.stdout.contains("replayed 9 drizzle-kit migrations"),
        "{}",
        out.stdout
    );
    // The made-up snapshot knows one table: the SQL wins and says so.
    assert!(
        out.stderr
            .contains("table public.User: made by the SQL, not in the snapshot"),
        "{}",
        out.stderr
    );
    assert!(
        p.read("migrations/meta/drizzle.json")
            .contains("\"layout\": \"folders\"")
    );
    p.run(Some(&scratch), &["generate"]).success();
    assert_eq!(p.tags(), ["0000_baseline"]);
}

/// A directory whose SQL does not build what a later file expects (a
/// column made with `drizzle-kit push`, in no file): refused at that
/// statement, with what to do, and nothing written.
#[test]
fn sql_that_does_not_replay_is_refused_at_its_statement() {
    let dir = Project::empty("import-pushed-dir");
    dir.write(
        "meta/_journal.json",
        r#"{"version":"7","dialect":"postgresql","entries":[
            {"idx":0,"version":"7","when":1700000000000,"tag":"0000_first","breakpoints":true},
            {"idx":1,"version":"7","when":1700000001000,"tag":"0001_second","breakpoints":true}]}"#,
    );
    dir.write(
        "0000_first.sql",
        "CREATE TABLE \"users\" (\"id\" serial PRIMARY KEY);\n",
    );
    dir.write(
        "0001_second.sql",
        "ALTER TABLE \"users\" DROP COLUMN \"onboarded\";\n",
    );
    let p = project("import-pushed");
    let scratch = Db::create("import_pushed");
    let out = p
        .run(
            Some(&scratch),
            &["import", "drizzle", dir.0.to_str().expect("utf-8")],
        )
        .exit(1);
    assert!(
        out.stderr.contains("0001_second.sql: statement 1 fails on a database the migrations before it built: column \"onboarded\" of relation \"users\" does not exist")
            && out.stderr.contains("`drizzle-kit push` or by hand"),
        "{}",
        out.stderr
    );
    assert!(!p.path("schema").exists() && !p.path("migrations").exists());
}
