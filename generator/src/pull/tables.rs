//! A table as a person would write it: shorthand columns, constraints on
//! their column when they are one column's and carry the name schemac would
//! give them, names written only where they differ.

use schemac_schema::model::*;
use schemac_schema::naming::{IndexKeyLabel, NameKind, derive_name, index_key_names};

use super::yaml::{block_type, flow_list, flow_type, plain_or_quoted, quoted};
use super::{Notes, column_type_name, triggers};

/// `  name:` and the table under it, at two spaces.
pub fn table(t: &Table, schema: &Schema, notes: &mut Notes) -> String {
    let mut out = format!("  {}:\n", plain_or_quoted(&t.name));
    if let Some(c) = &t.comment {
        out.push_str(&format!("    comment: {}\n", quoted(c)));
    }
    // Which constraints the columns carry themselves.
    let pk_single = t
        .primary_key
        .as_ref()
        .filter(|pk| pk.columns.len() == 1)
        .map(|pk| pk.columns[0].as_str());
    let unique_on = |c: &str| {
        t.uniques.iter().position(|u| {
            u.columns.len() == 1
                && u.columns[0] == c
                && !u.nulls_not_distinct
                && u.name == derive_name(&t.name, &[c], NameKind::Unique)
        })
    };
    let mut fk_taken = vec![false; t.foreign_keys.len()];
    let mut unique_taken = vec![false; t.uniques.len()];
    out.push_str("    columns:\n");
    for c in &t.columns {
        let mut opts: Vec<String> = Vec::new();
        if pk_single == Some(c.name.as_str()) {
            opts.push("primary_key: true".into());
        }
        if let Some(u) = unique_on(&c.name).filter(|&u| !unique_taken[u]) {
            unique_taken[u] = true;
            opts.push("unique: true".into());
        }
        match (c.identity, &c.identity_options) {
            (Some(i), None) => opts.push(format!("identity: {}", identity(i))),
            (Some(i), Some(o)) => {
                let mut parts = vec![format!("generated: {}", identity(i))];
                parts.extend(sequence_options(o));
                opts.push(format!("identity: {{ {} }}", parts.join(", ")));
            }
            (None, _) => {}
        }
        if let Some(d) = &c.default {
            opts.push(default(d.sql(), c, schema));
        }
        if let Some(g) = &c.generated {
            opts.push(format!("generated: {}", quoted(g)));
        }
        let fk = t.foreign_keys.iter().position(|f| {
            f.columns.len() == 1
                && f.columns[0] == c.name
                && f.name == derive_name(&t.name, &[&c.name], NameKind::ForeignKey)
        });
        if let Some(i) = fk {
            fk_taken[i] = true;
            let f = &t.foreign_keys[i];
            let target = format!("{}.{}", f.ref_table, f.ref_columns[0]);
            let simple = f.ref_schema == t.pg_schema
                && f.on_update == FkAction::NoAction
                && f.deferrable == Deferrable::No;
            match simple {
                true => opts.push(format!("references: {}", plain_or_quoted_dotted(&target))),
                false => {
                    let mut parts = vec![
                        format!("table: {}", plain_or_quoted(&f.ref_table)),
                        format!("column: {}", plain_or_quoted(&f.ref_columns[0])),
                    ];
                    if f.ref_schema != t.pg_schema {
                        parts.push(format!("schema: {}", plain_or_quoted(&f.ref_schema)));
                    }
                    parts.extend(update_and_deferrable(f));
                    opts.push(format!("references: {{ {} }}", parts.join(", ")));
                }
            }
            if f.on_delete != FkAction::NoAction {
                opts.push(format!("on_delete: {}", action(f.on_delete)));
            }
        }
        if let Some(co) = &c.collation {
            opts.push(format!("collation: {}", plain_or_quoted(co)));
        }
        if let Some(co) = &c.comment {
            opts.push(format!("comment: {}", quoted(co)));
        }
        let ty = column_type_name(&c.ty, &t.pg_schema);
        let name = plain_or_quoted(&c.name);
        match opts.is_empty() {
            true => {
                let nullable = if c.nullable { "?" } else { "" };
                out.push_str(&format!(
                    "      {name}: {}\n",
                    block_type(&format!("{ty}{nullable}"))
                ));
            }
            false => {
                let mut all = vec![format!("type: {}", flow_type(&ty))];
                if c.nullable {
                    all.push("nullable: true".into());
                }
                all.extend(opts);
                out.push_str(&format!("      {name}: {{ {} }}\n", all.join(", ")));
            }
        }
    }
    if let Some(pk) = &t.primary_key {
        let derived = pk.name == derive_name(&t.name, &[], NameKind::PrimaryKey);
        match (pk.columns.len(), derived) {
            (1, true) => {}
            (1, false) => out.push_str(&format!(
                "    primary_key: {{ name: {} }}\n",
                plain_or_quoted(&pk.name)
            )),
            (_, true) => out.push_str(&format!("    primary_key: {}\n", flow_list(&pk.columns))),
            (_, false) => out.push_str(&format!(
                "    primary_key: {{ columns: {}, name: {} }}\n",
                flow_list(&pk.columns),
                plain_or_quoted(&pk.name)
            )),
        }
    }
    let uniques = untaken(&t.uniques, &unique_taken);
    if !uniques.is_empty() {
        out.push_str("    unique:\n");
        for u in uniques {
            let cols: Vec<&str> = u.columns.iter().map(String::as_str).collect();
            let derived = u.name == derive_name(&t.name, &cols, NameKind::Unique);
            match (derived, u.nulls_not_distinct) {
                (true, false) => out.push_str(&format!("      - {}\n", flow_list(&u.columns))),
                _ => {
                    let mut parts = vec![format!("columns: {}", flow_list(&u.columns))];
                    if !derived {
                        parts.push(format!("name: {}", plain_or_quoted(&u.name)));
                    }
                    if u.nulls_not_distinct {
                        parts.push("nulls_not_distinct: true".into());
                    }
                    out.push_str(&format!("      - {{ {} }}\n", parts.join(", ")));
                }
            }
        }
    }
    if !t.checks.is_empty() {
        out.push_str("    checks:\n");
        for c in &t.checks {
            let key = derived_key(&t.name, &c.name, NameKind::Check);
            match key {
                Some(k) => out.push_str(&format!(
                    "      {}: {}\n",
                    plain_or_quoted(k),
                    quoted(&c.expr)
                )),
                None => out.push_str(&format!(
                    "      {}: {{ expr: {}, name: {} }}\n",
                    plain_or_quoted(&c.name),
                    quoted(&c.expr),
                    plain_or_quoted(&c.name)
                )),
            }
        }
    }
    let fks = untaken(&t.foreign_keys, &fk_taken);
    if !fks.is_empty() {
        out.push_str("    foreign_keys:\n");
        for f in fks {
            let cols: Vec<&str> = f.columns.iter().map(String::as_str).collect();
            let mut parts = vec![
                format!("columns: {}", flow_list(&f.columns)),
                format!("references: {}", plain_or_quoted(&f.ref_table)),
                format!("to: {}", flow_list(&f.ref_columns)),
            ];
            if f.ref_schema != t.pg_schema {
                parts.push(format!("schema: {}", plain_or_quoted(&f.ref_schema)));
            }
            if f.on_delete != FkAction::NoAction {
                parts.push(format!("on_delete: {}", action(f.on_delete)));
            }
            parts.extend(update_and_deferrable(f));
            if f.name != derive_name(&t.name, &cols, NameKind::ForeignKey) {
                parts.push(format!("name: {}", plain_or_quoted(&f.name)));
            }
            out.push_str(&format!("      - {{ {} }}\n", parts.join(", ")));
        }
    }
    out.push_str(&indexes(
        &t.name,
        &format!("{}.{}", t.pg_schema, t.name),
        &t.indexes,
        notes,
    ));
    if !t.exclusions.is_empty() {
        let mut body = String::new();
        for x in &t.exclusions {
            let key = derived_key(&t.name, &x.name, NameKind::Exclusion);
            body.push_str(&format!(
                "      {}:\n",
                plain_or_quoted(key.unwrap_or(&x.name))
            ));
            if key.is_none() {
                body.push_str(&format!("        name: {}\n", plain_or_quoted(&x.name)));
            }
            body.push_str(&format!("        using: {}\n", plain_or_quoted(&x.using)));
            let elements: Vec<String> = x.elements.iter().map(|e| quoted(e)).collect();
            body.push_str(&format!("        elements: [{}]\n", elements.join(", ")));
            if let Some(p) = &x.predicate {
                body.push_str(&format!("        where: {}\n", quoted(p)));
            }
        }
        if !body.is_empty() {
            out.push_str("    exclude:\n");
            out.push_str(&body);
        }
    }
    out.push_str(&triggers(&t.triggers));
    out
}

