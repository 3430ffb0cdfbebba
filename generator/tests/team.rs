//! The team paths through the binary, against the real PostgreSQL: two
//! branches merged with git, taking back an unapplied migration, and
//! `--rehash` of a migration a database has applied.

mod support;

use support::{Db, Project, Run};

const USERS: &str = "tables:\n  users:\n    columns:\n      id: { type: bigserial, primary_key: true }\n      email: text\n";

/// A project under git on `main` with its first migration committed.
fn repository(label: &str) -> Project {
    let p = Project::empty(label);
    p.write("schemac.toml", support::CONFIG);
    p.write("schema/users.yaml", USERS);
    p.run(None, &["generate"]).success();
    p.git(&["init", "-q", "-b", "main"]);
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "init"]);
    p
}

fn commit(p: &Project, message: &str) {
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", message]);
}

#[test]
fn a_two_branch_merge_ends_in_one_chain_and_the_database_of_a_fresh_build() {
    let p = repository("merge");
    // A branch adds a column to users...
    p.git(&["checkout", "-q", "-b", "feature"]);
    p.write(
        "schema/users.yaml",
        &USERS.replace(
            "      email: text\n",
            "      email: text\n      bio: text?\n",
        ),
    );
    let out = p.run(None, &["generate"]).success();
    assert!(
        out.stdout.contains("0001_add_bio_to_users"),
        "{}",
        out.stdout
    );
    commit(&p, "bio");
    // ...a database used for trying the branch applies it...
    let tried = Db::create("merge_tried");
    p.run(Some(&tried), &["migrate"]).success();
    // ...while main adds a table, generated and deployed with rows in it.
    p.git(&["checkout", "-q", "main"]);
    p.write(
        "schema/posts.yaml",
        "tables:\n  posts:\n    columns:\n      id: { type: bigserial, primary_key: true }\n      title: text\n",
    );
    p.run(None, &["generate"]).success();
    commit(&p, "posts");
    let deployed = Db::create("merge_deployed");
    p.run(Some(&deployed), &["migrate"]).success();
    deployed
        .client()
        .batch_execute(
            "INSERT INTO users (email) VALUES ('a@example.com'), ('b@example.com');\n\
             INSERT INTO posts (title) VALUES ('hello');",
        )
        .expect("rows");

    // The merge: both branches wrote migration 0001, its snapshot and the journal.
    p.git(&["checkout", "-q", "feature"]);
    let merge = p.git_output(&["merge", "-q", "main", "-m", "merge main"]);
    assert!(!merge.ok(), "the journal conflicts: {}", merge.stdout);
    assert!(p.read("migrations/meta/_journal.json").contains("<<<<<<<"));

    // Every command recognises the state and names the way out.
    let check = p.run(None, &["check"]).exit(1);
    assert!(
        check.stderr.contains("git conflict markers at line")
            && check.stderr.contains("run `schemac rebase`"),
        "{}",
        check.stderr
    );
    let generate = p.run(None, &["generate"]).exit(1);
    assert!(
        generate.stderr.contains("git conflict markers"),
        "{}",
        generate.stderr
    );
    let migrate = p.run(Some(&deployed), &["migrate"]).exit(1);
    assert!(
        migrate.stderr.contains("git conflict markers"),
        "{}",
        migrate.stderr
    );

    // A database that applied this branch's 0001 stops the rebase, untouched.
    let journal_before = p.read("migrations/meta/_journal.json");
    let refused = p.run(Some(&tried), &["rebase"]).exit(1);
    assert!(
        refused
            .stderr
            .contains("0001_add_bio_to_users is applied to the database at $SCHEMAC_TEST_URL")
            && refused
                .stderr
                .contains("revert it there first with `schemac migrate --down 1 --db main`"),
        "{}",
        refused.stderr
    );
    assert_eq!(p.read("migrations/meta/_journal.json"), journal_before);
    // The way out it names works mid-merge: the down runs from this
    // branch's side of the journal, and the merge stays as it was.
    let down = p.run(Some(&tried), &["migrate", "--down", "1"]).success();
    assert!(
        down.stdout.contains("main: reverted 0001_add_bio_to_users")
            && down.stderr.contains("the journal is mid-merge"),
        "{}{}",
        down.stdout,
        down.stderr
    );
    assert!(!tried.columns().iter().any(|c| c.starts_with("users.bio ")));
    assert_eq!(p.read("migrations/meta/_journal.json"), journal_before);

    // Against the deployed database (which has main's, not this branch's): one command.
    let rebased = p.run(Some(&deployed), &["rebase"]).success();
    assert!(
        rebased
            .stdout
            .contains("main: kept 0001_create_posts from MERGE_HEAD")
            && rebased
                .stdout
                .contains("took back 0001_add_bio_to_users; wrote 0002_add_bio_to_users"),
        "{}",
        rebased.stdout
    );
    assert_eq!(
        p.tags(),
        ["0000_init", "0001_create_posts", "0002_add_bio_to_users"]
    );
    let check = p.run(None, &["check"]).success();
    assert!(check.stdout.starts_with("ok:"), "{}", check.stdout);
    // The history reads by number, as `--help` says.
    let diff = p.run(None, &["diff", "1", "2"]).success();
    assert!(
        diff.stdout
            .contains("main: 0001_create_posts -> 0002_add_bio_to_users")
            && diff.stdout.contains("add column users.bio"),
        "{}",
        diff.stdout
    );
    commit(&p, "merge main");

    // The deployed database takes the renumbered migration, rows and all...
    let applied = p.run(Some(&deployed), &["migrate"]).success();
    assert!(
        applied
            .stdout
            .contains("applied 1 migration (0002_add_bio_to_users)"),
        "{}",
        applied.stdout
    );
    let users: i64 = deployed
        .client()
        .query_one("SELECT count(*) FROM users WHERE bio IS NULL", &[])
        .expect("count")
        .get(0);
    assert_eq!(users, 2);
    // ...and ends equal to a database built fresh from the merged chain.
    let fresh = Db::create("merge_fresh");
    p.run(Some(&fresh), &["migrate"]).success();
    assert_eq!(deployed.columns(), fresh.columns());
    assert!(fresh.columns().iter().any(|c| c.starts_with("users.bio ")));
    // The branch's database, reverted mid-merge, takes the merged chain.
    p.run(Some(&tried), &["migrate"]).success();
    assert_eq!(tried.columns(), fresh.columns());
}

