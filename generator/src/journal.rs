//! `meta/_journal.json`: the ordered list of a database's migrations.

use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

pub const JOURNAL_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Journal {
    pub version: u32,
    pub dialect: String,
    pub entries: Vec<JournalEntry>,
}

impl Default for Journal {
    fn default() -> Self {
        Journal {
            version: JOURNAL_VERSION,
            dialect: "postgresql".into(),
            entries: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JournalEntry {
    pub idx: u32,
    /// `0000_init`: the file stem of the migration.
    pub tag: String,
    /// SHA-256 of the migration's SQL, line endings normalised to LF.
    pub sql_sha256: String,
    /// SHA-256 of the reverse migration (`.down.sql`).
    pub down_sha256: String,
    pub snapshot_sha256: String,
    /// The snapshot this migration starts from; two branches that both add
    /// migration N start from the same one, which `check` detects.
    pub prev_snapshot_sha256: Option<String>,
    /// Written by `generate --custom`: hand-written SQL, no schema change.
    #[serde(default, skip_serializing_if = "is_false")]
    pub custom: bool,
    /// Re-recorded by `generate --rehash` after a deliberate edit.
    #[serde(default, skip_serializing_if = "is_false")]
    pub edited: bool,
    /// The change hints the migration was generated with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hints: Option<crate::history::RecordedHints>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Journal {
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    pub fn from_json(text: &str) -> Result<Journal, String> {
        let j: Journal = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if j.version != JOURNAL_VERSION {
            return Err(format!(
                "journal version {} is not supported (this schemac reads version {JOURNAL_VERSION})",
                j.version
            ));
        }
        Ok(j)
    }
}

/// SHA-256 in hex over the text with CRLF turned into LF, so a Windows
/// checkout of the same file hashes the same.
pub fn sha256_hex(text: &str) -> String {
    // Fed line by line rather than through a normalised copy: a snapshot of
    // a large schema is megabytes, and hashing it is on every generate.
    let mut hasher = Sha256::new();
    if !text.contains('\r') {
        hasher.update(text.as_bytes());
        return hex(hasher);
    }
    let mut pieces = text.split("\r\n");
    if let Some(first) = pieces.next() {
        hasher.update(first.as_bytes());
    }
    for piece in pieces {
        hasher.update(b"\n");
        hasher.update(piece.as_bytes());
    }
    hex(hasher)
}

fn hex(hasher: Sha256) -> String {
    let mut hex = String::with_capacity(64);
    for b in hasher.finalize() {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_does_not_change_the_hash() {
        assert_eq!(sha256_hex("a;\r\nb;\r\n"), sha256_hex("a;\nb;\n"));
        assert_ne!(sha256_hex("a;\n"), sha256_hex("b;\n"));
        assert_eq!(sha256_hex("\r\n\r\n"), sha256_hex("\n\n"));
        // The digest of the text itself (the standard test vector of "abc").
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn journal_round_trips() {
        let j = Journal {
            entries: vec![JournalEntry {
                idx: 0,
                tag: "0000_init".into(),
                sql_sha256: "a".into(),
                down_sha256: "c".into(),
                snapshot_sha256: "b".into(),
                prev_snapshot_sha256: None,
                custom: false,
                edited: false,
                hints: None,
            }],
            ..Journal::default()
        };
        assert_eq!(Journal::from_json(&j.to_json()).unwrap(), j);
    }
}
