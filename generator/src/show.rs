//! `schemac diff`: the change between two states of a schema, for people.

use std::fmt::Write as _;
use std::path::Path;

use schemac_schema::{Schema, compile_project, snapshot};

use crate::diff::{self, DataHints, Effect, Renames, describe, renames_from_hints};
use crate::generate::{GenerateError, usable};
use crate::migrations::MigrationDir;

/// ANSI colours, or none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    Always,
    Never,
}

impl Color {
    /// Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org).
    pub fn detect() -> Color {
        use std::io::IsTerminal;
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        if !no_color && std::io::stdout().is_terminal() {
            Color::Always
        } else {
            Color::Never
        }
    }

    fn paint(self, code: &str, text: &str) -> String {
        match self {
            Color::Always => format!("\x1b[{code}m{text}\x1b[0m"),
            Color::Never => text.to_string(),
        }
    }
}

/// Renders the change from `from` (a migration tag or number; default: the
/// last snapshot) to `to` (a tag; default: the schema files), per database.
pub fn show(
    root: &Path,
    database: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    verbose: bool,
    color: Color,
) -> Result<String, GenerateError> {
    let compiled = compile_project(root);
    let config = usable(&compiled)?;
    let mut out = String::new();
    for (db, schema) in config.databases.iter().zip(&compiled.schemas) {
        if database.is_some_and(|d| d != db.name) {
            continue;
        }
        let dir = MigrationDir::open(&root.join(&db.migrations))?;
        let load = |tag: &str| -> Result<Schema, GenerateError> {
            let e = dir.entry(tag).ok_or_else(|| {
                GenerateError::Usage(format!("database `{}` has no migration `{tag}`", db.name))
            })?;
            Ok(dir.snapshot(e.idx)?)
        };
        let empty = Schema {
            database: db.name.clone(),
            extensions: Vec::new(),
            pg_schemas: Vec::new(),
            ids: Vec::new(),
            enums: Vec::new(),
            tables: Vec::new(),
        };
        let (old, old_label) = match from {
            Some(tag) => (load(tag)?, tag.to_string()),
            None => match dir.last() {
                Some(e) => (dir.snapshot(e.idx)?, e.tag.clone()),
                None => (empty, "nothing".into()),
            },
        };
        let (new, new_label, renames, data) = match to {
            Some(tag) => (
                load(tag)?,
                tag.to_string(),
                Renames::default(),
                DataHints::default(),
            ),
            None => {
                let (r, d, _) = renames_from_hints(&old, schema);
                (schema.without_hints(), "the schema files".to_string(), r, d)
            }
        };
        let d = diff::diff(&old, &new, &renames, &data);
        let _ = writeln!(
            out,
            "{}",
            color.paint("1", &format!("{}: {old_label} -> {new_label}", db.name))
        );
        if d.changes.is_empty() && old == new {
            let _ = writeln!(out, "  no changes\n");
            continue;
        }
        for c in &d.changes {
            let (verb, what) = describe(c);
            let (mark, code) = match c.kind().effect() {
                Effect::Drop => ("-", "31"),
                Effect::Create => ("+", "32"),
                Effect::Rename => (">", "36"),
                Effect::Alter => ("~", "33"),
            };
            let _ = writeln!(
                out,
                "  {}",
                color.paint(code, &format!("{mark} {verb} {what}"))
            );
        }
        for l in &d.losses {
            let _ = writeln!(
                out,
                "  {}",
                color.paint("1;31", &format!("! may lose data: {}", l.what))
            );
        }
        let _ = writeln!(out, "\n  SQL:");
        for s in d.statements() {
            for line in s.lines() {
                let _ = writeln!(out, "    {line}");
            }
            let _ = writeln!(out, "    ;");
        }
        if verbose {
            let _ = writeln!(out, "\n  Snapshot:");
            let a = snapshot::to_json(&old);
            let b = snapshot::to_json(&new);
            let text = similar::TextDiff::from_lines(&a, &b);
            for change in text.iter_all_changes() {
                let (sign, code) = match change.tag() {
                    similar::ChangeTag::Delete => ("-", "31"),
                    similar::ChangeTag::Insert => ("+", "32"),
                    similar::ChangeTag::Equal => continue,
                };
                let _ = write!(out, "  {}", color.paint(code, &format!("{sign} {change}")));
            }
        }
        out.push('\n');
    }
    Ok(out)
}
