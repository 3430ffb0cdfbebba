//! Errors and warnings as data, and their one renderer.
//!
//! Every stage pushes [`Diagnostic`]s into a [`Diagnostics`] list instead of
//! returning at the first problem, so a run reports everything it found.

use std::fmt::Write as _;

use crate::source::{SourceMap, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// Whether a diagnostic stops the run.
pub enum Severity {
    /// Nothing is written.
    Error,
    /// Said, and the run goes on.
    Warning,
}

/// A place in the source with a short remark about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where it is written.
    pub span: Span,
    /// What the label says.
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
/// One problem, with its places and, where there is one, the fix.
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The message.
    pub message: String,
    /// Where the problem is, when it has a place in a schema file.
    pub primary: Option<Label>,
    /// Other places involved (the first definition of a duplicate, ...).
    pub secondary: Vec<Label>,
    /// How to fix it, when there is a known fix.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error.
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
        }
    }

    /// A warning.
    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    /// Its main place, labelled.
    pub fn at(mut self, span: Span, label: impl Into<String>) -> Self {
        self.primary = Some(Label {
            span,
            text: label.into(),
        });
        self
    }

    /// Another place, labelled.
    pub fn also(mut self, span: Span, label: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            text: label.into(),
        });
        self
    }

    /// How to fix it.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// How to fix it, when there is a known way.
    pub fn maybe_help(self, help: Option<String>) -> Self {
        match help {
            Some(h) => self.help(h),
            None => self,
        }
    }

    /// Whether it is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Diagnostics with the files they point into: what a command reports about
/// a schema, kept as data until the edge of the program shows it (its
/// `Display` renders it rustc style).
#[derive(Clone, Debug)]
pub struct SchemaReport {
    /// The diagnostics.
    pub diagnostics: Diagnostics,
    /// The files they point into.
    pub sources: SourceMap,
}

impl std::fmt::Display for SchemaReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.diagnostics.render(&self.sources))
    }
}

impl std::error::Error for SchemaReport {}

/// The diagnostics of one run, in the order they were found.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// None yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a diagnostic, unless one of the same severity already points
    /// at the same place: a mistake in a mixin is met once per table that
    /// uses it (its message naming each table), and is one mistake.
    pub fn push(&mut self, d: Diagnostic) {
        let repeated = self.items.iter().any(|seen| {
            seen.severity == d.severity
                && match (&seen.primary, &d.primary) {
                    (Some(a), Some(b)) => a.span == b.span,
                    (None, None) => seen.message == d.message,
                    _ => false,
                }
        });
        if !repeated {
            self.items.push(d);
        }
    }

    /// Adds another set's.
    pub fn extend(&mut self, other: Diagnostics) {
        for d in other.items {
            self.push(d);
        }
    }

    /// Whether any is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// How many are errors.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Each, in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Sorted by file and position so output is stable whatever order the
    /// stages found the problems in.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.items.iter().collect();
        v.sort_by_key(|d| {
            d.primary
                .as_ref()
                .map(|l| (0, l.span.file, l.span.start.line, l.span.start.col))
                .unwrap_or((1, crate::source::FileId(0), 0, 0))
        });
        v
    }

    /// Renders every diagnostic, rustc style, followed by a summary line.
    pub fn render(&self, sources: &SourceMap) -> String {
        let mut out = String::new();
        for d in self.sorted() {
            out.push_str(&render(d, sources));
            out.push('\n');
        }
        let errors = self.error_count();
        if errors > 0 {
            let _ = writeln!(
                out,
                "error: {errors} error{} found in the schema; nothing was written",
                if errors == 1 { "" } else { "s" }
            );
        }
        out
    }
}

/// Renders one diagnostic:
///
/// ```text
/// error: unknown column type `varchr`
///   --> schema/users.yaml:4:13
///    |
///  4 |     email: varchr
///    |            ^^^^^^ not a type
///    = help: did you mean `varchar`?
/// ```
pub fn render(d: &Diagnostic, sources: &SourceMap) -> String {
    let mut out = String::new();
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let _ = writeln!(out, "{kind}: {}", d.message);
    let labels: Vec<&Label> = d.primary.iter().chain(d.secondary.iter()).collect();
    let width = labels
        .iter()
        .map(|l| l.span.start.line.to_string().len())
        .max()
        .unwrap_or(1);
    let pad = " ".repeat(width);
    for (i, label) in labels.iter().enumerate() {
        let file = sources.get(label.span.file);
        let arrow = if i == 0 { "-->" } else { ":::" };
        let _ = writeln!(
            out,
            "{pad}{arrow} {}:{}:{}",
            file.path.display(),
            label.span.start.line,
            label.span.start.col
        );
        let Some(line) = file.line(label.span.start.line) else {
            continue;
        };
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(
            out,
            "{:>width$} | {}",
            label.span.start.line,
            line.trim_end()
        );
        let start = label.span.start.col.saturating_sub(1) as usize;
        let line_chars = line.chars().count();
        let end = if label.span.end.line == label.span.start.line {
            (label.span.end.col.saturating_sub(1) as usize).min(line_chars)
        } else {
            line_chars
        };
        let carets = end.saturating_sub(start).max(1);
        // Tabs before the caret keep their width so the caret lines up.
        let lead: String = line
            .chars()
            .take(start)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let marker = if i == 0 { '^' } else { '-' };
        let _ = writeln!(
            out,
            "{pad} | {lead}{} {}",
            marker.to_string().repeat(carets),
            label.text
        )
        .map(|_| ());
        // `writeln!` above may leave a trailing space when the label is empty.
        if label.text.is_empty() {
            let trimmed = out.trim_end_matches([' ', '\n']).len();
            out.truncate(trimmed);
            out.push('\n');
        }
    }
    if let Some(help) = &d.help {
        let _ = writeln!(out, "{pad} = help: {help}");
    }
    out
}
