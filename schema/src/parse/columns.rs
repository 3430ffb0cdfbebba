//! A table's or a mixin's `columns:`: each column's type and options, and
//! its `references:`.

use super::FK_ACTIONS;
use super::reader::{boolean, expr, fields, keyword, name, named_entries, string};
use crate::ast::*;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{Deferrable, Identity};
use crate::source::{Span, Spanned};
use crate::yaml::Node;

const COLUMN_KEYS: &[&str] = &[
    "type",
    "nullable",
    "primary_key",
    "unique",
    "default",
    "default_sql",
    "identity",
    "generated",
    "on_update",
    "references",
    "on_delete",
    "check",
    "rust_type",
    "rust_name",
    "sensitive",
    "comment",
    "collation",
    "renamed_from",
    "using",
    "backfill",
    "backfill_sql",
];

const REFERENCE_KEYS: &[&str] = &[
    "database",
    "schema",
    "table",
    "column",
    "on_delete",
    "on_update",
    "deferrable",
];

pub(super) fn columns(node: &Node, diags: &mut Diagnostics) -> Vec<ColumnDef> {
    let entries = named_entries(node, "`columns`", diags);
    // Sized up front: collecting through filter_map would grow it by doubling.
    let mut columns = Vec::with_capacity(entries.len());
    for (col_name, n) in entries {
        columns.extend(column_def(col_name, n, diags));
    }
    columns
}

fn empty_column(name: Spanned<String>) -> ColumnDef {
    ColumnDef {
        name,
        ty: None,
        nullable: None,
        primary_key: None,
        unique: None,
        default: None,
        default_sql: None,
        identity: None,
        identity_options: None,
        generated: None,
        on_update_now: None,
        on_update_trigger: false,
        collation: None,
        references: None,
        on_delete: None,
        check: None,
        rust_type: None,
        rust_name: None,
        sensitive: false,
        comment: None,
        renamed_from: None,
        using: None,
        using_down: None,
        backfill: None,
        backfill_sql: None,
    }
}

fn column_def(
    col_name: Spanned<String>,
    node: &Node,
    diags: &mut Diagnostics,
) -> Option<ColumnDef> {
    let mut c = empty_column(col_name);
    if node.as_scalar().is_some() {
        c.ty = Some(name(node, "a column type", diags)?);
        return Some(c);
    }
    let what = format!("column `{}`", c.name.value);
    let f = fields(node, &what, COLUMN_KEYS, diags)?;
    c.ty = f.get("type").and_then(|n| name(n, "a column type", diags));
    c.nullable = f
        .get("nullable")
        .and_then(|n| boolean(n, "`nullable`", diags));
    c.primary_key = f
        .get("primary_key")
        .and_then(|n| boolean(n, "`primary_key`", diags));
    c.unique = f.get("unique").and_then(|n| boolean(n, "`unique`", diags));
    c.default = f.get("default").cloned();
    c.default_sql = f
        .get("default_sql")
        .and_then(|n| expr(n, "`default_sql`", diags))
        .map(Box::new);
    if let Some(n) = f.get("identity") {
        (c.identity, c.identity_options) = identity(n, diags);
    }
    c.generated = f
        .get("generated")
        .and_then(|n| expr(n, "`generated`", diags))
        .map(Box::new);
    if let Some((at, trigger)) = f.get("on_update").and_then(|n| on_update_now(n, diags)) {
        (c.on_update_now, c.on_update_trigger) = (Some(at), trigger);
    }
    c.on_delete = f
        .get("on_delete")
        .and_then(|n| keyword(n, "`on_delete` action", FK_ACTIONS, diags));
    c.references = f
        .get("references")
        .and_then(|n| reference_def(n, diags))
        .map(Box::new);
    c.check = f
        .get("check")
        .and_then(|n| expr(n, "`check`", diags))
        .map(Box::new);
    c.rust_type = f
        .get("rust_type")
        .and_then(|n| name(n, "`rust_type`", diags))
        .map(Box::new);
    c.rust_name = f
        .get("rust_name")
        .and_then(|n| name(n, "`rust_name`", diags))
        .map(Box::new);
    c.sensitive = f
        .get("sensitive")
        .and_then(|n| boolean(n, "`sensitive`", diags))
        .is_some_and(|b| b.value);
    c.comment = f
        .get("comment")
        .and_then(|n| string(n, "`comment`", diags))
        .map(Box::new);
    c.collation = f
        .get("collation")
        .and_then(|n| name(n, "`collation`", diags))
        .map(Box::new);
    c.renamed_from = f
        .get("renamed_from")
        .and_then(|n| name(n, "`renamed_from`", diags))
        .map(Box::new);
    if let Some(n) = f.get("using") {
        let (up, down) = using_def(n, diags);
        (c.using, c.using_down) = (up.map(Box::new), down.map(Box::new));
    }
    c.backfill = f.get("backfill").cloned().map(Box::new);
    c.backfill_sql = f
        .get("backfill_sql")
        .and_then(|n| expr(n, "`backfill_sql`", diags))
        .map(Box::new);
    Some(c)
}

/// `using: EXPR` (the conversion up) or `using: { up: EXPR, down: EXPR }`
/// (either may be left out: it is then the plain cast).
fn using_def(node: &Node, diags: &mut Diagnostics) -> (Option<Sp<String>>, Option<Sp<String>>) {
    if node.as_map().is_none() {
        return (expr(node, "`using`", diags), None);
    }
    let Some(f) = fields(node, "`using`", &["up", "down"], diags) else {
        return (None, None);
    };
    if !f.has("up") && !f.has("down") {
        diags.push(
            Diagnostic::error("`using` needs `up`, `down` or both")
                .at(node.span, "empty conversion")
                .help("write `using: { up: \"col::interval\", down: \"extract(epoch from col)::smallint\" }`"),
        );
        return (None, None);
    }
    (
        f.get("up").and_then(|n| expr(n, "`using.up`", diags)),
        f.get("down").and_then(|n| expr(n, "`using.down`", diags)),
    )
}

