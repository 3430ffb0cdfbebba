//! `schemac pull`, its baseline and `schemac status --drift` through the
//! binary, against databases made by hand on the real PostgreSQL: what is
//! written, what `migrate` then does on the database it came from, on an
//! empty one and on one that is neither, and what drift reports.

mod support;

use support::{Db, Project};

/// A database as a team that never used schemac has it.
const LEGACY: &str = "
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE TABLE authors (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE,
    mood mood NOT NULL DEFAULT 'happy',
    tags text[] NOT NULL DEFAULT '{}',
    -- PostgreSQL prints this check otherwise once it reads back its print:
    -- the baseline is still recognised.
    kind varchar(10) NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'team')),
    CONSTRAINT email_has_at CHECK (position('@' in email) > 1)
);
CREATE TABLE posts (
    id serial PRIMARY KEY,
    author_id bigint NOT NULL REFERENCES authors ON DELETE CASCADE,
    title varchar(200) NOT NULL,
    body text,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX posts_recent ON posts (author_id, updated_at DESC) WHERE body IS NOT NULL;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
CREATE TRIGGER posts_touch BEFORE UPDATE ON posts FOR EACH ROW EXECUTE FUNCTION touch();
COMMENT ON TABLE posts IS 'What authors write';
CREATE VIEW post_titles AS SELECT p.id, p.title, a.email FROM posts p JOIN authors a ON a.id = p.author_id;
INSERT INTO authors (email) VALUES ('ann@example.com');
INSERT INTO posts (author_id, title, body) VALUES (1, 'Hello', 'First');
";

fn legacy(label: &str) -> Db {
    let db = Db::create(label);
    db.client()
        .batch_execute(LEGACY)
        .expect("the legacy schema loads");
    db
}

fn project(label: &str) -> Project {
    let p = Project::empty(label);
    p.write("schemac.toml", support::CONFIG);
    p
}

#[test]
fn pull_writes_the_schema_a_person_would_and_its_baseline_is_recorded_not_run() {
    let db = legacy("pull_baseline");
    let p = project("pull-baseline");
    let out = p.run(Some(&db), &["pull", "--baseline"]).success();
    assert!(
        out.stdout
            .contains("main: pulled 2 tables, 1 view, 1 enum, 1 function into schema"),
        "{}",
        out.stdout
    );
    let yaml = p.read("schema/public.yaml");
    for expected in [
        "  mood: [happy, sad]\n",
        "      id: { type: bigint, primary_key: true, identity: always }\n",
        "      email: { type: text, unique: true }\n",
        "      mood: { type: mood, default: happy }\n",
        "      email_has_at: { expr: \"(POSITION(('@'::text) IN (email)) > 1)\", name: email_has_at }\n",
        "      id: { type: serial, primary_key: true }\n",
        "      author_id: { type: bigint, references: authors.id, on_delete: cascade }\n",
        "      title: varchar(200)\n",
        "      body: text?\n",
        "      - { columns: [author_id, \"updated_at DESC\"], where: \"(body IS NOT NULL)\", name: posts_recent }\n",
        "    comment: \"What authors write\"\n",
        "      posts_touch:\n        before: update\n        function: touch\n",
        "    body: |2\n\n      BEGIN\n        NEW.updated_at := now();\n        RETURN NEW;\n      END\n",
    ] {
        assert!(
            yaml.contains(expected),
            "public.yaml lacks {expected:?}:\n{yaml}"
        );
    }
    assert_eq!(p.tags(), ["0000_baseline"]);
    assert!(
        p.read("migrations/meta/_journal.json")
            .contains("\"baseline\": true")
    );
    // Generating again writes nothing: the files are the database.
    let again = p.run(Some(&db), &["generate"]).success();
    assert!(
        again
            .stdout
            .contains("main: no schema changes since 0000_baseline; nothing written"),
        "{}",
        again.stdout
    );
    assert_eq!(p.tags(), ["0000_baseline"]);
    let check = p.run(Some(&db), &["check"]).success();
    assert!(
        check.stdout.contains("ok: the migrations cover the schema"),
        "{}",
        check.stdout
    );

    let dry = p.run(Some(&db), &["migrate", "--dry-run"]).success();
    assert!(
        dry.stdout
            .contains("would record 0000_baseline as applied without running it"),
        "{}",
        dry.stdout
    );
    // On the database it came from: recorded, not run (it would fail on
    // the tables that exist), and the rows stay.
    let out = p.run(Some(&db), &["migrate"]).success();
    assert!(
        out.stdout.contains("main: the database is at the baseline: recorded 0000_baseline as applied without running it"),
        "{}",
        out.stdout
    );
    let mut client = db.client();
    let titles: i64 = client
        .query_one("SELECT count(*) FROM post_titles", &[])
        .expect("rows")
        .get(0);
    assert_eq!(titles, 1);
    let recorded: i64 = client
        .query_one(
            "SELECT count(*) FROM schemac_migrations WHERE tag = '0000_baseline'",
            &[],
        )
        .expect("tracking")
        .get(0);
    assert_eq!(recorded, 1);
    let out = p.run(Some(&db), &["status", "--drift"]).success();
    assert!(out.stdout.contains("main: no drift"), "{}", out.stdout);

    // On an empty database it runs, as any first migration.
    let empty = Db::create("pull_baseline_empty");
    let out = p.run(Some(&empty), &["migrate"]).success();
    assert!(
        out.stdout.contains("applied 1 migration (0000_baseline)"),
        "{}",
        out.stdout
    );
    assert_eq!(empty.columns(), db.columns());

    // On a database that is neither: refused, with what differs, and
    // nothing recorded.
    let other = legacy("pull_baseline_other");
    other
        .client()
        .batch_execute("ALTER TABLE posts ADD COLUMN draft boolean")
        .expect("alter");
    let out = p.run(Some(&other), &["migrate"]).exit(1);
    assert!(
        out.stderr.contains("neither empty nor at it")
            && out.stderr.contains("table public.posts: changed by hand")
            && out.stderr.contains("+      draft: boolean?"),
        "{}",
        out.stderr
    );
    let tracked: i64 = other
        .client()
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schemac_migrations'",
            &[],
        )
        .expect("tables")
        .get(0);
    let recorded: i64 = match tracked {
        0 => 0,
        _ => other
            .client()
            .query_one("SELECT count(*) FROM schemac_migrations", &[])
            .expect("count")
            .get(0),
    };
    assert_eq!(
        recorded, 0,
        "nothing is recorded on a database not at the baseline"
    );
}

