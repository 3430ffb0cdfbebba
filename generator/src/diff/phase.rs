//! Phases: the order in which changes are emitted, so a migration applies in one pass.

use super::Change;

/// Phases of a migration; changes are emitted phase by phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Phase {
    Extensions,
    Schemas,
    Enums,
    DropForeignKeys,
    DropConstraints,
    DropIndexes,
    DropGenerated,
    Renames,
    RecreateEnums,
    CreateTables,
    AddColumns,
    Backfill,
    AlterColumns,
    ReAddColumns,
    DropColumns,
    DropTables,
    AddConstraints,
    AddIndexes,
    AddForeignKeys,
    DropEnums,
    DropSchemas,
    DropExtensions,
    Comments,
}

#[derive(Default)]
pub(super) struct Out {
    items: Vec<(Phase, usize, Change)>,
}

impl Out {
    pub(super) fn push(&mut self, phase: Phase, change: Change) {
        let n = self.items.len();
        self.items.push((phase, n, change));
    }

    pub(super) fn finish(mut self) -> Vec<Change> {
        self.items.sort_by_key(|(p, n, _)| (*p, *n));
        self.items.into_iter().map(|(_, _, c)| c).collect()
    }
}
