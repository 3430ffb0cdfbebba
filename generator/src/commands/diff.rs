//! `schemac diff`: the change between two states of a schema, for people.

use std::fmt::Write as _;
use std::path::Path;

use schemac_schema::{Schema, compile_project, snapshot};

use crate::diff::{
    self, ConsumedHints, DataHints, Effect, HintsRead, Renames, describe, read_hints,
};
use crate::error::Error;
use crate::migration::dir::MigrationDir;
use crate::migration::hints::Recorded;
use crate::project::{migration_position, usable};

/// ANSI colours, or none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    /// Colours (a terminal, no `NO_COLOR`).
    Always,
    /// Plain text.
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

/// How `schemac diff` writes what it shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// For a terminal, coloured or not.
    Text(Color),
    /// A summary to paste into a pull request: each migration's changes,
    /// hazards, what its down cannot bring back, and its SQL folded away.
    Markdown,
}

/// What the database says of a `data_dependent` statement (`diff
/// --check-data`): given the database's name and the query that counts
/// the rows the statement would fail on, a verdict (`3 rows would fail`).
pub type DataCheck<'a> = &'a dyn Fn(&str, &str) -> String;

/// Renders the change from `from` (a migration tag or number; default: the
/// last snapshot) to `to` (a tag; default: the schema files), per database.
pub fn show(
    root: &Path,
    database: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    verbose: bool,
    format: Format,
) -> Result<String, Error> {
    show_checked(root, database, from, to, verbose, format, None)
}

/// [`show`], each `data_dependent` hazard of the Markdown with what
/// `check` found in the database.
pub fn show_checked(
    root: &Path,
    database: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    verbose: bool,
    format: Format,
    check: Option<DataCheck<'_>>,
) -> Result<String, Error> {
    // A range of history reads only the migrations: a schema that does not
    // compile (half-way through an edit) does not hide what was.
    let compiled = match to {
        Some(_) => None,
        None => Some(compile_project(root)),
    };
    let loaded;
    let config = match &compiled {
        Some(compiled) => usable(compiled)?,
        None => {
            loaded = schemac_schema::Config::load_alone(root)?;
            &loaded
        }
    };
    let mut out = String::new();
    for (i, db) in config.select(database)? {
        let schema = compiled.as_ref().and_then(|c| c.schemas.get(i));
        if compiled.is_some() && schema.is_none() {
            continue;
        }
        let dir = MigrationDir::open(&root.join(&db.migrations))?;
        let position = |tag: &str| migration_position(&dir, &db.name, tag);
        let load =
            |tag: &str| -> Result<Schema, Error> { Ok(dir.snapshot(position(tag)? as u32)?) };
        let empty = Schema::empty(&db.name);
        let (old, old_label) = match from {
            Some(tag) => (load(tag)?, tag.to_string()),
            None => match dir.last() {
                Some(e) => (dir.snapshot(e.idx)?, e.tag.clone()),
                None => (empty.clone(), "nothing".into()),
            },
        };
        match (to, schema) {
            // A range of history: each migration with the hints it was generated with.
            (Some(to_tag), _) => {
                let start = from.map(position).transpose()?;
                let end = position(to_tag)?;
                let in_range = |i: usize| start.is_none_or(|s| i > s) && i <= end;
                for e in dir
                    .journal
                    .entries
                    .iter()
                    .filter(|e| in_range(e.idx as usize))
                {
                    let before = match e.idx.checked_sub(1) {
                        Some(p) => dir.snapshot(p)?,
                        None => empty.clone(),
                    };
                    let after = dir.snapshot(e.idx)?;
                    let (renames, data) =
                        e.hints.as_ref().map(|h| h.to_hints()).unwrap_or_default();
                    let label = dir
                        .journal
                        .entries
                        .get((e.idx as usize).wrapping_sub(1))
                        .map_or("nothing".to_string(), |p| p.tag.clone());
                    let section = Section {
                        database: &db.name,
                        old_label: &label,
                        new_label: &e.tag,
                        old: &before,
                        new: &after,
                        renames: &renames,
                        data: &data,
                        check,
                    };
                    section.write(&mut out, verbose, format);
                }
            }
            (None, None) => {}
            (None, Some(schema)) => {
                let consumed = ConsumedHints::of(&dir.journal);
                let HintsRead { renames, data, .. } = read_hints(&old, schema, &consumed);
                let new = crate::migration::order::next_snapshot(&old, schema, &consumed);
                let section = Section {
                    database: &db.name,
                    old_label: &old_label,
                    new_label: "the schema files",
                    old: &old,
                    new: &new,
                    renames: &renames,
                    data: &data,
                    check,
                };
                section.write(&mut out, verbose, format);
            }
        }
    }
    Ok(out)
}