#[test]
fn a_merge_resolved_by_keeping_both_entries_is_a_collision_and_rebase_still_mends_it() {
    let p = repository("collision");
    p.git(&["checkout", "-q", "-b", "feature"]);
    p.write("schema/users.yaml", &format!("{USERS}      nick: text\n"));
    p.run(None, &["generate"]).success();
    commit(&p, "nick");
    p.git(&["checkout", "-q", "main"]);
    p.write("schema/users.yaml", &format!("{USERS}      age: integer\n"));
    p.run(None, &["generate"]).success();
    commit(&p, "age");
    p.git(&["checkout", "-q", "feature"]);
    assert!(!p.git_output(&["merge", "-q", "main", "-m", "m"]).ok());
    // Resolved the way the issue saw it: main's journal and snapshot taken,
    // the schema holding both columns, this branch's SQL files left beside.
    p.git(&["checkout", "--theirs", "migrations/meta"]);
    p.write(
        "schema/users.yaml",
        &format!("{USERS}      nick: text\n      age: integer\n"),
    );
    let check = p.run(None, &["check"]).exit(1);
    assert!(
        check.stderr.contains(
            "migrations 0001_add_age_to_users and 0001_add_nick_to_users share the number 0001"
        ) && !check.stderr.contains("--rehash"),
        "a collision, not an edit: {}",
        check.stderr
    );
    let generate = p.run(None, &["generate"]).exit(1);
    assert!(
        generate.stderr.contains("share the number 0001") && p.tags().len() == 3,
        "generate refuses and writes nothing: {}",
        generate.stderr
    );
    let rehash = p.run(None, &["generate", "--rehash"]).exit(1);
    assert!(
        rehash.stderr.contains("share the number 0001"),
        "{}",
        rehash.stderr
    );
    p.run(None, &["rebase"]).success();
    assert_eq!(
        p.tags(),
        [
            "0000_init",
            "0001_add_age_to_users",
            "0002_add_nick_to_users"
        ]
    );
    p.run(None, &["check"]).success();
    let db = Db::create("collision");
    p.run(Some(&db), &["migrate"]).success();
    assert!(db.columns().iter().any(|c| c.starts_with("users.nick ")));
}

