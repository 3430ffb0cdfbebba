//! `schemac lint`: one case per hazard rule, each firing on the risky change
//! and silent on the safe alternative, read through `--format json`.

use std::path::PathBuf;
use std::process::{Command, Output};

struct Project(PathBuf);

impl Project {
    fn new(label: &str) -> Project {
        let dir = std::env::temp_dir().join(format!("schemac-lint-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("schema")).unwrap();
        Project(dir)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_schemac"))
            .args(args)
            .current_dir(&self.0)
            .output()
            .unwrap()
    }

    /// Writes the schema and generates, allowing data loss (the guard is tested elsewhere).
    fn generate(&self, yaml: &str) {
        std::fs::write(self.0.join("schema/app.yaml"), yaml).unwrap();
        let out = self.run(&["generate", "--allow-data-loss"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The findings of the newest migration, from `lint --format json`.
    fn findings(&self) -> Vec<serde_json::Value> {
        let out = self.run(&["lint", "--format", "json"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const BASE: &str = "tables:
  users:
    columns:
      id: { type: bigserial, primary_key: true }
      name: varchar(10)
      nick: text?
      age: integer
";

/// (rule, the change that must trigger it, the safe alternative that must not)
fn cases() -> Vec<(&'static str, String, String)> {
    let with_table = |extra: &str| {
        format!(
            "{BASE}  posts:\n    columns:\n      id: {{ type: bigserial, primary_key: true }}\n{extra}"
        )
    };
    vec![
        (
            "table_rewrite",
            BASE.replace("age: integer", "age: bigint"),
            BASE.replace("name: varchar(10)", "name: varchar(20)"),
        ),
        (
            "set_not_null_scan",
            BASE.replace("nick: text?", "nick: text"),
            with_table("      title: text\n"),
        ),
        (
            "index_without_concurrently",
            format!("{BASE}    indexes:\n      - {{ columns: [age] }}\n"),
            with_table("    indexes:\n      - { columns: [id] }\n"),
        ),
        (
            "constraint_validation_under_lock",
            format!("{BASE}    checks:\n      adult: \"age >= 18\"\n"),
            with_table("    checks:\n      positive: \"id > 0\"\n"),
        ),
        (
            "full_table_update",
            BASE.replace("nick: text?", "nick: { type: text, backfill: anon }"),
            BASE.replace("nick: text?", "nick: text?\n      bio: text?"),
        ),
        (
            "data_loss",
            BASE.replace("      nick: text?\n", ""),
            BASE.replace("nick: text?", "handle: { type: text?, renamed_from: nick }"),
        ),
        (
            "data_dependent",
            BASE.replace("age: integer", "age: smallint"),
            BASE.replace("age: integer", "age: bigint"),
        ),
        (
            "index_dropped",
            // Dropping the table's key drops its index.
            BASE.replace(
                "id: { type: bigserial, primary_key: true }",
                "id: bigserial",
            ),
            BASE.replace(
                "id: { type: bigserial, primary_key: true }",
                "id: { type: bigserial, primary_key: true }\n      extra: text?",
            ),
        ),
        (
            "irreversible_down",
            BASE.replace("      age: integer\n", ""),
            BASE.replace(
                "age: integer",
                "years: { type: integer, renamed_from: age }",
            ),
        ),
    ]
}

#[test]
fn each_rule_fires_on_its_change_and_not_on_the_safe_alternative() {
    for (rule, risky, safe) in cases() {
        for (schema, expected) in [(risky, true), (safe, false)] {
            let p = Project::new(rule);
            p.generate(BASE);
            p.generate(&schema);
            let findings = p.findings();
            let fired: Vec<&serde_json::Value> =
                findings.iter().filter(|f| f["rule"] == rule).collect();
            assert_eq!(
                !fired.is_empty(),
                expected,
                "{rule} {} on\n{schema}\nfindings: {findings:#?}",
                if expected { "did not fire" } else { "fired" }
            );
            for f in fired {
                for key in [
                    "severity",
                    "migration",
                    "statement_line",
                    "file",
                    "line",
                    "message",
                ] {
                    assert!(!f[key].is_null(), "{rule}: `{key}` missing in {f}");
                }
                assert_eq!(f["file"], "schema/app.yaml", "{f}");
                // The statement line points at the statement under the comment.
                let file = p.0.join(f["migration_file"].as_str().unwrap());
                let text = std::fs::read_to_string(file).unwrap();
                let line = f["statement_line"].as_u64().unwrap() as usize;
                let statement = text.lines().nth(line - 1).unwrap();
                assert!(
                    !statement.starts_with("--"),
                    "{rule}: line {line} is `{statement}`"
                );
            }
        }
    }
}

#[test]
fn a_dropped_index_is_named_and_its_lock_outside_safe_mode() {
    let indexed = format!("{BASE}    indexes:\n      - {{ columns: [age], name: users_age }}\n");
    let rules = |config: &str, after: &str| {
        let p = Project::new("drop-index");
        std::fs::write(p.0.join("schemac.toml"), config).unwrap();
        p.generate(&indexed);
        p.generate(after);
        let mut rules: Vec<String> = p
            .findings()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_owned())
            .collect();
        rules.sort();
        rules
    };
    let plain = "[database.main]\n";
    let safe = "[database.main]\n[migrations]\nsafe = true\n";
    assert_eq!(
        rules(plain, BASE),
        ["index_dropped", "index_without_concurrently"],
        "a plain DROP INDEX locks the table"
    );
    assert_eq!(
        rules(safe, BASE),
        ["index_dropped"],
        "CONCURRENTLY takes no such lock"
    );
    // An index changed under its name is built again: nothing is lost.
    let changed = indexed.replace("columns: [age]", "columns: [age, name]");
    assert!(!rules(plain, &changed).contains(&"index_dropped".to_owned()));
}

#[test]
fn deny_makes_lint_fail_and_an_unknown_rule_is_a_usage_error() {
    let p = Project::new("deny");
    p.generate(BASE);
    p.generate(&BASE.replace("age: integer", "age: bigint"));
    let out = p.run(&["lint", "--deny", "data_loss"]);
    assert_eq!(out.status.code(), Some(0), "no data loss here");
    let out = p.run(&["lint", "--deny", "data_loss,table_rewrite"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("migrations/0001_") && text.contains("table_rewrite"),
        "{text}"
    );
    let out = p.run(&["lint", "--deny", "table_rewrites"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown rule `table_rewrites`"));
    // A range: from the first migration on, the init has no hazards.
    let out = p.run(&["lint", "0000", "--format", "json"]);
    let all: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(all.iter().all(|f| f["migration"] != "0000_init"));
    assert!(!all.is_empty());
}

#[test]
fn generate_and_check_print_the_hazards_with_the_schema_line() {
    let p = Project::new("print");
    p.generate(BASE);
    std::fs::write(
        p.0.join("schema/app.yaml"),
        BASE.replace("age: integer", "age: bigint"),
    )
    .unwrap();
    let out = p.run(&["generate"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("table_rewrite") && err.contains("(from schema/app.yaml:7)"),
        "{err}"
    );
    let out = p.run(&["check"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("table_rewrite") && err.contains("schema/app.yaml:7"),
        "{err}"
    );
}

#[test]
fn in_safe_mode_the_lock_rules_stay_silent_and_the_online_forms_are_written() {
    let p = Project::new("safe");
    std::fs::write(
        p.0.join("schemac.toml"),
        "[migrations]\nsafe = true\nlock_timeout = \"2s\"\n",
    )
    .unwrap();
    p.generate(BASE);
    p.generate(&format!(
        "{}    indexes:\n      - {{ columns: [age] }}\n    checks:\n      adult: \"age >= 18\"\n",
        BASE.replace("nick: text?", "nick: text")
    ));
    let out = p.run(&["lint", "0000", "--format", "json"]);
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    for rule in [
        "index_without_concurrently",
        "set_not_null_scan",
        "constraint_validation_under_lock",
    ] {
        assert!(
            findings.iter().all(|f| f["rule"] != rule),
            "{rule} fired in safe mode: {findings:#?}"
        );
    }
    let mut names: Vec<String> = std::fs::read_dir(p.0.join("migrations"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql") && !n.ends_with(".down.sql"))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "0000_init.sql",
            "0001_alter_users.sql",
            "0002_alter_users_concurrently.sql",
            "0003_alter_users_validate.sql"
        ]
    );
    let read = |n: &str| std::fs::read_to_string(p.0.join("migrations").join(n)).unwrap();
    let main = read("0001_alter_users.sql");
    assert!(main.starts_with("SET LOCAL lock_timeout = '2s';"), "{main}");
    assert!(main.contains("CHECK (age >= 18) NOT VALID"), "{main}");
    assert!(
        main.contains("CHECK (\"nick\" IS NOT NULL) NOT VALID"),
        "{main}"
    );
    let concurrent = read("0002_alter_users_concurrently.sql");
    assert!(
        concurrent.starts_with("-- schemac:no-transaction\nSET lock_timeout = '2s';"),
        "{concurrent}"
    );
    assert!(
        concurrent.contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS \"users_age_idx\""),
        "{concurrent}"
    );
    let validate = read("0003_alter_users_validate.sql");
    for s in [
        "VALIDATE CONSTRAINT \"users_adult_check\"",
        "VALIDATE CONSTRAINT \"users_nick_not_null\"",
        "ALTER COLUMN \"nick\" SET NOT NULL",
        "DROP CONSTRAINT IF EXISTS \"users_nick_not_null\"",
    ] {
        assert!(validate.contains(s), "{s} in\n{validate}");
    }
}

#[test]
fn a_lock_timeout_that_is_not_a_duration_is_an_error_in_schemac_toml() {
    let p = Project::new("bad_timeout");
    std::fs::write(
        p.0.join("schemac.toml"),
        "[migrations]\nsafe = true\nlock_timeout = \"soon\"\n",
    )
    .unwrap();
    std::fs::write(p.0.join("schema/app.yaml"), BASE).unwrap();
    let out = p.run(&["generate"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("`lock_timeout = \"soon\"` is not a duration")
            && err.contains("schemac.toml:3"),
        "{err}"
    );
    assert!(!p.0.join("migrations").exists(), "nothing written");
}

#[test]
fn check_reports_a_missing_migration_file_though_its_hazards_cannot_be_read() {
    let p = Project::new("missing");
    p.generate(BASE);
    p.generate(&BASE.replace("age: integer", "age: bigint"));
    let sql = std::fs::read_dir(p.0.join("migrations"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|f| {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            name.starts_with("0001_") && !name.ends_with(".down.sql")
        })
        .expect("the second migration");
    std::fs::remove_file(&sql).unwrap();
    let out = p.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is missing (the journal lists 0001_"), "{err}");
}

#[test]
fn github_format_annotates_each_hazard_on_its_migration_line() {
    let p = Project::new("github");
    p.generate(BASE);
    p.generate(&BASE.replace("age: integer", "age: bigint"));
    let tag = std::fs::read_dir(p.0.join("migrations"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("0001_") && !n.ends_with(".down.sql"))
        .expect("the migration");
    let sql = std::fs::read_to_string(p.0.join("migrations").join(&tag)).unwrap();
    let line = sql
        .lines()
        .position(|l| l.starts_with("ALTER TABLE"))
        .expect("the statement")
        + 1;
    // Run from the directory above, as a workflow runs `schemac -C <project>`
    // from the repository's root: the path is the repository's.
    let project = p.0.file_name().unwrap().to_string_lossy().into_owned();
    let out = Command::new(env!("CARGO_BIN_EXE_schemac"))
        .args(["-C", &project, "lint", "--format", "github"])
        .current_dir(p.0.parent().unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let expected = format!(
        "::warning file={project}/migrations/{tag},line={line},title=schemac table_rewrite::changing the type of users.age rewrites users and its indexes under an ACCESS EXCLUSIVE lock (from schema/app.yaml:7)\n"
    );
    assert!(text.contains(&expected), "{text}\nwanted {expected}");
}

#[test]
fn diff_as_markdown_summarises_a_branchs_migrations_for_its_pull_request() {
    let p = Project::new("diff-markdown");
    p.generate(BASE);
    p.generate(&BASE.replace("age: integer", "age: bigint"));
    p.generate(
        &BASE
            .replace("age: integer", "age: bigint")
            .replace("      nick: text?\n", ""),
    );
    let out = p.run(&["diff", "0", "2", "--format", "markdown"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "### `main`: 0000_init → 0001_",
        "- alter column `users.age` type to bigint",
        "**Hazards**\n\n- `table_rewrite`: changing the type of users.age rewrites users",
        "<details><summary>SQL</summary>\n\n```sql\nALTER TABLE \"public\".\"users\" ALTER COLUMN \"age\" TYPE bigint",
        "### `main`: 0001_",
        "- drop column `users.nick`",
        "**Data lost, which the down cannot bring back**\n\n- ",
    ] {
        assert!(md.contains(expected), "lacks {expected:?}:\n{md}");
    }
    // Each section's fold is closed, so the next heading renders.
    assert_eq!(
        md.matches("<details>").count(),
        md.matches("</details>").count()
    );
}
