//! The differ: two models of one database -> an ordered list of changes.
//!
//! Works on the IR, never on SQL text. Objects are matched by identity
//! (tables by schema and name, columns by name, constraints and indexes by
//! definition), with renames only where a `renamed_from` hint says so. The
//! changes come out in phases chosen so every migration applies in one pass:
//! dependants are dropped before what they depend on, created after it.

mod change;
mod columns;
mod constraints;
mod data_checks;
mod describe;
mod domains;
mod enums;
mod hazard_rules;
mod hazards;
mod hints;
mod kind;
mod loss_index;
mod object_renames;
mod online;
mod pairing;
mod phase;
mod render;
mod routines;
mod sequences;
mod statement;
mod tables;
mod types;
mod views;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

pub use change::{
    Change, CommentTarget, EnumUsage, Fill, IndexBuild, RETIRED_ENUM_SUFFIX, TableRef,
    ValuePosition, replacement_index_name, retired_name,
};
pub use describe::describe;
pub use hazard_rules::{Hazard, HazardPlace, Rule, Severity};
pub use hints::{
    ConsumedHints, DataHints, HintsRead, Renames, TableId, read_hints, renames_from_hints,
};
pub use kind::{ChangeKind, Effect};
pub use object_renames::ObjectRename;
use phase::Out;
pub use phase::Part;
use schemac_schema::model::*;
pub use statement::Statement;

/// A change that can lose data, for the guard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loss {
    /// What would be lost.
    pub what: String,
    /// Where the change comes from.
    pub place: LossPlace,
    /// A likely fix, e.g. the `renamed_from` that would keep the data.
    pub hint: Option<String>,
}

/// Where a lossy change comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LossPlace {
    /// A column still in the schema (type narrowed, became generated, ...).
    Column {
        /// Its table's pg_schema.
        schema: String,
        /// Its table.
        table: String,
        /// Its name.
        column: String,
    },
    /// An enum value list in the schema.
    Enum {
        /// The enum's key.
        name: String,
    },
    /// Something no longer in the schema: the migration that created it tells where it came from.
    DroppedTable {
        /// Its pg_schema.
        schema: String,
        /// Its name.
        table: String,
    },
    /// A column no longer in the schema.
    DroppedColumn {
        /// Its table's pg_schema.
        schema: String,
        /// Its table.
        table: String,
        /// Its name.
        column: String,
    },
}

/// The result of diffing two schemas.
#[derive(Debug, Default)]
pub struct Diff {
    /// The changes, in the order they run.
    pub changes: Vec<Change>,
    /// The migration file each change goes into (safe mode splits a change
    /// into a transaction, concurrent index builds, and validations).
    pub parts: Vec<Part>,
    /// The hazards of each change, by the change's index.
    pub hazards: Vec<Vec<Hazard>>,
    /// The changes that can lose data.
    pub losses: Vec<Loss>,
    /// Risky changes and stale hints, a message each.
    pub warnings: Vec<String>,
    /// What a reviewer must know about the rows, e.g. the placeholder a
    /// dropped column comes back holding in a down migration.
    pub notes: Vec<String>,
    /// Enum values added by this diff that the new schema already uses
    /// (Postgres cannot use a value in the transaction that adds it).
    /// Keys of those enums.
    pub enums_using_added_values: Vec<String>,
}

impl Diff {
    /// Whether an enum value it adds is used by the same change.
    pub fn uses_added_enum_values(&self) -> bool {
        !self.enums_using_added_values.is_empty()
    }

    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Every statement, in order, a table's neighbouring actions joined.
    pub fn statements(&self) -> Vec<String> {
        self.annotated_statements()
            .into_iter()
            .map(|(sql, _)| sql)
            .collect()
    }

    /// Every statement with the hazards of the changes it carries (each
    /// hazard goes with the statement of its change it is about).
    pub fn annotated_statements(&self) -> Vec<(String, Vec<&Hazard>)> {
        [Part::Main, Part::Concurrent, Part::Finish]
            .into_iter()
            .flat_map(|p| self.annotated_part(p))
            .collect()
    }

    /// The parts this diff has statements in, in the order they run.
    pub fn parts_used(&self) -> Vec<Part> {
        let mut used: Vec<Part> = self.parts.clone();
        used.sort();
        used.dedup();
        used
    }

