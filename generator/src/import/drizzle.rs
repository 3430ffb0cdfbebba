//! A drizzle-kit migrations directory.
//!
//! drizzle-kit 0.x keeps `meta/_journal.json` (the migrations in order,
//! each with the `when` its migrator compares) and `meta/NNNN_snapshot.json`
//! beside `NNNN_name.sql`; drizzle-kit 1.x (snapshot version 8) has no
//! journal, a folder per migration holding `migration.sql` and
//! `snapshot.json`, in name order. Both migrators record each file they
//! ran in `drizzle.__drizzle_migrations` with the SHA-256 of its text.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

/// Which layout a directory has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `meta/_journal.json`, snapshot versions 5 to 7.
    Journal,
    /// A folder per migration, snapshot version 8.
    Folders,
}

/// One migration drizzle-kit wrote.
#[derive(Clone, Debug)]
pub struct DrizzleMigration {
    /// `0003_minor_spitfire`, or the folder's name.
    pub tag: String,
    /// The file's text, as drizzle's migrator reads it.
    pub sql: String,
    /// SHA-256 of the text, hex: what `__drizzle_migrations.hash` holds.
    pub sha256: String,
    /// The journal's `when` (milliseconds), which the 0.x migrator
    /// compares; the folder's timestamp prefix in the v1 layout.
    pub when: i64,
    /// The file.
    pub path: PathBuf,
}

impl DrizzleMigration {
    /// The statements, split where drizzle-kit marks a breakpoint.
    pub fn statements(&self) -> Vec<&str> {
        self.sql
            .split("--> statement-breakpoint")
            .map(str::trim)
            .filter(|s| !s.is_empty() && !only_comments(s))
            .collect()
    }
}

fn only_comments(s: &str) -> bool {
    s.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with("--")
    })
}

/// A directory read: its migrations in the order drizzle runs them, the
/// newest snapshot, and what is odd about it.
#[derive(Clone, Debug)]
pub struct DrizzleDir {
    /// Which layout it has.
    pub layout: Layout,
    /// Its migrations, in the order drizzle runs them.
    pub migrations: Vec<DrizzleMigration>,
    /// The newest snapshot, as JSON, and its file.
    pub latest_snapshot: Option<(PathBuf, serde_json::Value)>,
    /// What real directories get wrong, one sentence each.
    pub quirks: Vec<String>,
}

/// Why a directory cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum DrizzleError {
    /// A file or directory that cannot be read.
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        /// Which.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A journal that is not one.
    #[error("{}: not a drizzle-kit journal: {message}", path.display())]
    Journal {
        /// Its file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Neither layout.
    #[error(
        "{}: not a drizzle-kit migrations directory: no meta/_journal.json (drizzle-kit 0.x) and no folders holding migration.sql (drizzle-kit 1.x)",
        .0.display()
    )]
    NotDrizzle(PathBuf),
    /// A journal entry without its SQL file.
    #[error("{}: the journal lists {tag}, but {} is missing", dir.display(), file.display())]
    Missing {
        /// The directory.
        dir: PathBuf,
        /// The entry's tag.
        tag: String,
        /// The file it names.
        file: PathBuf,
    },
}

#[derive(Deserialize)]
struct Journal {
    entries: Vec<JournalEntry>,
}

#[derive(Deserialize)]
struct JournalEntry {
    idx: i64,
    when: i64,
    tag: String,
}

