//! `sequences:`.

use super::reader::{boolean, fields, keyword, name, string};
use crate::ast::SequenceDef;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::source::Spanned;
use crate::yaml::Node;

const SEQUENCE_KEYS: &[&str] = &[
    "type",
    "start",
    "increment",
    "min",
    "max",
    "cache",
    "cycle",
    "owned_by",
    "comment",
    "renamed_from",
];

pub(super) fn sequence_def(
    seq_name: Spanned<String>,
    node: &Node,
    diags: &mut Diagnostics,
) -> Option<SequenceDef> {
    let what = format!("sequence `{}`", seq_name.value);
    if node.is_null() {
        return Some(SequenceDef {
            name: seq_name,
            data_type: None,
            start: None,
            increment: None,
            min_value: None,
            max_value: None,
            cache: None,
            cycle: false,
            owned_by: None,
            comment: None,
            renamed_from: None,
        });
    }
    let f = fields(node, &what, SEQUENCE_KEYS, diags)?;
    let number =
        |key: &str, diags: &mut Diagnostics| f.get(key).and_then(|n| integer(n, key, diags));
    let data_type = f
        .get("type")
        .and_then(|n| {
            keyword(
                n,
                "sequence type",
                &[
                    ("smallint", "smallint"),
                    ("integer", "integer"),
                    ("bigint", "bigint"),
                ],
                diags,
            )
        })
        .map(|k| Spanned::new(k.value.to_string(), k.span));
    let increment = number("increment", diags);
    if let Some(i) = increment.as_ref().filter(|i| i.value == 0) {
        diags.push(
            Diagnostic::error(format!("{what} increments by 0"))
                .at(i.span, "zero")
                .help("a sequence counts up (`increment: 1`) or down (`increment: -1`)"),
        );
        return None;
    }
    let cache = number("cache", diags);
    if let Some(c) = cache.as_ref().filter(|c| c.value < 1) {
        diags.push(
            Diagnostic::error(format!("{what} caches fewer than one number"))
                .at(c.span, "at least 1")
                .help("leave `cache` out for 1"),
        );
        return None;
    }
    let (min, max) = (number("min", diags), number("max", diags));
    if let (Some(lo), Some(hi)) = (&min, &max) {
        if lo.value >= hi.value {
            diags.push(
                Diagnostic::error(format!(
                    "{what} has `min` {} not below `max` {}",
                    lo.value, hi.value
                ))
                .at(hi.span, "the maximum")
                .also(lo.span, "the minimum"),
            );
            return None;
        }
    }
    let start = number("start", diags);
    if let Some(s) = &start {
        let below = min.as_ref().is_some_and(|m| s.value < m.value);
        let above = max.as_ref().is_some_and(|m| s.value > m.value);
        if below || above {
            diags.push(
                Diagnostic::error(format!(
                    "{what} starts at {}, outside its `min` and `max`",
                    s.value
                ))
                .at(s.span, "the start"),
            );
            return None;
        }
    }
    Some(SequenceDef {
        data_type,
        start: start.map(|s| s.value),
        increment,
        min_value: min.map(|m| m.value),
        max_value: max.map(|m| m.value),
        cache,
        cycle: f
            .get("cycle")
            .and_then(|n| boolean(n, "`cycle`", diags))
            .is_some_and(|b| b.value),
        owned_by: f
            .get("owned_by")
            .and_then(|n| name(n, "`owned_by` (table.column)", diags)),
        comment: f.get("comment").and_then(|n| string(n, "`comment`", diags)),
        renamed_from: f
            .get("renamed_from")
            .and_then(|n| name(n, "`renamed_from`", diags)),
        name: seq_name,
    })
}

/// A whole number that fits a bigint.
pub(super) fn integer(node: &Node, key: &str, diags: &mut Diagnostics) -> Option<Spanned<i64>> {
    let s = string(node, &format!("`{key}`"), diags)?;
    match s.value.trim().parse::<i64>() {
        Ok(v) => Some(Spanned::new(v, s.span)),
        Err(_) => {
            diags.push(
                Diagnostic::error(format!("`{key}` must be a whole number"))
                    .at(s.span, format!("`{}` is not one", s.value))
                    .help(
                        "a sequence counts in bigint: -9223372036854775808 to 9223372036854775807",
                    ),
            );
            None
        }
    }
}
