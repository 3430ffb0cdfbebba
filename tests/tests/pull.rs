//! `schemac pull` proven by round trip: a database built from each example's
//! migrations is read into schema YAML, that YAML generates a first
//! migration, and a fresh database built from it has the same catalog;
//! generating again writes nothing.

use schemac::pull::Layout;
use schemac_schema::migration_dir::Journal;
use schemac_tests::pulled::{round_trip, round_trip_of};
use schemac_tests::{TestDb, example_databases, repo_root};

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
        for layout in [
            Layout::default(),
            Layout {
                split: true,
                mixins: true,
            },
        ] {
            if let Err(why) = round_trip(&label, &mut source, layout) {
                failures.push(format!(
                    "{}/{} ({layout:?}): {why}",
                    example.example, example.database
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// pagila, loaded from its own file: all of it but the partitioned
/// `payment` (partitions are not expressed yet) and the three views that
/// read it, which the pull lists by name, comes back the same.
#[test]
fn pagila_pulls_into_a_schema_that_builds_the_same_catalog() {
    let path = repo_root().join("tests/fixtures/pagila/pagila-schema.sql");
    let sql = std::fs::read_to_string(&path).expect("pagila's file");
    let mut source = TestDb::create("pull_pagila");
    source.client.batch_execute(&sql).expect("pagila loads");
    source
        .client
        .batch_execute("RESET search_path")
        .expect("reset");
    // rental_category: the materialized view's index.
    let left_out = [
        "payment",
        "sales_by_store",
        "sales_by_film_category",
        "rental_by_category",
        "rental_category",
    ];
    let trip = round_trip_of("pull_pagila", &mut source, Layout::default(), &|key| {
        !left_out.iter().any(|name| key.contains(name))
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let mut listed: Vec<String> = trip
        .pulled
        .unsupported
        .iter()
        .map(|u| u.object.clone())
        .collect();
    listed.retain(|o| !o.starts_with("partition "));
    assert_eq!(
        listed,
        [
            "partitioned table public.payment",
            "view public.rental_by_category",
            "view public.sales_by_film_category",
            "view public.sales_by_store",
        ],
        "{:#?}",
        trip.pulled.unsupported
    );
    let yaml = &trip.files[0].1;
    for expected in [
        // Its sequences' own columns, as schemac writes them.
        "      actor_id: { type: integer, primary_key: true, default_sql: \"nextval('public.actor_actor_id_seq'::regclass)\" }",
        "  year:\n    type: integer\n    checks:\n      year_check: \"((VALUE >= 1901) AND (VALUE <= 2155))\"",
        "  mpaa_rating: [G, PG, \"PG-13\", R, \"NC-17\"]",
        "        function: tsvector_update_trigger\n        args: [fulltext, \"pg_catalog.english\", title, description]",
    ] {
        assert!(
            yaml.contains(expected),
            "the pulled pagila lacks {expected}:\n{yaml}"
        );
    }
}

/// `--mixins`: the gifting example's tables that end with the same
/// timestamps share a mixin, and build the same catalog.
#[test]
fn mixins_are_proposed_for_the_columns_tables_end_with_alike() {
    let example = example_databases()
        .into_iter()
        .find(|e| e.example == "gifting")
        .expect("gifting");
    let mut source = built_from(&example.migrations, "pull_mixins");
    let layout = Layout {
        split: false,
        mixins: true,
    };
    let trip = round_trip("pull_mixins", &mut source, layout).unwrap_or_else(|e| panic!("{e}"));
    let yaml = &trip.files[0].1;
    assert!(
        yaml.contains("mixins:\n  timestamps:\n    columns:\n      created_at: { type: timestamp, default_sql: \"now()\" }\n      updated_at: { type: timestamp, default_sql: \"now()\" }\n"),
        "{yaml}"
    );
    assert!(
        yaml.matches("    mixins: [timestamps]\n").count() >= 3,
        "{yaml}"
    );
}

/// The three real drizzle-kit directories of `../shared/drizzle-fixtures/`
/// (read in place), each replayed into a database as drizzle-kit's
/// migrator runs them, pull back into a schema that builds the same catalog.
#[test]
fn drizzle_kit_databases_pull_into_a_schema_that_builds_the_same_catalog() {
    let mut failures = Vec::new();
    for name in ["ai-chatbot", "dittofeed", "cosmo"] {
        let dir = repo_root()
            .join("../shared/drizzle-fixtures")
            .join(name)
            .join("migrations");
        let journal = std::fs::read_to_string(dir.join("meta/_journal.json")).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (the fixtures live in ../shared beside the checkout)",
                dir.display()
            )
        });
        let journal: serde_json::Value = serde_json::from_str(&journal).expect("journal");
        let label = format!("pull_drizzle_{}", name.replace('-', "_"));
        let mut source = TestDb::create(&label);
        for entry in journal["entries"].as_array().expect("entries") {
            let tag = entry["tag"].as_str().expect("tag");
            let sql = std::fs::read_to_string(dir.join(format!("{tag}.sql"))).expect("sql");
            let mut tx = source.client.transaction().expect("tx");
            for statement in sql.split("--> statement-breakpoint") {
                if !statement.trim().is_empty() {
                    tx.batch_execute(statement)
                        .unwrap_or_else(|e| panic!("{name} {tag}: {e}"));
                }
            }
            tx.commit().expect("commit");
        }
        let layout = Layout {
            split: name == "cosmo",
            mixins: name == "dittofeed",
        };
        if let Err(why) = round_trip(&label, &mut source, layout) {
            failures.push(format!("{name}: {why}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