#[test]
fn drift_reports_what_was_changed_by_hand_object_by_object() {
    let db = legacy("drift");
    let p = project("drift");
    p.run(Some(&db), &["pull", "--baseline"]).success();
    p.run(Some(&db), &["migrate"]).success();
    db.client()
        .batch_execute(
            "CREATE INDEX authors_by_hand ON authors (mood);
             DROP VIEW post_titles;
             ALTER TABLE posts ALTER COLUMN title TYPE text;
             ALTER TABLE posts DISABLE TRIGGER posts_touch;
             CREATE TABLE scratch_notes (id int);",
        )
        .expect("changes by hand");
    let out = p.run(Some(&db), &["status", "--drift"]).exit(1);
    for expected in [
        "main: the database differs from what its applied migrations made it (5 objects):",
        "  table public.authors: changed by hand (- migrations, + database)",
        "    +      - { columns: [mood], name: authors_by_hand }",
        "  table public.posts: changed by hand (- migrations, + database)",
        "    -      title: varchar(200)",
        "    +      title: text",
        "  table public.scratch_notes: in the database, not in the migrations (made by hand?)",
        "  trigger public.posts.posts_touch: in the database, not in the migrations (made by hand?)",
        "  view public.post_titles: in the migrations, not in the database (dropped by hand?)",
    ] {
        assert!(
            out.stdout.contains(expected),
            "drift lacks {expected:?}:\n{}",
            out.stdout
        );
    }
    // The check PostgreSQL prints otherwise after a reprint is not drift,
    // and is not shown as part of the table's.
    assert!(
        !out.stdout.contains("    -      kind: \"((kind)")
            && !out.stdout.contains("    +      kind: \"((kind)"),
        "{}",
        out.stdout
    );
    let out = p
        .run(Some(&db), &["status", "--drift", "--format", "json"])
        .exit(1);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(doc["drifted"], true);
    let objects: Vec<&str> = doc["databases"][0]["drift"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|d| d["object"].as_str().expect("object"))
        .collect();
    assert_eq!(
        objects,
        [
            "table public.authors",
            "table public.posts",
            "table public.scratch_notes",
            "trigger public.posts.posts_touch",
            "view public.post_titles"
        ]
    );
    assert_eq!(doc["databases"][0]["drift"][4]["change"], "missing");
}

