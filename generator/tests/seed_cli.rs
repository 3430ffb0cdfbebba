//! `schemac seed` as a process against the real PostgreSQL: every rule of
//! the seed runner (order, once, changed, missing, PROD, concurrent runners,
//! a failing seed) and two databases on one URL.

mod support;

use std::process::Stdio;

use support::{Db, Project};

const SCHEMA: &str = "tables:\n  tenants:\n    columns:\n      id: { type: bigserial, primary_key: true }\n      slug: { type: text, unique: true }\n  users:\n    columns:\n      id: { type: bigserial, primary_key: true }\n      tenant_id: { references: tenants }\n      email: text\n";

/// A project with its migrations written and applied to `db`.
fn project(label: &str, db: &Db) -> Project {
    let p = Project::with_schema(label, SCHEMA);
    p.run(None, &["generate"]).success();
    p.run(Some(db), &["migrate"]).success();
    p
}

fn count(db: &Db, sql: &str) -> i64 {
    db.client().query_one(sql, &[]).expect(sql).get(0)
}

#[test]
fn seeds_run_in_name_order_once_and_a_changed_one_is_refused_by_name() {
    let db = Db::create("seed_rules");
    let p = Project::with_schema("seed-rules", SCHEMA);
    p.run(None, &["generate"]).success();
    // 02 needs 01's tenant: name order is the order they run in.
    p.write(
        "seeds/development/02_users.sql",
        "INSERT INTO users (tenant_id, email)\nSELECT id, 'ada@example.com' FROM tenants WHERE slug = 'technova';\n",
    );
    p.write(
        "seeds/development/01_tenants.sql",
        "INSERT INTO tenants (slug) VALUES ('technova');\n",
    );

    // Not before the migrations are applied.
    let out = p.run(Some(&db), &["seed"]).exit(1);
    assert!(
        out.stderr
            .contains("run `schemac migrate` first (0000_init)"),
        "{}",
        out.stderr
    );
    p.run(Some(&db), &["migrate"]).success();

    let dry = p.run(Some(&db), &["seed", "--dry-run"]).success();
    assert!(
        dry.stdout.contains("would run seed 01_tenants")
            && dry.stdout.contains("INSERT INTO tenants"),
        "{}",
        dry.stdout
    );
    assert_eq!(count(&db, "SELECT count(*) FROM tenants"), 0);

    let out = p.run(Some(&db), &["seed"]).success();
    assert_eq!(
        out.stdout,
        "main: ran 2 development seeds (01_tenants, 02_users)\n"
    );
    let out = p.run(Some(&db), &["seed"]).success();
    assert_eq!(
        out.stdout,
        "main: every development seed has run; nothing to run\n"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM users"), 1);
    let recorded = count(
        &db,
        "SELECT count(*) FROM schemac_seeds WHERE database = 'main' AND environment = 'development' \
         AND length(sha256) = 64",
    );
    assert_eq!(recorded, 2);

    // A changed seed refuses the run, naming it, before a new one runs.
    p.write(
        "seeds/development/01_tenants.sql",
        "INSERT INTO tenants (slug) VALUES ('technova'), ('globex');\n",
    );
    p.write(
        "seeds/development/03_more.sql",
        "INSERT INTO tenants (slug) VALUES ('initech');\n",
    );
    let out = p.run(Some(&db), &["seed"]).exit(1);
    assert!(
        out.stderr
            .contains("seed 01_tenants changed after it ran, so nothing was run"),
        "{}",
        out.stderr
    );
    assert_eq!(count(&db, "SELECT count(*) FROM tenants"), 1);
    let status = p.run(Some(&db), &["seed", "--status"]).exit(1);
    assert!(
        status.stdout.contains("  CHANGED  01_tenants")
            && status.stdout.contains("  ran      02_users")
            && status.stdout.contains("  pending  03_more"),
        "{}",
        status.stdout
    );

    // Restored, and 02 removed: it is listed as missing, and the run goes on.
    p.write(
        "seeds/development/01_tenants.sql",
        "INSERT INTO tenants (slug) VALUES ('technova');\n",
    );
    std::fs::remove_file(p.path("seeds/development/02_users.sql")).expect("remove");
    let status = p.run(Some(&db), &["seed", "--status"]).success();
    assert!(
        status.stdout.contains("  missing  02_users"),
        "{}",
        status.stdout
    );
    let out = p.run(Some(&db), &["seed"]).success();
    assert_eq!(out.stdout, "main: ran 1 development seed (03_more)\n");
}

#[test]
fn production_seeds_without_the_prefix_refuse_the_run_before_the_database_is_touched() {
    let db = Db::create("seed_prod");
    let p = project("seed-prod", &db);
    let none = p.run(Some(&db), &["seed", "--env", "staging"]).success();
    assert!(
        none.stdout.starts_with("main: no staging seeds (none in "),
        "{}",
        none.stdout
    );
    p.write(
        "seeds/production/PROD_01_plans.sql",
        "INSERT INTO tenants (slug) VALUES ('system');\n",
    );
    p.write(
        "seeds/production/02_fixtures.sql",
        "INSERT INTO tenants (slug) VALUES ('test');\n",
    );
    let out = p.run(Some(&db), &["seed", "--env", "production"]).exit(1);
    assert!(
        out.stderr.contains("must have names starting with `PROD`")
            && out.stderr.contains("02_fixtures"),
        "{}",
        out.stderr
    );
    let table: Option<String> = db
        .client()
        .query_one("SELECT to_regclass('schemac_seeds')::text", &[])
        .expect("regclass")
        .get(0);
    assert_eq!(table, None, "the database was not touched");
    std::fs::remove_file(p.path("seeds/production/02_fixtures.sql")).expect("remove");
    let out = p
        .command(Some(&db), &["seed"])
        .env("SCHEMAC_ENV", "production")
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "main: ran 1 production seed (PROD_01_plans)\n"
    );
    // Another environment's seeds are tracked apart.
    p.write(
        "seeds/development/PROD_01_plans.sql",
        "INSERT INTO tenants (slug) VALUES ('dev');\n",
    );
    let out = p.run(Some(&db), &["seed"]).success();
    assert_eq!(out.stdout, "main: ran 1 development seed (PROD_01_plans)\n");
}

