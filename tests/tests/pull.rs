//! `schemac pull` proven by round trip: a database built from each example's
//! migrations is read into schema YAML, that YAML generates a first
//! migration, and a fresh database built from it has the same catalog;
//! generating again writes nothing.

use schemac::pull::Layout;
use schemac_schema::migration_dir::Journal;
use schemac_tests::pulled::round_trip;
use schemac_tests::{TestDb, example_databases};

/// A database holding every migration of a directory, applied in order.
fn built_from(migrations: &std::path::Path, label: &str) -> TestDb {
    let journal = std::fs::read_to_string(migrations.join("meta/_journal.json")).expect("journal");
    let journal = Journal::from_json(&journal).expect("journal parses");
    let mut db = TestDb::create(label);
    for entry in &journal.entries {
        let up = std::fs::read_to_string(migrations.join(format!("{}.sql", entry.tag)))
            .expect("migration");
        db.apply_migration(&up);
    }
    db
}

#[test]
fn every_example_pulls_into_a_schema_that_builds_the_same_catalog() {
    let mut failures = Vec::new();
    for example in example_databases() {
        let label = format!("pull_{}_{}", example.example, example.database);
        let mut source = built_from(&example.migrations, &label);
        if let Err(why) = round_trip(&label, &mut source, Layout::default()) {
            failures.push(format!("{}/{}: {why}", example.example, example.database));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
