//! Small readers over [`Node`]s that report what they reject.
//!
//! Each returns `None` after pushing a diagnostic, so the caller can carry on
//! with the next key and the run collects every error in the file.

use foldhash::{HashSet, HashSetExt};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::source::Spanned;
use crate::suggest;
use crate::yaml::{Node, core_bool};

/// The entries of a mapping whose keys were checked against a known list.
pub struct Fields<'a> {
    entries: &'a [(Node, Node)],
}

impl<'a> Fields<'a> {
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.entries
            .iter()
            .find(|(k, _)| k.as_scalar().is_some_and(|s| s.text == key))
            .map(|(_, v)| v)
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// A key that must be there: when it is missing, `missing` is reported;
    /// when it is there but unreadable, `read` has reported why.
    pub fn required<T>(
        &self,
        key: &str,
        read: impl FnOnce(&'a Node, &mut Diagnostics) -> Option<T>,
        missing: impl FnOnce() -> Diagnostic,
        diags: &mut Diagnostics,
    ) -> Option<T> {
        match self.get(key) {
            Some(n) => read(n, diags),
            None => {
                diags.push(missing());
                None
            }
        }
    }
}

/// Reads a mapping, reporting every key not in `known` (with the closest one
/// suggested and the known ones listed). `what` names the mapping in messages.
pub fn fields<'a>(
    node: &'a Node,
    what: &str,
    known: &[&str],
    diags: &mut Diagnostics,
) -> Option<Fields<'a>> {
    let Some(entries) = node.as_map() else {
        diags.push(
            Diagnostic::error(format!("{what} must be a mapping"))
                .at(node.span, format!("found {}", node.describe())),
        );
        return None;
    };
    for (k, _) in entries {
        let key = k.as_scalar().map(|s| s.text.as_str()).unwrap_or_default();
        if !known.contains(&key) {
            let help = match suggest::closest(key, known.iter().copied()) {
                Some(c) => format!("did you mean `{c}`? known keys: {}", suggest::list(known)),
                None => format!("known keys: {}", suggest::list(known)),
            };
            diags.push(
                Diagnostic::error(format!("unknown key `{key}` in {what}"))
                    .at(k.span, "not a known key")
                    .help(help),
            );
        }
    }
    Some(Fields { entries })
}

/// The entries of a mapping whose keys are names (tables, columns, ...).
pub fn named_entries<'a>(
    node: &'a Node,
    what: &str,
    diags: &mut Diagnostics,
) -> Vec<(Spanned<String>, &'a Node)> {
    if node.is_null() {
        return Vec::new();
    }
    let Some(entries) = node.as_map() else {
        diags.push(
            Diagnostic::error(format!("{what} must be a mapping of names"))
                .at(node.span, format!("found {}", node.describe())),
        );
        return Vec::new();
    };
    // A repeated key was already reported by the YAML reader; only the first counts.
    // Searched in order while small; hashed when large (thousands of
    // tables or enums would make the search quadratic).
    let mut seen: Option<HashSet<&str>> =
        (entries.len() > 16).then(|| HashSet::with_capacity(entries.len()));
    let mut out: Vec<(Spanned<String>, &Node)> = Vec::with_capacity(entries.len());
    for (k, v) in entries {
        let Some(s) = k.as_scalar() else { continue };
        let first = match &mut seen {
            Some(seen) => seen.insert(s.text.as_str()),
            None => !out.iter().any(|(n, _)| n.value == s.text),
        };
        if first {
            out.push((Spanned::new(s.text.clone(), k.span), v));
        }
    }
    out
}

/// A string. Plain scalars are accepted as their text (YAML 1.2: `yes` is a string).
pub fn string(node: &Node, what: &str, diags: &mut Diagnostics) -> Option<Spanned<String>> {
    match node.as_scalar() {
        Some(s) if !node.is_null() => Some(Spanned::new(s.text.clone(), node.span)),
        _ => {
            diags.push(
                Diagnostic::error(format!("{what} must be a string"))
                    .at(node.span, format!("found {}", node.describe())),
            );
            None
        }
    }
}

/// A non-empty name-like string.
pub fn name(node: &Node, what: &str, diags: &mut Diagnostics) -> Option<Spanned<String>> {
    let s = string(node, what, diags)?;
    if s.value.trim().is_empty() {
        diags.push(Diagnostic::error(format!("{what} must not be empty")).at(s.span, "empty"));
        return None;
    }
    Some(s)
}

/// An SQL expression: a non-empty string.
pub fn expr(node: &Node, what: &str, diags: &mut Diagnostics) -> Option<Spanned<String>> {
    let s = string(node, what, diags)?;
    if s.value.trim().is_empty() {
        diags.push(
            Diagnostic::error(format!("{what} must not be empty")).at(s.span, "empty expression"),
        );
        return None;
    }
    Some(s)
}

/// `true` or `false`; `yes`/`no`/`on`/`off` get a hint since YAML 1.2 reads them as strings.
pub fn boolean(node: &Node, what: &str, diags: &mut Diagnostics) -> Option<Spanned<bool>> {
    if let Some(s) = node.as_scalar() {
        if !s.quoted {
            if let Some(b) = core_bool(&s.text) {
                return Some(Spanned::new(b, node.span));
            }
        }
        let hint = match s.text.to_ascii_lowercase().as_str() {
            "yes" | "y" | "on" => Some("write `true` (in YAML 1.2 `yes` and `on` are strings)"),
            "no" | "n" | "off" => Some("write `false` (in YAML 1.2 `no` and `off` are strings)"),
            _ => Some("write `true` or `false`"),
        };
        diags.push(
            Diagnostic::error(format!("{what} must be `true` or `false`"))
                .at(node.span, format!("`{}` is not a boolean", s.text))
                .maybe_help(hint.map(String::from)),
        );
        return None;
    }
    diags.push(
        Diagnostic::error(format!("{what} must be `true` or `false`"))
            .at(node.span, format!("found {}", node.describe())),
    );
    None
}

/// A list of strings; a single string is accepted as a list of one.
pub fn string_list(node: &Node, what: &str, diags: &mut Diagnostics) -> Vec<Spanned<String>> {
    if node.as_scalar().is_some() && !node.is_null() {
        return name(node, what, diags).into_iter().collect();
    }
    let Some(items) = node.as_seq() else {
        diags.push(
            Diagnostic::error(format!("{what} must be a list"))
                .at(node.span, format!("found {}", node.describe())),
        );
        return Vec::new();
    };
    items.iter().filter_map(|n| name(n, what, diags)).collect()
}

/// One of a fixed set of words.
pub fn keyword<T: Copy>(
    node: &Node,
    what: &str,
    choices: &[(&str, T)],
    diags: &mut Diagnostics,
) -> Option<Spanned<T>> {
    let s = string(node, what, diags)?;
    if let Some((_, v)) = choices.iter().find(|(k, _)| *k == s.value) {
        return Some(Spanned::new(*v, s.span));
    }
    let words: Vec<&str> = choices.iter().map(|(k, _)| *k).collect();
    let help = match suggest::closest(&s.value, words.iter().copied()) {
        Some(c) => format!(
            "did you mean `{c}`? expected one of {}",
            suggest::list(&words)
        ),
        None => format!("expected one of {}", suggest::list(&words)),
    };
    diags.push(
        Diagnostic::error(format!("`{}` is not a valid {what}", s.value))
            .at(s.span, "unknown value")
            .help(help),
    );
    None
}
