//! Primary keys, unique keys and checks, with the names PostgreSQL would give them.

use super::*;

pub(super) fn primary_key(
    t: &WorkTable<'_>,
    columns: &mut [Column],
    ns: &mut Namespace,
    diags: &mut Diagnostics,
) -> Option<PrimaryKey> {
    let table = &t.def.name.value;
    let flagged: Vec<&WorkColumn<'_>> = t
        .columns
        .iter()
        .filter(|c| c.def.primary_key.as_ref().is_some_and(|p| p.value))
        .collect();
    let (cols, span): (Vec<String>, Span) = match (&t.def.primary_key, flagged.as_slice()) {
        (Some(pk), [first, ..]) => {
            diags.push(
                Diagnostic::error(format!("table `{table}` has two primary keys"))
                    .at(pk.span, "table-level primary key")
                    .also(first.def.name.span, "column marked `primary_key: true`")
                    .help("keep one: `primary_key: [a, b]` on the table, or `primary_key: true` on one column"),
            );
            return None;
        }
        (None, [a, b, ..]) => {
            diags.push(
                Diagnostic::error(format!("table `{table}` has two primary keys"))
                    .at(b.def.name.span, "second `primary_key: true`")
                    .also(a.def.name.span, "first `primary_key: true`")
                    .help(format!(
                        "for a composite key write `primary_key: [{}, {}]` on the table",
                        a.def.name.value, b.def.name.value
                    )),
            );
            return None;
        }
        (None, [one]) => (vec![one.def.name.value.clone()], one.def.name.span),
        (None, []) => {
            if let Some(n) = &t.def.primary_key_name {
                diags.push(
                    Diagnostic::error(format!(
                        "the primary key of `{table}` is named, but it has none"
                    ))
                    .at(n.span, "a name for no key")
                    .help("list its columns (`primary_key: { columns: [id], name: ... }`) or mark one column `primary_key: true`"),
                );
            }
            return None;
        }
        (Some(pk), []) => {
            if pk.value.is_empty() {
                diags.push(
                    Diagnostic::error(format!("the primary key of `{table}` lists no columns"))
                        .at(pk.span, "empty"),
                );
                return None;
            }
            let mut ok = true;
            for c in &pk.value {
                if !has_column(t, &c.value) {
                    missing_column(t, c, "primary key column", diags);
                    ok = false;
                }
            }
            if !ok {
                return None;
            }
            (pk.value.iter().map(|c| c.value.clone()).collect(), pk.span)
        }
    };
    for name in &cols {
        if let Some(wc) = t.columns.iter().find(|c| &c.def.name.value == name) {
            if wc.nullable {
                let span = wc.def.ty.as_ref().map_or(wc.def.name.span, |t| t.span);
                diags.push(
                    Diagnostic::error(format!(
                        "primary key column `{name}` of `{table}` cannot be nullable"
                    ))
                    .at(span, "nullable")
                    .help(
                        "remove `?` or `nullable: true`; primary key columns are always NOT NULL",
                    ),
                );
            }
        }
        if let Some(c) = columns.iter_mut().find(|c| &c.name == name) {
            c.nullable = false;
        }
    }
    let pk_name = match &t.def.primary_key_name {
        Some(n) => explicit_name(n, diags),
        None => derive_name(table, &[], NameKind::PrimaryKey),
    };
    ns.claim(
        &t.pg_schema,
        &pk_name,
        span,
        format!("the primary key of `{table}`"),
        diags,
    );
    Some(PrimaryKey {
        name: pk_name,
        columns: cols,
    })
}

