//! A column of the model from its definition: types, defaults, generated and identity columns, and the rules between them.

use super::*;

pub(super) fn build_column(
    db: &Db<'_>,
    t: &WorkTable<'_>,
    wc: &WorkColumn<'_>,
    enums: &[Enum],
    ns: &mut Namespace,
    diags: &mut Diagnostics,
) -> Option<Column> {
    let c: &ColumnDef = wc.def;
    let ty = wc.ty.clone()?;
    let col = &c.name.value;
    let table = &t.def.name.value;
    let mut ok = true;
    let mut err = |d: Diagnostic| {
        diags.push(d);
        ok = false;
    };

    if let (Some(d), Some(s)) = (&c.default, &c.default_sql) {
        err(Diagnostic::error(format!(
            "column `{col}` has both `default` and `default_sql`"
        ))
        .at(s.span, "second default")
        .also(d.span, "first default")
        .help("keep one: `default` for a literal value, `default_sql` for an SQL expression"));
    }
    let has_default = c.default.is_some() || c.default_sql.is_some();
    if ty.base.is_serial() {
        if wc.nullable {
            err(Diagnostic::error(format!("serial column `{col}` cannot be nullable"))
                .at(c.ty.as_ref().map_or(c.name.span, |t| t.span), "serial")
                .help("a serial column always gets a value; use `integer?` for an optional number"));
        }
        if has_default || c.identity.is_some() {
            err(Diagnostic::error(format!("serial column `{col}` cannot have a default or identity"))
                .at(c.name.span, "serial")
                .help("a serial column's default is its sequence; use `integer` with `identity:` or a default instead"));
        }
    }
    if let Some(id) = &c.identity {
        if !ty.base.is_integer() || ty.array {
            err(Diagnostic::error(format!(
                "identity column `{col}` must be smallint, integer or bigint"
            ))
            .at(id.span, format!("identity on {ty}"))
            .help("identity columns take numbers from a sequence"));
        }
        if wc.nullable {
            err(
                Diagnostic::error(format!("identity column `{col}` cannot be nullable"))
                    .at(id.span, "identity")
                    .help("remove `?` or `nullable: true`"),
            );
        }
        if has_default {
            err(Diagnostic::error(format!(
                "identity column `{col}` cannot also have a default"
            ))
            .at(id.span, "identity")
            .help("the identity's sequence is the default; remove `default`"));
        }
    }
    if let Some(g) = &c.generated {
        if has_default || c.identity.is_some() || ty.base.is_serial() {
            err(Diagnostic::error(format!(
                "generated column `{col}` cannot have a default, identity or serial type"
            ))
            .at(g.span, "generated")
            .help("a generated column's value is its expression"));
        }
    }
    if let Some(span) = c.on_update_now {
        if !matches!(ty.base, BaseType::Timestamp(_) | BaseType::Timestamptz(_)) || ty.array {
            err(Diagnostic::error(format!(
                "`on_update: now` needs a timestamp column, but `{col}` is {ty}"
            ))
            .at(span, "on_update")
            .help("use it on a `timestamptz` or `timestamp` column"));
        }
    }
    if let Some(rt) = &c.rust_type {
        if !ty.base.is_json() {
            err(Diagnostic::error(format!(
                "`rust_type` applies to json and jsonb columns, but `{col}` is {ty}"
            ))
            .at(rt.span, "rust_type")
            .help("remove it, or make the column json/jsonb"));
        }
    }
    if c.on_delete.is_some() && c.references.is_none() {
        let span = c.on_delete.as_ref().map_or(c.name.span, |o| o.span);
        err(Diagnostic::error(format!(
            "`on_delete` on column `{col}`, which references nothing"
        ))
        .at(span, "on_delete")
        .help("add `references:` or remove `on_delete`"));
    }
    if let Some(r) = &c.rust_name {
        if !is_rust_ident(&r.value) {
            err(Diagnostic::error(format!(
                "`rust_name` `{}` is not a Rust identifier",
                r.value
            ))
            .at(r.span, "rust_name")
            .help("use snake_case letters, digits and underscores"));
        }
    }

    let ids = &db.ids;
    let lit = |node: &crate::yaml::Node, what: &str| {
        literal::render(
            node,
            &ty,
            &LiteralCtx {
                enums,
                ids,
                what,
                column: col,
            },
        )
    };
    let default = match (&c.default, &c.default_sql) {
        (Some(node), _) => match lit(node, "default") {
            Ok(s) => Some(ColumnDefault::Literal(s)),
            Err(d) => {
                err(*d);
                None
            }
        },
        (None, Some(s)) => Some(ColumnDefault::Sql(s.value.trim().to_string())),
        (None, None) => None,
    };
    let backfill = match (&c.backfill, &c.backfill_sql) {
        (Some(b), Some(s)) => {
            err(Diagnostic::error(format!(
                "column `{col}` has both `backfill` and `backfill_sql`"
            ))
            .at(s.span, "second backfill")
            .also(b.span, "first backfill")
            .help("keep one"));
            None
        }
        (Some(node), None) => match lit(node, "backfill") {
            Ok(s) => Some(s),
            Err(d) => {
                err(*d);
                None
            }
        },
        (None, Some(s)) => Some(s.value.trim().to_string()),
        (None, None) => None,
    };

    if ty.base.is_serial() || c.identity.is_some() {
        let seq = crate::naming::sequence_name(table, col);
        ns.claim(
            &t.pg_schema,
            &seq,
            c.name.span,
            format!("the sequence of `{table}.{col}`"),
            diags,
        );
    }
    if let Some(coll) = &c.collation {
        if !ty.base.is_stringy() {
            diags.push(
                Diagnostic::error(format!(
                    "column `{col}` of type {} has a collation, which only text types have",
                    ty.base
                ))
                .at(coll.span, "a collation")
                .help("a collation says how text sorts and compares: give it to a text, varchar, char or citext column"),
            );
            return None;
        }
    }
    if !ok {
        return None;
    }
    Some(Column {
        name: col.clone(),
        ty,
        nullable: wc.nullable,
        default,
        identity: c.identity.as_ref().map(|i| i.value),
        identity_options: c.identity_options.clone(),
        generated: c.generated.as_ref().map(|g| g.value.trim().to_string()),
        on_update_now: c.on_update_now.is_some(),
        collation: c.collation.as_ref().map(|c| c.value.clone()),
        rust_name: c.rust_name.as_ref().map(|r| r.value.clone()),
        rust_type: c.rust_type.as_ref().map(|r| r.value.clone()),
        sensitive: c.sensitive,
        comment: c.comment.as_ref().map(|c| c.value.clone()),
        external_ref: None,
        hints: Some(ColumnHints {
            renamed_from: c.renamed_from.as_ref().map(|r| r.value.clone()),
            using: c.using.as_ref().map(|u| u.value.trim().to_string()),
            using_down: c.using_down.as_ref().map(|u| u.value.trim().to_string()),
            backfill,
        })
        .filter(|h| *h != ColumnHints::default())
        .map(Box::new),
    })
}

fn is_rust_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