/// `indexes:` of a table or materialized view.
pub fn indexes(table: &str, qualified: &str, indexes: &[Index], notes: &mut Notes) -> String {
    let mut out = String::new();
    for ix in indexes {
        let expressions = ix.keys.iter().filter(|k| k.expression.is_some()).count();
        let last_is_expression = ix.keys.last().is_some_and(|k| k.expression.is_some());
        let expression_plain = ix
            .keys
            .iter()
            .filter(|k| k.expression.is_some())
            .all(|k| k.opclass.is_none() && k.order.is_none() && k.nulls.is_none());
        if expressions > 1 || (expressions == 1 && (!last_is_expression || !expression_plain)) {
            notes.push(
                format!("index {}", ix.name),
                format!(
                    "on {qualified}: schemac writes one expression key, last and without options; left out"
                ),
            );
            continue;
        }
        let mut labels: Vec<IndexKeyLabel<'_>> = ix
            .keys
            .iter()
            .map(|k| match (&k.column, &k.expression) {
                (Some(c), _) => IndexKeyLabel::Column(c),
                (None, Some(e)) => IndexKeyLabel::Expression(e),
                (None, None) => IndexKeyLabel::Expression(""),
            })
            .collect();
        labels.extend(ix.include.iter().map(|c| IndexKeyLabel::Column(c)));
        let key_names = index_key_names(&labels);
        let parts: Vec<&str> = key_names.iter().map(String::as_str).collect();
        let derived = ix.name == derive_name(table, &parts, NameKind::Index);
        let columns: Vec<String> = ix
            .keys
            .iter()
            .filter_map(|k| {
                let c = k.column.as_ref()?;
                let mut entry = c.clone();
                if let Some(o) = &k.opclass {
                    entry.push(' ');
                    entry.push_str(o);
                }
                match k.order {
                    Some(SortOrder::Desc) => entry.push_str(" DESC"),
                    Some(SortOrder::Asc) => entry.push_str(" ASC"),
                    None => {}
                }
                match k.nulls {
                    Some(NullsOrder::First) => entry.push_str(" NULLS FIRST"),
                    Some(NullsOrder::Last) => entry.push_str(" NULLS LAST"),
                    None => {}
                }
                Some(entry)
            })
            .collect();
        let shorthand = derived
            && !ix.unique
            && ix.method == "btree"
            && expressions == 0
            && ix.include.is_empty()
            && ix.predicate.is_none()
            && !ix.nulls_not_distinct
            && columns.iter().all(|c| !c.contains(' '));
        if shorthand {
            out.push_str(&format!("      - {}\n", flow_list(&columns)));
            continue;
        }
        let mut parts = Vec::new();
        if !columns.is_empty() {
            let quoted_cols: Vec<String> = columns
                .iter()
                .map(|c| match c.contains(' ') {
                    true => quoted(c),
                    false => plain_or_quoted(c),
                })
                .collect();
            parts.push(format!("columns: [{}]", quoted_cols.join(", ")));
        }
        if let Some(e) = ix.keys.iter().find_map(|k| k.expression.as_ref()) {
            parts.push(format!("expression: {}", quoted(e)));
        }
        if ix.unique {
            parts.push("unique: true".into());
        }
        if ix.method != "btree" {
            parts.push(format!("using: {}", plain_or_quoted(&ix.method)));
        }
        if !ix.include.is_empty() {
            parts.push(format!("include: {}", flow_list(&ix.include)));
        }
        if let Some(p) = &ix.predicate {
            parts.push(format!("where: {}", quoted(p)));
        }
        if ix.nulls_not_distinct {
            parts.push("nulls_not_distinct: true".into());
        }
        if !derived {
            parts.push(format!("name: {}", plain_or_quoted(&ix.name)));
        }
        out.push_str(&format!("      - {{ {} }}\n", parts.join(", ")));
    }
    match out.is_empty() {
        true => out,
        false => format!("    indexes:\n{out}"),
    }
}

