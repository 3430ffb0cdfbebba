//! `schemac lint`: the hazards recorded in migration files (see
//! [`crate::migration::hazards`] for the format), listed and filtered by rule.

use std::path::Path;

use schemac_schema::Config;

use crate::diff::Rule;
use crate::error::{Error, Usage};
use crate::migration::dir::MigrationDir;
use crate::migration::hazards::{Finding, read};
use crate::project::{migration_position, usable};

/// The hazards of the migrations of each database (or of `database`):
/// the newest one, or those after `from` up to `to` (both tags or numbers),
/// as `schemac diff` takes a range.
pub fn lint(
    root: &Path,
    database: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Vec<Finding>, Error> {
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
) -> Result<Vec<Finding>, Error> {
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
pub fn pending(root: &Path, database: &str, applied: &[String]) -> Result<Vec<Finding>, Error> {
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
) -> Result<Vec<Finding>, Error> {
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

/// One GitHub Actions workflow command per finding (`::warning file=…,
/// line=…,title=…::…`), so that each hazard shows on its line of the
/// migration in a pull request's diff. `root` is the project as the
/// command line named it: GitHub wants paths from the repository's root,
/// where a workflow runs `schemac -C <project>`.
pub fn render_github(findings: &[Finding], root: &Path) -> String {
    let mut out = String::new();
    for f in findings {
        let path = root.join(&f.migration_file);
        let path = path
            .strip_prefix(".")
            .unwrap_or(&path)
            .display()
            .to_string();
        let place = match (&f.file, f.line) {
            (Some(file), Some(line)) => format!(" (from {file}:{line})"),
            _ => String::new(),
        };
        let level = match f.severity {
            "error" => "error",
            _ => "warning",
        };
        out.push_str(&format!(
            "::{level} file={},line={},title={}::{}\n",
            github_property(&path),
            f.statement_line,
            github_property(&format!("schemac {}", f.rule)),
            github_data(&format!("{}{place}", f.message)),
        ));
    }
    out
}

/// A workflow command's message, escaped as GitHub's toolkit does.
fn github_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: its message escaping, and the
/// separators of the properties.
fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The rules named in `--deny a,b`, or a usage error naming the unknown one.
pub fn parse_rules(list: &str) -> Result<Vec<Rule>, Error> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|id| {
            Rule::from_id(id).ok_or_else(|| {
                let known: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
                Error::Usage(Usage::UnknownRule {
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
    fn github_annotations_escape_what_would_end_them() {
        let f = Finding {
            rule: "table_rewrite",
            severity: "warning",
            database: "main".into(),
            migration: "0001_x".into(),
            migration_file: "migrations/0001_x.sql".into(),
            statement_line: 7,
            file: Some("schema/app.yaml".into()),
            line: Some(3),
            message: "100% of rows, a\nline".into(),
            query: None,
        };
        assert_eq!(
            render_github(std::slice::from_ref(&f), Path::new("examples/shop")),
            "::warning file=examples/shop/migrations/0001_x.sql,line=7,title=schemac table_rewrite::100%25 of rows, a%0Aline (from schema/app.yaml:3)\n"
        );
        assert!(
            render_github(&[f], Path::new("."))
                .starts_with("::warning file=migrations/0001_x.sql,")
        );
    }

    #[test]
    fn unknown_rules_are_a_usage_error() {
        assert!(parse_rules("table_rewrite, data_loss").is_ok());
        let e = parse_rules("table_rewrites").unwrap_err().to_string();
        assert!(e.contains("unknown rule `table_rewrites`"), "{e}");
    }
}
