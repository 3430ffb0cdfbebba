//! The fuzz target's corpus (`fuzz/corpus/compile/`: the inputs cargo fuzz
//! found interesting, the examples and the error cases it started from),
//! replayed through the same whole compile path: each input must finish in
//! seconds, and the process stay within a few hundred MB. And the inputs
//! that compile without errors: the SQL that creates each schema applies to
//! PostgreSQL (in a transaction rolled back), and its Rust code renders —
//! what the fuzzer's finds mean for the migrations, which the target itself
//! runs without a database.
//!
//! A schema with SQL of its author's (a check, `default_sql`, a generated
//! column, an index expression or predicate, an extension's name) is left
//! out of the SQL part: schemac passes that text through unparsed, and what
//! PostgreSQL makes of it is the author's; everything else schemac writes
//! itself, and must apply.

mod support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use schemac_schema::{Diagnostics, SourceMap, compile_sources};

const PER_INPUT: Duration = Duration::from_secs(5);
const PEAK_MB: u64 = 512;

/// The process's peak resident memory so far (VmHWM), in MB.
fn peak_mb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kb| kb / 1024)
        .expect("VmHWM")
}

fn corpus() -> Vec<PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/compile");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .expect("the corpus")
        .flatten()
        .map(|e| e.path())
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 40, "the corpus is there: {}", inputs.len());
    inputs
}

#[test]
fn every_corpus_input_compiles_in_bounded_time_and_memory() {
    for path in &corpus() {
        let bytes = std::fs::read(path).expect("input");
        let started = Instant::now();
        std::hint::black_box(schemac::exercise::whole_path(&bytes));
        let took = started.elapsed();
        assert!(took < PER_INPUT, "{} took {took:?}", path.display());
        let peak = peak_mb();
        assert!(
            peak < PEAK_MB,
            "{} took the process to {peak} MB",
            path.display()
        );
    }
}

#[test]
fn every_corpus_schema_that_compiles_applies_to_postgres() {
    let inputs = corpus();
    let db = support::Db::create("fuzz_corpus");
    let mut client = db.client();
    let mut applied = 0;
    let mut failures = Vec::new();
    for path in &inputs {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let compiled = compile_sources(
            vec![(
                "main".into(),
                vec![("schema/fuzz.yaml".into(), text.clone())],
            )],
            SourceMap::new(),
            Diagnostics::new(),
        );
        if compiled.has_errors() {
            continue;
        }
        let schema = &compiled.schemas[0];
        if let Err(e) = schemac::rust::render(schema, "schema/") {
            failures.push(format!("{}: Rust code: {e}", path.display()));
        }
        let authors_sql = [
            "checks",
            "check:",
            "default_sql",
            "generated",
            "where",
            "expression",
            "extensions",
            "using",
            "backfill_sql",
        ];
        if authors_sql.iter().any(|k| text.contains(k)) {
            continue;
        }
        let sql = schemac::ddl::create_schema(schema);
        let mut tx = client.transaction().expect("begin");
        for stmt in &sql {
            if let Err(e) = tx.batch_execute(stmt) {
                failures.push(format!("{}: {e:?}\n{stmt}", path.display()));
                break;
            }
        }
        tx.rollback().expect("rollback");
        applied += 1;
    }
    assert!(applied > 0, "some corpus inputs compile");
    assert!(
        failures.is_empty(),
        "{} of {applied}:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