/// The items a column did not take on itself, for the table to write.
fn untaken<'a, T>(items: &'a [T], taken: &[bool]) -> Vec<&'a T> {
    items
        .iter()
        .zip(taken)
        .filter(|(_, taken)| !**taken)
        .map(|(item, _)| item)
        .collect()
}

/// The key a `checks:` or `exclude:` entry has when `name` is the one
/// schemac derives from it (`<table>_<key>_check`).
fn derived_key<'a>(table: &str, name: &'a str, kind: NameKind) -> Option<&'a str> {
    name.strip_prefix(table)
        .and_then(|k| k.strip_prefix('_'))
        .and_then(|k| k.strip_suffix(kind.suffix()))
        .and_then(|k| k.strip_suffix('_'))
        .filter(|k| !k.is_empty() && name == derive_name(table, &[k], kind))
}

/// A foreign key's `on_update` and `deferrable`, where not the defaults.
fn update_and_deferrable(f: &ForeignKey) -> Vec<String> {
    let mut parts = Vec::new();
    if f.on_update != FkAction::NoAction {
        parts.push(format!("on_update: {}", action(f.on_update)));
    }
    match f.deferrable {
        Deferrable::No => {}
        Deferrable::Deferrable => parts.push("deferrable: true".into()),
        Deferrable::InitiallyDeferred => parts.push("deferrable: initially_deferred".into()),
    }
    parts
}

