//! Standalone sequences.

use serde::{Deserialize, Serialize};

use super::is_false;

/// A sequence of the schema (`sequences:`), for `nextval` defaults and
/// numbers handed out outside a table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sequence {
    /// Its pg_schema.
    pub pg_schema: String,
    /// Its name.
    pub name: String,
    /// `smallint`, `integer` or `bigint` (PostgreSQL's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_type: Option<String>,
    /// `START WITH`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    /// `INCREMENT BY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub increment: Option<i64>,
    /// `MINVALUE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_value: Option<i64>,
    /// `MAXVALUE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<i64>,
    /// `CACHE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<i64>,
    /// `CYCLE`: wraps around at the end instead of failing.
    #[serde(default, skip_serializing_if = "is_false")]
    pub cycle: bool,
    /// `OWNED BY` this table's column: dropped with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned_by: Option<OwnedBy>,
    /// Its comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Sequence {
    /// `pg_schema.name`.
    pub fn key(&self) -> String {
        format!("{}.{}", self.pg_schema, self.name)
    }

    /// Its options, as an identity column holds them.
    pub fn options(&self) -> SequenceOptions {
        SequenceOptions {
            start: self.start,
            increment: self.increment,
            min_value: self.min_value,
            max_value: self.max_value,
            cache: self.cache,
            cycle: self.cycle,
        }
    }
}

/// The column a sequence belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnedBy {
    /// The table's pg_schema.
    pub pg_schema: String,
    /// The table.
    pub table: String,
    /// The column.
    pub column: String,
}

/// A sequence's options (an identity column's, or those of a standalone
/// sequence); each left out is PostgreSQL's default.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SequenceOptions {
    /// `START WITH`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    /// `INCREMENT BY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub increment: Option<i64>,
    /// `MINVALUE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_value: Option<i64>,
    /// `MAXVALUE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<i64>,
    /// `CACHE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<i64>,
    /// `CYCLE`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub cycle: bool,
}
