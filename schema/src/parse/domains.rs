//! `domains:`.

use super::checks;
use super::reader::{boolean, expr, fields, name, string};
use crate::ast::DomainDef;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::source::Spanned;
use crate::yaml::Node;

/// A domain: its base type alone (`name: integer`), or a mapping with `type:`.
pub(super) fn domain_def(
    domain_name: Spanned<String>,
    node: &Node,
    diags: &mut Diagnostics,
) -> Option<DomainDef> {
    let what = format!("domain `{}`", domain_name.value);
    if node.as_scalar().is_some() {
        return Some(DomainDef {
            base: name(node, "a domain's base type", diags)?,
            name: domain_name,
            not_null: false,
            default: None,
            checks: Vec::new(),
            comment: None,
            renamed_from: None,
        });
    }
    let f = fields(
        node,
        &what,
        &[
            "type",
            "not_null",
            "default_sql",
            "checks",
            "comment",
            "renamed_from",
        ],
        diags,
    )?;
    let base = f.required(
        "type",
        |n, d| name(n, "a domain's base type", d),
        || {
            Diagnostic::error(format!("{what} has no `type`"))
                .at(domain_name.span, "defined here")
                .help("give its base type: `type: integer`")
        },
        diags,
    )?;
    Some(DomainDef {
        base,
        not_null: f
            .get("not_null")
            .and_then(|n| boolean(n, "`not_null`", diags))
            .is_some_and(|b| b.value),
        default: f
            .get("default_sql")
            .and_then(|n| expr(n, "`default_sql`", diags)),
        checks: f
            .get("checks")
            .map(|n| checks(n, diags))
            .unwrap_or_default(),
        comment: f.get("comment").and_then(|n| string(n, "`comment`", diags)),
        renamed_from: f
            .get("renamed_from")
            .and_then(|n| name(n, "`renamed_from`", diags)),
        name: domain_name,
    })
}