pub(super) fn uniques(
    t: &WorkTable<'_>,
    ns: &mut Namespace,
    diags: &mut Diagnostics,
) -> Vec<Unique> {
    let table = &t.def.name.value;
    let mut out = Vec::new();
    for c in &t.columns {
        if c.def.unique.as_ref().is_some_and(|u| u.value) {
            let name = derive_name(table, &[&c.def.name.value], NameKind::Unique);
            ns.claim(
                &t.pg_schema,
                &name,
                c.def.name.span,
                format!("the unique constraint on `{table}.{}`", c.def.name.value),
                diags,
            );
            out.push(Unique {
                name,
                columns: vec![c.def.name.value.clone()],
                nulls_not_distinct: false,
            });
        }
    }
    for u in &t.def.unique {
        if u.columns.is_empty() {
            diags.push(
                Diagnostic::error(format!("a unique set of `{table}` lists no columns"))
                    .at(u.span, "empty"),
            );
            continue;
        }
        let mut ok = true;
        for c in &u.columns {
            if !has_column(t, &c.value) {
                missing_column(t, c, "unique column", diags);
                ok = false;
            }
        }
        if !ok {
            continue;
        }
        let cols: Vec<&str> = u.columns.iter().map(|c| c.value.as_str()).collect();
        let name = match &u.name {
            Some(n) => explicit_name(n, diags),
            None => derive_name(table, &cols, NameKind::Unique),
        };
        ns.claim(
            &t.pg_schema,
            &name,
            u.span,
            format!("the unique constraint on `{table}` ({})", cols.join(", ")),
            diags,
        );
        out.push(Unique {
            name,
            columns: cols.iter().map(|s| s.to_string()).collect(),
            nulls_not_distinct: u.nulls_not_distinct,
        });
    }
    out
}

pub(super) fn checks(t: &WorkTable<'_>, ns: &mut Namespace, diags: &mut Diagnostics) -> Vec<Check> {
    let table = &t.def.name.value;
    let mut out = Vec::new();
    for c in &t.columns {
        if let Some(expr) = &c.def.check {
            let name = derive_name(table, &[&c.def.name.value], NameKind::Check);
            ns.claim(
                &t.pg_schema,
                &name,
                expr.span,
                format!("the check on `{table}.{}`", c.def.name.value),
                diags,
            );
            out.push(Check {
                name,
                expr: expr.value.trim().to_string(),
            });
        }
    }
    for c in &t.checks {
        let name = match &c.name {
            Some(n) => n.value.clone(),
            None => derive_name(table, &[&c.key.value], NameKind::Check),
        };
        ns.claim(
            &t.pg_schema,
            &name,
            c.name.as_ref().map_or(c.key.span, |n| n.span),
            format!("check `{}` of `{table}`", c.key.value),
            diags,
        );
        out.push(Check {
            name,
            expr: c.expr.value.trim().to_string(),
        });
    }
    out
}

/// The column sets of a table that a foreign key may reference: its primary
/// key, unique constraints and plain unique indexes.
pub(super) fn unique_sets(t: &WorkTable<'_>) -> Vec<Vec<String>> {
    let mut sets = vec![t.pk_columns.clone()];
    for c in &t.columns {
        if c.def.unique.as_ref().is_some_and(|u| u.value) {
            sets.push(vec![c.def.name.value.clone()]);
        }
    }
    for u in &t.def.unique {
        sets.push(u.columns.iter().map(|c| c.value.clone()).collect());
    }
    for i in &t.indexes {
        if i.unique && i.predicate.is_none() && i.expression.is_none() {
            sets.push(
                i.columns
                    .iter()
                    .filter_map(|c| c.value.split_whitespace().next().map(str::to_string))
                    .collect(),
            );
        }
    }
    sets.retain(|s| !s.is_empty());
    sets
}

pub(super) fn same_set(a: &[String], b: &[String]) -> bool {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort();
    b.sort();
    a == b
}

/// A table's exclusion constraints, each named `<table>_<key>_excl`.
pub(super) fn exclusions(
    t: &WorkTable<'_>,
    ns: &mut Namespace,
    diags: &mut Diagnostics,
) -> Vec<Exclusion> {
    let table = &t.def.name.value;
    t.def
        .exclusions
        .iter()
        .map(|e| {
            let name = match &e.name {
                Some(n) => n.value.clone(),
                None => derive_name(table, &[&e.key.value], NameKind::Exclusion),
            };
            ns.claim(
                &t.pg_schema,
                &name,
                e.name.as_ref().map_or(e.key.span, |n| n.span),
                format!("exclusion constraint `{}` of `{table}`", e.key.value),
                diags,
            );
            Exclusion {
                name,
                using: e
                    .using
                    .as_ref()
                    .map_or_else(|| "gist".to_string(), |u| u.value.trim().to_string()),
                elements: e
                    .elements
                    .iter()
                    .map(|x| x.value.trim().to_string())
                    .collect(),
                predicate: e.predicate.as_ref().map(|p| p.value.trim().to_string()),
            }
        })
        .collect()
}
