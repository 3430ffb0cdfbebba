//! `renamed_from` on the objects beside tables and enums: views,
//! functions, triggers, sequences and domains. A hint for the next
//! migration (not kept in snapshots): the object is renamed in place
//! instead of dropped and created.

use serde::{Deserialize, Serialize};

/// The kinds of object a `renamed_from` may be on, besides tables,
/// columns, enums and their values (which have their own).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    /// A view or materialized view.
    View,
    /// A function.
    Function,
    /// A table's trigger.
    Trigger,
    /// A standalone sequence.
    Sequence,
    /// A domain.
    Domain,
}

impl ObjectKind {
    /// The word the messages use.
    pub fn word(self) -> &'static str {
        match self {
            ObjectKind::View => "view",
            ObjectKind::Function => "function",
            ObjectKind::Trigger => "trigger",
            ObjectKind::Sequence => "sequence",
            ObjectKind::Domain => "domain",
        }
    }
}

/// An object's `renamed_from`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectRenamed {
    /// What it is.
    pub kind: ObjectKind,
    /// Its pg_schema (a rename stays in it).
    pub pg_schema: String,
    /// A trigger's table (as the schema now names it).
    pub table: Option<String>,
    /// Its name now.
    pub name: String,
    /// Its name before.
    pub from: String,
}