/// Object names in backticks where a description has them bare: a
/// description reads `add column users.nick`; Markdown would take `_` and
/// `*` in names for emphasis.
fn md_code_spans(what: &str) -> String {
    what.split(' ')
        .map(|w| match w.contains(['.', '_', '*']) {
            true => format!("`{w}`"),
            false => w.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// One change between two states of a database, for people.
struct Section<'a> {
    database: &'a str,
    old_label: &'a str,
    new_label: &'a str,
    old: &'a Schema,
    new: &'a Schema,
    renames: &'a Renames,
    data: &'a DataHints,
    check: Option<DataCheck<'a>>,
}

impl Section<'_> {
    fn write(&self, out: &mut String, verbose: bool, format: Format) {
        match format {
            Format::Text(color) => self.render(out, verbose, color),
            Format::Markdown => self.markdown(out),
        }
    }

    /// The section as Markdown: a heading, the changes as a list, the
    /// hazards, what the down cannot bring back, and the SQL in a fold.
    fn markdown(&self, out: &mut String) {
        let d = diff::diff(self.old, self.new, self.renames, self.data);
        let _ = writeln!(
            out,
            "### `{}`: {} → {}\n",
            self.database, self.old_label, self.new_label
        );
        if d.changes.is_empty() && self.old == self.new {
            let _ = writeln!(out, "No changes.\n");
            return;
        }
        for c in &d.changes {
            let (verb, what) = describe(c);
            let _ = writeln!(out, "- {verb} {}", md_code_spans(&what));
        }
        let hazards: Vec<&diff::Hazard> = d.hazards.iter().flatten().collect();
        if !hazards.is_empty() {
            let _ = writeln!(out, "\n**Hazards**\n");
            for h in hazards {
                let found = match (&h.query, self.check) {
                    (Some(query), Some(check)) => {
                        format!(" **Data check: {}.**", check(self.database, query))
                    }
                    _ => String::new(),
                };
                let _ = writeln!(out, "- `{}`: {}{found}", h.rule.id(), h.message);
            }
        }
        if !d.losses.is_empty() {
            let _ = writeln!(out, "\n**Data lost, which the down cannot bring back**\n");
            for l in &d.losses {
                let _ = writeln!(out, "- {}", l.what);
            }
        }
        let _ = writeln!(out, "\n<details><summary>SQL</summary>\n\n```sql");
        for s in d.statements() {
            let _ = writeln!(out, "{s};");
        }
        let _ = writeln!(out, "```\n\n</details>\n");
    }

    fn render(&self, out: &mut String, verbose: bool, color: Color) {
        let d = diff::diff(self.old, self.new, self.renames, self.data);
        let _ = writeln!(
            out,
            "{}",
            color.paint(
                "1",
                &format!(
                    "{}: {} -> {}",
                    self.database, self.old_label, self.new_label
                )
            )
        );
        if d.changes.is_empty() && self.old == self.new {
            let _ = writeln!(out, "  no changes\n");
            return;
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
            let a = snapshot::to_json(self.old);
            let b = snapshot::to_json(self.new);
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
}