    /// The statements of one part, with their hazards.
    pub fn annotated_part(&self, part: Part) -> Vec<(String, Vec<&Hazard>)> {
        // Each statement is tagged with its change, its place in the change,
        // and whether it is the change's last.
        let all: Vec<(Statement, (usize, usize, bool))> = self
            .changes
            .iter()
            .enumerate()
            .filter(|(i, _)| self.parts[*i] == part)
            .flat_map(|(i, c)| {
                let statements = c.statements();
                let last = statements.len().saturating_sub(1);
                statements
                    .into_iter()
                    .enumerate()
                    .map(move |(k, s)| (s, (i, k, k == last)))
            })
            .collect();
        statement::render(&all)
            .into_iter()
            .map(|(sql, tags)| {
                let mut hazards: Vec<&Hazard> = Vec::new();
                for &(i, k, last) in &tags {
                    // A hazard past the last statement goes with the last.
                    let here = |h: &Hazard| h.statement == k || (last && h.statement > k);
                    for h in self.hazards[i].iter().filter(|h| here(h)) {
                        if !hazards.contains(&h) {
                            hazards.push(h);
                        }
                    }
                }
                (sql, hazards)
            })
            .collect()
    }
}

/// Compares `old` with `new`. `renames` says which new objects are old ones
/// under another name; `data` carries the hints for existing rows.
pub fn diff(old: &Schema, new: &Schema, renames: &Renames, data: &DataHints) -> Diff {
    // Objects renamed by `renamed_from`: renamed first, and the old schema
    // seen under their new names by everything after.
    let renamed_old;
    let (old, object_renames) = match renames.objects.is_empty() {
        true => (old, Vec::new()),
        false => {
            let (statements, s) = object_renames::apply(old, renames);
            renamed_old = s;
            (&renamed_old, statements)
        }
    };
    let mut d = Differ {
        old,
        new,
        renames,
        data,
        out: Out::default(),
        losses: Vec::new(),
        warnings: Vec::new(),
        notes: Vec::new(),
        enum_map: HashMap::new(),
        recreated_enums: HashSet::new(),
        added_values: Vec::new(),
        renamed_values: Vec::new(),
        old_to_new: Vec::new(),
        new_to_old: Vec::new(),
        old_by_id: HashMap::new(),
        new_by_id: HashMap::new(),
        loss_index: HashMap::new(),
        recreated_functions: HashSet::new(),
        rebuilt_domains: HashSet::new(),
    };
    d.extensions_and_schemas();
    for (target, rename) in object_renames {
        d.out.push(
            phase::Phase::RenameObjects,
            Change::RenameObject { rename, target },
        );
    }
    d.enums();
    d.domains();
    d.match_tables();
    d.tables();
    // What the tables' changes reshape, which views and triggers over them
    // cannot stay across.
    let reshaped = d.reshaped_tables();
    d.sequences();
    d.routines();
    d.views(&reshaped);
    d.triggers(&reshaped);
    let enums_using_added_values = d.enums_using_added_values();
    if data.safe {
        d.make_online();
    }
    let (changes, parts): (Vec<Change>, Vec<Part>) =
        std::mem::take(&mut d.out).finish().into_iter().unzip();
    d.index_losses();
    let hazards = changes.iter().map(|c| d.hazards_of(c)).collect();
    Diff {
        changes,
        parts,
        hazards,
        losses: d.losses,
        warnings: d.warnings,
        notes: d.notes,
        enums_using_added_values,
    }
}

struct Differ<'a> {
    old: &'a Schema,
    new: &'a Schema,
    renames: &'a Renames,
    data: &'a DataHints,
    out: Out,
    losses: Vec<Loss>,
    warnings: Vec<String>,
    notes: Vec<String>,
    /// old enum key -> new enum key, for matched enums.
    enum_map: HashMap<String, String>,
    /// New keys of enums rebuilt by this diff.
    recreated_enums: HashSet<String>,
    /// (new enum key, added value)
    added_values: Vec<(String, String)>,
    /// (new enum key, old label, new label) for values renamed in place:
    /// Postgres shows the new label in every stored expression that used it.
    renamed_values: Vec<(String, String, String)>,
    /// Matched tables: the new position of each old table, and back.
    old_to_new: Vec<Option<usize>>,
    new_to_old: Vec<Option<usize>>,
    /// Tables by schema and name, for lookups that would otherwise scan.
    old_by_id: HashMap<TableId, usize>,
    new_by_id: HashMap<TableId, usize>,
    /// Each loss by the key of the change that causes it.
    loss_index: HashMap<loss_index::LossKey, usize>,
    /// Keys (`pg_schema.name`) of the old functions and aggregates
    /// dropped, to go again or for good: what uses them goes first.
    recreated_functions: HashSet<String>,
    /// Domains (`pg_schema.name`) rebuilt over a new base type: their
    /// columns are retyped to the new one.
    rebuilt_domains: HashSet<String>,
}

/// Expressions compare with whitespace normalised: reformatting is not a change.
fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