#[test]
fn a_failing_seed_leaves_no_trace_and_names_its_line() {
    let db = Db::create("seed_fail");
    let p = project("seed-fail", &db);
    p.write(
        "seeds/development/01_ok.sql",
        "INSERT INTO tenants (slug) VALUES ('a');\n",
    );
    p.write(
        "seeds/development/02_bad.sql",
        "INSERT INTO tenants (slug) VALUES ('b');\n\nINSERT INTO tenants (slugg) VALUES ('c');\n",
    );
    let out = p.run(Some(&db), &["seed"]).exit(1);
    assert!(
        out.stderr.contains("seed 02_bad failed at line 3 of")
            && out.stderr.contains("column \"slugg\"")
            && out.stderr.contains("rolled back and is not recorded"),
        "{}",
        out.stderr
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM tenants WHERE slug = 'b'"),
        0
    );
    assert_eq!(count(&db, "SELECT count(*) FROM schemac_seeds"), 1);
    p.write(
        "seeds/development/02_bad.sql",
        "INSERT INTO tenants (slug) VALUES ('b');\n",
    );
    let out = p.run(Some(&db), &["seed"]).success();
    assert_eq!(out.stdout, "main: ran 1 development seed (02_bad)\n");
}

#[test]
fn eight_runners_at_once_run_each_seed_once() {
    let db = Db::create("seed_procs");
    let p = project("seed-procs", &db);
    p.write(
        "seeds/development/01_slow.sql",
        "SELECT pg_sleep(0.3);\nINSERT INTO tenants (slug) VALUES ('once');\n",
    );
    p.write(
        "seeds/development/02_log.sql",
        "CREATE TABLE seed_log (at timestamptz DEFAULT now());\nINSERT INTO seed_log DEFAULT VALUES;\n",
    );
    let children: Vec<_> = (0..8)
        .map(|_| {
            p.command(Some(&db), &["seed"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let mut ran = 0;
    for child in children {
        let out = child.wait_with_output().expect("wait");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        if stdout.starts_with("main: ran 2") {
            ran += 1;
        } else {
            assert_eq!(
                stdout,
                "main: every development seed has run; nothing to run\n"
            );
        }
    }
    assert_eq!(ran, 1, "one runner ran the seeds");
    assert_eq!(count(&db, "SELECT count(*) FROM seed_log"), 1);
    assert_eq!(
        count(&db, "SELECT count(*) FROM tenants WHERE slug = 'once'"),
        1
    );
}

#[test]
fn two_databases_on_one_url_keep_their_migrations_and_seeds_apart() {
    let db = Db::create("seed_shared");
    let p = Project::empty("seed-shared");
    p.write(
        "schemac.toml",
        "[database.main]\nschema = \"schema/main\"\nmigrations = \"migrations/main\"\nurl_env = \"SCHEMAC_TEST_URL\"\n\n\
         [database.audit]\nschema = \"schema/audit\"\nmigrations = \"migrations/audit\"\nurl_env = \"SCHEMAC_TEST_URL\"\n",
    );
    p.write("schema/main/app.yaml", SCHEMA);
    p.write(
        "schema/audit/app.yaml",
        "tables:\n  events:\n    columns:\n      id: { type: bigserial, primary_key: true }\n      what: text\n",
    );
    p.run(None, &["generate"]).success();
    p.run(Some(&db), &["migrate"]).success();
    // Both databases have a 0000_init and a seed named 01_first.
    p.write(
        "seeds/main/development/01_first.sql",
        "INSERT INTO tenants (slug) VALUES ('main');\n",
    );
    p.write(
        "seeds/audit/development/01_first.sql",
        "INSERT INTO events (what) VALUES ('audit');\n",
    );
    let out = p.run(Some(&db), &["seed"]).success();
    assert!(
        out.stdout
            .contains("audit: ran 1 development seed (01_first)")
            && out
                .stdout
                .contains("main: ran 1 development seed (01_first)"),
        "{}",
        out.stdout
    );
    let status = p.run(Some(&db), &["status"]).success();
    assert!(
        !status.stdout.contains("EDITED") && !status.stdout.contains("MISSING"),
        "{}",
        status.stdout
    );
    let seeds = p
        .run(Some(&db), &["seed", "--status", "--db", "audit"])
        .success();
    assert_eq!(
        seeds.stdout.matches("  ran ").count(),
        1,
        "{}",
        seeds.stdout
    );
}

#[test]
fn a_closed_pipe_ends_every_printing_command_quietly() {
    let db = Db::create("seed_pipe");
    let p = project("seed-pipe", &db);
    p.write(
        "seeds/development/01_a.sql",
        "INSERT INTO tenants (slug) VALUES ('a');\n",
    );
    p.git(&["init", "-q", "-b", "main"]);
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "init"]);
    let elsewhere = Project::empty("seed-pipe-init");
    let commands: &[&[&str]] = &[
        &["migrate", "--dry-run"],
        &["migrate"],
        &["status"],
        &["seed", "--status"],
        &["seed", "--dry-run"],
        &["seed"],
        &["diff", "0", "--verbose"],
        &["lint", "0"],
        &["check"],
        &["generate"],
        &["rebase", "--onto", "HEAD"],
        &["init"],
        &["--help"],
        // Last: it takes the migration back.
        &["discard"],
    ];
    for args in commands {
        // A reader that closes the pipe at once, as `| head -0` does.
        // `discard` runs without a URL, so it takes the migration back and says so.
        let db = (args[0] != "discard").then_some(&db);
        // `init` in a directory of its own.
        let project = if args[0] == "init" { &elsewhere } else { &p };
        let mut child = project
            .command(db, args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "schemac {}: {stderr}",
            args.join(" ")
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "schemac {}: {stderr}",
            args.join(" ")
        );
    }
}

#[test]
fn a_file_that_is_not_a_seed_stops_the_run_by_name() {
    let db = Db::create("seed_strangers");
    let p = project("seed-strangers", &db);
    p.write(
        "seeds/development/01_tenants.sql",
        "INSERT INTO tenants (slug) VALUES ('technova');\n",
    );
    p.write("seeds/development/02_users.SQL", "SELECT 1;\n");
    p.write("seeds/development/03_more.json", "{}\n");
    let out = p.run(Some(&db), &["seed"]).exit(1);
    assert!(
        out.stderr.contains("02_users.SQL, 03_more.json") && out.stderr.contains("nothing was run"),
        "{}",
        out.stderr
    );
    assert_eq!(count(&db, "SELECT count(*) FROM tenants"), 0, "nothing ran");
}

#[test]
fn the_tracking_tables_live_in_the_schema_the_project_names() {
    let db = Db::create("seed_tracking_schema");
    let p = Project::with_schema("seed-tracking-schema", SCHEMA);
    p.write(
        "schemac.toml",
        &format!("{}tracking_schema = \"app_meta\"\n", support::CONFIG),
    );
    p.write(
        "seeds/development/01_tenants.sql",
        "INSERT INTO tenants (slug) VALUES ('technova');\n",
    );
    p.run(None, &["generate"]).success();
    p.run(Some(&db), &["migrate"]).success();
    p.run(Some(&db), &["seed"]).success();
    let status = p.run(Some(&db), &["status"]).success();
    assert!(status.stdout.contains("0000_init"), "{}", status.stdout);
    let seeds = p.run(Some(&db), &["seed", "--status"]).success();
    assert!(seeds.stdout.contains("01_tenants"), "{}", seeds.stdout);
    assert_eq!(
        count(&db, "SELECT count(*) FROM app_meta.schemac_migrations"),
        1
    );
    assert_eq!(count(&db, "SELECT count(*) FROM app_meta.schemac_seeds"), 1);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'schemac_%'"
        ),
        0,
        "nothing tracked in public"
    );
    // A second run finds its records there: nothing runs again.
    p.run(Some(&db), &["migrate"]).success();
    p.run(Some(&db), &["seed"]).success();
    assert_eq!(count(&db, "SELECT count(*) FROM tenants"), 1);
}

