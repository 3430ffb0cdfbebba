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

/// The version alone, read first: a snapshot of another version may not
/// have the shape [`SnapshotIn`] expects.
#[derive(Deserialize)]
struct Head {
    version: u32,
}

/// A snapshot of this version: [`Schema`]'s fields beside `version`, read in
/// one pass (a `flatten`ed field would buffer the whole document first,
/// which took as long as reading it).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SnapshotIn {
    #[allow(dead_code)]
    version: u32,
    database: String,
    #[serde(default)]
    extensions: Vec<String>,
    #[serde(default)]
    pg_schemas: Vec<String>,
    #[serde(default)]
    ids: Vec<crate::model::IdType>,
    #[serde(default)]
    enums: Vec<crate::model::Enum>,
    tables: Vec<crate::model::Table>,
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
    let stripped = schema.hintless();
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
    let head: Head = serde_json::from_str(text)?;
    if head.version != SNAPSHOT_VERSION {
        return Err(SnapshotError::Version {
            found: head.version,
        });
    }
    let raw: SnapshotIn = serde_json::from_str(text)?;
    Ok(Schema {
        database: raw.database,
        extensions: raw.extensions,
        pg_schemas: raw.pg_schemas,
        ids: raw.ids,
        enums: raw.enums,
        tables: raw.tables,
    })
}
