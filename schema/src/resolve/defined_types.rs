//! The types a schema defines: rich IDs, enums and domains.

use super::*;

pub(super) fn build_id(def: &IdDef, diags: &mut Diagnostics) -> IdType {
    // The prefix is the external form's first word, in URLs and logs.
    let plain_prefix = !def.prefix.value.is_empty()
        && def
            .prefix
            .value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !plain_prefix {
        diags.push(
            Diagnostic::error(format!(
                "the prefix of ID type `{}` must be letters, digits and `_`",
                def.name.value
            ))
            .at(def.prefix.span, "not a plain word")
            .help("an external ID reads `prefix_01H…`: use a prefix like `user` or `org_mem`"),
        );
    }
    let separator = def
        .separator
        .as_ref()
        .map_or_else(|| "_".to_string(), |s| s.value.clone());
    if separator.is_empty() {
        if let Some(s) = &def.separator {
            diags.push(
                Diagnostic::error(format!(
                    "the separator of ID type `{}` is empty",
                    def.name.value
                ))
                .at(s.span, "empty separator")
                .help("use `_` (the default) or `-`"),
            );
        }
    } else if !separator.chars().all(|c| c.is_ascii_punctuation()) {
        if let Some(s) = &def.separator {
            diags.push(
                Diagnostic::error(format!(
                    "the separator of ID type `{}` must be punctuation",
                    def.name.value
                ))
                .at(s.span, "not a separator")
                .help("use `_` (the default) or `-`"),
            );
        }
    }
    if !def
        .name
        .value
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_uppercase())
        || !def.name.value.chars().all(|c| c.is_ascii_alphanumeric())
    {
        diags.push(
            Diagnostic::error(format!(
                "ID type name `{}` is not an UpperCamelCase Rust type name",
                def.name.value
            ))
            .at(def.name.span, "becomes a Rust type")
            .help("name ID types like Rust types, e.g. `TenantId`"),
        );
    }
    IdType {
        name: def.name.value.clone(),
        prefix: def.prefix.value.clone(),
        separator,
        storage: def.storage,
        body: def.body,
    }
}

pub(super) fn build_enum(
    def: &EnumDef,
    pg_schema: String,
    diags: &mut Diagnostics,
) -> Option<Enum> {
    let sql_name = def
        .sql_name
        .as_ref()
        .map_or_else(|| def.name.value.clone(), |s| s.value.clone());
    let name_span = def.sql_name.as_ref().map_or(def.name.span, |s| s.span);
    check_identifier(&sql_name, name_span, "enum type name", diags);
    if def.values.is_empty() {
        diags.push(
            Diagnostic::error(format!("enum `{}` has no values", def.name.value))
                .at(def.values_span, "empty")
                .help("list at least one value; Postgres enums cannot be empty"),
        );
        return None;
    }
    let mut seen: HashMap<&str, Span> = HashMap::new();
    let mut values = Vec::new();
    let mut value_renames = Vec::new();
    for v in &def.values {
        if let Some(first) = seen.insert(&v.name.value, v.name.span) {
            diags.push(
                Diagnostic::error(format!(
                    "enum `{}` lists value `{}` twice",
                    def.name.value, v.name.value
                ))
                .at(v.name.span, "repeated here")
                .also(first, "first listed here"),
            );
            continue;
        }
        if v.name.value.is_empty() {
            diags.push(
                Diagnostic::error(format!("enum `{}` has an empty value", def.name.value))
                    .at(v.name.span, "empty label")
                    .help("Postgres enum labels must not be empty"),
            );
        }
        check_identifier(&v.name.value, v.name.span, "enum label", diags);
        if let Some(old) = &v.renamed_from {
            value_renames.push((v.name.value.clone(), old.value.clone()));
        }
        values.push(v.name.value.clone());
    }
    let mut remap = Vec::new();
    for (from, to) in &def.remap {
        if values.contains(&from.value) {
            diags.push(
                Diagnostic::error(format!(
                    "`remap` moves rows off `{}`, which is still a value of `{}`",
                    from.value, def.name.value
                ))
                .at(from.span, "still listed in `values`")
                .help("remap only values you removed"),
            );
        }
        if !values.contains(&to.value) {
            let vs: Vec<&str> = values.iter().map(String::as_str).collect();
            diags.push(
                Diagnostic::error(format!(
                    "`remap` target `{}` is not a value of `{}`",
                    to.value, def.name.value
                ))
                .at(to.span, "unknown value")
                .maybe_help(suggest::did_you_mean(&to.value, &vs, "values")),
            );
        }
        remap.push((from.value.clone(), to.value.clone()));
    }
    Some(Enum {
        name: def.name.value.clone(),
        pg_schema,
        sql_name,
        values,
        comment: def.comment.as_ref().map(|c| c.value.clone()),
        hints: EnumHints {
            renamed_from: def.renamed_from.as_ref().map(|r| r.value.clone()),
            value_renames,
            remap,
        },
    })
}

/// A domain: its base type read like a column's (a built-in type or an
/// enum of this database, not an array), its default, NOT NULL and checks.
pub(super) fn build_domain(
    d: &DomainDef,
    pg_schema: String,
    db: &Db<'_>,
    diags: &mut Diagnostics,
) -> Option<Domain> {
    let text = d.base.value.trim();
    let base = match types::parse_builtin(text) {
        Ok(b) if !text.ends_with("[]") && !b.is_serial() => b,
        _ if db.enum_spans.contains_key(text) => BaseType::Enum(text.to_string()),
        _ => {
            diags.push(
                Diagnostic::error(format!(
                    "domain `{}` is over `{text}`, which is no built-in type or enum of this database",
                    d.name.value
                ))
                .at(d.base.span, "not a base type")
                .help("a domain is over a built-in type (`integer`, `text`, `numeric(10,2)`) or an enum; not an array, a serial or another domain"),
            );
            return None;
        }
    };
    Some(Domain {
        pg_schema,
        name: d.name.value.clone(),
        base: ColumnType::plain(base, false),
        not_null: d.not_null,
        default: d.default.as_ref().map(|v| v.value.trim().to_string()),
        checks: d
            .checks
            .iter()
            .map(|c| Check {
                name: c.key.value.clone(),
                expr: c.expr.value.trim().to_string(),
            })
            .collect(),
        comment: d.comment.as_ref().map(|c| c.value.clone()),
    })
}