/// A seed written in Rust, declared in `schemac.toml`, keeps its place in
/// the one order and status: the CLI, which cannot run it, refuses a later
/// SQL seed until the application has run it, then runs the rest; the
/// status shows it, ran or pending, never as missing.
#[test]
fn a_rust_seed_declared_in_the_project_keeps_its_place_in_the_order() {
    use schemac_runtime::migrate::MigrationSet;
    use schemac_runtime::seed::{SeedSet, Seeder};
    use schemac_runtime::{PoolConfig, Write};

    let db = Db::create("seed_rust");
    let p = project("seed-rust", &db);
    p.write(
        "schemac.toml",
        &format!(
            "{}\n[database.main.rust_seeds]\ndevelopment = [\"0001_technova\"]\n",
            support::CONFIG.trim_end()
        ),
    );
    p.write(
        "seeds/development/0002_acme.sql",
        "INSERT INTO users (tenant_id, email)\nSELECT id, 'ada@acme.test' FROM tenants WHERE slug = 'technova';\n",
    );

    let status = p.run(Some(&db), &["seed", "--status"]).success();
    assert!(
        status
            .stdout
            .contains("pending  0001_technova  (Rust: the application runs it)")
            && status.stdout.contains("pending  0002_acme"),
        "{}",
        status.stdout
    );
    let refused = p.run(Some(&db), &["seed"]).exit(1);
    assert!(
        refused.stderr.contains(
            "seed 0001_technova is written in Rust and runs from the application, and it has not run yet, \
             so the seed after it (0002_acme) cannot run before it; nothing was run"
        ),
        "{}",
        refused.stderr
    );
    assert_eq!(count(&db, "SELECT count(*) FROM users"), 0);

    // The application runs its seed set: the Rust seed, then the file.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let set = SeedSet::load(p.path("seeds"), "development")
        .expect("files")
        .declare_rust(&["0001_technova".to_owned()])
        .expect("declared")
        .function("0001_technova", 1, |tx| {
            Box::pin(async move {
                tx.execute("INSERT INTO tenants (slug) VALUES ('technova')", &[])
                    .await
                    .map(|_| ())
            })
        })
        .expect("function");
    let migrations = MigrationSet::load(p.path("migrations")).expect("migrations");
    let ran = rt
        .block_on(Seeder::new(PoolConfig::new(db.url.clone())).run(&set, &migrations))
        .expect("the application's run");
    assert_eq!(ran, ["0001_technova", "0002_acme"]);

    let status = p.run(Some(&db), &["seed", "--status"]).success();
    assert!(
        status.stdout.contains("0001_technova")
            && status.stdout.contains("(Rust, by the application)"),
        "{}",
        status.stdout
    );
    assert!(!status.stdout.contains("missing"), "{}", status.stdout);
    let again = p.run(Some(&db), &["seed"]).success();
    assert!(
        again.stdout.contains("every development seed has run"),
        "{}",
        again.stdout
    );
    // A later file after it runs from the CLI now.
    p.write(
        "seeds/development/0003_more.sql",
        "INSERT INTO tenants (slug) VALUES ('acme');\n",
    );
    let out = p.run(Some(&db), &["seed"]).success();
    assert!(
        out.stdout.contains("ran 1 development seed (0003_more)"),
        "{}",
        out.stdout
    );
}