#[test]
fn rebase_without_a_merge_asks_for_the_branch() {
    let p = repository("nomerge");
    let out = p.run(None, &["rebase"]).exit(1);
    assert!(
        out.stderr.contains("no merge is in progress") && out.stderr.contains("--onto main"),
        "{}",
        out.stderr
    );
    let out = p.run(None, &["rebase", "--onto", "main"]).success();
    assert!(
        out.stdout
            .contains("main: this branch added no migrations; nothing to rebase"),
        "{}",
        out.stdout
    );
}

#[test]
fn an_unapplied_migration_is_taken_back_and_an_applied_one_stays() {
    let p = Project::with_schema("discard", USERS);
    p.run(None, &["generate"]).success();
    let db = Db::create("discard");
    p.run(Some(&db), &["migrate"]).success();
    db.client()
        .batch_execute("INSERT INTO users (email) VALUES ('a@example.com')")
        .expect("row");

    // A misspelt function in `default_sql` parses, so generate writes it;
    // it fails at migrate.
    p.write(
        "schema/app.yaml",
        &USERS.replace(
            "      email: text\n",
            "      email: text\n      score: { type: integer, default_sql: \"greatst(0, 1)\" }\n",
        ),
    );
    p.run(None, &["generate"]).success();
    let broken = p.tags().pop().expect("a new migration");
    let failed = p.run(Some(&db), &["migrate"]).exit(1);
    assert!(failed.stderr.contains(&broken), "{}", failed.stderr);

    // Taken back: it was never applied, the database says so.
    let out = p.run(Some(&db), &["discard"]).success();
    assert!(
        out.stdout.contains(&format!("main: took back {broken}")),
        "{}",
        out.stdout
    );
    assert_eq!(p.tags(), ["0000_init"]);
    assert!(!p.path("migrations/meta/0001_snapshot.json").exists());
    p.run(None, &["check"]).exit(1); // the schema change is uncovered again

    // Fixed and generated again: the same number, and it applies.
    p.write(
        "schema/app.yaml",
        &USERS.replace(
            "      email: text\n",
            "      email: text\n      score: { type: integer, default_sql: \"0\" }\n",
        ),
    );
    p.run(None, &["generate"]).success();
    assert_eq!(p.tags(), ["0000_init", broken.as_str()]);
    p.run(Some(&db), &["migrate"]).success();
    p.run(None, &["check"]).success();

    // Applied now: it stays, and the refusal says where it is applied.
    let journal = p.read("migrations/meta/_journal.json");
    let out = p.run(Some(&db), &["discard"]).exit(1);
    assert!(
        out.stderr.contains(&format!(
            "{broken} is applied to the database at $SCHEMAC_TEST_URL, so it stays"
        )),
        "{}",
        out.stderr
    );
    assert_eq!(p.read("migrations/meta/_journal.json"), journal);
    assert_eq!(p.tags(), ["0000_init", broken.as_str()]);

    // With no URL to ask, it is taken back with a warning.
    let out = p.run(None, &["discard"]).success();
    assert!(
        out.stderr
            .contains("$SCHEMAC_TEST_URL is not set, so no database was asked"),
        "{}",
        out.stderr
    );
    assert_eq!(p.tags(), ["0000_init"]);
    // Down to nothing: the journal goes with the first migration.
    p.run(None, &["discard"]).success();
    assert!(p.tags().is_empty() && !p.path("migrations/meta/_journal.json").exists());
    let out = p.run(None, &["discard"]).exit(1);
    assert!(
        out.stderr.contains("no migrations to take back"),
        "{}",
        out.stderr
    );
}

