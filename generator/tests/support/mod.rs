//! What the binary's tests share: a database of their own on the real
//! PostgreSQL, and a project directory to run `schemac` in.

#![allow(dead_code)] // each test binary uses its own part of it

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// `DATABASE_URL`, else a throwaway server of this test process's own.
pub fn database_url() -> String {
    match schemac_runtime::testing::server() {
        Ok(server) => server.url().to_owned(),
        Err(e) => panic!("{e}"),
    }
}

pub fn admin() -> postgres::Client {
    postgres::Client::connect(&database_url(), postgres::NoTls).unwrap_or_else(|e| {
        panic!(
            "cannot reach PostgreSQL at DATABASE_URL ({e}); unset it and the tests \
             start a throwaway server of their own"
        )
    })
}

/// A database of its own, dropped at the end.
pub struct Db {
    pub name: String,
    pub url: String,
}

impl Db {
    pub fn create(label: &str) -> Db {
        let name = format!("schemac_cli_{label}_{}", std::process::id());
        let mut admin = admin();
        // Two statements: neither may run inside the implicit transaction of a batch.
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .expect("drop leftover database");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create database");
        let base = database_url();
        let server = base.rsplit_once('/').map_or(base.as_str(), |(s, _)| s);
        Db {
            url: format!("{server}/{name}"),
            name,
        }
    }

    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).expect("connect")
    }

    /// Every column of the public tables but the runners' own, as
    /// `table.column type null default`, for comparing two databases.
    pub fn columns(&self) -> Vec<String> {
        self.client()
            .query(
                "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable \
                 || ' ' || coalesce(column_default, '') FROM information_schema.columns \
                 WHERE table_schema = 'public' AND table_name NOT LIKE 'schemac\\_%' ORDER BY 1",
                &[],
            )
            .expect("columns")
            .iter()
            .map(|r| r.get(0))
            .collect()
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        let _ = admin().batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
    }
}

/// A project directory, removed at the end. Its database's URL is read
/// from `SCHEMAC_TEST_URL`, set per command.
pub struct Project(pub PathBuf);

pub const CONFIG: &str = "[database.main]\nschema = \"schema\"\nmigrations = \"migrations\"\nurl_env = \"SCHEMAC_TEST_URL\"\n";

impl Project {
    /// An empty directory.
    pub fn empty(label: &str) -> Project {
        let dir = std::env::temp_dir().join(format!("schemac-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("mkdir");
        Project(dir)
    }

    /// A project of one database with `schema` as `schema/app.yaml`.
    pub fn with_schema(label: &str, schema: &str) -> Project {
        let p = Project::empty(label);
        p.write("schemac.toml", CONFIG);
        p.write("schema/app.yaml", schema);
        p
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.0.join(relative)
    }

    pub fn write(&self, relative: &str, text: &str) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative))
            .unwrap_or_else(|e| panic!("read {relative}: {e}"))
    }

    /// `schemac` in the project, with the database's URL when one is given.
    pub fn command(&self, db: Option<&Db>, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_schemac"));
        command
            .arg("-C")
            .arg(&self.0)
            .args(args)
            .env_remove("SCHEMAC_TEST_URL")
            .stdin(Stdio::null());
        if let Some(db) = db {
            command.env("SCHEMAC_TEST_URL", &db.url);
        }
        command
    }

    pub fn run(&self, db: Option<&Db>, args: &[&str]) -> Run {
        let out = self.command(db, args).output().expect("run schemac");
        Run::from(out)
    }

    /// `schemac` with no database URL and no throwaway server to fall
    /// back on (`SCHEMAC_NO_THROWAWAY`), as a CI job that must name its own.
    pub fn run_without_server(&self, args: &[&str]) -> Run {
        let out = self
            .command(None, args)
            .env("SCHEMAC_NO_THROWAWAY", "1")
            .output()
            .expect("run schemac");
        Run::from(out)
    }

    /// The migrations' tags, from the SQL files on disk.
    pub fn tags(&self) -> Vec<String> {
        let mut tags: Vec<String> = std::fs::read_dir(self.path("migrations"))
            .map(|d| {
                d.flatten()
                    .filter_map(|e| {
                        let name = e.file_name().to_string_lossy().into_owned();
                        name.strip_suffix(".sql")
                            .filter(|stem| !stem.ends_with(".down"))
                            .map(str::to_owned)
                    })
                    .collect()
            })
            .unwrap_or_default();
        tags.sort();
        tags
    }

    /// git in the project, failing the test if it fails.
    pub fn git(&self, args: &[&str]) -> String {
        let out = self.git_output(args);
        assert!(
            out.ok(),
            "git {}: {}{}",
            args.join(" "),
            out.stdout,
            out.stderr
        );
        out.stdout
    }

    /// git in the project, whatever its exit.
    pub fn git_output(&self, args: &[&str]) -> Run {
        let out = Command::new("git")
            .arg("-C")
            .arg(&self.0)
            .args(args)
            .env("GIT_AUTHOR_NAME", "schemac tests")
            .env("GIT_AUTHOR_EMAIL", "tests@schemac.invalid")
            .env("GIT_COMMITTER_NAME", "schemac tests")
            .env("GIT_COMMITTER_EMAIL", "tests@schemac.invalid")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", &self.0)
            .output()
            .expect("run git");
        Run::from(out)
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A finished command: its exit code and its output as text.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(&self) -> bool {
        self.code == Some(0)
    }

    /// Fails the test with the output unless the command succeeded.
    pub fn success(self) -> Run {
        assert!(
            self.ok(),
            "exit {:?}\n{}{}",
            self.code,
            self.stdout,
            self.stderr
        );
        self
    }

    /// Fails the test unless the command exited with this code.
    pub fn exit(self, code: i32) -> Run {
        assert_eq!(
            self.code,
            Some(code),
            "expected exit {code}\n{}{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

impl From<Output> for Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).expect("copy");
        }
    }
}
