//! A hazard is matched to the loss it comes from by a typed place, pg_schema
//! included: two tables of the same name in two pg_schemas are two places.

use schemac::diff::{Change, HazardPlace, Rule};
use schemac_schema::{Diagnostics, Schema, SourceMap, compile_sources};

fn compile(files: &[(&str, &str)]) -> Schema {
    let c = compile_sources(
        vec![(
            "main".into(),
            files
                .iter()
                .map(|(p, t)| ((*p).into(), (*t).into()))
                .collect(),
        )],
        SourceMap::new(),
        Diagnostics::new(),
    );
    assert!(!c.has_errors(), "{}", c.render_diagnostics());
    c.schemas.into_iter().next().expect("one database")
}

fn items(schema: &str, note: bool) -> String {
    format!(
        "pg_schema: {schema}\ntables:\n  items:\n    columns:\n      id: {{ type: bigint, primary_key: true }}\n{}",
        if note { "      note: text?\n" } else { "" }
    )
}

#[test]
fn a_dropped_column_of_a_same_named_table_is_placed_in_its_own_pg_schema() {
    let before = compile(&[
        ("schema/a.yaml", &items("alpha", true)),
        ("schema/b.yaml", &items("beta", true)),
    ]);
    let after = compile(&[
        ("schema/a.yaml", &items("alpha", false)),
        ("schema/b.yaml", &items("beta", false)),
    ]);
    let steps = schemac::migration::steps::migration_steps_with(&before, &after, false);
    let diff = &steps.steps[0].up;
    let mut placed = Vec::new();
    for (change, hazards) in diff.changes.iter().zip(&diff.hazards) {
        let Change::DropColumn { table, column } = change else {
            continue;
        };
        let loss = hazards
            .iter()
            .find(|h| h.rule == Rule::DataLoss)
            .unwrap_or_else(|| panic!("{}.{column}: no data_loss", table.schema));
        assert_eq!(
            loss.place,
            Some(HazardPlace::Column {
                schema: table.schema.clone(),
                table: "items".into(),
                column: "note".into(),
            }),
            "the drop from {}.items",
            table.schema
        );
        placed.push(table.schema.clone());
    }
    placed.sort();
    assert_eq!(placed, ["alpha", "beta"]);
}
