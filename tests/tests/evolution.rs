//! A multi-step evolution of the SaaS example (examples/saas/evolution/NN_*):
//! each step is the whole schema at that point, generated in turn. The
//! migrations are checked in under generated/saas-evolution/ (reviewed like
//! code; `SCHEMAC_BLESS=1` rewrites them), and they are run against
//! PostgreSQL with rows in the tables: the data must come through, the end
//! result must equal a fresh database, and the downs must undo everything.

use std::path::PathBuf;

use schemac::GenerateOptions;
use schemac_schema::migration_dir::Journal;
use schemac_tests::{TempDir, TestDb, catalog, diff, read_tree, repo_root};

fn steps() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo_root().join("examples/saas/evolution"))
        .expect("evolution steps")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

/// Generates every step into a fresh project; returns it. In safe mode
/// (`[migrations] safe = true`) changes to existing tables take their online forms.
fn evolve(safe: bool) -> TempDir {
    let tmp = TempDir::new("evolution");
    if safe {
        std::fs::write(
            tmp.path().join("schemac.toml"),
            "[migrations]\nsafe = true\n",
        )
        .unwrap();
    }
    let schema_dir = tmp.path().join("schema");
    for step in steps() {
        let _ = std::fs::remove_dir_all(&schema_dir);
        std::fs::create_dir_all(&schema_dir).unwrap();
        for f in std::fs::read_dir(&step).unwrap().flatten() {
            if f.path().extension().is_some_and(|e| e == "yaml") {
                std::fs::copy(f.path(), schema_dir.join(f.file_name())).unwrap();
            }
        }
        let options = GenerateOptions {
            allow_data_loss: step.join("allow_data_loss").exists(),
            custom: std::fs::read_to_string(step.join("custom"))
                .ok()
                .map(|s| s.trim().to_string()),
            ..GenerateOptions::default()
        };
        let report = schemac::generate(tmp.path(), &options)
            .unwrap_or_else(|e| panic!("step {} does not generate:\n{e}", step.display()));
        assert!(
            matches!(report.databases[0].1, schemac::Outcome::Created { .. }),
            "step {} writes a migration",
            step.display()
        );
    }
    tmp
}

#[test]
fn evolution_migrations_match_the_checked_in_ones() {
    matches_golden(false, "generated/saas-evolution/migrations");
}

#[test]
fn safe_mode_evolution_migrations_match_the_checked_in_ones() {
    matches_golden(true, "generated/saas-evolution-safe/migrations");
}

fn matches_golden(safe: bool, golden: &str) {
    let tmp = evolve(safe);
    let fresh = read_tree(&tmp.path().join("migrations"));
    let golden_dir = repo_root().join(golden);
    if std::env::var_os("SCHEMAC_BLESS").is_some() {
        let _ = std::fs::remove_dir_all(&golden_dir);
        schemac_tests::copy_dir(&tmp.path().join("migrations"), &golden_dir);
    }
    let golden = read_tree(&golden_dir);
    let journal = Journal::from_json(&fresh["meta/_journal.json"]).unwrap();
    assert!(
        journal.entries.len() >= 9,
        "at least 9 migrations, got {}",
        journal.entries.len()
    );
    let mut problems = Vec::new();
    for (path, text) in &fresh {
        match golden.get(path) {
            Some(g) if g == text => {}
            Some(g) => problems.push(format!("{path} differs:\n{}", diff(g, text))),
            None => problems.push(format!("{path} is missing from generated/saas-evolution")),
        }
    }
    for path in golden.keys().filter(|p| !fresh.contains_key(*p)) {
        problems.push(format!("{path} is not written by a fresh run"));
    }
    assert!(
        problems.is_empty(),
        "regenerate with SCHEMAC_BLESS=1 and review:\n{}",
        problems.join("\n")
    );
}

fn one(db: &mut TestDb, q: &str) -> String {
    db.client
        .query_one(q, &[])
        .unwrap_or_else(|e| panic!("{e}\n{q}"))
        .get(0)
}

#[test]
fn data_survives_the_evolution_and_the_downs_undo_it() {
    data_survives(false);
}

#[test]
fn data_survives_the_safe_mode_evolution_and_the_downs_undo_it() {
    data_survives(true);
}

