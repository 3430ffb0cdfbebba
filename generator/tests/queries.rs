//! Named queries through the binary against the real PostgreSQL: typed by
//! preparing them in a scratch database, locked in a checked-in file, read
//! from that file without a database, refused with the file and line.

mod support;

use support::{Db, Project};

const SCHEMA: &str = "ids:\n  OrgId: { prefix: org }\nenums:\n  role: [admin, member]\ntables:\n  orgs:\n    columns:\n      id: { type: OrgId, primary_key: true }\n      name: text\n  users:\n    columns:\n      id: { type: bigserial, primary_key: true }\n      email: text\n      deleted_at: timestamptz?\n  members:\n    columns:\n      org_id: { references: orgs }\n      user_id: { references: users }\n      role: { type: role, default: member }\n    primary_key: [org_id, user_id]\n";

const QUERIES: &str = "-- name: active_members\n-- The live members of an organization.\nSELECT u.id, u.email, m.role\nFROM users u JOIN members m ON m.user_id = u.id\nWHERE m.org_id = :org_id AND u.deleted_at IS NULL\nORDER BY u.id;\n\n-- name: member_counts\n-- not_null: members\nSELECT o.name, count(m.user_id) AS members\nFROM orgs o LEFT JOIN members m ON m.org_id = o.id\nGROUP BY o.name;\n\n-- name: user_by_email\nSELECT * FROM users WHERE email = :email;\n\n-- name: forget_user\nDELETE FROM members WHERE user_id = :user_id;\n\n-- name: promote\nUPDATE members SET role = :role WHERE org_id = ANY(:orgs) AND user_id = :user_id;\n";

fn project(label: &str) -> Project {
    let p = Project::with_schema(label, SCHEMA);
    p.write(
        "schemac.toml",
        &format!("{}\n[codegen]\nout = \"src/db\"\n", support::CONFIG),
    );
    p.write("queries/members.sql", QUERIES);
    p
}

/// The tests count scratch databases left behind, so they run one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn scratch_databases() -> i64 {
    support::admin()
        .query_one(
            "SELECT count(*) FROM pg_database WHERE datname LIKE 'schemac_scratch%'",
            &[],
        )
        .expect("count")
        .get(0)
}

