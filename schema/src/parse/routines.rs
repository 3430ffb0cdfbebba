//! `functions:`, `aggregates:` and a table's `triggers:`.

use super::reader::{boolean, expr, fields, keyword, name, named_entries, string, string_list};
use crate::ast::{AggregateDef, FunctionDef, Sp, TriggerDef};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{TriggerEvent, TriggerTiming, Volatility};
use crate::source::Spanned;
use crate::yaml::Node;

const FUNCTION_KEYS: &[&str] = &[
    "args",
    "returns",
    "language",
    "body",
    "volatility",
    "strict",
    "security",
    "search_path",
    "comment",
    "rust",
    "renamed_from",
];
const AGGREGATE_KEYS: &[&str] = &["args", "sfunc", "stype", "finalfunc", "initcond", "comment"];
const TRIGGER_KEYS: &[&str] = &[
    "before",
    "after",
    "instead_of",
    "update_of",
    "for_each",
    "when",
    "function",
    "args",
    "comment",
    "renamed_from",
];
const TIMINGS: &[(&str, TriggerTiming)] = &[
    ("before", TriggerTiming::Before),
    ("after", TriggerTiming::After),
    ("instead_of", TriggerTiming::InsteadOf),
];
const EVENTS: &[(&str, TriggerEvent)] = &[
    ("insert", TriggerEvent::Insert),
    ("update", TriggerEvent::Update),
    ("delete", TriggerEvent::Delete),
    ("truncate", TriggerEvent::Truncate),
];

pub(super) fn function_def(
    fn_name: Spanned<String>,
    node: &Node,
    diags: &mut Diagnostics,
) -> Option<FunctionDef> {
    let what = format!("function `{}`", fn_name.value);
    let f = fields(node, &what, FUNCTION_KEYS, diags)?;
    let missing = |key: &'static str, example: &'static str| {
        let what = what.clone();
        let span = fn_name.span;
        move || {
            Diagnostic::error(format!("{what} has no `{key}`"))
                .at(span, "defined here")
                .help(format!("add `{key}: {example}`"))
        }
    };
    let returns = f.required(
        "returns",
        |n, d| name(n, "`returns`", d),
        missing("returns", "integer"),
        diags,
    );
    let language = f.required(
        "language",
        |n, d| name(n, "`language`", d),
        missing("language", "sql (or plpgsql)"),
        diags,
    );
    let body = f.required(
        "body",
        |n, d| expr(n, "`body`", d),
        missing("body", "SELECT ..."),
        diags,
    );
    let volatility = f
        .get("volatility")
        .and_then(|n| {
            keyword(
                n,
                "volatility",
                &[
                    ("immutable", Volatility::Immutable),
                    ("stable", Volatility::Stable),
                    ("volatile", Volatility::Volatile),
                ],
                diags,
            )
        })
        .map(|k| k.value)
        .unwrap_or_default();
    let security_definer = f
        .get("security")
        .and_then(|n| {
            keyword(
                n,
                "security",
                &[("definer", true), ("invoker", false)],
                diags,
            )
        })
        .is_some_and(|k| k.value);
    Some(FunctionDef {
        args: f
            .get("args")
            .map(|n| string_list(n, "a parameter", diags))
            .unwrap_or_default(),
        returns: returns?,
        language: language?,
        body: body?,
        volatility,
        strict: f
            .get("strict")
            .and_then(|n| boolean(n, "`strict`", diags))
            .is_some_and(|b| b.value),
        security_definer,
        search_path: f
            .get("search_path")
            .and_then(|n| name(n, "`search_path`", diags)),
        comment: f.get("comment").and_then(|n| string(n, "`comment`", diags)),
        rust: f.get("rust").and_then(|n| boolean(n, "`rust`", diags)),
        renamed_from: f
            .get("renamed_from")
            .and_then(|n| name(n, "`renamed_from`", diags)),
        name: fn_name,
    })
}

pub(super) fn aggregate_def(
    agg_name: Spanned<String>,
    node: &Node,
    diags: &mut Diagnostics,
) -> Option<AggregateDef> {
    let what = format!("aggregate `{}`", agg_name.value);
    let f = fields(node, &what, AGGREGATE_KEYS, diags)?;
    let required = |key: &'static str, example: &'static str, diags: &mut Diagnostics| {
        f.required(
            key,
            |n, d| name(n, &format!("`{key}`"), d),
            || {
                Diagnostic::error(format!("{what} has no `{key}`"))
                    .at(agg_name.span, "defined here")
                    .help(format!("add `{key}: {example}`"))
            },
            diags,
        )
    };
    let sfunc = required(
        "sfunc",
        "a function of (state, value) returning the state",
        diags,
    );
    let stype = required("stype", "the state's type", diags);
    let args = f
        .get("args")
        .map(|n| string_list(n, "an argument type", diags))
        .unwrap_or_default();
    if args.is_empty() {
        diags.push(
            Diagnostic::error(format!("{what} aggregates nothing"))
                .at(f.get("args").map_or(agg_name.span, |n| n.span), "no `args`")
                .help("give the types it aggregates: `args: [text]`"),
        );
        return None;
    }
    Some(AggregateDef {
        args,
        sfunc: sfunc?,
        stype: stype?,
        finalfunc: f
            .get("finalfunc")
            .and_then(|n| name(n, "`finalfunc`", diags)),
        initcond: f
            .get("initcond")
            .and_then(|n| string(n, "`initcond`", diags)),
        comment: f.get("comment").and_then(|n| string(n, "`comment`", diags)),
        name: agg_name,
    })
}

