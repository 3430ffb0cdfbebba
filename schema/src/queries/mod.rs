//! Named queries: the `*.sql` files of a database's `queries` directory,
//! and the lock file that records the types PostgreSQL gave them, so that
//! generating the code needs no database.
//!
//! ```sql
//! -- name: active_members
//! -- The live members of an organization, with their role.
//! -- not_null: role
//! SELECT u.id, u.email, m.role
//! FROM users u JOIN organization_members m ON m.user_id = u.id
//! WHERE m.organization_id = :org_id AND u.deleted_at IS NULL;
//! ```
//!
//! Parameters are `:name` (the same name is the same parameter); comment
//! lines between the name and the SQL are the function's documentation,
//! except the annotations `-- nullable: a, b`, `-- not_null: a, b` (result
//! columns), `-- param NAME: RustType` (a parameter's Rust type, such as an
//! ID type, where PostgreSQL's would be `uuid`) and `-- column NAME:
//! RustType` (a result column's, such as a json column's serde type).
//! Positional `$1`, `$2` parameters work too (named `p1`, `p2`, …), but
//! not beside named ones.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::migration_dir::sha256_hex;

mod lock;

pub use lock::{
    LOCK_FILE, LOCK_VERSION, LockStatus, LockedColumn, LockedParam, LockedQuery, LockedView,
    QueryLock, Typed,
};

/// What a query's function returns, said after its name
/// (`-- name: user_by_email :one`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Returns {
    /// Exactly one row; none is the runtime's `Error::NotFound`, more than
    /// one an error.
    One,
    /// At most one row, as an `Option`.
    Opt,
    /// Every row, as a `Vec` (the default for a query that returns rows).
    #[default]
    Many,
    /// The rows as they arrive, each decoded when it comes (`impl Stream`),
    /// for a result too large to hold.
    Stream,
    /// Nothing: the statement ran.
    Exec,
    /// The number of rows the statement changed (the default for one that
    /// returns no rows).
    ExecRows,
    /// The one column of its one row, as an `Option`: a function's scalar
    /// result (`rust: true`). Not written after a query's name.
    Value,
}

impl Returns {
    /// Every kind a query's name line may say, in the order the messages
    /// list them.
    pub const ALL: [Returns; 6] = [
        Returns::One,
        Returns::Opt,
        Returns::Many,
        Returns::Stream,
        Returns::Exec,
        Returns::ExecRows,
    ];

    /// How the name line and the lock say it: `one`, `opt`, ...
    pub fn word(self) -> &'static str {
        match self {
            Returns::One => "one",
            Returns::Opt => "opt",
            Returns::Many => "many",
            Returns::Stream => "stream",
            Returns::Exec => "exec",
            Returns::ExecRows => "execrows",
            Returns::Value => "value",
        }
    }

    /// Whether the function reads rows (it needs the query to return some).
    pub fn reads_rows(self) -> bool {
        matches!(
            self,
            Returns::One | Returns::Opt | Returns::Many | Returns::Stream | Returns::Value
        )
    }

    fn is_default(&self) -> bool {
        *self == Returns::Many
    }
}

/// One named query as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuerySource {
    /// Its name.
    pub name: String,
    /// The file, as the error messages show it.
    pub file: PathBuf,
    /// The line of its `-- name:`.
    pub line: usize,
    /// The line its SQL starts on.
    pub sql_line: usize,
    /// Its doc comment, a line each.
    pub doc: Vec<String>,
    /// The SQL with `:name` parameters as `$1`, `$2`, … in order of first use.
    pub sql: String,
    /// The parameters' names, by number; none for a query written with
    /// positional `$n` parameters (they are named `p1`, `p2`, … then).
    pub params: Vec<String>,
    /// Whether it may be NULL.
    pub nullable: Vec<String>,
    /// `-- not_null:` columns.
    pub not_null: Vec<String>,
    /// `-- param NAME: Type` overrides.
    pub param_types: Vec<(String, String)>,
    /// `-- column NAME: Type` overrides (a json column's serde type).
    pub column_types: Vec<(String, String)>,
    /// What the function returns, when the name line says (`:one`, ...).
    pub returns: Option<Returns>,
    /// Of the query's whole text as written (annotations included): what
    /// the lock is checked against.
    pub source_sha256: String,
}

