//! Functions, aggregates and triggers as SQL.

use schemac_schema::model::*;
use schemac_schema::sql::{dollar_quoted, ident, qualified, string_literal};

/// `CREATE [OR REPLACE] FUNCTION`, then its comment.
pub fn create_function(f: &Function, replace: bool) -> Vec<String> {
    let or_replace = if replace { "OR REPLACE " } else { "" };
    let mut attributes = vec![format!("LANGUAGE {}", f.language)];
    if f.volatility != Volatility::Volatile {
        attributes.push(f.volatility.keyword().to_string());
    }
    if f.strict {
        attributes.push("STRICT".to_string());
    }
    if f.security_definer {
        attributes.push("SECURITY DEFINER".to_string());
    }
    let mut out = format!(
        "CREATE {or_replace}FUNCTION {}({}) RETURNS {}\n  {}",
        qualified(&f.pg_schema, &f.name),
        f.args.join(", "),
        f.returns,
        attributes.join(" ")
    );
    if let Some(path) = &f.search_path {
        out.push_str(&format!("\n  SET search_path = {path}"));
    }
    out.push_str(&format!("\n  AS {}", dollar_quoted(&f.body)));
    let mut statements = vec![out];
    // A replaced function keeps its comment; a new one gets it here.
    if let (Some(c), false) = (&f.comment, replace) {
        statements.push(comment_on_function(f, Some(c)));
    }
    statements
}

/// `"schema"."name"(input types)`: how DROP and COMMENT ON name a function.
pub fn function_signature(f: &Function) -> String {
    format!(
        "{}({})",
        qualified(&f.pg_schema, &f.name),
        input_types(&f.args).join(", ")
    )
}

/// `DROP FUNCTION`.
pub fn drop_function(f: &Function) -> String {
    format!("DROP FUNCTION {}", function_signature(f))
}

/// `COMMENT ON FUNCTION`; none removes it.
pub fn comment_on_function(f: &Function, text: Option<&String>) -> String {
    format!(
        "COMMENT ON FUNCTION {} IS {}",
        function_signature(f),
        text.map_or_else(|| "NULL".to_string(), |t| string_literal(t))
    )
}

/// A function as a trigger or an aggregate calls it: qualified names (the
/// schema's functions are kept so) quoted, a bare built-in as written.
fn callee(name: &str) -> String {
    match name.split_once('.') {
        Some((s, n)) => qualified(s, n),
        None => name.to_string(),
    }
}

/// `CREATE AGGREGATE`, then its comment.
pub fn create_aggregate(a: &Aggregate) -> Vec<String> {
    let mut options = vec![
        format!("SFUNC = {}", callee(&a.sfunc)),
        format!("STYPE = {}", a.stype),
    ];
    if let Some(f) = &a.finalfunc {
        options.push(format!("FINALFUNC = {}", callee(f)));
    }
    if let Some(i) = &a.initcond {
        options.push(format!("INITCOND = {}", string_literal(i)));
    }
    let mut out = vec![format!(
        "CREATE AGGREGATE {} (\n  {}\n)",
        aggregate_signature(a),
        options.join(",\n  ")
    )];
    if let Some(c) = &a.comment {
        out.push(comment_on_aggregate(a, Some(c)));
    }
    out
}

/// `"schema"."name"(types)`: how DROP and COMMENT ON name an aggregate.
pub fn aggregate_signature(a: &Aggregate) -> String {
    format!(
        "{}({})",
        qualified(&a.pg_schema, &a.name),
        a.args.join(", ")
    )
}

/// `DROP AGGREGATE`.
pub fn drop_aggregate(a: &Aggregate) -> String {
    format!("DROP AGGREGATE {}", aggregate_signature(a))
}

/// `COMMENT ON AGGREGATE`; none removes it.
pub fn comment_on_aggregate(a: &Aggregate, text: Option<&String>) -> String {
    format!(
        "COMMENT ON AGGREGATE {} IS {}",
        aggregate_signature(a),
        text.map_or_else(|| "NULL".to_string(), |t| string_literal(t))
    )
}

/// `CREATE TRIGGER`, then its comment.
pub fn create_trigger(pg_schema: &str, table: &str, t: &Trigger) -> Vec<String> {
    let events: Vec<String> = t
        .events
        .iter()
        .map(|e| match e {
            TriggerEvent::Update if !t.update_of.is_empty() => {
                let columns: Vec<String> = t.update_of.iter().map(|c| ident(c)).collect();
                format!("UPDATE OF {}", columns.join(", "))
            }
            other => other.sql().to_string(),
        })
        .collect();
    let each = if t.for_each_row { "ROW" } else { "STATEMENT" };
    let when = t
        .when
        .as_ref()
        .map(|w| format!("\n  WHEN ({w})"))
        .unwrap_or_default();
    let args: Vec<String> = t.args.iter().map(|a| string_literal(a)).collect();
    let mut out = vec![format!(
        "CREATE TRIGGER {} {} {} ON {}\n  FOR EACH {each}{when}\n  EXECUTE FUNCTION {}({})",
        ident(&t.name),
        t.timing.sql(),
        events.join(" OR "),
        qualified(pg_schema, table),
        callee(&t.function),
        args.join(", ")
    )];
    if let Some(c) = &t.comment {
        out.push(comment_on_trigger(pg_schema, table, &t.name, Some(c)));
    }
    out
}

/// `DROP TRIGGER`.
pub fn drop_trigger(pg_schema: &str, table: &str, name: &str) -> String {
    format!(
        "DROP TRIGGER {} ON {}",
        ident(name),
        qualified(pg_schema, table)
    )
}

/// `COMMENT ON TRIGGER`; none removes it.
pub fn comment_on_trigger(
    pg_schema: &str,
    table: &str,
    name: &str,
    text: Option<&String>,
) -> String {
    format!(
        "COMMENT ON TRIGGER {} ON {} IS {}",
        ident(name),
        qualified(pg_schema, table),
        text.map_or_else(|| "NULL".to_string(), |t| string_literal(t))
    )
}