/// A table's `triggers:`, by name.
pub(super) fn triggers(node: &Node, diags: &mut Diagnostics) -> Vec<TriggerDef> {
    named_entries(node, "`triggers`", diags)
        .into_iter()
        .filter_map(|(n, node)| trigger_def(n, node, diags))
        .collect()
}

fn trigger_def(
    trigger_name: Spanned<String>,
    node: &Node,
    diags: &mut Diagnostics,
) -> Option<TriggerDef> {
    let what = format!("trigger `{}`", trigger_name.value);
    let f = fields(node, &what, TRIGGER_KEYS, diags)?;
    let timings: Vec<(TriggerTiming, &Node)> = TIMINGS
        .iter()
        .filter_map(|(k, t)| f.get(k).map(|n| (*t, n)))
        .collect();
    let (timing, events_node) = match timings.as_slice() {
        [one] => *one,
        [] => {
            diags.push(
                Diagnostic::error(format!("{what} says no event"))
                    .at(trigger_name.span, "defined here")
                    .help("say when it fires: `before: update`, `after: [insert, delete]` or `instead_of: insert`"),
            );
            return None;
        }
        [_, second, ..] => {
            diags.push(
                Diagnostic::error(format!(
                    "{what} has more than one of `before`, `after` and `instead_of`"
                ))
                .at(second.1.span, "a second timing")
                .help("a trigger fires at one time; write a trigger for each"),
            );
            return None;
        }
    };
    let events = events(events_node, diags)?;
    let function = f.required(
        "function",
        |n, d| name(n, "`function`", d),
        || {
            Diagnostic::error(format!("{what} runs no function"))
                .at(trigger_name.span, "defined here")
                .help("name the function it runs: `function: set_updated_at`")
        },
        diags,
    )?;
    let for_each_row = f
        .get("for_each")
        .and_then(|n| {
            keyword(
                n,
                "`for_each`",
                &[("row", true), ("statement", false)],
                diags,
            )
        })
        .is_none_or(|k| k.value);
    let update_of: Vec<Sp<String>> = f
        .get("update_of")
        .map(|n| string_list(n, "a column", diags))
        .unwrap_or_default();
    if let (Some(n), false) = (
        f.get("update_of"),
        events.iter().any(|e| e.value == TriggerEvent::Update),
    ) {
        diags.push(
            Diagnostic::error(format!(
                "{what} has `update_of` but does not fire on update"
            ))
            .at(n.span, "columns of an update")
            .help("add `update` to its events, or remove `update_of`"),
        );
        return None;
    }
    Some(TriggerDef {
        renamed_from: f
            .get("renamed_from")
            .and_then(|n| name(n, "`renamed_from`", diags)),
        timing,
        events,
        update_of,
        for_each_row,
        when: f.get("when").and_then(|n| expr(n, "`when`", diags)),
        function,
        args: f
            .get("args")
            .map(|n| {
                n.as_seq()
                    .map(|items| {
                        items
                            .iter()
                            .filter_map(|i| string(i, "an argument", diags))
                            .collect()
                    })
                    .unwrap_or_else(|| string(n, "an argument", diags).into_iter().collect())
            })
            .unwrap_or_default(),
        comment: f.get("comment").and_then(|n| string(n, "`comment`", diags)),
        name: trigger_name,
    })
}

/// One event or a list of them, each once.
fn events(node: &Node, diags: &mut Diagnostics) -> Option<Vec<Sp<TriggerEvent>>> {
    let nodes: Vec<&Node> = match node.as_seq() {
        Some(items) => items.iter().collect(),
        None => vec![node],
    };
    let mut out: Vec<Sp<TriggerEvent>> = Vec::new();
    for n in nodes {
        let e = keyword(n, "trigger event", EVENTS, diags)?;
        if out.iter().any(|o| o.value == e.value) {
            diags.push(
                Diagnostic::error(format!(
                    "`{}` is listed twice",
                    e.value.sql().to_lowercase()
                ))
                .at(e.span, "again here"),
            );
            return None;
        }
        out.push(e);
    }
    if out.is_empty() {
        diags.push(
            Diagnostic::error("a trigger fires on at least one event")
                .at(node.span, "no events")
                .help("write `[insert, update]`, or one of insert, update, delete, truncate"),
        );
        return None;
    }
    Some(out)
}