#[test]
fn rehash_refuses_an_applied_migration_and_check_says_when_it_applies() {
    let p = Project::with_schema("rehash", USERS);
    p.run(None, &["generate"]).success();
    p.write("schema/app.yaml", &format!("{USERS}      nick: text\n"));
    p.run(None, &["generate"]).success();
    let db = Db::create("rehash");
    p.run(Some(&db), &["migrate"]).success();

    let file = "migrations/0001_add_nick_to_users.sql";
    p.write(file, &format!("{}-- an edit\n", p.read(file)));
    let check = p.run(None, &["check"]).exit(1);
    assert!(
        check.stderr.contains("--rehash")
            && check
                .stderr
                .contains("only while no database has applied 0001_add_nick_to_users"),
        "{}",
        check.stderr
    );
    let journal = p.read("migrations/meta/_journal.json");
    let out = p.run(Some(&db), &["generate", "--rehash"]).exit(1);
    assert!(
        out.stderr.contains(
            "0001_add_nick_to_users was applied to the database at $SCHEMAC_TEST_URL before its file was edited"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(p.read("migrations/meta/_journal.json"), journal);
    p.run(None, &["check"]).exit(1);

    // A database that has not applied it: re-recorded, and check passes.
    let other = Db::create("rehash_other");
    let out = p.run(Some(&other), &["generate", "--rehash"]).success();
    assert!(
        out.stdout.contains("re-recorded 0001_add_nick_to_users"),
        "{}",
        out.stdout
    );
    p.run(None, &["check"]).success();
    // Without a URL to ask, it is done with a warning.
    p.write(file, &format!("{}-- another\n", p.read(file)));
    let out = p.run(None, &["generate", "--rehash"]).success();
    assert!(
        out.stderr
            .contains("no database was asked whether 0001_add_nick_to_users was applied"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_hint_is_consumed_by_its_migration_and_quiet_after_until_taken_back() {
    let p = Project::with_schema("hints", USERS);
    p.run(None, &["generate"]).success();
    let db = Db::create("hints");
    p.run(Some(&db), &["migrate"]).success();
    db.client()
        .batch_execute("INSERT INTO users (email) VALUES ('a@example.com')")
        .expect("row");
    let renamed = USERS.replace(
        "      email: text\n",
        "      address: { type: text, renamed_from: email }\n",
    );
    p.write("schema/app.yaml", &renamed);
    let out = p.run(None, &["generate"]).success();
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    let journal = p.read("migrations/meta/_journal.json");
    let mut parsed: serde_json::Value = serde_json::from_str(&journal).expect("journal");
    assert_eq!(
        parsed["entries"][1]["consumed_hints"],
        serde_json::json!([{
            "hint": "column_renamed_from",
            "schema": "public",
            "table": "users",
            "column": "address",
            "from": "email",
        }]),
        "recorded as consumed, by a typed key:\n{journal}"
    );
    // Every run after is quiet, the hint left in the file.
    let out = p.run(None, &["generate"]).success();
    assert!(out.stderr.is_empty(), "no stale warning: {}", out.stderr);
    p.run(None, &["check"]).success();
    // A journal written before keys were typed holds the key as text: it
    // reads the same, and the hint stays consumed.
    parsed["entries"][1]["consumed_hints"] =
        serde_json::json!(["column public.users.address renamed_from email"]);
    p.write(
        "migrations/meta/_journal.json",
        &serde_json::to_string_pretty(&parsed).expect("json"),
    );
    let out = p.run(None, &["generate"]).success();
    assert!(out.stderr.is_empty(), "an earlier journal: {}", out.stderr);
    assert!(out.stdout.contains("nothing written"), "{}", out.stdout);
    p.run(None, &["check"]).success();
    // Taken back, the hint is live again, and the migration renames.
    p.run(Some(&db), &["discard"]).success();
    p.run(None, &["generate"]).success();
    p.run(Some(&db), &["migrate"]).success();
    let kept: String = db
        .client()
        .query_one("SELECT address FROM users", &[])
        .expect("row")
        .get(0);
    assert_eq!(kept, "a@example.com", "renamed, not dropped and added");
    // A hint that never applied warns on the run that writes a migration, then not again.
    p.write(
        "schema/app.yaml",
        &renamed.replace(
            "      address: { type: text, renamed_from: email }\n",
            "      address: { type: text, renamed_from: email }\n      nick: { type: text?, renamed_from: handle }\n",
        ),
    );
    let out = p.run(None, &["generate"]).success();
    assert!(
        out.stderr
            .contains("`renamed_from: handle` on column `users.nick` is stale"),
        "{}",
        out.stderr
    );
    let out = p.run(None, &["generate"]).success();
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

#[test]
fn the_campus_example_runs_clean_on_a_newcomers_first_command() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let p = Project::empty("campus-first");
    support::copy_dir(&root.join("examples/campus"), &p.path("examples/campus"));
    support::copy_dir(&root.join("generated/campus"), &p.path("generated/campus"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_schemac"))
        .args(["-C"])
        .arg(p.path("examples/campus"))
        .arg("generate")
        .output()
        .expect("run");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}");
    assert_eq!(stderr, "", "no warnings");
    assert_eq!(
        stdout,
        "main: no schema changes since 0000_init; nothing written\n"
    );
}

#[test]
fn init_starts_a_project_that_generates_migrates_and_checks() {
    let p = Project::empty("init");
    p.write(".gitattributes", "*.sh text eol=lf");
    let out = p.run(None, &["init"]).success();
    assert!(
        out.stdout.contains("schemac.toml") && out.stdout.contains("schema/example.yaml"),
        "{}",
        out.stdout
    );
    assert_eq!(
        p.read(".gitattributes"),
        "*.sh text eol=lf\nmigrations/meta/*_snapshot.json linguist-generated=true\n\
         migrations/meta/_journal.json linguist-generated=true\n",
        "added to the file there was"
    );
    let config = p.read("schemac.toml");
    let example = p.read("schema/example.yaml");
    // A second init writes nothing.
    let again = p.run(None, &["init"]).exit(1);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert_eq!(p.read("schemac.toml"), config);

    // The example compiles clean and applies; `check` agrees.
    let out = p.run(None, &["generate"]).success();
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    let db = Db::create("init");
    let migrate = p
        .command(None, &["migrate"])
        .env("DATABASE_URL", &db.url)
        .output()
        .expect("run");
    assert!(
        migrate.status.success(),
        "{}",
        String::from_utf8_lossy(&migrate.stderr)
    );
    p.run(None, &["check"]).success();
    assert!(
        db.columns()
            .iter()
            .any(|c| c.starts_with("users.account_id uuid"))
    );
    assert!(example.contains("# "), "the example is commented");
}

#[test]
fn history_reads_by_number_while_the_schema_is_mid_edit() {
    let p = Project::with_schema("history", USERS);
    p.run(None, &["generate"]).success();
    p.write("schema/app.yaml", &format!("{USERS}      nick: text?\n"));
    p.run(None, &["generate"]).success();
    // Half-way through the next edit, the schema does not compile...
    p.write("schema/app.yaml", &format!("{USERS}      nick: txet?\n"));
    p.run(None, &["diff"]).exit(1);
    // ...and the migrations' history still reads, by number or tag.
    let out = p.run(None, &["diff", "0", "1"]).success();
    assert!(
        out.stdout
            .contains("main: 0000_init -> 0001_add_nick_to_users")
            && out.stdout.contains("add column users.nick"),
        "{}",
        out.stdout
    );
}

#[test]
fn one_cause_is_said_once() {
    let p = Project::with_schema("said-once", USERS);
    p.run(None, &["generate"]).success();
    let db = Db::create("said_once");
    let journal = p.read("migrations/meta/_journal.json");
    p.write(
        "migrations/meta/_journal.json",
        &format!("<<<<<<< HEAD\n{journal}=======\n{journal}>>>>>>> other\n"),
    );
    for command in ["check", "migrate", "status"] {
        let out = p.run(Some(&db), &[command]);
        assert_eq!(out.code, Some(1), "{command}: {}", out.stderr);
        assert_eq!(
            out.stderr.matches("git conflict markers").count(),
            1,
            "{command}: {}",
            out.stderr
        );
    }
    p.write("migrations/meta/_journal.json", &journal);
    std::fs::remove_file(p.path("migrations/0000_init.sql")).expect("remove");
    let out = p.run(None, &["lint"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(
        out.stderr.matches("os error 2").count(),
        1,
        "{}",
        out.stderr
    );
}

#[test]
fn a_merge_of_two_branches_with_queries_ends_in_one_rebase() {
    let p = repository("merge-queries");
    p.write(
        "queries/users.sql",
        "-- name: user_emails\nSELECT email FROM users ORDER BY id;\n",
    );
    let db = Db::create("merge_queries");
    p.run(Some(&db), &["generate"]).success();
    commit(&p, "a query");
    // A branch adds a column and a query that reads it...
    p.git(&["checkout", "-q", "-b", "feature"]);
    p.write(
        "schema/users.yaml",
        &USERS.replace(
            "      email: text\n",
            "      email: text\n      bio: text?\n",
        ),
    );
    p.write(
        "queries/bios.sql",
        "-- name: user_bios\nSELECT id, bio FROM users;\n",
    );
    p.run(Some(&db), &["generate"]).success();
    commit(&p, "bios");
    // ...while main adds a table and a query of its own.
    p.git(&["checkout", "-q", "main"]);
    p.write(
        "schema/posts.yaml",
        "tables:\n  posts:\n    columns:\n      id: { type: bigserial, primary_key: true }\n      title: text\n",
    );
    p.write(
        "queries/posts.sql",
        "-- name: post_titles\nSELECT title FROM posts;\n",
    );
    p.run(Some(&db), &["generate"]).success();
    commit(&p, "posts");

    p.git(&["checkout", "-q", "feature"]);
    let merge = p.git_output(&["merge", "-q", "main", "-m", "merge main"]);
    assert!(!merge.ok(), "{}", merge.stdout);
    assert!(p.read("queries/queries.lock.json").contains("<<<<<<<"));
    // A conflicted lock is named as one, with the way out.
    let check = p.run(None, &["check"]).exit(1);
    assert!(
        check.stderr.contains("git conflict markers"),
        "{}",
        check.stderr
    );

    // One command: the migrations rebased, the queries typed again.
    let deployed = Db::create("merge_queries_deployed");
    let rebased = p.run(Some(&deployed), &["rebase"]).success();
    assert!(
        rebased.stdout.contains("typed 3 queries"),
        "{}\n{}",
        rebased.stdout,
        rebased.stderr
    );
    let lock = p.read("queries/queries.lock.json");
    assert!(!lock.contains("<<<<<<<"), "{lock}");
    for name in ["user_emails", "user_bios", "post_titles"] {
        assert!(lock.contains(&format!("\"name\": \"{name}\"")), "{lock}");
    }
    let check = p.run(None, &["check"]).success();
    assert!(check.stdout.starts_with("ok:"), "{}", check.stdout);
}

/// A repository with one query on main, a branch `feature` that adds
/// `user_ids`, and main adding the query `main_adds` (its file's text)
/// meanwhile; feature checked out, main merged into it: the merge's output.
fn queries_added_on_two_branches(label: &str, db: &Db, main_adds: &str) -> (Project, Run) {
    let p = repository(label);
    p.write(
        "queries/users.sql",
        "-- name: user_emails\nSELECT email FROM users ORDER BY id;\n",
    );
    p.run(Some(db), &["generate"]).success();
    commit(&p, "a query");
    p.git(&["checkout", "-q", "-b", "feature"]);
    p.write(
        "queries/a.sql",
        "-- name: user_ids\nSELECT id FROM users;\n",
    );
    p.run(Some(db), &["generate"]).success();
    commit(&p, "ids");
    p.git(&["checkout", "-q", "main"]);
    p.write("queries/b.sql", main_adds);
    p.run(Some(db), &["generate"]).success();
    commit(&p, "main's query");
    p.git(&["checkout", "-q", "feature"]);
    let merge = p.git_output(&["merge", "-q", "main", "-m", "merge main"]);
    (p, merge)
}

#[test]
fn a_lock_two_branches_wrote_is_typed_again_by_generate() {
    let db = Db::create("merge_lock");
    // A name next to the feature's: both entries land at the lock's end.
    let (p, merge) = queries_added_on_two_branches(
        "merge-lock",
        &db,
        "-- name: user_names\nSELECT email AS name FROM users;\n",
    );
    assert!(!merge.ok(), "{}", merge.stdout);
    assert!(!p.read("migrations/meta/_journal.json").contains("<<<<<<<"));
    let check = p.run(None, &["check"]).exit(1);
    assert!(
        check
            .stderr
            .contains("queries.lock.json: git conflict markers")
            && check.stderr.contains("types the queries again"),
        "{}",
        check.stderr
    );
    let generated = p.run(Some(&db), &["generate"]).success();
    assert!(
        generated.stdout.contains("typed 3 queries"),
        "{}",
        generated.stdout
    );
    p.run(None, &["check"]).success();
}

/// The lock holds each query by name with the snapshot it was typed
/// against, and no line that every branch rewrites: two branches adding
/// queries whose names sort apart merge in git without a conflict, and the
/// merged lock is up to date with no command run.
#[test]
fn two_branches_adding_queries_merge_cleanly_in_git() {
    let db = Db::create("merge_lock_clean");
    let (p, merge) = queries_added_on_two_branches(
        "merge-lock-clean",
        &db,
        "-- name: count_users\nSELECT count(*) AS n FROM users;\n",
    );
    assert!(merge.ok(), "{}{}", merge.stdout, merge.stderr);
    let lock = p.read("queries/queries.lock.json");
    for name in ["count_users", "user_emails", "user_ids"] {
        assert!(lock.contains(&format!("\"name\": \"{name}\"")), "{lock}");
    }
    p.run(None, &["check"]).success();
    let generated = p.run(None, &["generate"]).success();
    assert!(!generated.stdout.contains("typed"), "{}", generated.stdout);
}

/// With no database to ask (CI), `--rehash` asks git: an edit to a
/// migration that was on the trunk when the branch left it (where a
/// deployed database may have run it) is refused, and `check` keeps
/// failing; one of the branch's own is re-recorded with a warning.
#[test]
fn rehash_without_a_database_refuses_a_migration_from_before_the_branch_point() {
    let p = repository("rehash-git");
    p.git(&["checkout", "-q", "-b", "feature"]);
    p.write(
        "schema/users.yaml",
        &USERS.replace(
            "      email: text\n",
            "      email: text\n      nick: text?\n",
        ),
    );
    p.run(None, &["generate"]).success();
    commit(&p, "nick");

    let trunk = "migrations/0000_init.sql";
    p.write(trunk, &format!("{}-- an edit\n", p.read(trunk)));
    let journal = p.read("migrations/meta/_journal.json");
    let out = p.run(None, &["generate", "--rehash"]).exit(1);
    assert!(
        out.stderr
            .contains("0000_init was on main before this branch left it")
            && out.stderr.contains("nothing was re-recorded"),
        "{}",
        out.stderr
    );
    assert_eq!(p.read("migrations/meta/_journal.json"), journal);
    p.run(None, &["check"]).exit(1);
    p.git(&["checkout", "-q", "--", trunk]);

    let own = "migrations/0001_add_nick_to_users.sql";
    p.write(own, &format!("{}-- an edit\n", p.read(own)));
    let out = p.run(None, &["generate", "--rehash"]).success();
    assert!(
        out.stderr.contains("it is this branch's own")
            && out.stdout.contains("re-recorded 0001_add_nick_to_users"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    p.run(None, &["check"]).success();

    // On the trunk itself, what it has committed is past the branch point.
    commit(&p, "edited");
    p.git(&["checkout", "-q", "main"]);
    p.write(trunk, &format!("{}-- an edit\n", p.read(trunk)));
    p.run(None, &["generate", "--rehash"]).exit(1);
}