/// Why the queries cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("cannot read {}: {source}", path.display())]
    /// A query file or the lock could not be read.
    Read {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    #[error("{}:{line}: {message}", file.display())]
    /// A query file is not well formed.
    Syntax {
        /// The file.
        file: PathBuf,
        /// The line (1-based).
        line: usize,
        /// The message.
        message: String,
    },
    #[error("{}: {source}", path.display())]
    /// The lock is not one schemac wrote.
    Lock {
        /// The path.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
    /// Git's conflict markers in the lock.
    #[error(
        "{}: git conflict markers at line {line}: two branches typed their queries. Do not merge the lock by hand: \
         `schemac generate` (or `schemac rebase`, when the journal conflicts too) types the queries again against the merged schema",
        path.display()
    )]
    Conflicted {
        /// The lock's path.
        path: PathBuf,
        /// The line of the first marker.
        line: usize,
    },
}

/// The queries of every `*.sql` file in `dir` (in file-name order; none when
/// the directory does not exist). `shown` is how messages name the
/// directory.
pub fn read_queries(dir: &Path, shown: &Path) -> Result<Vec<QuerySource>, QueryError> {
    let mut files = Vec::new();
    match std::fs::read_dir(dir) {
        Ok(entries) => {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "sql") && path.is_file() {
                    files.push(path);
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(QueryError::Read {
                path: dir.to_path_buf(),
                source,
            });
        }
    }
    files.sort();
    let mut out: Vec<QuerySource> = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).map_err(|source| QueryError::Read {
            path: path.clone(),
            source,
        })?;
        let file = shown.join(path.file_name().unwrap_or_default());
        for q in parse(&text, &file)? {
            if let Some(first) = out.iter().find(|o| o.name == q.name) {
                return Err(QueryError::Syntax {
                    file: q.file,
                    line: q.line,
                    message: format!(
                        "a second query named `{}` (the first is at {}:{}); names become function names",
                        q.name,
                        first.file.display(),
                        first.line
                    ),
                });
            }
            out.push(q);
        }
    }
    Ok(out)
}

/// The queries of one file's text.
pub fn parse(text: &str, file: &Path) -> Result<Vec<QuerySource>, QueryError> {
    let error = |line: usize, message: String| QueryError::Syntax {
        file: file.to_path_buf(),
        line,
        message,
    };
    let mut out = Vec::new();
    let mut current: Option<Draft> = None;
    let text = text.replace("\r\n", "\n");
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if let Some(name) = trimmed.strip_prefix("-- name:") {
            if let Some(done) = current.take() {
                out.push(done.finish(file, &error)?);
            }
            let (name, returns) = match name.trim().split_once(char::is_whitespace) {
                Some((name, kind)) => {
                    let kind = kind.trim();
                    let Some(returns) = Returns::ALL
                        .into_iter()
                        .find(|r| kind.strip_prefix(':') == Some(r.word()))
                    else {
                        let known: Vec<String> = Returns::ALL
                            .iter()
                            .map(|r| format!(":{}", r.word()))
                            .collect();
                        return Err(error(
                            line,
                            format!(
                                "`{kind}` is not what a query returns: write one of {} after the name",
                                known.join(", ")
                            ),
                        ));
                    };
                    (name, Some(returns))
                }
                None => (name.trim(), None),
            };
            let valid = name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !valid {
                return Err(error(
                    line,
                    format!(
                        "`{name}` is not a query name: use snake_case (it becomes a function name)"
                    ),
                ));
            }
            current = Some(Draft::new(name, returns, line));
            continue;
        }
        let Some(q) = current.as_mut() else {
            if !trimmed.is_empty() && !trimmed.starts_with("--") {
                return Err(error(
                    line,
                    "SQL before the first `-- name: ...` line: name each query".into(),
                ));
            }
            continue;
        };
        q.text.push_str(raw);
        q.text.push('\n');
        if q.sql.is_empty() {
            if trimmed.is_empty() {
                continue;
            }
            if let Some(comment) = trimmed.strip_prefix("--") {
                q.annotate(comment.trim(), line, &error)?;
                continue;
            }
            q.sql_line = line;
        }
        q.sql.push_str(raw);
        q.sql.push('\n');
    }
    if let Some(done) = current.take() {
        out.push(done.finish(file, &error)?);
    }
    Ok(out)
}

