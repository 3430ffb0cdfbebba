//! Phases: the order in which changes are emitted, so a migration applies in one pass.

use super::Change;

/// Phases of a migration; changes are emitted phase by phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Phase {
    Extensions,
    Schemas,
    // Renamed first: the rest of the migration names them as they will be.
    RenameObjects,
    Enums,
    // After the enums they may be over, before the columns of them.
    CreateDomains,
    // Views go before anything they read changes, and come back after.
    DropViews,
    // Triggers and aggregates before the functions they call.
    DropTriggers,
    DropAggregates,
    // Functions whose signature names a table's row type (before the
    // table), or that come back under a new signature (before they do).
    DropFunctionsFirst,
    // A sequence that outlives the column owning it is let go first.
    DisownSequences,
    DropForeignKeys,
    DropConstraints,
    DropIndexes,
    DropGenerated,
    Renames,
    RecreateEnums,
    // Before the functions and defaults that call nextval on them.
    CreateSequences,
    // New functions that read no table: a default may call them.
    CreateFunctions,
    CreateTables,
    AddColumns,
    Backfill,
    AlterColumns,
    ReAddColumns,
    DropColumns,
    DropTables,
    DropSequences,
    DropDomains,
    AlterDomains,
    // After the tables, whose defaults may have called them.
    DropFunctions,
    CreateFunctionsLate,
    CreateAggregates,
    OwnSequences,
    AddConstraints,
    AddIndexes,
    AddForeignKeys,
    CreateViews,
    // A `sql` function whose body reads a view: PostgreSQL checks the body
    // when it is created.
    CreateFunctionsAfterViews,
    CreateTriggers,
    DropEnums,
    DropSchemas,
    DropExtensions,
    Comments,
    // Safe mode only, after the migration's transaction: see `online.rs`.
    Concurrent,
    FinishValidate,
    FinishNotNull,
    FinishAttach,
    FinishForeignKeys,
}

/// Which migration file a change goes into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    /// The migration itself, one transaction.
    Main,
    /// Safe mode: index builds and drops CONCURRENTLY, a migration of their
    /// own that runs outside a transaction.
    Concurrent,
    /// Safe mode: validations of constraints added NOT VALID, NOT NULL set
    /// through them, keys taking over their concurrently built indexes; a
    /// transaction of its own, after the others.
    Finish,
}

impl Phase {
    pub(super) fn part(self) -> Part {
        match self {
            Phase::Concurrent => Part::Concurrent,
            Phase::FinishValidate
            | Phase::FinishNotNull
            | Phase::FinishAttach
            | Phase::FinishForeignKeys => Part::Finish,
            Phase::Extensions
            | Phase::Schemas
            | Phase::RenameObjects
            | Phase::Enums
            | Phase::CreateDomains
            | Phase::DropViews
            | Phase::DropTriggers
            | Phase::DropAggregates
            | Phase::DropFunctionsFirst
            | Phase::DisownSequences
            | Phase::DropForeignKeys
            | Phase::DropConstraints
            | Phase::DropIndexes
            | Phase::DropGenerated
            | Phase::Renames
            | Phase::RecreateEnums
            | Phase::CreateSequences
            | Phase::CreateFunctions
            | Phase::CreateTables
            | Phase::AddColumns
            | Phase::Backfill
            | Phase::AlterColumns
            | Phase::ReAddColumns
            | Phase::DropColumns
            | Phase::DropTables
            | Phase::DropSequences
            | Phase::DropDomains
            | Phase::AlterDomains
            | Phase::DropFunctions
            | Phase::CreateFunctionsLate
            | Phase::CreateAggregates
            | Phase::OwnSequences
            | Phase::AddConstraints
            | Phase::AddIndexes
            | Phase::AddForeignKeys
            | Phase::CreateViews
            | Phase::CreateFunctionsAfterViews
            | Phase::CreateTriggers
            | Phase::DropEnums
            | Phase::DropSchemas
            | Phase::DropExtensions
            | Phase::Comments => Part::Main,
        }
    }
}

#[derive(Default)]
pub(super) struct Out {
    /// (phase, order of emission, change)
    pub(super) items: Vec<(Phase, usize, Change)>,
}

impl Out {
    pub(super) fn push(&mut self, phase: Phase, change: Change) {
        let n = self.items.len();
        self.items.push((phase, n, change));
    }

    pub(super) fn finish(mut self) -> Vec<(Change, Part)> {
        // The column phases of one table run together, table after table, so
        // that its actions share one ALTER TABLE and Postgres rewrites it
        // once (a table's columns depend on no other table's).
        let column_phase = |p: Phase| {
            matches!(
                p,
                Phase::AddColumns
                    | Phase::Backfill
                    | Phase::AlterColumns
                    | Phase::ReAddColumns
                    | Phase::DropColumns
            )
        };
        let mut tables: foldhash::HashMap<(String, String), usize> = foldhash::HashMap::default();
        let mut rank = |c: &Change| -> usize {
            let Some(t) = c.table() else { return 0 };
            let next = tables.len();
            *tables.entry((t.schema, t.name)).or_insert(next)
        };
        let ranks: Vec<usize> = self.items.iter().map(|(_, _, c)| rank(c)).collect();
        let mut order: Vec<usize> = (0..self.items.len()).collect();
        order.sort_by_key(|&i| {
            let (p, n, _) = &self.items[i];
            if column_phase(*p) {
                (Phase::AddColumns, ranks[i], *p, *n)
            } else {
                (*p, 0, *p, *n)
            }
        });
        let mut slots: Vec<Option<(Phase, usize, Change)>> =
            self.items.into_iter().map(Some).collect();
        self.items = order.into_iter().filter_map(|i| slots[i].take()).collect();
        self.items
            .into_iter()
            .map(|(p, _, c)| (c, p.part()))
            .collect()
    }
}
