//! Migrations without noise: a reviewer sees only what the database needs,
//! and a table with rows is rewritten at most once per migration.

use schemac::Outcome;
use schemac_tests::TestDb;
use schemac_tests::project::{Project, up_and_down_on_rows};

/// Statements of a migration file, without the comments above them.
fn statements(sql: &str) -> Vec<String> {
    sql.split(schemac::ddl::BREAKPOINT)
        .map(|s| {
            s.lines()
                .filter(|l| !l.starts_with("--"))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The change tried on filled tables, up and down (see `up_and_down_on_rows`);
/// the database (at `before` again) and the up migration's text.
fn migrate_filled(before: &str, after: &str, rows: &str) -> (TestDb, String) {
    let (db, m) = up_and_down_on_rows("noise", before, after, rows, false);
    (db, m.up)
}

const TYPES_BEFORE: &str = "tables:
  events:
    columns:
      id: { type: bigserial, primary_key: true }
      hits: { type: integer, default: 0 }
      at: { type: timestamp, default_sql: now() }
      label: { type: varchar(20), default: x }
      note: varchar(10)
";

const TYPES_AFTER: &str = "tables:
  events:
    columns:
      id: { type: bigserial, primary_key: true }
      hits: { type: bigint, default: 0 }
      at: { type: timestamptz, default_sql: now() }
      label: { type: varchar(40), default: x }
      note: text
";

#[test]
fn type_changes_on_one_table_are_one_alter_table_that_keeps_the_defaults() {
    let (mut db, up) = migrate_filled(
        TYPES_BEFORE,
        TYPES_AFTER,
        "INSERT INTO events (hits, at, note) SELECT g, '2024-01-01', 'n' FROM generate_series(1, 500) g",
    );
    let stmts = statements(&up);
    assert_eq!(stmts.len(), 1, "one statement:\n{up}");
    assert!(
        stmts[0].starts_with("ALTER TABLE \"public\".\"events\"\n"),
        "{up}"
    );
    for col in ["hits", "at", "label", "note"] {
        assert!(
            stmts[0].contains(&format!("ALTER COLUMN \"{col}\" TYPE")),
            "{col} retyped in the one statement:\n{up}"
        );
    }
    assert!(
        !up.contains("DEFAULT"),
        "defaults Postgres converts are neither dropped nor set again:\n{up}"
    );
    let n: i64 = db
        .client
        .query_one("SELECT count(*) FROM events WHERE note = 'n'", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 500, "rows came through up and down");
}

#[test]
fn a_default_postgres_cannot_convert_is_dropped_and_set_again() {
    let after = TYPES_BEFORE.replace(
        "label: { type: varchar(20), default: x }",
        "label: { type: text, default: x }",
    );
    let (_db, up) = migrate_filled(
        TYPES_BEFORE,
        &after,
        "INSERT INTO events (note) VALUES ('n')",
    );
    // Kept as `'x'::character varying` it would differ from a fresh text column's `'x'::text`.
    assert!(up.contains("ALTER COLUMN \"label\" DROP DEFAULT"), "{up}");
    assert!(
        up.contains("ALTER COLUMN \"label\" SET DEFAULT 'x'"),
        "{up}"
    );
    assert_eq!(statements(&up).len(), 1, "still one statement:\n{up}");
}

#[test]
fn an_enum_value_rename_leaves_the_checks_and_indexes_that_use_it_alone() {
    let before = "enums:
  status: [draft, live]
tables:
  posts:
    columns:
      id: { type: bigserial, primary_key: true }
      status: { type: status, default: draft }
    checks:
      not_draft_only: \"status <> 'draft' OR id > 0\"
    indexes:
      - { columns: [id], where: \"status = 'draft'\" }
";
    let after = before
        .replace(
            "status: [draft, live]",
            "status: [{ name: pending, renamed_from: draft }, live]",
        )
        .replace("default: draft", "default: pending")
        .replace("'draft'", "'pending'");
    let (mut db, up) = migrate_filled(
        before,
        &after,
        "INSERT INTO posts (status) VALUES ('draft'), ('live')",
    );
    assert_eq!(
        statements(&up),
        vec!["ALTER TYPE \"public\".\"status\" RENAME VALUE 'draft' TO 'pending';"],
        "only the rename:\n{up}"
    );
    let statuses: Vec<String> = db
        .client
        .query("SELECT status::text FROM posts ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(statuses, ["draft", "live"], "the down renamed it back");
}

#[test]
fn reordering_tables_columns_and_indexes_writes_nothing() {
    let before = "tables:
  users:
    columns:
      id: { type: bigserial, primary_key: true }
      email: text
      name: text
    indexes:
      - { columns: [email] }
      - { columns: [name] }
  posts:
    columns:
      id: { type: bigserial, primary_key: true }
      author: { type: bigint, references: users }
";
    let reordered = "tables:
  posts:
    columns:
      author: { type: bigint, references: users }
      id: { type: bigserial, primary_key: true }
  users:
    columns:
      name: text
      id: { type: bigserial, primary_key: true }
      email: text
    indexes:
      - { columns: [name] }
      - { columns: [email] }
";
    let p = Project::new("reorder");
    p.step(before);
    let report = p.generate(reordered, false);
    assert!(
        matches!(report.databases[0].1, Outcome::Unchanged { .. }),
        "{:?}",
        report.databases
    );
    let check = schemac::commands::check::check(p.path(), None).expect("check runs");
    assert!(check.is_empty(), "check passes: {check:?}");

    // A column added in the middle of the YAML goes at the end of the table,
    // as Postgres puts it, and the snapshot says so.
    let with_bio = reordered.replace("      name: text\n", "      name: text\n      bio: text?\n");
    let m = p.step(&with_bio);
    assert_eq!(
        statements(&m.up),
        vec!["ALTER TABLE \"public\".\"users\" ADD COLUMN \"bio\" text;"]
    );
    let snapshot = std::fs::read_to_string(p.path().join("migrations/meta/0001_snapshot.json"))
        .expect("snapshot");
    let (email, bio) = (
        snapshot.find("\"email\"").expect("email"),
        snapshot.find("\"bio\"").expect("bio"),
    );
    assert!(email < bio, "bio comes after the columns that were there");
    assert_eq!(p.journal().entries.len(), 2);
}

#[test]
fn a_table_with_a_new_column_a_type_change_and_a_new_generated_column_is_rewritten_once() {
    let after = TYPES_BEFORE
        .replace("hits: { type: integer, default: 0 }", "hits: { type: bigint, default: 0 }")
        .replace(
            "      note: varchar(10)\n",
            "      note: varchar(10)\n      extra: text?\n      double_hits: { type: bigint, generated: \"hits * 2\" }\n",
        );
    let (_db, up) = migrate_filled(
        TYPES_BEFORE,
        &after,
        "INSERT INTO events (hits, note) SELECT g, 'n' FROM generate_series(1, 100) g",
    );
    let stmts = statements(&up);
    assert_eq!(stmts.len(), 1, "one ALTER TABLE, one rewrite:\n{up}");
    for part in [
        "ADD COLUMN \"extra\"",
        "TYPE bigint",
        "ADD COLUMN \"double_hits\"",
    ] {
        assert!(stmts[0].contains(part), "{part} in\n{up}");
    }
}
