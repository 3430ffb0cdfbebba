//! The snapshot: the model of one database as versioned JSON.
//!
//! Keys come out in the model's field order and lists in model order, so the
//! same schema always gives the same bytes.

use serde::{Deserialize, Serialize};

use crate::model::Schema;

/// Bumped whenever the snapshot's shape changes incompatibly.
pub const SNAPSHOT_VERSION: u32 = 1;

#[derive(Serialize)]
struct SnapshotOut<'a> {
    version: u32,
    #[serde(flatten)]
    schema: &'a Schema,
}

#[derive(Deserialize)]
struct SnapshotIn {
    version: u32,
    #[serde(flatten)]
    schema: serde_json::Value,
}

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("snapshot is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error(
        "snapshot version {found} is not supported (this schemac reads version {SNAPSHOT_VERSION}); upgrade schemac"
    )]
    Version { found: u32 },
}

/// Serializes a schema (without its change hints) as pretty JSON with a trailing newline.
pub fn to_json(schema: &Schema) -> String {
    let stripped = schema.without_hints();
    let out = SnapshotOut {
        version: SNAPSHOT_VERSION,
        schema: &stripped,
    };
    // Serializing plain structs of strings and vectors cannot fail.
    let mut s = serde_json::to_string_pretty(&out).unwrap_or_default();
    s.push('\n');
    s
}

/// Reads a snapshot back into the model.
pub fn from_json(text: &str) -> Result<Schema, SnapshotError> {
    let raw: SnapshotIn = serde_json::from_str(text)?;
    if raw.version != SNAPSHOT_VERSION {
        return Err(SnapshotError::Version { found: raw.version });
    }
    Ok(serde_json::from_value(raw.schema)?)
}
