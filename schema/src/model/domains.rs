//! Domains: a base type with a default, NOT NULL and checks of its own.

use serde::{Deserialize, Serialize};

use super::{Check, ColumnType, is_false};

/// A domain (`domains:`), usable as a column type: its values are its base
/// type's, and the database checks each against its constraints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Domain {
    /// Its pg_schema.
    pub pg_schema: String,
    /// Its name, which columns use as their type.
    pub name: String,
    /// Its base type.
    #[serde(rename = "type")]
    pub base: ColumnType,
    /// `NOT NULL`: no column of it holds NULL.
    #[serde(default, skip_serializing_if = "is_false")]
    pub not_null: bool,
    /// Its default, an SQL expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Its checks, each named; `VALUE` is the value checked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    /// Its comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Domain {
    /// `pg_schema.name`, as a column's type names it.
    pub fn key(&self) -> String {
        format!("{}.{}", self.pg_schema, self.name)
    }
}
