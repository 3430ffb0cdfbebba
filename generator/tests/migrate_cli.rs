//! `schemac migrate` and `schemac status` as processes against the real
//! PostgreSQL: eight deploys at once apply each migration once.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod support;

use support::{Db, copy_dir};

/// A project whose migrations are a copy of the saas example's ten-step evolution.
struct Project(PathBuf);

impl Project {
    fn new(label: &str) -> Project {
        let dir =
            std::env::temp_dir().join(format!("schemac-migrate-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let source =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated/saas-evolution/migrations");
        copy_dir(&source, &dir.join("migrations"));
        std::fs::write(
            dir.join("schemac.toml"),
            "[database.main]\nmigrations = \"migrations\"\nurl_env = \"SCHEMAC_TEST_URL\"\n",
        )
        .expect("write schemac.toml");
        Project(dir)
    }

    fn command(&self, db: &Db, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_schemac"));
        command
            .arg("-C")
            .arg(&self.0)
            .args(args)
            .env("SCHEMAC_TEST_URL", &db.url)
            .stdin(Stdio::null());
        command
    }

    fn run(&self, db: &Db, args: &[&str]) -> Output {
        self.command(db, args).output().expect("run schemac")
    }

    fn tags(&self) -> Vec<String> {
        let mut tags: Vec<String> = std::fs::read_dir(self.0.join("migrations"))
            .expect("migrations")
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.strip_suffix(".sql")
                    .filter(|stem| !stem.ends_with(".down"))
                    .map(str::to_owned)
            })
            .collect();
        tags.sort();
        tags
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn eight_processes_apply_each_migration_once() {
    let db = Db::create("procs");
    let project = Project::new("procs");
    let tags = project.tags();
    assert_eq!(tags.len(), 10);

    let children: Vec<_> = (0..8)
        .map(|_| {
            project
                .command(&db, &["migrate"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let mut applied: Vec<String> = Vec::new();
    for child in children {
        let out = child.wait_with_output().expect("wait");
        let stdout = text(&out.stdout);
        assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
        if let Some(list) = stdout
            .lines()
            .find_map(|l| l.strip_prefix("main: applied "))
            .and_then(|l| l.split_once(" ("))
            .map(|(_, list)| list.trim_end_matches(')').to_owned())
        {
            applied.extend(list.split(", ").map(str::to_owned));
        } else {
            assert_eq!(stdout.trim(), "main: up to date; nothing to apply");
        }
    }
    applied.sort();
    assert_eq!(
        applied, tags,
        "every migration applied by exactly one process"
    );
    let recorded: i64 = db
        .client()
        .query_one("SELECT count(DISTINCT tag) FROM schemac_migrations", &[])
        .expect("count")
        .get(0);
    assert_eq!(recorded, 10);

    let out = project.run(&db, &["status"]);
    assert!(out.status.success());
    let status = text(&out.stdout);
    assert_eq!(
        status
            .lines()
            .filter(|l| l.trim_start().starts_with("applied"))
            .count(),
        10,
        "{status}"
    );
}

#[test]
fn status_dry_run_down_and_edits_through_the_cli() {
    let db = Db::create("states");
    let project = Project::new("states");
    let last = project.tags().pop().expect("a last migration");

    let out = project.run(&db, &["status"]);
    let status = text(&out.stdout);
    assert!(out.status.success());
    assert!(
        status.starts_with("main (SCHEMAC_TEST_URL):\n  pending  0000_init\n"),
        "{status}"
    );

    let out = project.run(&db, &["migrate", "--dry-run"]);
    let plan = text(&out.stdout);
    assert!(
        plan.contains("-- main: would apply ") && plan.contains("CREATE TABLE"),
        "{plan}"
    );
    let exists: Option<String> = db
        .client()
        .query_one("SELECT to_regclass('schemac_migrations')::text", &[])
        .expect("regclass")
        .get(0);
    assert_eq!(exists, None, "a dry run writes nothing");

    assert!(project.run(&db, &["migrate"]).status.success());
    let out = project.run(&db, &["migrate", "--down", "1"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), format!("main: reverted {last}\n"));
    let status = text(&project.run(&db, &["status"]).stdout);
    assert!(
        status.ends_with(&format!("  pending  {last}\n")),
        "{status}"
    );
    assert!(project.run(&db, &["migrate"]).status.success());

    // An applied migration edited: status says so and exits 1; migrate refuses.
    let init = project.0.join("migrations/0000_init.sql");
    let mut sql = std::fs::read_to_string(&init).expect("read");
    sql.push_str("\n-- an edit\n");
    std::fs::write(&init, sql).expect("edit");
    let out = project.run(&db, &["status"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("  EDITED   0000_init"),
        "{}",
        text(&out.stdout)
    );
    let out = project.run(&db, &["migrate"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("error: main: migrate failed: migration 0000_init was applied, but ")
            && stderr.contains("0000_init.sql has changed since"),
        "{stderr}"
    );
}

#[test]
fn a_missing_url_variable_is_named() {
    let db = Db::create("nourl");
    let project = Project::new("nourl");
    let out = project
        .command(&db, &["migrate"])
        .env_remove("SCHEMAC_TEST_URL")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "error: configuration: SCHEMAC_TEST_URL is not set: set it to the database URL, \
         e.g. postgres://user@host:5432/db\n"
    );
}
