//! The migration directory's format, shared by the generator that writes it
//! and the runtime that applies it: the journal (`meta/_journal.json`), the
//! statement breakpoints, the no-transaction marker and the hash that tells
//! an edited file, so neither side can drift from the other.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

mod chain;
mod hint_key;

pub use chain::{
    ChainProblem, chain_problems, conflict_marker_line, conflict_sides, migration_files, number_of,
    tag_of_file,
};
pub use hint_key::{HintKey, RecordedHint};

/// Where a migration directory keeps its files, relative to it: the one
/// place the layout is spelled (the generator, `schemac rebase` reading
/// the other branch through git, and the runtime's runner all ask here).
pub mod layout {
    /// The journal.
    pub const JOURNAL: &str = "meta/_journal.json";
    /// The directory of the journal and the snapshots.
    pub const META: &str = "meta";

    /// A migration's up file: `NNNN_name.sql`.
    pub fn up(tag: &str) -> String {
        format!("{tag}.sql")
    }

    /// A migration's down file: `NNNN_name.down.sql`.
    pub fn down(tag: &str) -> String {
        format!("{tag}.down.sql")
    }

    /// The schema after migration `idx`: `meta/NNNN_snapshot.json`.
    pub fn snapshot(idx: u32) -> String {
        format!("{META}/{idx:04}_snapshot.json")
    }
}

/// What separates statements in a migration file.
pub const BREAKPOINT: &str = "--> statement-breakpoint";

/// The first line of a migration that must not run inside a transaction
/// (CREATE INDEX CONCURRENTLY and the like). Such a migration runs statement
/// by statement, so each statement sits between breakpoints of its own.
pub const NO_TRANSACTION_MARKER: &str = "-- schemac:no-transaction";

/// Statements as a migration file holds them: each ended by `;`, with a
/// breakpoint line between two.
pub fn join_statements(statements: &[String]) -> String {
    // Sized once: a first migration's text is megabytes at a thousand tables.
    let size = statements
        .iter()
        .map(|s| s.len() + BREAKPOINT.len() + 3)
        .sum();
    let mut out = String::with_capacity(size);
    for (i, s) in statements.iter().enumerate() {
        if i > 0 {
            out.push_str(BREAKPOINT);
            out.push('\n');
        }
        out.push_str(s);
        out.push_str(";\n");
    }
    out
}

/// Whether a migration's first non-blank line is [`NO_TRANSACTION_MARKER`].
pub fn runs_without_transaction(sql: &str) -> bool {
    sql.lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.trim() == NO_TRANSACTION_MARKER)
}

/// One statement of a migration file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Statement<'a> {
    /// Its text.
    pub sql: &'a str,
    /// The 1-based line of the file the statement starts on.
    pub line: usize,
}

/// The statements between breakpoints, each with the line it starts on.
/// Chunks holding only comments or blanks are left out.
pub fn statements(sql: &str) -> Vec<Statement<'_>> {
    let mut out = Vec::new();
    let mut offset = 0;
    for chunk in sql.split(BREAKPOINT) {
        let start = offset;
        offset += chunk.len() + BREAKPOINT.len();
        let meaningful = chunk
            .lines()
            .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with("--"));
        if !meaningful {
            continue;
        }
        // The statement proper starts at its first non-blank line.
        let leading = chunk.len() - chunk.trim_start().len();
        let line = 1 + sql[..start + leading].matches('\n').count();
        out.push(Statement {
            sql: chunk.trim(),
            line,
        });
    }
    out
}

/// The journal format this version writes and reads.
pub const JOURNAL_VERSION: u32 = 1;

/// Why a journal cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum JournalError {
    /// Git's conflict markers: a merge left the journal as both sides wrote it.
    #[error(
        "git conflict markers at line {line}: two branches both added migrations. \
         Do not merge the journal by hand: run `schemac rebase`, which keeps the other branch's \
         migrations and generates this branch's again on top of them"
    )]
    ConflictMarkers {
        /// The line of the first marker.
        line: usize,
    },
    /// A journal of a format this version does not read.
    #[error(
        "journal version {found} is not supported (this schemac reads version {JOURNAL_VERSION})"
    )]
    Version {
        /// The journal's version.
        found: u32,
    },
    #[error("{0}")]
    /// Not a journal: the JSON's problem.
    Invalid(String),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// `meta/_journal.json`: the migrations of a directory, in order.
