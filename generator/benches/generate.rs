//! Benchmarks of the generator's pipeline (a `harness = false` binary).
//!
//! `cargo bench -p schemac --bench generate` prints, for each example and for
//! a synthetic 1,000-table schema, the median time to compile the schema
//! (read, parse, resolve), to render its migration SQL and snapshot, and to
//! diff it (up and down migrations).

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use schemac::schema::{Diagnostics, SourceMap, compile_project, compile_sources, snapshot};

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn measure(iterations: usize, mut f: impl FnMut()) -> Duration {
    f(); // warm up
    median(
        (0..iterations)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

/// A schema of `tables` tables, each with a mixin, an enum column, a foreign
/// key to the previous table, a unique set, a check and two indexes.
fn synthetic(tables: usize) -> String {
    let mut y = String::from(
        "enums:\n  state: [draft, live, gone]\nmixins:\n  stamps:\n    columns:\n      created_at: { type: timestamptz, default_sql: \"now()\" }\n      updated_at: { type: timestamptz?, on_update: now }\ntables:\n",
    );
    for i in 0..tables {
        y.push_str(&format!(
            "  t{i}:\n    mixins: [stamps]\n    columns:\n      id: {{ type: bigserial, primary_key: true }}\n      name: varchar(100)\n      state: {{ type: state, default: draft }}\n      score: {{ type: \"numeric(10,2)\", default: 0.00, check: \"score >= 0\" }}\n      tags: {{ type: \"text[]\", default: [] }}\n"
        ));
        if i > 0 {
            y.push_str(&format!(
                "      parent_id: {{ references: t{}, nullable: true, on_delete: set_null }}\n",
                i - 1
            ));
        }
        y.push_str("    unique: [[name, state]]\n    indexes:\n      - [state, created_at DESC]\n      - { expression: \"lower(name)\" }\n");
    }
    y
}

fn main() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    println!(
        "{:<28} {:>12} {:>12} {:>14} {:>14}",
        "input", "compile", "sql+snapshot", "diff from empty", "diff unchanged"
    );
    for name in ["gifting", "multitenant", "saas", "campus", "marketplace"] {
        let root = examples.join(name);
        let compile = measure(200, || {
            black_box(compile_project(&root));
        });
        let compiled = compile_project(&root);
        let render = measure(200, || {
            for s in &compiled.schemas {
                black_box(schemac::ddl::join_statements(&schemac::ddl::create_schema(
                    s,
                )));
                black_box(snapshot::to_json(s));
            }
        });
        // The differ (up and down): from an empty database to the whole
        // schema, and the schema against itself (the no-change path).
        let schema = &compiled.schemas[0];
        let empty = schemac::schema::Schema::empty(&schema.database);
        let diff_full = measure(200, || {
            black_box(schemac::migration::steps::migration_steps(&empty, schema));
        });
        let diff_same = measure(200, || {
            black_box(schemac::migration::steps::migration_steps(schema, schema));
        });
        println!(
            "{name:<28} {compile:>12.2?} {render:>12.2?} {diff_full:>14.2?} {diff_same:>14.2?}"
        );
    }
    let yaml = synthetic(1000);
    let compile = measure(10, || {
        black_box(compile_sources(
            vec![(
                "main".into(),
                vec![("schema/big.yaml".into(), yaml.clone())],
            )],
            SourceMap::new(),
            Diagnostics::new(),
        ));
    });
    let compiled = compile_sources(
        vec![(
            "main".into(),
            vec![("schema/big.yaml".into(), yaml.clone())],
        )],
        SourceMap::new(),
        Diagnostics::new(),
    );
    assert!(!compiled.has_errors(), "{}", compiled.render_diagnostics());
    let render = measure(10, || {
        let s = &compiled.schemas[0];
        black_box(schemac::ddl::join_statements(&schemac::ddl::create_schema(
            s,
        )));
        black_box(snapshot::to_json(s));
    });
    let big = &compiled.schemas[0];
    let mut changed = big.clone();
    for t in changed.tables.iter_mut().step_by(10) {
        t.comment = Some("changed".into());
        t.columns.retain(|c| c.name != "tags");
    }
    let diff = measure(10, || {
        black_box(schemac::migration::steps::migration_steps(big, &changed));
    });
    println!(
        "{:<28} {compile:>12.2?} {render:>12.2?} {diff:>14.2?} (100 of 1,000 tables changed)",
        "synthetic (1,000 tables)"
    );
}
