//! `views:`.

use super::indexes;
use super::reader::{boolean, expr, fields, keyword, name, string, string_list};
use crate::ast::ViewDef;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::source::Spanned;
use crate::yaml::Node;

const VIEW_KEYS: &[&str] = &[
    "sql",
    "materialized",
    "security_barrier",
    "check_option",
    "comment",
    "depends_on",
    "indexes",
    "key",
    "not_null",
    "renamed_from",
    "triggers",
];

/// A view: its query alone (`name: SELECT ...`), or a mapping with `sql:`.
pub(super) fn view_def(
    view_name: Spanned<String>,
    node: &Node,
    diags: &mut Diagnostics,
) -> Option<ViewDef> {
    let what = format!("view `{}`", view_name.value);
    if node.as_scalar().is_some() {
        let sql = expr(node, &format!("the query of {what}"), diags)?;
        return Some(ViewDef {
            name: view_name,
            sql,
            materialized: false,
            security_barrier: false,
            check_option: None,
            comment: None,
            depends_on: Vec::new(),
            indexes: Vec::new(),
            key: Vec::new(),
            not_null: Vec::new(),
            renamed_from: None,
            triggers: Vec::new(),
        });
    }
    let f = fields(node, &what, VIEW_KEYS, diags)?;
    let sql = f.required(
        "sql",
        |n, d| expr(n, "`sql`", d),
        || {
            Diagnostic::error(format!("{what} has no `sql`"))
                .at(view_name.span, "defined here")
                .help("give its query: `sql: SELECT ...`")
        },
        diags,
    )?;
    let flag = |key: &str, diags: &mut Diagnostics| {
        f.get(key)
            .and_then(|n| boolean(n, &format!("`{key}`"), diags))
            .is_some_and(|b| b.value)
    };
    let materialized = flag("materialized", diags);
    let security_barrier = flag("security_barrier", diags);
    let check_option = f
        .get("check_option")
        .and_then(|n| {
            keyword(
                n,
                "check option",
                &[
                    ("local", crate::model::CheckOption::Local),
                    ("cascaded", crate::model::CheckOption::Cascaded),
                ],
                diags,
            )
        })
        .map(|k| k.value);
    if materialized && (security_barrier || check_option.is_some()) {
        let key = if security_barrier {
            "security_barrier"
        } else {
            "check_option"
        };
        let at = f.get(key).map_or(view_name.span, |n| n.span);
        diags.push(
            Diagnostic::error(format!("{what} is materialized, and `{key}` is for plain views"))
                .at(at, "not for a materialized view")
                .help("a materialized view is read as stored rows: remove the option, or `materialized: true`"),
        );
        return None;
    }
    let indexes = f
        .get("indexes")
        .map(|n| indexes(n, diags))
        .unwrap_or_default();
    if let (false, Some(n)) = (materialized, f.get("indexes")) {
        diags.push(
            Diagnostic::error(format!("{what} has indexes but is not materialized"))
                .at(n.span, "indexes here")
                .help("PostgreSQL indexes the rows a materialized view stores: add `materialized: true`, or index the tables the view reads"),
        );
        return None;
    }
    Some(ViewDef {
        name: view_name,
        sql,
        materialized,
        security_barrier,
        check_option,
        comment: f.get("comment").and_then(|n| string(n, "`comment`", diags)),
        depends_on: f
            .get("depends_on")
            .map(|n| string_list(n, "a table or view it reads", diags))
            .unwrap_or_default(),
        indexes,
        key: f
            .get("key")
            .map(|n| string_list(n, "a column of the view", diags))
            .unwrap_or_default(),
        not_null: f
            .get("not_null")
            .map(|n| string_list(n, "a column of the view", diags))
            .unwrap_or_default(),
        renamed_from: f
            .get("renamed_from")
            .and_then(|n| name(n, "`renamed_from`", diags)),
        triggers: f
            .get("triggers")
            .map(|n| super::routines::triggers(n, diags))
            .unwrap_or_default(),
    })
}
