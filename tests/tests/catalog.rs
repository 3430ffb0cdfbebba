//! Every example's generated migration, applied to a fresh database, creates
//! exactly the schema its model describes.

use schemac_schema::compile_project;
use schemac_tests::{TestDb, catalog, diff, examples, repo_root};

#[test]
fn every_example_creates_exactly_its_model() {
    let names = examples();
    assert_eq!(
        names.len(),
        6,
        "expected the five applications' example projects and names, found {names:?}"
    );
    let mut failures = Vec::new();
    for example in &names {
        let root = repo_root().join("examples").join(example);
        let compiled = compile_project(&root);
        assert!(
            !compiled.has_errors(),
            "{example}:\n{}",
            compiled.render_diagnostics()
        );
        for schema in &compiled.schemas {
            let sql = schemac::ddl::join_statements(&schemac::ddl::create_schema(schema));
            let mut db = TestDb::create(&format!("cat_{example}"));
            db.apply_migration(&sql);
            let actual = catalog::read(&mut db.client).join("\n") + "\n";
            let expected = catalog::expected(&mut db.client, schema).join("\n") + "\n";
            // The scratch tables must not leak into what the database holds.
            assert_eq!(actual, catalog::read(&mut db.client).join("\n") + "\n");
            if actual != expected {
                failures.push(format!(
                    "{example}/{}:\n{}",
                    schema.database,
                    diff(&expected, &actual)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "catalog differs from the model:\n{}",
        failures.join("\n")
    );
}