pub struct Journal {
    /// Its format version.
    pub version: u32,
    /// `postgresql`.
    pub dialect: String,
    /// The migrations, in order.
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
/// One migration of the journal.
pub struct JournalEntry {
    /// The migration's number.
    pub idx: u32,
    /// `0000_init`: the file stem of the migration.
    pub tag: String,
    /// SHA-256 of the migration's SQL, line endings normalised to LF.
    pub sql_sha256: String,
    /// SHA-256 of the reverse migration (`.down.sql`).
    pub down_sha256: String,
    /// The SHA-256 of the snapshot after it.
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
    /// Written by `schemac pull --baseline` or `schemac import`: the
    /// schema a database already had. `schemac migrate` records it as
    /// applied without running it on a database found to be at that state.
    #[serde(default, skip_serializing_if = "is_false")]
    pub baseline: bool,
    /// The change hints the migration was generated with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hints: Option<RecordedHints>,
    /// Every hint the schema held when the migration was written, applied
    /// or stale, by what it says: from then on it is inert and quiet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consumed_hints: Vec<RecordedHint>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Journal {
    /// The journal's text, as written to disk.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Reads a journal's text.
    pub fn from_json(text: &str) -> Result<Journal, JournalError> {
        if let Some(line) = chain::conflict_marker_line(text) {
            return Err(JournalError::ConflictMarkers { line });
        }
        let j: Journal =
            serde_json::from_str(text).map_err(|e| JournalError::Invalid(e.to_string()))?;
        if j.version != JOURNAL_VERSION {
            return Err(JournalError::Version { found: j.version });
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

/// A migration's hints, in a stable order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedHints {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// Tables renamed (`renamed_from`).
    pub table_renames: Vec<TableRename>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// Columns renamed.
    pub column_renames: Vec<ColumnRename>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// Enums renamed.
    pub enum_renames: Vec<Rename>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// Enum values renamed.
    pub value_renames: Vec<ValueRename>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// Conversions of type changes (`using:`).
    pub using: Vec<ColumnSql>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// Their reverse, for the down migration.
    pub using_down: Vec<ColumnSql>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// Values of columns that became NOT NULL.
    pub backfill: Vec<ColumnSql>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// Enum values removed, and the value their rows became.
    pub remap: Vec<ValueRename>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// Views, functions, triggers, sequences and domains renamed.
    pub object_renames: Vec<ObjectRenameRecord>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// A view, function, trigger, sequence or domain renamed (`renamed_from`).
pub struct ObjectRenameRecord {
    /// What it is.
    pub kind: crate::model::ObjectKind,
    /// Its pg_schema.
    pub schema: String,
    /// A trigger's table, as the new schema names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// The old name.
    pub from: String,
    /// The new name.
    pub to: String,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// A table renamed.
pub struct TableRename {
    /// Its old pg_schema.
    pub from_schema: String,
    /// Its old name.
    pub from: String,
    /// Its new pg_schema.
    pub to_schema: String,
    /// Its new name.
    pub to: String,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// A column renamed.
pub struct ColumnRename {
    /// The table under its name after the migration.
    pub schema: String,
    /// The table.
    pub table: String,
    /// Its old name.
    pub from: String,
    /// Its new name.
    pub to: String,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// An object renamed.
pub struct Rename {
    /// Its old name.
    pub from: String,
    /// Its new name.
    pub to: String,
}

/// An enum value renamed, or (in `remap`) the value rows of a removed one become.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct ValueRename {
    #[serde(rename = "enum")]
    /// The enum.
    pub enum_key: String,
    /// The old value.
    pub from: String,
    /// The new value.
    pub to: String,
}

/// SQL given for one column (`using`, `backfill`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnSql {
    /// The pg_schema.
    pub schema: String,
    /// The table.
    pub table: String,
    /// The column.
    pub column: String,
    /// The SQL expression.
    pub sql: String,
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
    fn statements_carry_their_line() {
        let sql = "-- header\nCREATE TABLE a ();\n--> statement-breakpoint\n\nCREATE TABLE b ();\n";
        let s = statements(sql);
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].sql, s[0].line), ("-- header\nCREATE TABLE a ();", 1));
        assert_eq!((s[1].sql, s[1].line), ("CREATE TABLE b ();", 5));
        assert!(runs_without_transaction(
            "\n-- schemac:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);\n"
        ));
        assert!(!runs_without_transaction("CREATE TABLE a ();\n"));
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
                baseline: false,
                hints: None,
                consumed_hints: Vec::new(),
            }],
            ..Journal::default()
        };
        assert_eq!(Journal::from_json(&j.to_json()).unwrap(), j);
    }
}
