//! `data_dependent`: a change that fails on some rows instead of losing
//! them is named, with the query that counts those rows; `lint
//! --check-data` runs it against the database before anything is applied
//! (exit 1 when rows would fail), and the count is right: the migration
//! fails on exactly those rows, and runs once they are gone. Each case runs
//! in both modes.

mod support;

use support::{Db, Project};

const BEFORE: &str = "tables:
  parents:
    columns:
      id: { type: bigint, primary_key: true }
  posts:
    columns:
      id: { type: bigint, primary_key: true }
      score: bigint
      code: text
      price: \"numeric(10,4)\"
      title: text?
      parent_id: bigint?
      slug: text
";

const GOOD_ROWS: &str = "INSERT INTO parents VALUES (1);
INSERT INTO posts VALUES (1, 5, 'ok', 1.25, 't1', 1, 's1'), (2, 6, 'fine', 2.5, 't2', NULL, 's2');";

struct Case {
    name: &'static str,
    after: String,
    bad_rows: &'static str,
    failing: i64,
}

fn cases() -> Vec<Case> {
    let change = |from: &str, to: &str| {
        assert!(BEFORE.contains(from), "{from}");
        BEFORE.replace(from, to)
    };
    vec![
        Case {
            name: "a narrower integer",
            after: change("score: bigint", "score: integer"),
            bad_rows: "INSERT INTO posts VALUES (10, 5000000000, 'x', 1, 't', NULL, 'b1')",
            failing: 1,
        },
        Case {
            name: "fewer digits before the point",
            after: change("\"numeric(10,4)\"", "\"numeric(6,4)\""),
            bad_rows: "INSERT INTO posts VALUES (10, 1, 'x', 123.5, 't', NULL, 'b1')",
            failing: 1,
        },
        Case {
            name: "fewer decimal places",
            after: change("\"numeric(10,4)\"", "\"numeric(10,2)\""),
            bad_rows: "INSERT INTO posts VALUES (10, 1, 'x', 1.255, 't', NULL, 'b1'), (11, 1, 'x', 1.2555, 't', NULL, 'b2')",
            failing: 2,
        },
        Case {
            name: "a shorter varchar",
            after: change("code: text", "code: varchar(4)"),
            bad_rows: "INSERT INTO posts VALUES (10, 1, 'longer', 1, 't', NULL, 'b1')",
            failing: 1,
        },
        Case {
            name: "NOT NULL without a backfill",
            after: change("title: text?", "title: text"),
            bad_rows: "INSERT INTO posts VALUES (10, 1, 'x', 1, NULL, NULL, 'b1')",
            failing: 1,
        },
        Case {
            name: "a unique index over duplicates",
            after: format!("{BEFORE}    indexes:\n      - {{ columns: [slug], unique: true }}\n"),
            bad_rows: "INSERT INTO posts VALUES (10, 1, 'x', 1, 't', NULL, 'dup'), (11, 1, 'x', 1, 't', NULL, 'dup')",
            failing: 2,
        },
        Case {
            name: "a unique constraint over duplicates",
            after: format!("{BEFORE}    unique:\n      - [code, slug]\n"),
            bad_rows: "INSERT INTO posts VALUES (10, 1, 'x', 1, 't', NULL, 'dup'), (11, 1, 'x', 1, 't', NULL, 'dup'), (12, 1, 'x', 1, 't', NULL, 'dup')",
            failing: 3,
        },
        Case {
            name: "a check",
            after: format!("{BEFORE}    checks:\n      positive: \"score > 0\"\n"),
            bad_rows: "INSERT INTO posts VALUES (10, -1, 'x', 1, 't', NULL, 'b1')",
            failing: 1,
        },
        Case {
            name: "a foreign key",
            after: change(
                "parent_id: bigint?",
                "parent_id: { type: bigint?, references: parents }",
            ),
            bad_rows: "INSERT INTO posts VALUES (10, 1, 'x', 1, 't', 99, 'b1')",
            failing: 1,
        },
    ]
}

fn check_data(p: &Project, db: &Db) -> (Option<i32>, Vec<serde_json::Value>) {
    let out = p
        .command(Some(db), &["lint", "--check-data", "--format", "json"])
        .output()
        .expect("run");
    let found: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), found)
}

