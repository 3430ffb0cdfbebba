//! Property: for random schema pairs (A, B), migrating a filled A up gives
//! exactly a fresh B with every surviving value intact, and migrating an
//! emptied result back down gives exactly a fresh A.
//!
//! `PROPTEST_CASES` sets the number of pairs (default 200), `SCHEMAC_RT_SEED`
//! the seed (fixed by default, so CI runs the same pairs every time).

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use schemac_schema::{Diagnostics, Schema, SourceMap, compile_sources};
use schemac_tests::random_schema::{Spec, base, edit, files};
use schemac_tests::roundtrip::Lab;

fn compile(spec: &Spec) -> Result<Schema, String> {
    let c = compile_sources(
        vec![("main".into(), files(spec))],
        SourceMap::new(),
        Diagnostics::new(),
    );
    if c.has_errors() {
        return Err(c.render_diagnostics());
    }
    Ok(c.schemas.into_iter().next().expect("one database"))
}

fn describe(a: &Spec, b: &Spec) -> String {
    let show = |s: &Spec| {
        files(s)
            .into_iter()
            .map(|(p, t)| format!("# {}\n{t}", p.display()))
            .collect::<String>()
    };
    format!("--- A ---\n{}--- B ---\n{}", show(a), show(b))
}

#[test]
fn random_schema_pairs_round_trip() {
    let cases: u32 = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    // A fixed seed keeps CI reproducible; set SCHEMAC_RT_SEED to explore other pairs locally.
    let seed: u64 = std::env::var("SCHEMAC_RT_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_261_123);
    eprintln!("round trip: seed {seed} (SCHEMAC_RT_SEED), {cases} pairs (PROPTEST_CASES)");
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            max_shrink_iters: 200,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    // proptest wants an `Fn`; the lab and the counters live in cells.
    let lab = std::cell::RefCell::new(Lab::new());
    let rows = std::cell::Cell::new(0usize);
    let pairs = std::cell::Cell::new(0usize);
    let warned_downs = std::cell::Cell::new(0usize);
    let replaced_views = std::cell::Cell::new(0usize);
    let kinds = std::cell::RefCell::new(std::collections::BTreeMap::<
        schemac::diff::ChangeKind,
        usize,
    >::new());
    let strategy = (
        any::<u64>(),
        prop::collection::vec((any::<u8>(), any::<u16>(), any::<u16>()), 1..10),
    );
    let result = runner.run(&strategy, |(seed, ops)| {
        let a_spec = base(seed);
        let b_spec = edit(&a_spec, &ops, seed);
        let a = compile(&a_spec).map_err(|e| {
            TestCaseError::fail(format!(
                "A does not compile:\n{e}\n{}",
                describe(&a_spec, &b_spec)
            ))
        })?;
        let b = compile(&b_spec).map_err(|e| {
            TestCaseError::fail(format!(
                "B does not compile:\n{e}\n{}",
                describe(&a_spec, &b_spec)
            ))
        })?;
        // Both modes: plain migrations, and safe mode's online forms.
        for safe in [false, true] {
            let mode = if safe { "safe mode" } else { "plain mode" };
            let steps = schemac::migration::steps::migration_steps_with(&a, &b, safe);
            let r = lab.borrow_mut().round_trip(&a, &b, safe).map_err(|e| {
                let sql: Vec<String> = steps
                    .steps
                    .iter()
                    .map(|s| {
                        format!(
                            "-- up\n{};\n-- down\n{};",
                            s.up.statements().join(";\n"),
                            s.down.statements().join(";\n")
                        )
                    })
                    .collect();
                TestCaseError::fail(format!(
                    "{mode}: {e}\n{}\n--- SQL ---\n{}",
                    describe(&a_spec, &b_spec),
                    sql.join("\n")
                ))
            })?;
            rows.set(rows.get() + r.rows);
            warned_downs.set(warned_downs.get() + r.downs_on_empty_tables);
            for step in &steps.steps {
                for c in step.up.changes.iter().chain(&step.down.changes) {
                    *kinds.borrow_mut().entry(c.kind()).or_default() += 1;
                    if matches!(c, schemac::diff::Change::CreateView { replace: true, .. }) {
                        replaced_views.set(replaced_views.get() + 1);
                    }
                }
            }
            let squawk_dir = std::env::var_os("SCHEMAC_SQUAWK_DIR").filter(|_| safe);
            if let Some(dir) = squawk_dir {
                write_for_squawk(std::path::Path::new(&dir), pairs.get(), &steps);
            }
        }
        pairs.set(pairs.get() + 1);
        Ok(())
    });
    let (pairs, rows, warned_downs) = (pairs.get(), rows.get(), warned_downs.get());
    let kinds = kinds.into_inner();
    let replaced_views = replaced_views.get();
    eprintln!(
        "round trip: {pairs} passing pairs, {rows} rows inserted, {warned_downs} downs run on emptied tables after generate warned they cannot run on rows; changes exercised: {kinds:?}, of which views replaced in place: {replaced_views}"
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(pairs >= cases as usize, "only {pairs} pairs ran");
    if cases >= 200 {
        // Every kind of change must have been through the database at least once.
        let missing: Vec<&str> = schemac::diff::ChangeKind::ALL
            .iter()
            .filter(|k| !kinds.contains_key(*k))
            .map(|k| k.name())
            .collect();
        assert!(
            missing.is_empty(),
            "change kinds never exercised: {missing:?}"
        );
        assert!(replaced_views > 0, "no view was replaced in place");
    }
}

/// Writes a pair's safe-mode migrations as `schemac generate` would, for
/// `.ci/run` to give to squawk.
fn write_for_squawk(dir: &std::path::Path, pair: usize, steps: &schemac::migration::steps::Steps) {
    std::fs::create_dir_all(dir).expect("squawk directory");
    let settings = schemac::schema::MigrationSettings {
        safe: true,
        ..Default::default()
    };
    for (i, step) in steps.steps.iter().enumerate() {
        let files = schemac::migration::text::step_files(step, &settings, &[], &|_| None);
        for (k, file) in files.iter().enumerate() {
            let path = dir.join(format!("pair{pair:04}_{i}_{k}.sql"));
            std::fs::write(path, &file.up).expect("write a migration for squawk");
        }
    }
}
