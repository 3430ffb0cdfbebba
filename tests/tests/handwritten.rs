//! Generated migrations build the same database as SQL a person wrote by hand
//! from the applications' own documents, down to the names Postgres picks.

use schemac_schema::compile_project;
use schemac_tests::{TestDb, catalog, diff, repo_root};

fn compare(example: &str, database: &str) {
    let root = repo_root().join("examples").join(example);
    let compiled = compile_project(&root);
    assert!(!compiled.has_errors(), "{}", compiled.render_diagnostics());
    let schema = compiled
        .schemas
        .iter()
        .find(|s| s.database == database)
        .unwrap_or_else(|| panic!("{example} has no database {database}"));
    let generated = schemac::ddl::join_statements(&schemac::ddl::create_schema(schema));
    let fixture = repo_root().join(format!(
        "tests/fixtures/handwritten/{example}_{database}.sql"
    ));
    let handwritten = std::fs::read_to_string(&fixture).expect("fixture exists");

    let mut ours = TestDb::create("gen");
    ours.apply_migration(&generated);
    let mut theirs = TestDb::create("hand");
    theirs
        .client
        .batch_execute(&handwritten)
        .expect("hand-written SQL applies");

    let ours = catalog::read(&mut ours.client).join("\n") + "\n";
    let theirs = catalog::read(&mut theirs.client).join("\n") + "\n";
    assert!(
        ours == theirs,
        "{example}/{database}: generated (actual) and hand-written (expected) databases differ:\n{}",
        diff(&theirs, &ours)
    );
}

#[test]
fn marketplace_auth_matches_hand_written_sql() {
    compare("marketplace", "auth");
}

#[test]
fn marketplace_main_matches_hand_written_sql() {
    compare("marketplace", "main");
}

#[test]
fn saas_matches_hand_written_sql() {
    compare("saas", "main");
}
