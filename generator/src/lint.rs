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

use std::path::Path;

use serde::Serialize;

use schemac_schema::Config;

use crate::diff::{Hazard, Rule};
use crate::generate::{GenerateError, migration_position, usable};
use crate::migrations::MigrationDir;

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

/// The hazards of the migrations of each database (or of `database`):
/// the newest one, or those after `from` up to `to` (both tags or numbers),
/// as `schemac diff` takes a range.
pub fn lint(
    root: &Path,
    database: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Vec<Finding>, GenerateError> {
    let compiled = schemac_schema::compile_project(root);
    findings(root, usable(&compiled)?, database, from, to)
}

/// [`lint`] for a project already compiled.
pub(crate) fn findings(
    root: &Path,
    config: &Config,
    database: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Vec<Finding>, GenerateError> {
    let mut out = Vec::new();
    for (_, db) in config.select(database)? {
        let dir = MigrationDir::open(&root.join(&db.migrations))?;
        let position = |tag: &str| migration_position(&dir, &db.name, tag);
        let entries = &dir.journal.entries;
        let range = match (from, to) {
            (None, _) => entries.len().saturating_sub(1)..entries.len(),
            (Some(f), None) => position(f)? + 1..entries.len(),
            (Some(f), Some(t)) => position(f)? + 1..position(t)? + 1,
        };
        for e in entries.get(range).unwrap_or_default() {
            out.extend(of_migration(root, &dir, &db.name, &e.tag)?);
        }
    }
    Ok(out)
}

/// The findings of the migrations of `database` that are not among
/// `applied` (tags), oldest first: what `lint --check-data` asks the
/// database about before they run.
pub fn pending(
    root: &Path,
    database: &str,
    applied: &[String],
) -> Result<Vec<Finding>, GenerateError> {
    let compiled = schemac_schema::compile_project(root);
    let config = usable(&compiled)?;
    let mut out = Vec::new();
    for (_, db) in config.select(Some(database))? {
        let dir = MigrationDir::open(&root.join(&db.migrations))?;
        for e in dir
            .journal
            .entries
            .iter()
            .filter(|e| !applied.contains(&e.tag))
        {
            out.extend(of_migration(root, &dir, &db.name, &e.tag)?);
        }
    }
    Ok(out)
}

/// The hazards recorded in one migration's file, named as the project shows it.
fn of_migration(
    root: &Path,
    dir: &MigrationDir,
    database: &str,
    tag: &str,
) -> Result<Vec<Finding>, GenerateError> {
    let path = dir.sql_path(tag);
    let text = dir.read(&path)?;
    let shown = path
        .strip_prefix(root)
        .unwrap_or(&path)
        .display()
        .to_string();
    Ok(read(&text, database, tag, &shown))
}

/// One line per finding, for people.
pub fn render_text(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let place = match (&f.file, f.line) {
            (Some(file), Some(line)) => format!(" (from {file}:{line})"),
            _ => String::new(),
        };
        out.push_str(&format!(
            "{}:{}: {} {}: {}{place}\n",
            f.migration_file, f.statement_line, f.severity, f.rule, f.message
        ));
    }
    out
}

/// The rules named in `--deny a,b`, or a usage error naming the unknown one.
pub fn parse_rules(list: &str) -> Result<Vec<Rule>, GenerateError> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|id| {
            Rule::from_id(id).ok_or_else(|| {
                let known: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
                GenerateError::Usage(crate::generate::Usage::UnknownRule {
                    rule: id.to_string(),
                    known: known.join(", "),
                })
            })
        })
        .collect()
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

    #[test]
    fn unknown_rules_are_a_usage_error() {
        assert!(parse_rules("table_rewrite, data_loss").is_ok());
        let e = parse_rules("table_rewrites").unwrap_err().to_string();
        assert!(e.contains("unknown rule `table_rewrites`"), "{e}");
    }
}
