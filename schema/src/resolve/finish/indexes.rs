//! Indexes: their keys (columns, expressions, order), methods and names.

use super::*;

const INDEX_METHODS: &[&str] = &["btree", "hash", "gin", "gist", "brin", "spgist"];

/// Reads `NAME [OPCLASS] [ASC|DESC] [NULLS FIRST|LAST]`.
fn index_key(entry: &str) -> Result<IndexKey, String> {
    let mut words: Vec<&str> = entry.split_whitespace().collect();
    let mut key = IndexKey {
        column: None,
        expression: None,
        opclass: None,
        order: None,
        nulls: None,
    };
    let upper = |w: &str| w.to_ascii_uppercase();
    if words.len() >= 2 && upper(words[words.len() - 2]) == "NULLS" {
        key.nulls = match upper(words[words.len() - 1]).as_str() {
            "FIRST" => Some(NullsOrder::First),
            "LAST" => Some(NullsOrder::Last),
            other => {
                return Err(format!(
                    "`NULLS {other}` should be `NULLS FIRST` or `NULLS LAST`"
                ));
            }
        };
        words.truncate(words.len() - 2);
    }
    if let Some(last) = words.last() {
        match upper(last).as_str() {
            "ASC" => key.order = Some(SortOrder::Asc),
            "DESC" => key.order = Some(SortOrder::Desc),
            _ => {}
        }
        if key.order.is_some() {
            words.pop();
        }
    }
    match words.as_slice() {
        [col] => key.column = Some(col.trim_matches('"').to_string()),
        [col, opclass] => {
            key.column = Some(col.trim_matches('"').to_string());
            key.opclass = Some(opclass.to_string());
        }
        [] => return Err("the entry names no column".into()),
        _ => {
            return Err(
                "write `column [opclass] [ASC|DESC] [NULLS FIRST|LAST]`; for an expression use `expression:`".into(),
            );
        }
    }
    Ok(key)
}

pub(super) fn indexes(
    t: &WorkTable<'_>,
    ns: &mut Namespace,
    diags: &mut Diagnostics,
) -> Vec<Index> {
    let table = &t.def.name.value;
    let mut out = Vec::new();
    for def in &t.indexes {
        if let Some(i) = build_index(table, Some(t), def, diags) {
            ns.claim(
                &t.pg_schema,
                &i.name,
                def.name.as_ref().map_or(def.span, |n| n.span),
                format!("index on `{table}`"),
                diags,
            );
            out.push(i);
        }
    }
    out
}

/// An index of `table`; its columns are checked against `t`'s when the
/// relation is a table (a materialized view's are PostgreSQL's to check).
pub(super) fn build_index(
    table: &str,
    t: Option<&WorkTable<'_>>,
    def: &IndexDef,
    diags: &mut Diagnostics,
) -> Option<Index> {
    let mut ok = true;
    let mut keys = Vec::new();
    for entry in &def.columns {
        match index_key(&entry.value) {
            Ok(k) => {
                let col = k.column.clone().unwrap_or_default();
                if let Some(t) = t.filter(|t| !has_column(t, &col)) {
                    missing_column(t, &Sp::new(col, entry.span), "index column", diags);
                    ok = false;
                }
                keys.push(k);
            }
            Err(help) => {
                diags.push(
                    Diagnostic::error(format!("cannot read index entry `{}`", entry.value))
                        .at(entry.span, "index entry")
                        .help(help),
                );
                ok = false;
            }
        }
    }
    if let Some(e) = &def.expression {
        keys.push(IndexKey {
            column: None,
            expression: Some(e.value.trim().to_string()),
            opclass: None,
            order: None,
            nulls: None,
        });
    }
    if keys.is_empty() && ok {
        diags.push(
            Diagnostic::error(format!("an index of `{table}` lists no columns"))
                .at(def.span, "empty"),
        );
        return None;
    }
    for c in &def.include {
        if let Some(t) = t.filter(|t| !has_column(t, &c.value)) {
            missing_column(t, c, "included column", diags);
            ok = false;
        }
    }
    let method = match &def.using {
        Some(u) if !INDEX_METHODS.contains(&u.value.as_str()) => {
            diags.push(
                Diagnostic::error(format!("unknown index method `{}`", u.value))
                    .at(u.span, "not an index method")
                    .maybe_help(suggest::did_you_mean(&u.value, INDEX_METHODS, "methods")),
            );
            ok = false;
            String::new()
        }
        Some(u) => u.value.clone(),
        None => "btree".to_string(),
    };
    if def.paginate && (method != "btree" || def.expression.is_some()) {
        diags.push(
            Diagnostic::error("`paginate: true` needs a btree index on plain columns")
                .at(def.span, "paginated index")
                .help("keyset pagination orders by the indexed columns; remove `using`/`expression` or `paginate`"),
        );
        ok = false;
    }
    if let Some(n) = def
        .nulls_not_distinct
        .as_ref()
        .filter(|n| n.value && !def.unique)
    {
        diags.push(
            Diagnostic::error("`nulls_not_distinct` is for unique indexes")
                .at(n.span, "this index is not unique")
                .help("add `unique: true`, or remove `nulls_not_distinct`"),
        );
        ok = false;
    }
    if !ok {
        return None;
    }
    let name = match &def.name {
        Some(n) => explicit_name(n, diags),
        None => {
            // Postgres names an index after its keys and its INCLUDE columns.
            let labels: Vec<IndexKeyLabel<'_>> = keys
                .iter()
                .map(|k| match (&k.column, &k.expression) {
                    (Some(c), _) => IndexKeyLabel::Column(c),
                    (None, Some(e)) => IndexKeyLabel::Expression(e),
                    (None, None) => IndexKeyLabel::Column(""),
                })
                .chain(def.include.iter().map(|c| IndexKeyLabel::Column(&c.value)))
                .collect();
            let names = index_key_names(&labels);
            let parts: Vec<&str> = names.iter().map(String::as_str).collect();
            derive_name(table, &parts, NameKind::Index)
        }
    };
    Some(Index {
        name,
        unique: def.unique,
        method,
        keys,
        include: def.include.iter().map(|c| c.value.clone()).collect(),
        predicate: def.predicate.as_ref().map(|p| p.value.trim().to_string()),
        paginate: def.paginate,
        nulls_not_distinct: def.nulls_not_distinct.as_ref().is_some_and(|n| n.value),
    })
}