#[test]
fn each_data_dependent_change_counts_the_rows_it_fails_on_before_it_runs() {
    for case in cases() {
        for safe in [false, true] {
            let mode = if safe { "safe" } else { "plain" };
            let what = format!("{} ({mode} mode)", case.name);
            let p = Project::with_schema(&format!("data-{}", safe as u8), BEFORE);
            if safe {
                p.write(
                    "schemac.toml",
                    &format!("{}\n[migrations]\nsafe = true\n", support::CONFIG),
                );
            }
            p.run(None, &["generate"]).success();
            let db = Db::create("data_checks");
            p.run(Some(&db), &["migrate"]).success();
            let mut client = db.client();
            client.batch_execute(GOOD_ROWS).expect("good rows");
            client.batch_execute(case.bad_rows).expect("bad rows");

            // Written without --allow-data-loss: nothing is cut or rounded.
            p.write("schema/app.yaml", &case.after);
            p.run(None, &["generate"]).success();

            let (code, found) = check_data(&p, &db);
            let dependent: Vec<&serde_json::Value> = found
                .iter()
                .filter(|f| f["rule"] == "data_dependent")
                .collect();
            assert_eq!(dependent.len(), 1, "{what}: {found:#?}");
            let f = dependent[0];
            assert!(
                f["query"].as_str().is_some_and(|q| q.starts_with("SELECT")),
                "{what}: {f}"
            );
            assert_eq!(f["failing_rows"], case.failing, "{what}: {f}");
            assert_eq!(code, Some(1), "{what}: rows would fail");

            // The migration does fail on them, and leaves the rows as they were.
            let out = p.run(Some(&db), &["migrate"]);
            assert!(!out.ok(), "{what}: the migration ran over the rows");
            let rows: i64 = client
                .query_one("SELECT count(*) FROM posts", &[])
                .expect("count")
                .get(0);
            assert!(rows >= 3, "{what}");

            // Without them, nothing would fail, and it runs.
            client
                .batch_execute("DELETE FROM posts WHERE id >= 10")
                .expect("delete");
            let (code, found) = check_data(&p, &db);
            assert_eq!(code, Some(0), "{what}: {found:#?}");
            assert!(
                found.iter().all(|f| f["failing_rows"] == 0),
                "{what}: {found:#?}"
            );
            p.run(Some(&db), &["migrate"]).success();
            let (code, found) = check_data(&p, &db);
            assert_eq!((code, found.len()), (Some(0), 0), "{what}: all applied");
        }
    }
}

#[test]
fn a_cut_on_purpose_is_said_with_using() {
    let p = Project::with_schema("data-using", BEFORE);
    p.run(None, &["generate"]).success();
    let db = Db::create("data_using");
    p.run(Some(&db), &["migrate"]).success();
    let mut client = db.client();
    client.batch_execute(GOOD_ROWS).expect("rows");
    client
        .batch_execute("INSERT INTO posts VALUES (10, 1, 'longer', 1.255, 't', NULL, 'b1')")
        .expect("row");
    p.write(
        "schema/app.yaml",
        &BEFORE
            .replace(
                "code: text",
                "code: { type: varchar(4), using: \"left(code, 4)\" }",
            )
            .replace(
                "price: \"numeric(10,4)\"",
                "price: { type: \"numeric(10,2)\", using: \"round(price, 2)\" }",
            ),
    );
    p.run(None, &["generate"]).success();
    let (code, found) = check_data(&p, &db);
    assert_eq!((code, found.len()), (Some(0), 0), "{found:#?}");
    p.run(Some(&db), &["migrate"]).success();
    let row = client
        .query_one("SELECT code, price::text FROM posts WHERE id = 10", &[])
        .expect("row");
    assert_eq!(
        (row.get::<_, String>(0), row.get::<_, String>(1)),
        ("long".to_owned(), "1.26".to_owned())
    );
}

#[test]
fn check_data_without_the_url_says_which_variable_to_set() {
    let p = Project::with_schema("data-nourl", BEFORE);
    p.run(None, &["generate"]).success();
    let out = p.run(None, &["lint", "--check-data"]);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr.contains("$SCHEMAC_TEST_URL is not set"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_guide_shows_what_generate_writes() {
    let readme = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/migrations.md"),
    )
    .expect("docs/migrations.md");
    let shown = readme
        .split("```sql\n")
        .map(|block| block.split("```").next().unwrap_or(""))
        .find(|block| block.contains("hazard data_dependent"))
        .expect("the guide shows a data_dependent hazard");
    let p = Project::with_schema("data-readme", BEFORE);
    p.run(None, &["generate"]).success();
    p.write(
        "schema/app.yaml",
        &BEFORE.replace("score: bigint", "score: integer"),
    );
    p.run(None, &["generate"]).success();
    let tag = p
        .tags()
        .into_iter()
        .find(|t| t.starts_with("0001"))
        .expect("0001");
    let written = p.read(&format!("migrations/{tag}.sql"));
    assert!(
        written.contains(shown),
        "the guide:\n{shown}\nwritten:\n{written}"
    );
}

/// `diff --format markdown --check-data`: the pull request's summary says,
/// by each data-dependent hazard, how many rows of the database would fail.
#[test]
fn the_markdown_summary_says_how_many_rows_a_data_check_found() {
    let p = Project::with_schema("data-markdown", BEFORE);
    let db = Db::create("data_markdown");
    p.run(Some(&db), &["generate"]).success();
    p.run(Some(&db), &["migrate"]).success();
    db.client()
        .batch_execute(
            "INSERT INTO posts VALUES (10, 1, 'longer', 1, 't', NULL, 'b1'), (11, 1, 'longest', 1, 't', NULL, 'b2'), (12, 1, 'ok', 1, 't', NULL, 'b3')",
        )
        .expect("rows");
    p.write(
        "schema/app.yaml",
        &BEFORE.replace("code: text", "code: varchar(4)"),
    );
    p.run(Some(&db), &["generate"]).success();
    let tags = p.tags();
    let out = p
        .run(
            Some(&db),
            &[
                "diff",
                &tags[0],
                &tags[1],
                "--format",
                "markdown",
                "--check-data",
            ],
        )
        .success();
    assert!(
        out.stdout.contains("- `data_dependent`: ")
            && out.stdout.contains(" **Data check: 2 rows would fail.**"),
        "{}",
        out.stdout
    );
    let out = p
        .run(Some(&db), &["diff", &tags[0], &tags[1], "--check-data"])
        .exit(2);
    assert!(
        out.stderr
            .contains("--check-data goes with --format markdown"),
        "{}",
        out.stderr
    );
}
