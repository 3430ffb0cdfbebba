//! The lock file: the types PostgreSQL gave each named query, so that
//! generating the code needs no database.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{QueryError, QuerySource, Returns};

/// The lock file's name, in the queries directory.
pub const LOCK_FILE: &str = "queries.lock.json";
/// 2: a column records that it is a sensitive column of the schema. A lock
/// of an earlier version is stale, so its queries are typed again and a
/// sensitive column they read gets its `Sensitive<T>`.
pub const LOCK_VERSION: u32 = 3;
/// A database's query lock against its queries and its last snapshot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockStatus {
    /// Typed from exactly these queries against this snapshot.
    Fresh,
    /// Missing, or typed from other queries or another snapshot: the
    /// queries must be typed again.
    Stale,
    /// A lock with no queries left: it goes.
    Orphaned,
    /// Neither queries nor a lock.
    NoQueries,
}

/// What a schema has the lock type besides the named queries, each by
/// `pg_schema.name`, sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Typed {
    /// Every view.
    pub views: Vec<String>,
    /// The functions the generated code calls (`rust: true`).
    pub functions: Vec<String>,
}

impl Typed {
    /// Nothing to type.
    pub fn is_empty(&self) -> bool {
        self.views.is_empty() && self.functions.is_empty()
    }
}

/// The lock file: each query as PostgreSQL typed it, by name. Nothing in
/// it is shared by all the queries (version 2 had the snapshot's hash at
/// the top, which every branch rewrote), so two branches that add queries
/// of names apart change different lines, and git merges them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryLock {
    /// A lock of another version is read (version 2's extra key ignored)
    /// and typed again.
    pub version: u32,
    /// Each query, by name.
    pub queries: Vec<LockedQuery>,
    /// Each view's columns, by `pg_schema.name`: a view's rows are typed
    /// the way a query's are, by PostgreSQL, from its own `SELECT`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub views: Vec<LockedView>,
    /// Each function the code calls (`rust: true`), named `pg_schema.name`:
    /// its call typed as a query is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub functions: Vec<LockedQuery>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// A view's row as PostgreSQL typed it.
pub struct LockedView {
    /// `pg_schema.name`.
    pub name: String,
    /// The hash of the snapshot it was typed against (which holds its query).
    pub typed_against: Option<String>,
    /// Its columns, in order.
    pub columns: Vec<LockedColumn>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// One query as PostgreSQL typed it.
pub struct LockedQuery {
    /// Its name.
    pub name: String,
    /// The SHA-256 of its text in the query file.
    pub source_sha256: String,
    /// The hash of the last snapshot it was typed against: a schema change
    /// can change its types.
    #[serde(default)]
    pub typed_against: Option<String>,
    /// Its doc comment, a line each.
    pub doc: Vec<String>,
    /// Its SQL with `$n` parameters.
    pub sql: String,
    /// Its parameters, in `$n` order.
    pub params: Vec<LockedParam>,
    /// Its columns, in order.
    pub columns: Vec<LockedColumn>,
    /// Not known to only read: the function takes `&impl Write`.
    pub writes: bool,
    /// Leaves the session as it found it (a plain SELECT, INSERT, ...).
    pub stateless: bool,
    /// The table whose row the columns are, exactly: its struct is reused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row_of: Option<String>,
    /// The pg_schema of `row_of` (two pg_schemas may each have a table of
    /// that name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row_of_schema: Option<String>,
    /// What the function returns (`many` when absent).
    #[serde(default, skip_serializing_if = "Returns::is_default")]
    pub returns: Returns,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// A parameter of a locked query.
pub struct LockedParam {
    /// Its name.
    pub name: String,
    /// Its PostgreSQL type, as PostgreSQL inferred it.
    pub pg_type: String,
    /// The Rust type the function takes (by reference).
    pub rust: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// A column a locked query returns.
pub struct LockedColumn {
    /// Its name.
    pub name: String,
    /// Its PostgreSQL type.
    pub pg_type: String,
    /// Its Rust type.
    pub rust: String,
    /// Whether it may be NULL.
    pub nullable: bool,
    /// A json column read into a serde type.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub json: bool,
    /// A `sensitive: true` column of the schema: read as `Sensitive<T>`,
    /// as the table's own row reads it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
}

impl QueryLock {
    /// The lock's text, as written to disk.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// The lock in `dir`, or none.
    pub fn read(dir: &Path) -> Result<Option<QueryLock>, QueryError> {
        let path = dir.join(LOCK_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                if let Some(line) = crate::migration_dir::conflict_marker_line(&text) {
                    return Err(QueryError::Conflicted { path, line });
                }
                serde_json::from_str(&text)
                    .map(Some)
                    .map_err(|source| QueryError::Lock { path, source })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(QueryError::Read { path, source }),
        }
    }

    /// Each database's lock, in the configuration's order; `None` where a
    /// database has none. The one reader of locks for the generator, its
    /// build.rs API and `check`.
    pub fn read_all(
        root: &Path,
        databases: &[crate::config::DatabaseConfig],
    ) -> Result<Vec<Option<QueryLock>>, QueryError> {
        databases
            .iter()
            .map(|db| QueryLock::read(&root.join(&db.queries)))
            .collect()
    }