struct Draft {
    name: String,
    line: usize,
    sql_line: usize,
    doc: Vec<String>,
    sql: String,
    text: String,
    nullable: Vec<String>,
    not_null: Vec<String>,
    param_types: Vec<(String, String)>,
    column_types: Vec<(String, String)>,
    returns: Option<Returns>,
}

impl Draft {
    fn new(name: &str, returns: Option<Returns>, line: usize) -> Draft {
        // A name line without a kind hashes as it always has.
        let kind = returns
            .map(|r| format!(" :{}", r.word()))
            .unwrap_or_default();
        Draft {
            name: name.to_string(),
            returns,
            line,
            sql_line: line,
            doc: Vec::new(),
            sql: String::new(),
            text: format!("-- name: {name}{kind}\n"),
            nullable: Vec::new(),
            not_null: Vec::new(),
            param_types: Vec::new(),
            column_types: Vec::new(),
        }
    }

    fn annotate(
        &mut self,
        comment: &str,
        line: usize,
        error: &dyn Fn(usize, String) -> QueryError,
    ) -> Result<(), QueryError> {
        let list = |s: &str| -> Vec<String> {
            s.split(',')
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect()
        };
        if let Some(rest) = comment.strip_prefix("nullable:") {
            self.nullable.extend(list(rest));
        } else if let Some(rest) = comment.strip_prefix("not_null:") {
            self.not_null.extend(list(rest));
        } else if let Some(rest) = comment.strip_prefix("param ") {
            let Some((name, ty)) = rest.split_once(':') else {
                return Err(error(
                    line,
                    "write a parameter's type as `-- param NAME: RustType`".into(),
                ));
            };
            self.param_types
                .push((name.trim().to_string(), ty.trim().to_string()));
        } else if let Some(rest) = comment.strip_prefix("column ") {
            let Some((name, ty)) = rest.split_once(':') else {
                return Err(error(
                    line,
                    "write a column's type as `-- column NAME: RustType`".into(),
                ));
            };
            self.column_types
                .push((name.trim().to_string(), ty.trim().to_string()));
        } else {
            self.doc.push(comment.to_string());
        }
        Ok(())
    }

    fn finish(
        self,
        file: &Path,
        error: &dyn Fn(usize, String) -> QueryError,
    ) -> Result<QuerySource, QueryError> {
        let body = self.sql.trim_end().trim_end_matches(';').trim_end();
        if body.is_empty() {
            return Err(error(
                self.line,
                format!("query `{}` has no SQL", self.name),
            ));
        }
        let (sql, params) = number_parameters(body);
        if !params.is_empty() && has_positional(&sql, params.len()) {
            return Err(error(
                self.line,
                format!(
                    "query `{}` mixes `:name` and `$n` parameters: use one kind",
                    self.name
                ),
            ));
        }
        for (name, _) in &self.param_types {
            if !params.contains(name) {
                return Err(error(
                    self.line,
                    format!("`-- param {name}` names no parameter of `{}`", self.name),
                ));
            }
        }
        Ok(QuerySource {
            source_sha256: sha256_hex(&self.text),
            name: self.name,
            file: file.to_path_buf(),
            line: self.line,
            sql_line: self.sql_line,
            doc: self.doc,
            sql,
            params,
            nullable: self.nullable,
            not_null: self.not_null,
            param_types: self.param_types,
            column_types: self.column_types,
            returns: self.returns,
        })
    }
}