fn identity(i: Identity) -> &'static str {
    match i {
        Identity::Always => "always",
        Identity::ByDefault => "by_default",
    }
}

pub fn sequence_options(o: &SequenceOptions) -> Vec<String> {
    let mut parts = Vec::new();
    for (key, v) in [
        ("start", o.start),
        ("increment", o.increment),
        ("min", o.min_value),
        ("max", o.max_value),
        ("cache", o.cache),
    ] {
        if let Some(v) = v {
            parts.push(format!("{key}: {v}"));
        }
    }
    if o.cycle {
        parts.push("cycle: true".into());
    }
    parts
}

fn action(a: FkAction) -> &'static str {
    match a {
        FkAction::NoAction => "no_action",
        FkAction::Restrict => "restrict",
        FkAction::Cascade => "cascade",
        FkAction::SetNull => "set_null",
        FkAction::SetDefault => "set_default",
    }
}

/// `users.id` plain when both words are.
fn plain_or_quoted_dotted(s: &str) -> String {
    match s.split('.').all(|w| plain_or_quoted(w) == w) {
        true => s.to_string(),
        false => quoted(s),
    }
}

/// A default as a literal (`default: 0`, `default: draft`) where schemac
/// writes that literal back as PostgreSQL printed it, as SQL otherwise.
fn default(sql: &str, c: &Column, schema: &Schema) -> String {
    if !c.ty.array
        && c.ty.domain.is_none()
        && let Some(lit) = literal(sql, &c.ty.base, schema)
    {
        return format!("default: {lit}");
    }
    format!("default_sql: {}", quoted(sql))
}

fn literal(sql: &str, base: &BaseType, schema: &Schema) -> Option<String> {
    let quoted_text = |suffixes: &[&str]| -> Option<String> {
        let rest = sql.strip_prefix('\'')?;
        let body = suffixes
            .iter()
            .find_map(|s| rest.strip_suffix(&format!("'::{s}")))?;
        // A quote inside is always doubled; a lone one would end the literal.
        (!body.replace("''", "").contains('\'')).then(|| body.replace("''", "'"))
    };
    match base {
        BaseType::Boolean => matches!(sql, "true" | "false").then(|| sql.to_string()),
        BaseType::SmallInt | BaseType::Integer | BaseType::BigInt => {
            let digits = sql.strip_prefix('-').unwrap_or(sql);
            (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()))
                .then(|| sql.to_string())
        }
        BaseType::Text => quoted_text(&["text"]).map(|s| quoted(&s)),
        BaseType::Varchar(_) => quoted_text(&["character varying"]).map(|s| quoted(&s)),
        BaseType::Enum(key) => {
            let e = schema.enum_type(key)?;
            let qualified = format!(
                "{}.{}",
                super::quote(&e.pg_schema),
                super::quote(&e.sql_name)
            );
            let value = quoted_text(&[&qualified, &super::quote(&e.sql_name)])?;
            e.values.contains(&value).then(|| plain_or_quoted(&value))
        }
        _ => None,
    }
}