#[test]
fn pull_refuses_to_overwrite_and_strict_writes_nothing_when_something_is_left_out() {
    let db = legacy("pull_strict");
    db.client()
        .batch_execute(
            "CREATE TABLE events (at timestamptz NOT NULL) PARTITION BY RANGE (at);
             CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
             CREATE TABLE money (amount money);
             CREATE TABLE prices (id int PRIMARY KEY, amount money);
             CREATE INDEX prices_amount ON prices (amount);
             CREATE VIEW price_list AS SELECT id, amount FROM prices;
             CREATE POLICY own ON posts USING (true);
             CREATE TABLE packed (id int PRIMARY KEY) WITH (fillfactor = 70);
             CREATE FUNCTION atomic_one() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;",
        )
        .expect("objects schemac does not express");
    let p = project("pull-strict");
    let out = p.run(Some(&db), &["pull", "--strict"]).exit(1);
    for expected in [
        "partitioned table public.events: partitioned tables are not expressed yet",
        "partition public.events_2026: belongs to a partitioned table",
        "column public.money.amount: type money (currency amounts) has no Rust type in schemac yet",
        "policy public.posts.own: row-level security policies are not expressed yet",
        "table public.money: none of its columns is one schemac expresses",
        "table public.packed: storage parameters (fillfactor=70) are not expressed",
        "function public.atomic_one: a SQL-standard body (BEGIN ATOMIC, RETURN) is not expressed yet",
        "index public.prices_amount: it is on a column that is not pulled",
        "view public.price_list: it reads a column of public.prices, which is not pulled",
        "--strict: nothing written",
    ] {
        assert!(
            out.stderr.contains(expected),
            "stderr lacks {expected:?}:\n{}",
            out.stderr
        );
    }
    assert!(!p.path("schema").exists(), "--strict writes nothing");
    // Without --strict the rest is written, and what was left out is
    // listed at the top of the file for a reviewer.
    p.run(Some(&db), &["pull"]).success();
    let yaml = p.read("schema/public.yaml");
    assert!(
        yaml.contains(
            "#   partitioned table public.events: partitioned tables are not expressed yet\n"
        ),
        "{yaml}"
    );
    let out = p.run(Some(&db), &["pull"]).exit(1);
    assert!(
        out.stderr.contains("already holds schema files"),
        "{}",
        out.stderr
    );
}

#[test]
fn split_writes_a_file_per_table_and_pg_schema_limits_what_is_read() {
    let db = legacy("pull_split");
    db.client()
        .batch_execute("CREATE SCHEMA billing; CREATE TABLE billing.invoices (id bigint PRIMARY KEY, author_id bigint REFERENCES public.authors);")
        .expect("billing");
    let p = project("pull-split");
    p.run(Some(&db), &["pull", "--split"]).success();
    let invoices = p.read("schema/billing/invoices.yaml");
    assert!(
        invoices.starts_with("pg_schema: billing\ntables:\n  invoices:\n"),
        "{invoices}"
    );
    assert!(
        invoices.contains("author_id: { type: bigint, nullable: true, references: { table: authors, column: id, schema: public } }"),
        "{invoices}"
    );
    assert!(p.read("schema/public/posts.yaml").contains("  posts:\n"));
    assert!(
        p.read("schema/public.yaml")
            .contains("enums:\n  mood: [happy, sad]\n")
    );
    p.run(Some(&db), &["generate"]).success();

    let only = project("pull-only");
    only.run(Some(&db), &["pull", "--pg-schema", "public"])
        .success();
    assert!(!only.path("schema/billing.yaml").exists());
    let fresh = project("pull-nope");
    let out = fresh
        .run(Some(&db), &["pull", "--pg-schema", "nope"])
        .exit(1);
    assert!(
        out.stderr.contains("the database has no pg_schema `nope`"),
        "{}",
        out.stderr
    );
}