#[test]
fn queries_are_typed_by_postgres_and_locked() {
    let _serial = serial();
    let p = project("queries-typed");
    let db = Db::create("queries_typed");
    let out = p.run(Some(&db), &["generate"]).success();
    assert!(
        out.stdout
            .contains("main: typed 5 queries with PostgreSQL: queries/queries.lock.json"),
        "{}",
        out.stdout
    );
    let code = p.read("src/db/queries.rs");
    for expected in [
        // A parameter compared with a column takes the column's type (its
        // ID), with no annotation; a schema enum is read back as its Rust enum.
        "pub async fn active_members(\n    db: &impl ::schemac_runtime::Read,\n    org_id: &super::ids::OrgId,\n) -> ::core::result::Result<::std::vec::Vec<ActiveMembersRow>",
        "pub role: super::enums::Role,",
        // A computed column is NULL-able unless annotated; the preserved
        // side of an outer join keeps its columns' nullability.
        "pub members: i64,",
        "pub name: ::std::string::String,",
        // Assigned to and compared with `= ANY`: the enum, a slice of IDs.
        "pub async fn promote(\n    db: &impl ::schemac_runtime::Write,\n    role: &super::enums::Role,\n    orgs: &[super::ids::OrgId],\n    user_id: &i64,\n)",
        // Exactly a table's row: the table's struct.
        "::core::result::Result<::std::vec::Vec<super::users::User>",
        // Not only reading: &impl Write, and the count of rows.
        "pub async fn forget_user(\n    db: &impl ::schemac_runtime::Write,\n    user_id: &i64,\n) -> ::core::result::Result<u64, ::schemac_runtime::Error>",
    ] {
        assert!(
            squeezed(&code).contains(&squeezed(expected)),
            "queries.rs lacks {expected:?}:\n{code}"
        );
    }
    assert!(p.read("src/db/mod.rs").contains("pub mod queries;"));
    assert_eq!(scratch_databases(), 0, "the scratch database is dropped");
    // The database at the URL was not touched: no tables, no tracking.
    let tables: i64 = db
        .client()
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
            &[],
        )
        .expect("count")
        .get(0);
    assert_eq!(tables, 0);

    // Fresh: check and generate need no database.
    p.run(None, &["check"]).success();
    let again = p.run(None, &["generate"]).success();
    assert!(!again.stdout.contains("typed"), "{}", again.stdout);

    // A changed query makes the lock stale for check, and generate asks for a server.
    p.write(
        "queries/members.sql",
        &QUERIES.replace("ORDER BY u.id;", "ORDER BY u.email;"),
    );
    let stale = p.run(None, &["check"]).exit(1);
    assert!(
        stale
            .stderr
            .contains("the queries in queries (or the schema they read) changed"),
        "{}",
        stale.stderr
    );
    let needs = p.run_without_server(&["generate"]).exit(1);
    assert!(
        needs.stderr.contains("set $SCHEMAC_TEST_URL"),
        "{}",
        needs.stderr
    );
    p.run(Some(&db), &["generate"]).success();
    p.run(None, &["check"]).success();

    // A schema change types them again too.
    p.write(
        "schema/app.yaml",
        &SCHEMA.replace(
            "      email: text\n",
            "      email: text\n      nick: text?\n",
        ),
    );
    let out = p.run(Some(&db), &["generate"]).success();
    assert!(out.stdout.contains("typed 5 queries"), "{}", out.stdout);
    assert!(
        p.read("src/db/queries.rs")
            .contains("pub nick: ::core::option::Option<::std::string::String>,")
            || p.read("src/db/users.rs")
                .contains("pub nick: ::core::option::Option<::std::string::String>,"),
        "SELECT * follows the table"
    );
}

#[test]
fn a_wrong_query_fails_generation_with_its_file_and_line() {
    let _serial = serial();
    let p = project("queries-wrong");
    let db = Db::create("queries_wrong");
    p.run(Some(&db), &["generate"]).success();
    let lock = p.read("queries/queries.lock.json");
    for (query, line, message) in [
        (
            "-- name: misspelt\nSELECT id,\n       emial\nFROM users;\n",
            25,
            "column \"emial\" does not exist",
        ),
        (
            "-- name: mismatched\nSELECT id FROM users\nWHERE email = 42 AND id = :id;\n",
            25,
            "operator does not exist: text = integer",
        ),
        (
            // One parameter used as a bigint and as a timestamp.
            "-- name: wrong_param\nSELECT id FROM users WHERE id = :id AND deleted_at > :id;\n",
            24,
            "operator does not exist: timestamp with time zone > bigint",
        ),
        (
            // Rows promised, none returned.
            "-- name: forget_one :one\nDELETE FROM users WHERE id = :id;\n",
            23,
            "it says it returns rows, but returns none",
        ),
    ] {
        p.write("queries/members.sql", &format!("{QUERIES}\n{query}"));
        let out = p.run(Some(&db), &["generate"]).exit(1);
        let name = query
            .trim_start_matches("-- name: ")
            .split(['\n', ' '])
            .next()
            .unwrap();
        assert!(
            out.stderr.contains(&format!(
                "queries/members.sql:{line}: query `{name}`: {message}"
            )),
            "{}",
            out.stderr
        );
        assert_eq!(p.read("queries/queries.lock.json"), lock, "the lock stays");
    }
    assert_eq!(scratch_databases(), 0, "no scratch database left behind");
}

