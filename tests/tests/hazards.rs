//! The `table_rewrite` rule against what PostgreSQL does: a table is
//! rewritten exactly when its relfilenode changes, and the rule must say so
//! for each kind of change, neither more nor less.

use schemac_tests::TestDb;
use schemac_tests::project::Project;

const BEFORE: &str = "extensions: [citext]
tables:
  t:
    columns:
      id: { type: bigserial, primary_key: true }
      a: integer
      b: varchar(10)
      c: text
      d: \"numeric(10,2)\"
      e: timestamp
";

/// (what changes, the schema after it)
fn cases() -> Vec<(&'static str, String)> {
    vec![
        (
            "integer to bigint",
            BEFORE.replace("a: integer", "a: bigint"),
        ),
        (
            "longer varchar",
            BEFORE.replace("b: varchar(10)", "b: varchar(20)"),
        ),
        (
            "varchar to text",
            BEFORE.replace("b: varchar(10)", "b: text"),
        ),
        ("text to citext", BEFORE.replace("c: text", "c: citext")),
        (
            "text to varchar(5)",
            BEFORE.replace("c: text", "c: varchar(5)"),
        ),
        (
            "numeric with more digits",
            BEFORE.replace("\"numeric(10,2)\"", "\"numeric(12,2)\""),
        ),
        (
            "numeric with another scale",
            BEFORE.replace("\"numeric(10,2)\"", "\"numeric(12,3)\""),
        ),
        (
            "timestamp to timestamptz",
            BEFORE.replace("e: timestamp", "e: timestamptz"),
        ),
        (
            "a column with a stable default",
            format!("{BEFORE}      f: {{ type: timestamptz, default_sql: now() }}\n"),
        ),
        (
            "a column with a volatile default",
            format!("{BEFORE}      f: {{ type: uuid, default_sql: gen_random_uuid() }}\n"),
        ),
        (
            "a stored generated column",
            format!("{BEFORE}      f: {{ type: bigint, generated: \"a * 2\" }}\n"),
        ),
        ("a nullable column", format!("{BEFORE}      f: text?\n")),
    ]
}

fn relfilenode(db: &mut TestDb) -> u32 {
    db.client
        .query_one(
            "SELECT relfilenode FROM pg_class WHERE oid = 't'::regclass",
            &[],
        )
        .unwrap()
        .get::<_, u32>(0)
}

#[test]
fn table_rewrite_fires_exactly_when_postgres_rewrites() {
    let mut wrong = Vec::new();
    for (what, after) in cases() {
        let p = Project::new("hazard_rewrite");
        let init = p.step(BEFORE);
        let report = p.generate(&after, true);
        let says_rewrite = report.hazards.iter().any(|h| h.rule == "table_rewrite");
        let m = p.migration(&p.journal().entries[1].tag);
        let mut db = TestDb::create("hazard_rewrite");
        db.apply_migration(&init.up);
        db.client
            .batch_execute(
                "INSERT INTO t (a, b, c, d, e) SELECT g, 'b', 'c', 1.5, '2024-01-01' FROM generate_series(1, 100) g",
            )
            .unwrap();
        let before = relfilenode(&mut db);
        db.apply_migration(&m.up);
        let rewritten = relfilenode(&mut db) != before;
        // And back, with the rows still there.
        db.apply_migration(&m.down);
        let back: i64 = db
            .client
            .query_one("SELECT count(*) FROM t", &[])
            .unwrap()
            .get(0);
        assert_eq!(back, 100, "{what}: the rows came back down");
        if says_rewrite != rewritten {
            wrong.push(format!(
                "{what}: Postgres {} the table, the rule {}\n{}",
                if rewritten {
                    "rewrote"
                } else {
                    "did not rewrite"
                },
                if says_rewrite { "fired" } else { "was silent" },
                m.up
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}