fn read(path: &Path) -> Result<String, DrizzleError> {
    std::fs::read_to_string(path).map_err(|source| DrizzleError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// SHA-256 of a text, hex, as drizzle's migrator computes it.
pub fn sha256_hex(text: &str) -> String {
    let mut h = Sha256::new();
    h.update(text.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads the directory drizzle-kit writes migrations into (`out` in its
/// config; `drizzle/` by default).
pub fn read_dir(dir: &Path) -> Result<DrizzleDir, DrizzleError> {
    let journal_path = dir.join("meta").join("_journal.json");
    if journal_path.is_file() {
        return read_journal_layout(dir, &journal_path);
    }
    let mut folders: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|source| DrizzleError::Read {
            path: dir.to_path_buf(),
            source,
        })?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("migration.sql").is_file())
        .collect();
    if folders.is_empty() {
        return Err(DrizzleError::NotDrizzle(dir.to_path_buf()));
    }
    folders.sort();
    let mut migrations = Vec::new();
    let mut latest_snapshot = None;
    let mut quirks = Vec::new();
    for folder in &folders {
        let tag = folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let path = folder.join("migration.sql");
        let sql = read(&path)?;
        // drizzle-kit 1.x names a folder `<YYYYMMDDHHMMSS>_<name>`.
        let when = tag
            .split('_')
            .next()
            .and_then(|t| t.parse::<i64>().ok())
            .unwrap_or(0);
        let snapshot = folder.join("snapshot.json");
        match std::fs::read_to_string(&snapshot) {
            Ok(text) => match serde_json::from_str(&text) {
                Ok(v) => latest_snapshot = Some((snapshot, v)),
                Err(e) => quirks.push(format!("{}: not valid JSON ({e})", snapshot.display())),
            },
            Err(_) => quirks.push(format!("{tag}: no snapshot.json beside its migration.sql")),
        }
        migrations.push(DrizzleMigration {
            sha256: sha256_hex(&sql),
            tag,
            sql,
            when,
            path,
        });
    }
    Ok(DrizzleDir {
        layout: Layout::Folders,
        migrations,
        latest_snapshot,
        quirks,
    })
}

fn read_journal_layout(dir: &Path, journal_path: &Path) -> Result<DrizzleDir, DrizzleError> {
    let journal: Journal =
        serde_json::from_str(&read(journal_path)?).map_err(|e| DrizzleError::Journal {
            path: journal_path.to_path_buf(),
            message: e.to_string(),
        })?;
    let mut quirks = Vec::new();
    let mut migrations = Vec::new();
    for entry in &journal.entries {
        let path = dir.join(format!("{}.sql", entry.tag));
        if !path.is_file() {
            return Err(DrizzleError::Missing {
                dir: dir.to_path_buf(),
                tag: entry.tag.clone(),
                file: path,
            });
        }
        let sql = read(&path)?;
        migrations.push(DrizzleMigration {
            tag: entry.tag.clone(),
            sha256: sha256_hex(&sql),
            sql,
            when: entry.when,
            path,
        });
    }
    // SQL files the journal does not list: drizzle never runs them.
    let mut listed: Vec<&str> = journal.entries.iter().map(|e| e.tag.as_str()).collect();
    listed.sort_unstable();
    let mut unlisted: Vec<String> = std::fs::read_dir(dir)
        .map_err(|source| DrizzleError::Read {
            path: dir.to_path_buf(),
            source,
        })?
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".sql")?.to_string();
            listed
                .binary_search(&stem.as_str())
                .is_err()
                .then_some(name)
        })
        .collect();
    unlisted.sort();
    for name in unlisted {
        quirks.push(format!(
            "{name} is in the directory but not in meta/_journal.json: drizzle-kit never ran it, and neither is it replayed here"
        ));
    }
    // Two migrations of one number (two branches that both generated).
    let mut numbers: Vec<(&str, &str)> = journal
        .entries
        .iter()
        .filter_map(|e| e.tag.split_once('_').map(|(n, _)| (n, e.tag.as_str())))
        .collect();
    numbers.sort_unstable();
    for pair in numbers.windows(2) {
        if pair[0].0 == pair[1].0 {
            quirks.push(format!(
                "two migrations are numbered {} ({} and {}): two branches generated in parallel; both are replayed in the journal's order",
                pair[0].0, pair[0].1, pair[1].1
            ));
        }
    }
    // drizzle 0.x's migrator runs what is newer than the last `when` it
    // recorded: an entry older than one before it is skipped on a
    // database that ran the later one.
    for pair in journal.entries.windows(2) {
        if pair[1].when < pair[0].when {
            quirks.push(format!(
                "{} is dated before {}, which comes before it in the journal: drizzle's 0.x migrator decides by that date and skips it on a database that ran {}; here it is matched by its hash",
                pair[1].tag, pair[0].tag, pair[0].tag
            ));
        }
    }
    // The snapshot chain: each snapshot's prevId is the one before's id.
    let mut latest_snapshot = None;
    let mut previous: Option<(String, String)> = None;
    for entry in &journal.entries {
        let path = dir
            .join("meta")
            .join(format!("{:04}_snapshot.json", entry.idx));
        let Ok(text) = std::fs::read_to_string(&path) else {
            quirks.push(format!(
                "{} has no meta/{:04}_snapshot.json: the snapshot chain has a gap",
                entry.tag, entry.idx
            ));
            previous = None;
            continue;
        };
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
            quirks.push(format!("{}: not valid JSON", path.display()));
            continue;
        };
        let id = value["id"].as_str().unwrap_or_default().to_string();
        let prev = value["prevId"].as_str().unwrap_or_default().to_string();
        if let Some((prev_tag, prev_id)) = &previous
            && prev != *prev_id
        {
            quirks.push(format!(
                "meta/{:04}_snapshot.json ({}) does not follow {prev_tag}'s snapshot (its prevId is not that one's id): the snapshot chain is broken there",
                entry.idx, entry.tag
            ));
        }
        previous = Some((entry.tag.clone(), id));
        latest_snapshot = Some((path, value));
    }
    Ok(DrizzleDir {
        layout: Layout::Journal,
        migrations,
        latest_snapshot,
        quirks,
    })
}