fn data_survives(safe: bool) {
    let tmp = evolve(safe);
    let dir = tmp.path().join("migrations");
    let journal =
        Journal::from_json(&std::fs::read_to_string(dir.join("meta/_journal.json")).unwrap())
            .unwrap();
    let mut db = TestDb::create("evolution");
    for (i, e) in journal.entries.iter().enumerate() {
        db.apply_migration(&std::fs::read_to_string(dir.join(format!("{}.sql", e.tag))).unwrap());
        if i == 0 {
            db.client
                .batch_execute(
                    "INSERT INTO users (id, email, first_name, last_name, photo_url, created_at) VALUES \
                       ('user_1', 'Ada@example.com', 'Ada', 'Lovelace', 'https://x/ada.png', '2024-05-01 10:00:00'), \
                       ('user_2', 'bob@example.com', 'Bob', 'B', 'https://x/bob.png', '2024-05-02 10:00:00'); \
                     INSERT INTO organizations (id, name, plan) VALUES ('org_1', 'Acme', 'PRO'); \
                     INSERT INTO organization_members (id, organization_id, user_id, role) VALUES \
                       ('org_mem_01HZX0000000000000000000A1', 'org_1', 'user_1', 'admin'), \
                       ('org_mem_01HZX0000000000000000000A2', 'org_1', 'user_2', 'billing'); \
                     INSERT INTO github_installations (id, organization_id, account_login) VALUES ('42', 'org_1', 'acme'); \
                     INSERT INTO github_installation_repositories (id, installation_id, name, full_name) VALUES ('7', '42', 'api', 'Acme/API');",
                )
                .unwrap();
        }
    }
    // Renamed columns and tables kept their rows; changed types kept the values.
    assert_eq!(
        one(&mut db, "SELECT avatar_url FROM users WHERE id = 'user_1'"),
        "https://x/ada.png"
    );
    assert_eq!(
        one(&mut db, "SELECT email::text FROM users WHERE id = 'user_1'"),
        "Ada@example.com"
    );
    assert_eq!(
        one(
            &mut db,
            "SELECT (created_at AT TIME ZONE 'UTC')::text FROM users WHERE id = 'user_1'"
        ),
        "2024-05-01 10:00:00",
        "timestamp -> timestamptz reads the old values as UTC"
    );
    assert_eq!(
        one(&mut db, "SELECT locale FROM users WHERE id = 'user_2'"),
        "en",
        "a default change leaves rows alone"
    );
    assert_eq!(
        one(&mut db, "SELECT plan::text FROM organizations"),
        "PRO",
        "the renamed enum kept the value"
    );
    assert_eq!(
        one(
            &mut db,
            "SELECT role::text FROM organization_members WHERE user_id = 'user_2'"
        ),
        "member",
        "billing was renamed to finance, then removed with remap to member"
    );
    assert_eq!(
        one(
            &mut db,
            "SELECT name || ' ' || slug || ' ' || stars FROM repositories"
        ),
        "api acme-api 0"
    );

    // The migrated database is exactly a fresh one built from the last schema.
    let last = journal.entries.last().unwrap();
    let final_schema = schemac_schema::snapshot::from_json(
        &std::fs::read_to_string(dir.join(format!("meta/{:04}_snapshot.json", last.idx))).unwrap(),
    )
    .unwrap();
    let mut fresh = TestDb::create("evolution_fresh");
    fresh.apply_migration(&schemac::ddl::join_statements(
        &schemac::ddl::create_schema(&final_schema),
    ));
    let migrated = catalog::without_column_positions(catalog::read(&mut db.client));
    let expected = catalog::without_column_positions(catalog::read(&mut fresh.client));
    assert!(
        migrated == expected,
        "migrated != fresh:\n{}",
        diff(&expected.join("\n"), &migrated.join("\n"))
    );

    // Down, all the way, with the rows still there: each down applies to
    // filled tables, the first migration's state comes back with the rows
    // it had (under their old names and types), and the last down leaves nothing.
    for e in journal.entries.iter().skip(1).rev() {
        db.apply_migration(
            &std::fs::read_to_string(dir.join(format!("{}.down.sql", e.tag))).unwrap(),
        );
    }
    let mut init_only = TestDb::create("evolution_init");
    init_only.apply_migration(
        &std::fs::read_to_string(dir.join(format!("{}.sql", journal.entries[0].tag))).unwrap(),
    );
    let downed = catalog::without_column_positions(catalog::read(&mut db.client));
    let init = catalog::without_column_positions(catalog::read(&mut init_only.client));
    assert!(
        downed == init,
        "after the downs != the first migration:\n{}",
        diff(&init.join("\n"), &downed.join("\n"))
    );
    assert_eq!(
        one(&mut db, "SELECT photo_url FROM users WHERE id = 'user_1'"),
        "https://x/ada.png",
        "the rename went back with its values"
    );
    assert_eq!(
        one(
            &mut db,
            "SELECT created_at::text FROM users WHERE id = 'user_1'"
        ),
        "2024-05-01 10:00:00",
        "timestamptz -> timestamp reads the values back as UTC"
    );
    assert_eq!(
        one(
            &mut db,
            "SELECT count(*)::text FROM github_installation_repositories"
        ),
        "1"
    );
    db.apply_migration(
        &std::fs::read_to_string(dir.join(format!("{}.down.sql", journal.entries[0].tag))).unwrap(),
    );
    let left = catalog::read(&mut db.client);
    assert!(left.is_empty(), "the downs left: {left:?}");
}

/// `schemac diff FROM TO` reads history with the hints each migration was
/// generated with: a past rename is a rename, a backfill shows its value.
#[test]
fn history_shows_renames_and_backfills_as_they_happened() {
    let tmp = evolve(false);
    let show = |from: &str, to: &str| {
        schemac::commands::diff::show(
            tmp.path(),
            None,
            Some(from),
            Some(to),
            false,
            schemac::commands::diff::Format::Text(schemac::commands::diff::Color::Never),
        )
        .unwrap_or_else(|e| panic!("diff {from} {to}: {e}"))
    };
    let renames = show("1", "2");
    assert!(
        renames.contains("> rename column users.photo_url to avatar_url"),
        "{renames}"
    );
    assert!(
        renames.contains("> rename table github_installation_repositories to repositories"),
        "{renames}"
    );
    assert!(!renames.contains("may lose data"), "{renames}");
    let backfill = show("0002", "0003");
    assert!(
        backfill.contains("backfill column users.country with 'US'"),
        "{backfill}"
    );
    // A range shows each migration in turn.
    let both = show("1", "3");
    assert!(
        both.contains("-> 0002_") && both.contains("-> 0003_"),
        "{both}"
    );
}