/// The column option `on_update: now`, or `on_update: { now: trigger }` for
/// a trigger that keeps it too. A foreign-key action here is a common slip,
/// so it gets its own hint.
fn on_update_now(node: &Node, diags: &mut Diagnostics) -> Option<(Span, bool)> {
    if node.as_map().is_some() {
        let f = fields(node, "`on_update`", &["now"], diags)?;
        let Some(how) = f.get("now") else {
            diags.push(
                Diagnostic::error("`on_update` says nothing")
                    .at(node.span, "empty")
                    .help("write `on_update: now`, or `on_update: { now: trigger }`"),
            );
            return None;
        };
        keyword(how, "way to keep `now`", &[("trigger", ())], diags)?;
        return Some((node.span, true));
    }
    if let Some(s) = node.as_scalar() {
        if FK_ACTIONS.iter().any(|(k, _)| *k == s.text) {
            diags.push(
                Diagnostic::error(format!("`on_update: {}` is a foreign-key action, but the column option `on_update` only takes `now`", s.text))
                    .at(node.span, "foreign-key action")
                    .help(format!("put it inside the reference: `references: {{ table: ..., on_update: {} }}`", s.text)),
            );
            return None;
        }
    }
    keyword(node, "`on_update` value", &[("now", ())], diags).map(|s| (s.span, false))
}

pub(super) fn deferrable(node: &Node, diags: &mut Diagnostics) -> Option<Deferrable> {
    if let Some(s) = node.as_scalar() {
        if !s.quoted && s.text == "initially_deferred" {
            return Some(Deferrable::InitiallyDeferred);
        }
    }
    let b = boolean(
        node,
        "`deferrable` (true, false or initially_deferred)",
        diags,
    )?;
    Some(if b.value {
        Deferrable::Deferrable
    } else {
        Deferrable::No
    })
}

fn reference_def(node: &Node, diags: &mut Diagnostics) -> Option<ReferenceDef> {
    if node.as_scalar().is_some() {
        let s = name(node, "`references`", diags)?;
        let (table, column) = match s.value.split_once('.') {
            Some((t, c)) => (t.to_string(), Some(c.to_string())),
            None => (s.value.clone(), None),
        };
        return Some(ReferenceDef {
            span: s.span,
            database: None,
            schema: None,
            table: Spanned::new(table, s.span),
            column: column.map(|c| Spanned::new(c, s.span)),
            on_delete: None,
            on_update: None,
            deferrable: None,
        });
    }
    let f = fields(node, "`references`", REFERENCE_KEYS, diags)?;
    let table = f.required(
        "table",
        |n, d| name(n, "the referenced table", d),
        || {
            Diagnostic::error("`references` needs `table`")
                .at(node.span, "no `table` here")
                .help("write `references: { table: users, column: id }`")
        },
        diags,
    )?;
    Some(ReferenceDef {
        span: node.span,
        database: f.get("database").and_then(|n| name(n, "`database`", diags)),
        schema: f.get("schema").and_then(|n| name(n, "`schema`", diags)),
        table,
        column: f
            .get("column")
            .and_then(|n| name(n, "the referenced column", diags)),
        on_delete: f
            .get("on_delete")
            .and_then(|n| keyword(n, "`on_delete` action", FK_ACTIONS, diags)),
        on_update: f
            .get("on_update")
            .and_then(|n| keyword(n, "`on_update` action", FK_ACTIONS, diags)),
        deferrable: f.get("deferrable").and_then(|n| deferrable(n, diags)),
    })
}

/// `identity: always | by_default`, or `identity: { generated: always,
/// start: 1000, increment: 1, min, max, cache, cycle }`.
fn identity(
    node: &Node,
    diags: &mut Diagnostics,
) -> (
    Option<Sp<Identity>>,
    Option<Box<crate::model::SequenceOptions>>,
) {
    const KINDS: &[(&str, Identity)] = &[
        ("always", Identity::Always),
        ("by_default", Identity::ByDefault),
    ];
    if node.as_map().is_none() {
        return (keyword(node, "identity", KINDS, diags), None);
    }
    let Some(f) = fields(
        node,
        "`identity`",
        &[
            "generated",
            "start",
            "increment",
            "min",
            "max",
            "cache",
            "cycle",
        ],
        diags,
    ) else {
        return (None, None);
    };
    let kind = f.required(
        "generated",
        |n, d| keyword(n, "identity", KINDS, d),
        || {
            Diagnostic::error("`identity` says how its values are generated")
                .at(node.span, "no `generated`")
                .help("add `generated: always` (or `by_default`)")
        },
        diags,
    );
    let number = |key: &str, diags: &mut Diagnostics| {
        f.get(key)
            .and_then(|n| super::sequences::integer(n, key, diags))
            .map(|v| v.value)
    };
    let options = crate::model::SequenceOptions {
        start: number("start", diags),
        increment: number("increment", diags),
        min_value: number("min", diags),
        max_value: number("max", diags),
        cache: number("cache", diags),
        cycle: f
            .get("cycle")
            .and_then(|n| boolean(n, "`cycle`", diags))
            .is_some_and(|b| b.value),
    };
    let options = (options != crate::model::SequenceOptions::default()).then(|| Box::new(options));
    (kind, options)
}