/// Whether the SQL, numbered up to `named`, has a `$n` beyond them: a
/// positional parameter written by hand beside named ones.
fn has_positional(sql: &str, named: usize) -> bool {
    let bytes = sql.as_bytes();
    (0..bytes.len()).any(|i| {
        bytes[i] == b'$' && {
            let digits: String = sql[i + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse::<usize>().is_ok_and(|n| n > named)
        }
    })
}

/// `:name` parameters as `$n`, outside quotes, identifiers and comments
/// (`::type` casts are not parameters).
fn number_parameters(sql: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(sql.len());
    let mut names: Vec<String> = Vec::new();
    let chars: Vec<char> = sql.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\'' | '"' => {
                // Copy the quoted text whole ('' and "" escape themselves).
                out.push(c);
                i += 1;
                while i < chars.len() {
                    out.push(chars[i]);
                    if chars[i] == c {
                        i += 1;
                        break;
                    }
                    i += 1;
                }
                continue;
            }
            '-' if chars.get(i + 1) == Some(&'-') => {
                while i < chars.len() && chars[i] != '\n' {
                    out.push(chars[i]);
                    i += 1;
                }
                continue;
            }
            ':' if chars.get(i + 1) == Some(&':') => {
                out.push_str("::");
                i += 2;
                continue;
            }
            ':' if chars
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_lowercase() || *n == '_') =>
            {
                let start = i + 1;
                let mut end = start;
                while end < chars.len() && (chars[end].is_ascii_alphanumeric() || chars[end] == '_')
                {
                    end += 1;
                }
                let name: String = chars[start..end].iter().collect();
                let n = match names.iter().position(|p| *p == name) {
                    Some(at) => at + 1,
                    None => {
                        names.push(name);
                        names.len()
                    }
                };
                out.push_str(&format!("${n}"));
                i = end;
                continue;
            }
            _ => {}
        }
        out.push(c);
        i += 1;
    }
    (out, names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_queries_with_parameters_docs_and_annotations() {
        let text = "-- A file comment.\n\n-- name: active_members\n-- The live members.\n-- not_null: role\n-- param org_id: OrgId\nSELECT u.id, m.role, 'a:b' AS s, x::text\nFROM m -- :not_a_param\nWHERE m.org = :org_id AND m.other <> :org_id AND u.y = :y_1;\n\n-- name: count_all\nSELECT count(*) FROM m\n";
        let qs = parse(text, Path::new("queries/members.sql")).unwrap();
        assert_eq!(qs.len(), 2);
        let q = &qs[0];
        assert_eq!(q.name, "active_members");
        assert_eq!((q.line, q.sql_line), (3, 7));
        assert_eq!(q.doc, ["The live members."]);
        assert_eq!(q.not_null, ["role"]);
        assert_eq!(q.param_types, [("org_id".to_string(), "OrgId".to_string())]);
        assert_eq!(q.params, ["org_id", "y_1"]);
        assert_eq!(
            q.sql,
            "SELECT u.id, m.role, 'a:b' AS s, x::text\nFROM m -- :not_a_param\nWHERE m.org = $1 AND m.other <> $1 AND u.y = $2"
        );
        assert_eq!(qs[1].sql, "SELECT count(*) FROM m");
    }

    #[test]
    fn the_name_line_says_what_the_query_returns() {
        let qs = parse(
            "-- name: a :one\nSELECT 1\n\n-- name: b\nSELECT 2\n\n-- name: c :execrows\nDELETE FROM t\n\n-- name: d :stream\nSELECT 3\n",
            Path::new("q.sql"),
        )
        .unwrap();
        let returns: Vec<Option<Returns>> = qs.iter().map(|q| q.returns).collect();
        assert_eq!(
            returns,
            [
                Some(Returns::One),
                None,
                Some(Returns::ExecRows),
                Some(Returns::Stream)
            ]
        );
        // A name line without a kind hashes as before kinds existed.
        assert_eq!(qs[1].source_sha256, sha256_hex("-- name: b\nSELECT 2\n\n"));
        let e = parse("-- name: a :first\nSELECT 1\n", Path::new("q.sql")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "q.sql:1: `:first` is not what a query returns: write one of :one, :opt, :many, :stream, :exec, :execrows after the name"
        );
    }

    #[test]
    fn mistakes_name_their_line() {
        let e = parse("SELECT 1;\n", Path::new("q.sql")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "q.sql:1: SQL before the first `-- name: ...` line: name each query"
        );
        let e = parse("-- name: Bad-Name\nSELECT 1\n", Path::new("q.sql")).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("q.sql:1: `Bad-Name` is not a query name"),
            "{e}"
        );
        let e = parse("-- name: empty\n-- only a comment\n", Path::new("q.sql")).unwrap_err();
        assert_eq!(e.to_string(), "q.sql:1: query `empty` has no SQL");
    }
}