/// Statements that change data or rights rather than the schema: a
/// baseline holds the schema only, so they are listed, never carried.
pub fn side_effects(m: &DrizzleMigration) -> Vec<String> {
    let mut out = Vec::new();
    for statement in m.statements() {
        let code: String = statement
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join(" ");
        let words: Vec<String> = code
            .split_whitespace()
            .take(3)
            .map(|w| w.to_ascii_uppercase())
            .collect();
        let first = words.first().map(String::as_str).unwrap_or("");
        let second = words.get(1).map(String::as_str).unwrap_or("");
        let what = match (first, second) {
            ("INSERT" | "UPDATE" | "DELETE" | "COPY" | "TRUNCATE" | "MERGE", _) => "a data change",
            // drizzle-kit 0.x wraps each foreign key in a DO block that
            // ignores `duplicate_object`: schema, replayed like the rest.
            // One that writes rows is a data change.
            ("DO", _) if writes_rows(&code) => "a DO block that writes rows",
            ("GRANT" | "REVOKE", _) => "a grant",
            ("CREATE" | "ALTER" | "DROP", "ROLE" | "USER") => "a role",
            ("CREATE" | "ALTER" | "DROP", "POLICY") => "a row-level security policy",
            ("WITH", _)
                if code.to_ascii_uppercase().contains(" UPDATE ")
                    || code.to_ascii_uppercase().contains(" INSERT ") =>
            {
                "a data change"
            }
            _ => continue,
        };
        let short: String = code.chars().take(70).collect();
        let ellipsis = if code.chars().count() > 70 { "…" } else { "" };
        out.push(format!("{}: {what}, not carried: {short}{ellipsis}", m.tag));
    }
    out
}

/// Whether code names INSERT, UPDATE or DELETE other than as a foreign
/// key's action (`ON DELETE CASCADE`).
fn writes_rows(code: &str) -> bool {
    let upper = code.to_ascii_uppercase();
    let words: Vec<&str> = upper
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().enumerate().any(|(i, w)| {
        matches!(*w, "INSERT" | "UPDATE" | "DELETE")
            && !(i > 0 && words[i - 1] == "ON" && *w != "INSERT")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_split_at_breakpoints_and_side_effects_are_named() {
        let m = DrizzleMigration {
            tag: "0001_x".into(),
            sql: "CREATE TABLE a (id int);\n--> statement-breakpoint\nUPDATE a SET id = 1;\n--> statement-breakpoint\n-- nothing\n".into(),
            sha256: String::new(),
            when: 0,
            path: PathBuf::new(),
        };
        assert_eq!(
            m.statements(),
            ["CREATE TABLE a (id int);", "UPDATE a SET id = 1;"]
        );
        assert_eq!(
            side_effects(&m),
            ["0001_x: a data change, not carried: UPDATE a SET id = 1;"]
        );
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
