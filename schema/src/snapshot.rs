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

/// The version alone, read when a snapshot does not have the shape
/// [`SnapshotIn`] expects: it may be of another version.
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
    #[serde(default)]
    views: Vec<crate::model::View>,
    #[serde(default)]
    functions: Vec<crate::model::Function>,
    #[serde(default)]
    aggregates: Vec<crate::model::Aggregate>,
    #[serde(default)]
    sequences: Vec<crate::model::Sequence>,
    #[serde(default)]
    domains: Vec<crate::model::Domain>,
}

#[derive(Debug, thiserror::Error)]
/// Why a snapshot could not be read.
pub enum SnapshotError {
    #[error("snapshot is not valid JSON: {0}")]
    /// Not valid JSON, or not a snapshot.
    Json(#[from] serde_json::Error),
    #[error(
        "snapshot version {found} is not supported (this schemac reads version {SNAPSHOT_VERSION}); upgrade schemac"
    )]
    /// A snapshot of a format this version does not read.
    Version {
        /// The snapshot's version.
        found: u32,
    },
}

/// Serializes a schema (without its change hints) as pretty JSON with a trailing newline.
pub fn to_json(schema: &Schema) -> String {
    let stripped = schema.hintless();
    let out = SnapshotOut {
        version: SNAPSHOT_VERSION,
        schema: &stripped,
    };
    // Sized up front from what a column and a table take in the text (about
    // 190 and 350 bytes): a large schema's snapshot is megabytes, and
    // growing to it by doubling copies it twice over.
    let columns: usize = stripped.tables.iter().map(|t| t.columns.len()).sum();
    let mut bytes = Vec::with_capacity(4096 + 200 * columns + 400 * stripped.tables.len());
    // Serializing plain structs of strings and vectors cannot fail, and
    // serde_json writes UTF-8 only.
    if serde_json::to_writer_pretty(&mut bytes, &out).is_err() {
        bytes.clear();
    }
    bytes.push(b'\n');
    String::from_utf8(bytes).unwrap_or_default()
}

/// Reads a snapshot back into the model.
pub fn from_json(text: &str) -> Result<Schema, SnapshotError> {
    let raw: SnapshotIn = match serde_json::from_str(text) {
        Ok(raw) => raw,
        // Another version may have another shape: say so rather than what
        // this version's shape finds wrong with it. (Only a failed read pays
        // for this second pass over the text.)
        Err(error) => {
            return Err(match serde_json::from_str::<Head>(text) {
                Ok(head) if head.version != SNAPSHOT_VERSION => SnapshotError::Version {
                    found: head.version,
                },
                _ => SnapshotError::Json(error),
            });
        }
    };
    if raw.version != SNAPSHOT_VERSION {
        return Err(SnapshotError::Version { found: raw.version });
    }
    Ok(Schema {
        renamed: Vec::new(),
        database: raw.database,
        extensions: raw.extensions,
        pg_schemas: raw.pg_schemas,
        ids: raw.ids,
        enums: raw.enums,
        tables: raw.tables,
        views: raw.views,
        functions: raw.functions,
        aggregates: raw.aggregates,
        sequences: raw.sequences,
        domains: raw.domains,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Schema {
        Schema {
            database: "main".into(),
            extensions: vec!["citext".into()],
            pg_schemas: Vec::new(),
            ids: Vec::new(),
            enums: Vec::new(),
            tables: Vec::new(),
            views: Vec::new(),
            functions: Vec::new(),
            aggregates: Vec::new(),
            sequences: Vec::new(),
            domains: Vec::new(),
            renamed: Vec::new(),
        }
    }

    #[test]
    fn round_trips() {
        let text = to_json(&schema());
        assert!(text.starts_with("{\n  \"version\": 1,"), "{text}");
        assert_eq!(from_json(&text).expect("read"), schema());
    }

    #[test]
    fn another_version_is_named_whatever_its_shape() {
        let same_shape = to_json(&schema()).replace("\"version\": 1", "\"version\": 7");
        let other_shape = r#"{ "version": 2, "objects": [] }"#;
        for text in [same_shape.as_str(), other_shape] {
            match from_json(text) {
                Err(SnapshotError::Version { found }) => assert!(found == 7 || found == 2),
                other => panic!("expected a version error, got {other:?}"),
            }
        }
        match from_json(r#"{ "version": 1, "database": "main", "tables": [], "extra": 1 }"#) {
            Err(SnapshotError::Json(e)) => assert!(e.to_string().contains("extra"), "{e}"),
            other => panic!("expected a JSON error, got {other:?}"),
        }
        assert!(matches!(from_json("{"), Err(SnapshotError::Json(_))));
    }
}