#[test]
fn a_build_script_renders_the_queries_from_the_lock_without_a_database() {
    let _serial = serial();
    let p = project("queries-build");
    let db = Db::create("queries_build");
    p.run(Some(&db), &["generate"]).success();
    let code = schemac::Builder::new()
        .project(&p.0)
        .emit_rerun_if_changed(false)
        .render()
        .expect("render without a database");
    assert!(
        code.contains("pub mod queries {") && code.contains("pub async fn active_members("),
        "{code}"
    );
}

#[test]
fn positional_parameters_and_column_types_given_by_hand() {
    let _serial = serial();
    let p = project("queries-positional");
    p.write(
        "queries/members.sql",
        "-- name: email_of\nSELECT email FROM users WHERE id = $1;\n\n\
         -- name: settings\n-- column settings: crate::Settings\n-- not_null: settings\n\
         SELECT '{}'::jsonb AS settings;\n",
    );
    let db = Db::create("queries_positional");
    p.run(Some(&db), &["generate"]).success();
    let code = p.read("src/db/queries.rs");
    for expected in [
        "pub async fn email_of(\n    db: &impl ::schemac_runtime::Read,\n    p1: &i64,\n) -> ::core::result::Result<::std::vec::Vec<EmailOfRow>",
        "#[row(json)]\n    pub settings: crate::Settings,",
    ] {
        assert!(
            squeezed(&code).contains(&squeezed(expected)),
            "queries.rs lacks {expected:?}:\n{code}"
        );
    }
    // Named and positional parameters in one query: refused, with the line.
    p.write(
        "queries/members.sql",
        "-- name: mixed\nSELECT email FROM users WHERE id = :id OR id = $2;\n",
    );
    let out = p.run(Some(&db), &["generate"]).exit(1);
    assert!(
        out.stderr
            .contains("queries/members.sql:1: query `mixed` mixes `:name` and `$n` parameters"),
        "{}",
        out.stderr
    );
}

/// The text without whitespace: prettyplease wraps a signature where it
/// grows long, which is not what these checks are about.
fn squeezed(text: &str) -> String {
    text.split_whitespace().collect()
}

#[test]
fn a_query_reads_into_the_struct_of_its_tables_pg_schema() {
    let _serial = serial();
    // Two tables named `items`, alike in column names and nullability.
    let p = Project::with_schema(
        "queries-pg-schemas",
        "tables:\n  items:\n    columns:\n      id: { type: text, primary_key: true }\n      note: text\n",
    );
    p.write(
        "schema/zarchive.yaml",
        "pg_schema: archive\ntables:\n  items:\n    columns:\n      id: { type: bigint, primary_key: true }\n      note: text\n",
    );
    p.write(
        "schemac.toml",
        &format!("{}\n[codegen]\nout = \"src/db\"\n", support::CONFIG),
    );
    p.write(
        "queries/items.sql",
        "-- name: archived\nSELECT * FROM archive.items ORDER BY id;\n\n-- name: current\nSELECT * FROM items ORDER BY id;\n",
    );
    let db = Db::create("queries_pg_schemas");
    p.run(Some(&db), &["generate"]).success();
    let code = squeezed(&p.read("src/db/queries.rs"));
    for expected in [
        "pubasyncfnarchived(",
        "::std::vec::Vec<super::archive_items::Item>",
        "::std::vec::Vec<super::public_items::Item>",
    ] {
        assert!(
            code.contains(expected),
            "queries.rs lacks {expected}:\n{code}"
        );
    }
    let archived = code.find("pubasyncfnarchived(").expect("archived");
    let current = code.find("pubasyncfncurrent(").expect("current");
    assert!(
        code[archived..current].contains("super::archive_items::Item"),
        "archived reads archive.items"
    );
    assert!(
        code[current..].contains("super::public_items::Item"),
        "current reads public.items"
    );
}

