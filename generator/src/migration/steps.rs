//! The migrations between a snapshot and the schema: usually one, two when
//! enum values must be added in a migration of their own, each with its up
//! and down diff and the hints it was diffed with.

use std::sync::Arc;

use schemac_schema::Schema;

use crate::diff::{self, DataHints, Diff, Renames, renames_from_hints};

/// One migration between two schemas: its up and down changes.
pub struct Step {
    /// The schema after the step, as its snapshot records it (the last
    /// step's is shared with whoever asked for the steps).
    pub to: Arc<Schema>,
    /// The hints the step was diffed with, recorded in the journal.
    pub renames: Renames,
    /// The data hints (`using`, `backfill`, `remap`) it was diffed with.
    pub data: DataHints,
    /// The changes up.
    pub up: Diff,
    /// The changes back down.
    pub down: Diff,
}

/// The migrations from a snapshot to the schema, and what to warn of.
pub struct Steps {
    /// Usually one; two when enum values must be added in a migration of their own.
    pub steps: Vec<Step>,
    /// Stale hints and risky changes.
    pub warnings: Vec<String>,
}

/// The migrations that take a database from `previous` (a snapshot) to
/// `current` (the schema, with its hints).
pub fn migration_steps(previous: &Schema, current: &Schema) -> Steps {
    migration_steps_with(previous, current, false)
}

/// [`migration_steps`], in safe mode when `safe` (see `[migrations] safe`).
pub fn migration_steps_with(previous: &Schema, current: &Schema, safe: bool) -> Steps {
    let (renames, mut data, warnings) = renames_from_hints(previous, current);
    data.safe = safe;
    let current =
        crate::migration::order::in_order_of(previous, current.hintless().into_owned(), &renames);
    steps_between(previous, Arc::new(current), renames, data, warnings)
}

/// The steps from `previous` to `current` (without hints, in the snapshot's
/// order) with the hints read from the schema.
pub(crate) fn steps_between(
    previous: &Schema,
    current: Arc<Schema>,
    renames: Renames,
    data: DataHints,
    mut warnings: Vec<String>,
) -> Steps {
    let safe = data.safe;
    // The down of a single step is known before the up says whether there is
    // one step or two: both diffs run at once, and the down is dropped in the
    // rare case that enum additions split the change.
    let (down, up) = crate::parallel::join(
        || down_diff(previous, &current, &renames, &data),
        || diff::diff(previous, &current, &renames, &data),
    );
    let steps = if up.uses_added_enum_values() {
        // Postgres cannot use an enum value in the transaction that adds it:
        // the additions go into a migration of their own first.
        let middle = with_new_enum_values(previous, &current, &renames);
        let first_renames = renames.values_only();
        let first_data = DataHints {
            safe,
            ..DataHints::default()
        };
        let first_up = diff::diff(previous, &middle, &first_renames, &first_data);
        let first_down = down_diff(previous, &middle, &first_renames, &first_data);
        let second_renames = renames.without_values();
        let second_up = diff::diff(&middle, &current, &second_renames, &data);
        let second_down = down_diff(&middle, &current, &second_renames, &data);
        vec![
            Step {
                to: Arc::new(middle),
                renames: first_renames,
                data: first_data,
                up: first_up,
                down: first_down,
            },
            Step {
                to: current,
                renames: second_renames,
                data,
                up: second_up,
                down: second_down,
            },
        ]
    } else {
        vec![Step {
            to: current,
            renames,
            data,
            up,
            down,
        }]
    };
    for step in &steps {
        warnings.extend(step.up.warnings.iter().cloned());
        warnings.extend(step.down.warnings.iter().cloned());
    }
    Steps { steps, warnings }
}

/// The diff back from `to` to `from`: the up's renames inverted, its data
/// hints turned around.
fn down_diff(from: &Schema, to: &Schema, renames: &Renames, data: &DataHints) -> Diff {
    let inverse = renames.inverse();
    let down_data = data.for_down(renames);
    let down = diff::diff(to, from, &inverse, &down_data);
    if !down.uses_added_enum_values() {
        return down;
    }
    // A down migration is one file, so it cannot be split: rebuild those enums instead.
    let rebuild = DataHints {
        rebuild_enums: down.enums_using_added_values.clone(),
        ..down_data
    };
    diff::diff(to, from, &inverse, &rebuild)
}

/// `previous` with the values that `current` adds to its enums, and nothing else.
fn with_new_enum_values(previous: &Schema, current: &Schema, renames: &Renames) -> Schema {
    let mut middle = previous.clone();
    for e in &mut middle.enums {
        let new_key = renames
            .enums
            .iter()
            .find(|(_, old)| old == &e.name)
            .map_or(e.name.as_str(), |(new, _)| new.as_str());
        if let Some(ne) = current.enum_type(new_key) {
            let translated: Vec<&String> = e
                .values
                .iter()
                .map(|v| {
                    renames
                        .values
                        .iter()
                        .find(|(k, _, old)| k == new_key && old == v)
                        .map_or(v, |(_, new, _)| new)
                })
                .collect();
            // Only pure additions can run ahead; a rebuilt enum stays with the rest.
            let mut it = ne.values.iter();
            if translated.iter().all(|v| it.any(|n| n == *v)) {
                e.values = ne.values.clone();
            }
        }
    }
    middle
}
