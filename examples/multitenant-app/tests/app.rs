//! The example application end to end, against a database of its own:
//! migrate, onboard in one transaction, show through the read-only pool.

use std::process::{Command, Output};

use schemac_runtime::tokio_postgres::{self, NoTls};

/// DATABASE_URL, else a throwaway server of these tests' own.
fn database_url() -> String {
    match schemac_runtime::testing::server() {
        Ok(server) => server.url().to_owned(),
        Err(e) => panic!("{e}"),
    }
}

/// Runs one admin statement on the tests' server.
fn admin(sql: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let (client, connection) = tokio_postgres::connect(&database_url(), NoTls)
            .await
            .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {} ({e})", database_url()));
        tokio::spawn(connection);
        client.batch_execute(sql).await.expect(sql);
    });
}

struct Db {
    name: String,
    url: String,
}

impl Db {
    fn create() -> Db {
        let name = format!("multitenant_app_{}", std::process::id());
        admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        admin(&format!("CREATE DATABASE {name}"));
        let base = database_url();
        let server = base.rsplit_once('/').map_or(base.as_str(), |(s, _)| s);
        Db {
            url: format!("{server}/{name}"),
            name,
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_multitenant-app"))
            .args(args)
            .env("DATABASE_URL", &self.url)
            .env_remove("DATABASE_RO_URL")
            .output()
            .expect("run the app")
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        admin(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
    }
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn onboards_and_shows_a_tenant() {
    let db = Db::create();
    assert_eq!(stdout(&db.run(&["migrate"])), "applied 1 migration(s)\n");
    let onboarded = stdout(&db.run(&["onboard", "acme", "ada@acme.test", "bob@acme.test"]));
    assert!(
        onboarded.starts_with("onboarded acme (tenant-"),
        "{onboarded}"
    );

    let shown = stdout(&db.run(&["show", "acme"]));
    let lines: Vec<&str> = shown.lines().collect();
    assert!(
        lines[0].starts_with("tenant acme tenant-")
            && lines[0].ends_with("plan=team seats=2 locale=en-GB"),
        "{shown}"
    );
    assert_eq!(
        &lines[1..],
        [
            r#"user ada@acme.test roles=["member"] tags=["onboarded-with=acme"]"#,
            r#"user bob@acme.test roles=["member"] tags=["onboarded-with=acme"]"#,
            "read through a session with default_transaction_read_only=on",
        ]
    );

    // A failure half-way through onboarding leaves nothing: one transaction.
    let failed = db.run(&["onboard", "dup", "x@dup.test", "x@dup.test"]);
    assert!(!failed.status.success());
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(stderr.contains("users_tenant_id_email_key"), "{stderr}");
    assert_eq!(stdout(&db.run(&["show", "dup"])), "no tenant dup\n");
}