/// Every file of the project, with its bytes.
fn snapshot_of(p: &Project) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut dirs = vec![p.0.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read_dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let name = path
                    .strip_prefix(&p.0)
                    .expect("inside")
                    .display()
                    .to_string();
                out.push((name, std::fs::read(&path).expect("read")));
            }
        }
    }
    out.sort();
    out
}

/// The queries are typed against the new migration before anything is
/// written: a schema change with no server to type them on, a migration
/// the scratch database refuses, and a query the new schema breaks each
/// leave every file as it was, and say what to do.
#[test]
fn generate_writes_nothing_when_the_queries_cannot_be_typed() {
    let _serial = serial();
    let p = project("queries-nothing-written");
    let db = Db::create("queries_nothing_written");
    p.run(Some(&db), &["generate"]).success();
    let before = snapshot_of(&p);

    // Only the schema changed, and no URL: the message says so.
    p.write(
        "schema/app.yaml",
        &SCHEMA.replace(
            "      email: text\n",
            "      email: text\n      nick: text?\n",
        ),
    );
    let out = p.run_without_server(&["generate"]).exit(1);
    assert!(
        out.stderr
            .contains("the schema changed, so the queries must be typed again"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("nothing was written"), "{}", out.stderr);
    assert!(!out.stdout.contains("wrote migration"), "{}", out.stdout);

    // A check PostgreSQL refuses when the migration runs (a column that
    // does not exist parses well).
    p.write(
        "schema/app.yaml",
        &SCHEMA.replace(
            "      email: text\n",
            "      email: { type: text, check: \"length(emial) > 3\" }\n",
        ),
    );
    let out = p.run(Some(&db), &["generate"]).exit(1);
    assert!(
        out.stderr.contains("column \"emial\" does not exist"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("nothing was written"), "{}", out.stderr);

    // A column a query reads, dropped.
    p.write(
        "schema/app.yaml",
        &SCHEMA.replace("      deleted_at: timestamptz?\n", ""),
    );
    let out = p.run(Some(&db), &["generate", "--allow-data-loss"]).exit(1);
    assert!(
        out.stderr
            .contains("query `active_members`: column u.deleted_at does not exist"),
        "{}",
        out.stderr
    );
    let after = snapshot_of(&p);
    let changed: Vec<&String> = after
        .iter()
        .filter(|f| !before.contains(f))
        .chain(before.iter().filter(|f| !after.contains(f)))
        .map(|(name, _)| name)
        .filter(|name| !name.starts_with("schema/"))
        .collect();
    assert!(changed.is_empty(), "written or changed: {changed:?}");
    assert_eq!(scratch_databases(), 0, "no scratch database left behind");

    // Fixed, one run writes the migration, the lock and the Rust together.
    p.write(
        "queries/members.sql",
        &QUERIES.replace(" AND u.deleted_at IS NULL", ""),
    );
    let out = p
        .run(Some(&db), &["generate", "--allow-data-loss"])
        .success();
    assert!(
        out.stdout.contains("wrote migration 0001_"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("typed 5 queries"), "{}", out.stdout);
    p.run(None, &["check"]).success();
}

/// With no URL variable, no SCHEMAC_SCRATCH_URL and no DATABASE_URL,
/// generate starts a throwaway server from the installed binaries to type
/// the queries: the main job needs no database set up.
#[test]
fn generate_types_the_queries_on_a_throwaway_server_when_no_url_is_set() {
    let p = project("queries-throwaway");
    let out = p
        .command(None, &["generate"])
        .env_remove("DATABASE_URL")
        .env_remove("SCHEMAC_SCRATCH_URL")
        .output()
        .expect("run schemac");
    let out = support::Run::from(out).success();
    assert!(
        out.stderr
            .contains("no database URL set: typing the queries on a throwaway PostgreSQL server"),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout.contains("main: typed 5 queries with PostgreSQL"),
        "{}",
        out.stdout
    );
    assert!(
        p.read("src/db/queries.rs")
            .contains("pub async fn promote(")
    );
    p.run(None, &["check"]).success();
}
