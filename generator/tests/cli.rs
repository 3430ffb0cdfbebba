//! The `schemac` binary: exit codes, messages, and nothing written on failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Project(PathBuf);

impl Project {
    fn new(label: &str, files: &[(&str, &str)]) -> Project {
        let dir = std::env::temp_dir().join(format!("schemac-cli-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let p = dir.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        Project(dir)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_schemac"))
            .args(args)
            .current_dir(&self.0)
            .output()
            .expect("run schemac")
    }

    fn exists(&self, p: &str) -> bool {
        self.0.join(p).exists()
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const GOOD: &str = "tables:\n  users:\n    columns:\n      id: { type: serial, primary_key: true }\n      email: { type: text, unique: true }\n";

#[test]
fn generate_writes_the_first_migration_then_nothing() {
    let p = Project::new("ok", &[("schema/users.yaml", GOOD)]);
    let out = p.run(&["generate"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("main: wrote migration 0000_init"));
    for f in [
        "migrations/0000_init.sql",
        "migrations/meta/0000_snapshot.json",
        "migrations/meta/_journal.json",
    ] {
        assert!(p.exists(f), "{f} written");
    }
    let sql = std::fs::read_to_string(p.path().join("migrations/0000_init.sql")).unwrap();
    assert!(sql.contains("CREATE TABLE \"public\".\"users\""), "{sql}");

    let again = p.run(&["generate"]);
    assert!(again.status.success());
    assert_eq!(
        text(&again.stdout),
        "main: no schema changes since 0000_init; nothing written\n"
    );
}

#[test]
fn a_schema_error_exits_1_and_writes_nothing() {
    let bad = "tables:\n  users:\n    columns:\n      id: { type: serial, primary_key: true }\n      email: varchr\n      age: { type: integer, default: lots }\n";
    let p = Project::new("bad", &[("schema/users.yaml", bad)]);
    let out = p.run(&["generate"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("--> schema/users.yaml:5:14"), "{err}");
    assert!(err.contains("email: varchr"), "{err}");
    assert!(err.contains("did you mean `varchar`?"), "{err}");
    assert!(
        err.contains("--> schema/users.yaml:6:38"),
        "both errors are reported: {err}"
    );
    assert!(
        err.contains("2 errors found in the schema; nothing was written"),
        "{err}"
    );
    assert!(!p.exists("migrations"), "nothing may be written");
}

/// The SQL a schema carries is read by PostgreSQL's parser at generate
/// time: each piece that does not parse is an error at its line, once,
/// and nothing is written; `check` says the same.
#[test]
fn sql_in_the_schema_that_does_not_parse_is_an_error_at_its_line() {
    let bad = "tables:\n  users:\n    columns:\n      id: { type: serial, primary_key: true }\n      email: text\n      age: { type: integer, check: \"age > 0) OR (age < 5\" }\n      code: { type: text, default_sql: \"'abc\" }\n      upper_email: { type: text, generated: \"upper(email)) STORED, x int GENERATED ALWAYS AS (1\" }\n    indexes:\n      - expression: \"lower(email\"\n      - { columns: [email], where: \"age > 0; DROP TABLE users\" }\n    checks:\n      adult: \"age >= 18 AND\"\nviews:\n  adults: SELECT id FROM users WHERE age >= 18; DROP TABLE users\n  names: \"SELECT email FROM users WHERE (\"\n";
    let p = Project::new("bad-sql", &[("schema/users.yaml", bad)]);
    let out = p.run(&["generate"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    errors_at(
        &err,
        &[
            (
                "schema/users.yaml:6:",
                "this check is not a valid SQL expression: syntax error at or near \")\"",
            ),
            (
                "schema/users.yaml:7:",
                "this `default_sql` is not a valid SQL expression: unterminated quoted string",
            ),
            (
                "schema/users.yaml:8:",
                "this generated expression is not a valid SQL expression",
            ),
            (
                "schema/users.yaml:10:",
                "this index expression is not a valid SQL expression: syntax error at end of input",
            ),
            (
                "schema/users.yaml:11:",
                "this index predicate (`where`) is not a valid SQL expression",
            ),
            (
                "schema/users.yaml:13:",
                "this check is not a valid SQL expression: syntax error at end of input",
            ),
            (
                "schema/users.yaml:15:",
                "the query of view `adults` is not one valid query: it holds more than one statement",
            ),
            (
                "schema/users.yaml:16:",
                "the query of view `names` is not one valid query: syntax error at end of input",
            ),
        ],
    );
    assert!(
        err.contains("8 errors found in the schema; nothing was written"),
        "{err}"
    );
    assert!(!p.exists("migrations"), "nothing may be written");
}

/// Each message is in `err`, with the place on the line after it.
fn errors_at(err: &str, expected: &[(&str, &str)]) {
    for (place, what) in expected {
        let at = err
            .find(what)
            .unwrap_or_else(|| panic!("no {what:?} in {err}"));
        assert!(
            err[at..].lines().nth(1).is_some_and(|l| l.contains(place)),
            "{what:?} is not at {place}: {err}"
        );
    }
}

/// The SQL of functions, triggers, domains and exclusion constraints is
/// checked by PostgreSQL's parser too, each at its line.
#[test]
fn sql_of_functions_triggers_domains_and_exclusions_is_checked_at_its_line() {
    let bad = "domains:\n  year:\n    type: integer\n    checks:\n      range: \"VALUE >= 1901 AND\"\nfunctions:\n  broken_args:\n    args: [\"p_id integer,\"]\n    returns: integer\n    language: sql\n    body: SELECT 1\n  broken_body:\n    returns: integer\n    language: sql\n    body: SELECT (1\n  touch:\n    returns: trigger\n    language: plpgsql\n    body: BEGIN RETURN NEW; END\ntables:\n  rooms:\n    columns:\n      id: { type: bigint, primary_key: true }\n    triggers:\n      touched:\n        before: update\n        when: \"OLD.id <>\"\n        function: touch\n    exclude:\n      one:\n        elements: [\"id WITH\"]\n";
    let p = Project::new("bad-routines", &[("schema/app.yaml", bad)]);
    let out = p.run(&["generate"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    errors_at(
        &err,
        &[
            (
                "schema/app.yaml:5:",
                "this domain check is not a valid SQL expression",
            ),
            (
                "schema/app.yaml:8:",
                "the signature of function `broken_args` is not valid SQL",
            ),
            (
                "schema/app.yaml:15:",
                "the body of function `broken_body` is not valid SQL",
            ),
            (
                "schema/app.yaml:27:",
                "this trigger condition (`when`) is not a valid SQL expression",
            ),
            (
                "schema/app.yaml:31:",
                "this exclusion element (`expression WITH operator`) is not valid SQL",
            ),
        ],
    );
    assert!(
        err.contains("5 errors found in the schema; nothing was written"),
        "{err}"
    );
    assert!(!p.exists("migrations"), "nothing may be written");
}

/// Every command that takes `--db` says the same about a database the
/// project does not have, and exits 2 without doing anything.
#[test]
fn an_unknown_database_is_the_same_usage_error_in_every_command() {
    let p = Project::new("unknown-db", &[("schema/users.yaml", GOOD)]);
    let out = p.run(&["generate"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for command in [
        &["generate", "--db", "nope"][..],
        &["check", "--db", "nope"],
        &["lint", "--db", "nope"],
        &["diff", "--db", "nope"],
        &["migrate", "--db", "nope", "--dry-run"],
        &["status", "--db", "nope"],
    ] {
        let out = p.run(command);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{command:?}: {}",
            text(&out.stderr)
        );
        assert_eq!(
            text(&out.stderr).trim_end(),
            "error: unknown database `nope`; this project has main",
            "{command:?}"
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    let p = Project::new("usage", &[("schema/users.yaml", GOOD)]);
    let out = p.run(&["generate", "--db", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown database `nope`"));
    let out = p.run(&["generate", "--name", "Bad Name"]);
    assert_eq!(out.status.code(), Some(2));
    let out = p.run(&["generate", "--frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!p.exists("migrations"));
}

#[test]
fn a_bad_config_points_into_schemac_toml() {
    let p = Project::new(
        "config",
        &[
            (
                "schemac.toml",
                "[database.main]\nschema = \"schema\"\nmigration = \"m\"\n",
            ),
            ("schema/users.yaml", GOOD),
        ],
    );
    let out = p.run(&["generate"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("--> schemac.toml:3:1"), "{err}");
    assert!(err.contains("migration"), "{err}");
}

#[test]
fn several_databases_and_one_picked_with_db() {
    let p = Project::new(
        "multi",
        &[
            (
                "schemac.toml",
                "[database.main]\nschema = \"schema/main\"\nmigrations = \"migrations/main\"\n\n[database.auth]\nschema = \"schema/auth\"\nmigrations = \"migrations/auth\"\nurl_env = \"AUTH_DATABASE_URL\"\n",
            ),
            ("schema/auth/users.yaml", GOOD),
            (
                "schema/main/posts.yaml",
                "tables:\n  posts:\n    columns:\n      id: { type: serial, primary_key: true }\n      author_id: { references: { database: auth, table: users } }\n",
            ),
        ],
    );
    let out = p.run(&["generate", "--db", "auth"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(p.exists("migrations/auth/0000_init.sql"));
    assert!(!p.exists("migrations/main"));
    let out = p.run(&["generate"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let main = std::fs::read_to_string(p.path().join("migrations/main/0000_init.sql")).unwrap();
    assert!(
        main.contains("\"author_id\" integer NOT NULL"),
        "type taken from auth.users.id: {main}"
    );
    assert!(
        !main.contains("FOREIGN KEY"),
        "no FK across databases: {main}"
    );
}
