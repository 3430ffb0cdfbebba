//! Safe mode moves index builds and drops out of the migration's
//! transaction; it must keep every dependency of the plain plan. An enum
//! rebuilt under an index or a check that names it is the case that broke:
//! the re-cast ran while a partial index still compared the old type.

use schemac_schema::{Diagnostics, Schema, SourceMap, compile_sources};
use schemac_tests::roundtrip::Lab;

fn compile(yaml: &str) -> Schema {
    let c = compile_sources(
        vec![("main".into(), vec![("schema/app.yaml".into(), yaml.into())])],
        SourceMap::new(),
        Diagnostics::new(),
    );
    assert!(!c.has_errors(), "{}\n{yaml}", c.render_diagnostics());
    c.schemas.into_iter().next().expect("one database")
}

/// A table of posts whose `status` enum loses `draft` (folded into
/// `hidden`), with what names the column in A and in B.
fn pair(before: &str, after: &str) -> (Schema, Schema) {
    let schema = |values: &str, extra: &str| {
        format!(
            "enums:\n  post_status:\n    values: [{values}]\n{remap}\
             tables:\n  posts:\n    columns:\n      id: {{ type: bigint, primary_key: true }}\n      \
             status: post_status\n      title: text\n{extra}",
            remap = if values.contains("draft") {
                ""
            } else {
                "    remap: { draft: hidden }\n"
            },
        )
    };
    (
        compile(&schema("draft, published, hidden", before)),
        compile(&schema("published, hidden", after)),
    )
}

const PARTIAL: &str = "    indexes:\n      - { columns: [title], where: \"status = 'published'\", name: posts_published }\n";
const EXPRESSION: &str =
    "    indexes:\n      - { expression: \"(status = 'published')\", name: posts_is_published }\n";
const CHECK: &str =
    "    checks:\n      titled_when_published: \"status <> 'published' OR title IS NOT NULL\"\n";

#[test]
fn enum_rebuilds_under_indexes_and_checks_run_on_filled_tables_in_both_modes() {
    let mut lab = Lab::new();
    let cases = [
        ("partial index dropped", PARTIAL, ""),
        ("partial index kept", PARTIAL, PARTIAL),
        ("expression index dropped", EXPRESSION, ""),
        ("expression index kept", EXPRESSION, EXPRESSION),
        ("check dropped", CHECK, ""),
        ("check kept", CHECK, CHECK),
        (
            "index and check dropped together",
            &format!("{PARTIAL}{CHECK}"),
            "",
        ),
    ];
    let mut failures = Vec::new();
    for (name, before, after) in cases {
        let (a, b) = pair(before, after);
        for safe in [false, true] {
            match lab.round_trip(&a, &b, safe) {
                Ok(r) => assert!(r.rows > 0, "{name}: the table was filled"),
                Err(e) => failures.push(format!(
                    "{name} ({} mode): {e}",
                    if safe { "safe" } else { "plain" }
                )),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
