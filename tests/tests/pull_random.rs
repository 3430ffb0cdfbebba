//! Property: for random schemas S, the database S's first migration builds
//! pulls into YAML that builds a database with the same catalog, and that
//! YAML generates nothing more a second time.
//!
//! `PULL_CASES` sets the number of schemas (default 40); the seed is fixed,
//! so CI pulls the same schemas every time.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use schemac::pull::Layout;
use schemac_schema::{Diagnostics, SourceMap, compile_sources};
use schemac_tests::TestDb;
use schemac_tests::pulled::round_trip;
use schemac_tests::random_schema::{base, edit, files};

#[test]
fn random_schemas_pull_into_a_schema_that_builds_the_same_catalog() {
    let cases: u32 = std::env::var("PULL_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&20_261_207u64.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            max_shrink_iters: 50,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let pulled = std::cell::Cell::new(0usize);
    let objects = std::cell::Cell::new(0usize);
    let strategy = (
        any::<u64>(),
        prop::collection::vec((any::<u8>(), any::<u16>(), any::<u16>()), 0..8),
        any::<bool>(),
        any::<bool>(),
    );
    let result = runner.run(&strategy, |(seed, ops, split, mixins)| {
        // An edited schema reaches what a first one does not (renamed,
        // retyped, moved objects, as a later state of a database).
        let spec = edit(&base(seed), &ops, seed);
        let shown = || {
            files(&spec)
                .into_iter()
                .map(|(p, t)| format!("# {}\n{t}", p.display()))
                .collect::<String>()
        };
        let compiled = compile_sources(
            vec![("main".into(), files(&spec))],
            SourceMap::new(),
            Diagnostics::new(),
        );
        if compiled.has_errors() {
            return Err(TestCaseError::fail(format!(
                "S does not compile:\n{}\n{}",
                compiled.render_diagnostics(),
                shown()
            )));
        }
        let schema = &compiled.schemas[0];
        let mut source = TestDb::create("pull_random");
        source.apply_migration(&schemac::ddl::join_statements(
            &schemac::ddl::create_schema(schema),
        ));
        let trip = round_trip("pull_random", &mut source, Layout { split, mixins })
            .map_err(|e| TestCaseError::fail(format!("{e}\n--- S ---\n{}", shown())))?;
        if !trip.pulled.unsupported.is_empty() {
            return Err(TestCaseError::fail(format!(
                "schemac's own schema pulls with something left out: {:?}\n{}",
                trip.pulled.unsupported,
                shown()
            )));
        }
        let s = &trip.pulled.schema;
        objects.set(
            objects.get()
                + s.tables.len()
                + s.views.len()
                + s.enums.len()
                + s.functions.len()
                + s.sequences.len()
                + s.domains.len(),
        );
        pulled.set(pulled.get() + 1);
        Ok(())
    });
    eprintln!(
        "pull: {} random schemas, {} objects pulled and rebuilt",
        pulled.get(),
        objects.get()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(
        pulled.get() >= cases as usize,
        "only {} schemas ran",
        pulled.get()
    );
}