    /// Whether `lock` (a database's, if it has one) is what its queries,
    /// what its schema has typed and its last snapshot give: the one rule
    /// `check` and `generate` ask.
    pub fn status(
        lock: Option<&QueryLock>,
        sources: &[QuerySource],
        typed: &Typed,
        snapshot_sha256: Option<&str>,
    ) -> LockStatus {
        let nothing = sources.is_empty() && typed.is_empty();
        match (lock, nothing) {
            (None, true) => LockStatus::NoQueries,
            (Some(_), true) => LockStatus::Orphaned,
            (None, false) => LockStatus::Stale,
            (Some(l), false) if l.is_fresh(sources, typed, snapshot_sha256) => LockStatus::Fresh,
            (Some(_), false) => LockStatus::Stale,
        }
    }

    /// Whether it was made from exactly these queries, views and functions
    /// and this snapshot.
    pub fn is_fresh(
        &self,
        sources: &[QuerySource],
        typed: &Typed,
        snapshot_sha256: Option<&str>,
    ) -> bool {
        let against = |t: &Option<String>| t.as_deref() == snapshot_sha256;
        self.version == LOCK_VERSION
            && self
                .queries
                .iter()
                .chain(&self.functions)
                .all(|q| against(&q.typed_against))
            && self.views.iter().all(|v| against(&v.typed_against))
            && self.views.iter().map(|v| &v.name).eq(typed.views.iter())
            && self
                .functions
                .iter()
                .map(|f| &f.name)
                .eq(typed.functions.iter())
            && self.same_queries(sources)
    }

    /// The view typed as `pg_schema.name`, if the lock has it.
    pub fn view(&self, key: &str) -> Option<&LockedView> {
        self.views.iter().find(|v| v.name == key)
    }

    /// Whether the lock was typed from these queries (whatever the schema).
    /// The lock holds its queries by name (see [`QueryLock`]).
    pub fn same_queries(&self, sources: &[QuerySource]) -> bool {
        let mut written: Vec<(&str, &str)> = sources
            .iter()
            .map(|s| (s.name.as_str(), s.source_sha256.as_str()))
            .collect();
        written.sort_unstable();
        self.queries.len() == written.len()
            && self
                .queries
                .iter()
                .zip(written)
                .all(|(l, (name, sha))| l.name == name && l.source_sha256 == sha)
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    #[test]
    fn a_lock_of_an_earlier_version_is_typed_again() {
        let sources = parse("-- name: one\nSELECT 1 AS one\n", Path::new("q.sql")).unwrap();
        let mut lock = QueryLock {
            version: LOCK_VERSION,
            views: Vec::new(),
            functions: Vec::new(),
            queries: vec![LockedQuery {
                name: "one".into(),
                source_sha256: sources[0].source_sha256.clone(),
                typed_against: Some("s".into()),
                doc: Vec::new(),
                sql: sources[0].sql.clone(),
                params: Vec::new(),
                columns: Vec::new(),
                writes: false,
                stateless: true,
                row_of: None,
                row_of_schema: None,
                returns: Returns::Many,
            }],
        };
        assert!(lock.is_fresh(&sources, &Typed::default(), Some("s")));
        assert!(
            !lock.is_fresh(&sources, &Typed::default(), Some("t")),
            "another snapshot"
        );
        let status = |lock: Option<&QueryLock>, sources: &[QuerySource], snapshot| {
            QueryLock::status(lock, sources, &Typed::default(), snapshot)
        };
        assert_eq!(status(Some(&lock), &sources, Some("s")), LockStatus::Fresh);
        assert_eq!(status(Some(&lock), &sources, Some("t")), LockStatus::Stale);
        assert_eq!(status(None, &sources, Some("s")), LockStatus::Stale);
        assert_eq!(status(Some(&lock), &[], Some("s")), LockStatus::Orphaned);
        assert_eq!(status(None, &[], None), LockStatus::NoQueries);
        // Version 1 did not record sensitive columns.
        lock.version = 1;
        assert!(!lock.is_fresh(&sources, &Typed::default(), Some("s")));
        lock.version = LOCK_VERSION;
        // A view is typed too: one the lock lacks, or typed against
        // another snapshot, makes it stale; a lock of views alone is one.
        let views = Typed {
            views: vec!["public.v".to_owned()],
            functions: Vec::new(),
        };
        assert_eq!(
            QueryLock::status(Some(&lock), &sources, &views, Some("s")),
            LockStatus::Stale
        );
        lock.views.push(LockedView {
            name: "public.v".into(),
            typed_against: Some("t".into()),
            columns: Vec::new(),
        });
        assert!(!lock.is_fresh(&sources, &views, Some("s")));
        lock.views[0].typed_against = Some("s".into());
        assert!(lock.is_fresh(&sources, &views, Some("s")));
        assert!(
            !lock.is_fresh(&sources, &Typed::default(), Some("s")),
            "a view gone"
        );
        lock.queries.clear();
        assert_eq!(
            QueryLock::status(Some(&lock), &[], &views, Some("s")),
            LockStatus::Fresh
        );
        assert_eq!(
            QueryLock::status(Some(&lock), &[], &Typed::default(), Some("s")),
            LockStatus::Orphaned
        );
        // Version 2's lock, with the snapshot's hash at the top, is read.
        let v2 = r#"{"version": 2, "snapshot_sha256": "s", "queries": []}"#;
        let old: QueryLock = serde_json::from_str(v2).expect("version 2 reads");
        assert_eq!(old.version, 2);
    }
}
