//! Hazards in migration files: written by `generate` as `-- hazard` comments
//! above the statements they concern, read back by `schemac lint`,
//! `generate` and `check`.
//!
//! The comment is the record: it is written when the migration is generated,
//! with everything the differ knew then (renames, backfills, which tables
//! were new), so linting an old migration needs no schema of that time.
//!
//! ```sql
//! -- hazard table_rewrite (schema/app.yaml:12): changing the type of users.email rewrites users ...
//! ALTER TABLE "public"."users" ALTER COLUMN "email" TYPE citext USING "email"::citext;
//! ```

use serde::Serialize;

use crate::diff::{Hazard, Rule};

const PREFIX: &str = "-- hazard ";
/// The line under a `data_dependent` hazard that holds its query.
const QUERY_PREFIX: &str = "--   rows it fails on: ";

/// One hazard of one migration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule's id (`table_rewrite`, `data_loss`, ...).
    pub rule: &'static str,
    /// `warning` or `error`.
    pub severity: &'static str,
    /// The database's name.
    pub database: String,
    /// The migration's tag, e.g. `0003_alter_users`.
    pub migration: String,
    /// The migration file, relative to the project.
    pub migration_file: String,
    /// The line of the statement in the migration file (1-based).
    pub statement_line: usize,
    /// The schema file and line of the change that caused it, when known.
    pub file: Option<String>,
    /// The line in that file.
    pub line: Option<u32>,
    /// What the statement does to the table and why it matters.
    pub message: String,
    /// `data_dependent`: the query that counts the rows the statement
    /// fails on, to run before the migration (`schemac lint --check-data`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
}

/// The comment line for a hazard; `location` is `file:line` in the schema.
pub fn comment(h: &Hazard, location: Option<&str>) -> String {
    // A message quotes the user's names and values, which may hold a line break.
    let message = schemac_schema::sql::comment_safe(&h.message);
    let mut line = match location {
        Some(at) => format!(
            "{PREFIX}{} ({}): {message}",
            h.rule.id(),
            schemac_schema::sql::comment_safe(at)
        ),
        None => format!("{PREFIX}{}: {message}", h.rule.id()),
    };
    // A query holding a line break (from a check's text) cannot stand on
    // one comment line; the hazard is named without it.
    if let Some(q) = h
        .query
        .as_deref()
        .filter(|q| !q.chars().any(char::is_control))
    {
        line.push('\n');
        line.push_str(QUERY_PREFIX);
        line.push_str(q);
    }
    line
}

/// The hazards recorded in a migration file's text.
pub fn read(text: &str, database: &str, tag: &str, migration_file: &str) -> Vec<Finding> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(rest) = line.strip_prefix(PREFIX) else {
            continue;
        };
        let Some((head, message)) = rest.split_once(": ") else {
            continue;
        };
        let (rule_id, location) = match head.split_once(" (") {
            Some((r, loc)) => (r, loc.strip_suffix(')')),
            None => (head, None),
        };
        let Some(rule) = Rule::from_id(rule_id) else {
            continue;
        };
        let (file, line_no) = match location.and_then(|l| l.rsplit_once(':')) {
            Some((f, n)) => (Some(f.to_string()), n.parse().ok()),
            None => (None, None),
        };
        // The statement starts at the first line after the comments above it.
        let statement_line = lines[i..]
            .iter()
            .position(|l| !l.starts_with("--"))
            .map_or(i + 1, |k| i + k + 1);
        let query = lines
            .get(i + 1)
            .and_then(|l| l.strip_prefix(QUERY_PREFIX))
            .map(str::to_owned);
        out.push(Finding {
            query,
            rule: rule.id(),
            severity: rule.severity().as_str(),
            database: database.to_string(),
            migration: tag.to_string(),
            migration_file: migration_file.to_string(),
            statement_line,
            file,
            line: line_no,
            message: message.to_string(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_read_back_with_their_statement_line() {
        let h = Hazard {
            rule: Rule::TableRewrite,
            message: "changing the type of t.a rewrites t: under lock".into(),
            place: None,
            statement: 0,
            query: None,
        };
        let text = format!(
            "ALTER TABLE x ADD COLUMN y int;\n--> statement-breakpoint\n{}\n{}\nALTER TABLE t\n  ALTER COLUMN a TYPE text;\n",
            comment(&h, Some("schema/app.yaml:12")),
            comment(&h, None)
        );
        let found = read(&text, "main", "0001_x", "migrations/0001_x.sql");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].statement_line, 5);
        assert_eq!(found[0].file.as_deref(), Some("schema/app.yaml"));
        assert_eq!(found[0].line, Some(12));
        assert_eq!(found[0].message, h.message);
        assert_eq!(found[1].file, None);
        assert_eq!(found[1].statement_line, 5);
    }
}
