//! A model as the schema YAML a person would have written: what `schemac
//! pull` and `schemac import drizzle` write.
//!
//! Shorthand where it fits (`email: text`, `tags: text[]?`), names left out
//! where they equal the ones schemac derives, defaults as literals where
//! schemac writes the literal back as PostgreSQL printed it and as
//! `default_sql` otherwise, code as block literals that keep it byte for
//! byte. One file per pg_schema, or with [`Layout::split`] one per table.
//! The same model always gives the same bytes.

mod mixins;
mod tables;
mod yaml;

use std::path::PathBuf;

use schemac_schema::model::*;

use yaml::{block_type, flow_list, plain_or_quoted, quoted, text_entry};

/// How the files are laid out.
#[derive(Clone, Copy, Debug, Default)]
pub struct Layout {
    /// One file per table (`<pg_schema>/<table>.yaml`) beside one per
    /// pg_schema for the rest.
    pub split: bool,
    /// Column groups several tables end with alike become mixins.
    pub mixins: bool,
}

/// What the writer itself could not express, by object, with the reason.
#[derive(Clone, Debug, Default)]
pub struct Notes(pub Vec<(String, String)>);

impl Notes {
    fn push(&mut self, object: String, reason: String) {
        self.0.push((object, reason));
    }
}

/// The schema's YAML files, by path under the schema directory, sorted;
/// with a header naming what the database holds that they do not
/// (`left_out`, and what the writer itself left out, added to it).
pub fn files(
    schema: &Schema,
    layout: Layout,
    left_out: &mut Vec<(String, String)>,
) -> Vec<(PathBuf, String)> {
    let mut notes = Notes::default();
    let (mixins, uses) = match layout.mixins {
        true => proposed_mixins(schema),
        false => Default::default(),
    };
    let mut spaces: Vec<String> = vec!["public".to_string()];
    spaces.extend(schema.pg_schemas.iter().cloned());
    let mut out: Vec<(PathBuf, String)> = Vec::new();
    for space in &spaces {
        let mut text = String::new();
        if space != "public" {
            text.push_str(&format!("pg_schema: {}\n", plain_or_quoted(space)));
        }
        if space == "public" && !schema.extensions.is_empty() {
            text.push_str(&format!("extensions: {}\n", flow_list(&schema.extensions)));
        }
        if space == "public" && !mixins.is_empty() {
            text.push_str("mixins:\n");
            for m in &mixins {
                text.push_str(&format!("  {}:\n    columns:\n", plain_or_quoted(&m.name)));
                for line in &m.lines {
                    text.push_str(&format!("      {line}\n"));
                }
            }
        }
        text.push_str(&enums(schema, space));
        text.push_str(&domains(schema, space));
        text.push_str(&sequences(schema, space));
        text.push_str(&functions(schema, space));
        text.push_str(&aggregates(schema, space));
        let tables: Vec<&Table> = schema
            .tables
            .iter()
            .filter(|t| &t.pg_schema == space)
            .collect();
        if layout.split {
            for t in &tables {
                let mut one = String::new();
                if space != "public" {
                    one.push_str(&format!("pg_schema: {}\n", plain_or_quoted(space)));
                }
                one.push_str("tables:\n");
                one.push_str(&table_with_mixin(t, schema, &mut notes, &mixins, &uses));
                out.push((PathBuf::from(space).join(format!("{}.yaml", t.name)), one));
            }
        } else if !tables.is_empty() {
            text.push_str("tables:\n");
            for t in &tables {
                text.push_str(&table_with_mixin(t, schema, &mut notes, &mixins, &uses));
            }
        }
        text.push_str(&views(schema, space, &mut notes));
        let only_header = text.is_empty() || text.lines().all(|l| l.starts_with("pg_schema:"));
        if !only_header || (space == "public" && out.is_empty()) {
            out.push((PathBuf::from(format!("{space}.yaml")), text));
        }
    }
    left_out.extend(notes.0);
    left_out.sort();
    left_out.dedup();
    // The header goes on public's file, else on the first one.
    let first = out
        .iter()
        .position(|(p, _)| p.as_path() == std::path::Path::new("public.yaml"))
        .or((!out.is_empty()).then_some(0));
    if let Some(i) = first {
        out[i].1 = format!("{}{}", header(left_out), out[i].1);
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Each table's column lines, and the mixins they share.
fn proposed_mixins(
    schema: &Schema,
) -> (
    Vec<mixins::Mixin>,
    std::collections::BTreeMap<String, usize>,
) {
    let mut notes = Notes::default();
    // Mixins are written in public's file, for its tables: a column's type
    // is written relative to its table's pg_schema.
    let columns: Vec<(String, Vec<String>)> = schema
        .tables
        .iter()
        .filter(|t| t.pg_schema == "public")
        .map(|t| {
            let text = tables::table(t, schema, &mut notes);
            (format!("{}.{}", t.pg_schema, t.name), column_lines(&text))
        })
        .collect();
    mixins::propose(&columns)
}

/// The column lines of a table's YAML, unindented.
fn column_lines(table: &str) -> Vec<String> {
    table
        .lines()
        .skip_while(|l| *l != "    columns:")
        .skip(1)
        .take_while(|l| l.starts_with("      "))
        .map(|l| l.trim_start().to_string())
        .collect()
}

/// A table's YAML, its last columns replaced by the mixin it uses.
fn table_with_mixin(
    t: &Table,
    schema: &Schema,
    notes: &mut Notes,
    mixins: &[mixins::Mixin],
    uses: &std::collections::BTreeMap<String, usize>,
) -> String {
    let text = tables::table(t, schema, notes);
    let Some(m) = uses
        .get(&format!("{}.{}", t.pg_schema, t.name))
        .map(|&i| &mixins[i])
    else {
        return text;
    };
    let own = column_lines(&text).len() - m.lines.len();
    let mut out = String::new();
    let mut in_columns = false;
    let mut seen = 0;
    for line in text.lines() {
        if line == "    columns:" {
            in_columns = true;
        } else if in_columns && line.starts_with("      ") {
            seen += 1;
            if seen > own {
                continue;
            }
        } else if in_columns {
            in_columns = false;
            out.push_str(&format!("    mixins: [{}]\n", plain_or_quoted(&m.name)));
        }
        out.push_str(line);
        out.push('\n');
    }
    if in_columns {
        out.push_str(&format!("    mixins: [{}]\n", plain_or_quoted(&m.name)));
    }
    out
}

fn header(left_out: &[(String, String)]) -> String {
    let mut h = String::from("# Read from a database's catalog by schemac (pull, import).\n");
    if !left_out.is_empty() {
        h.push_str("# The database also holds what schemac does not express yet:\n");
        for (object, reason) in left_out {
            h.push_str(&format!("#   {object}: {reason}\n"));
        }
    }
    h
}

/// An identifier as PostgreSQL prints it.
pub(crate) fn quote(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$');
    match plain {
        true => name.to_string(),
        false => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

/// A column type in schemac's spelling: a built-in type, an enum's key, a
/// domain's name (qualified when of another pg_schema).
pub fn column_type_name(ty: &ColumnType, pg_schema: &str) -> String {
    if let Some(domain) = &ty.domain {
        return relative_to(domain, pg_schema).to_string();
    }
    // The schema spelling is BaseType's own, but for the keys of enums and
    // IDs, which it prefixes to tell them apart.
    let base = match &ty.base {
        BaseType::Enum(key) | BaseType::Id(key) => key.clone(),
        other => other.to_string(),
    };
    match ty.array {
        true => format!("{base}[]"),
        false => base,
    }
}

/// `schema.name` without the schema when it is `own`: how a file of that
/// pg_schema names it.
pub(crate) fn relative_to<'a>(qualified: &'a str, own: &str) -> &'a str {
    qualified
        .strip_prefix(own)
        .and_then(|r| r.strip_prefix('.'))
        .unwrap_or(qualified)
}

fn enums(schema: &Schema, space: &str) -> String {
    let out: String = schema
        .enums
        .iter()
        .filter(|e| e.pg_schema == space)
        .map(enum_entry)
        .collect();
    section("enums", out)
}

fn enum_entry(e: &Enum) -> String {
    let mut out = String::new();
    let values = flow_list(&e.values);
    match (e.sql_name == e.name, &e.comment) {
        (true, None) => out.push_str(&format!("  {}: {values}\n", plain_or_quoted(&e.name))),
        _ => {
            out.push_str(&format!("  {}:\n", plain_or_quoted(&e.name)));
            if e.sql_name != e.name {
                out.push_str(&format!("    sql_name: {}\n", plain_or_quoted(&e.sql_name)));
            }
            out.push_str(&format!("    values: {values}\n"));
            if let Some(c) = &e.comment {
                out.push_str(&format!("    comment: {}\n", quoted(c)));
            }
        }
    }
    out
}

fn section(key: &str, body: String) -> String {
    match body.is_empty() {
        true => body,
        false => format!("{key}:\n{body}"),
    }
}

fn domains(schema: &Schema, space: &str) -> String {
    let out: String = schema
        .domains
        .iter()
        .filter(|d| d.pg_schema == space)
        .map(domain_entry)
        .collect();
    section("domains", out)
}

fn domain_entry(d: &Domain) -> String {
    let mut out = String::new();
    let ty = column_type_name(&d.base, &d.pg_schema);
    let name = plain_or_quoted(&d.name);
    if !d.not_null && d.default.is_none() && d.checks.is_empty() && d.comment.is_none() {
        return format!("  {name}: {}\n", block_type(&ty));
    }
    out.push_str(&format!("  {name}:\n    type: {}\n", block_type(&ty)));
    if d.not_null {
        out.push_str("    not_null: true\n");
    }
    if let Some(def) = &d.default {
        out.push_str(&format!("    default_sql: {}\n", quoted(def)));
    }
    if !d.checks.is_empty() {
        out.push_str("    checks:\n");
        for c in &d.checks {
            out.push_str(&format!(
                "      {}: {}\n",
                plain_or_quoted(&c.name),
                quoted(&c.expr)
            ));
        }
    }
    if let Some(c) = &d.comment {
        out.push_str(&format!("    comment: {}\n", quoted(c)));
    }
    out
}

fn sequences(schema: &Schema, space: &str) -> String {
    let out: String = schema
        .sequences
        .iter()
        .filter(|s| s.pg_schema == space)
        .map(sequence_entry)
        .collect();
    section("sequences", out)
}

fn sequence_entry(s: &Sequence) -> String {
    let mut parts = Vec::new();
    if let Some(t) = &s.data_type {
        parts.push(format!("type: {}", plain_or_quoted(t)));
    }
    parts.extend(tables::sequence_options(&s.options()));
    if let Some(o) = &s.owned_by {
        parts.push(format!(
            "owned_by: {}",
            quoted(&format!("{}.{}", o.table, o.column))
        ));
    }
    if let Some(c) = &s.comment {
        parts.push(format!("comment: {}", quoted(c)));
    }
    match parts.is_empty() {
        true => format!("  {}: {{}}\n", plain_or_quoted(&s.name)),
        false => format!(
            "  {}: {{ {} }}\n",
            plain_or_quoted(&s.name),
            parts.join(", ")
        ),
    }
}

fn functions(schema: &Schema, space: &str) -> String {
    let out: String = schema
        .functions
        .iter()
        .filter(|f| f.pg_schema == space)
        .map(function_entry)
        .collect();
    section("functions", out)
}

fn function_entry(f: &Function) -> String {
    let mut out = String::new();
    out.push_str(&format!("  {}:\n", plain_or_quoted(&f.name)));
    if !f.args.is_empty() {
        let args: Vec<String> = f.args.iter().map(|a| quoted(a)).collect();
        out.push_str(&format!("    args: [{}]\n", args.join(", ")));
    }
    out.push_str(&format!("    returns: {}\n", quoted(&f.returns)));
    out.push_str(&format!("    language: {}\n", plain_or_quoted(&f.language)));
    match f.volatility {
        Volatility::Volatile => {}
        Volatility::Stable => out.push_str("    volatility: stable\n"),
        Volatility::Immutable => out.push_str("    volatility: immutable\n"),
    }
    if f.strict {
        out.push_str("    strict: true\n");
    }
    if f.security_definer {
        out.push_str("    security: definer\n");
    }
    if let Some(p) = &f.search_path {
        out.push_str(&format!("    search_path: {}\n", quoted(p)));
    }
    if let Some(c) = &f.comment {
        out.push_str(&format!("    comment: {}\n", quoted(c)));
    }
    out.push_str(&text_entry("body", &f.body, 4));
    out
}

fn aggregates(schema: &Schema, space: &str) -> String {
    let out: String = schema
        .aggregates
        .iter()
        .filter(|a| a.pg_schema == space)
        .map(aggregate_entry)
        .collect();
    section("aggregates", out)
}

fn aggregate_entry(a: &Aggregate) -> String {
    let mut out = String::new();
    out.push_str(&format!("  {}:\n", plain_or_quoted(&a.name)));
    let args: Vec<String> = a.args.iter().map(|x| quoted(x)).collect();
    out.push_str(&format!("    args: [{}]\n", args.join(", ")));
    out.push_str(&format!("    sfunc: {}\n", quoted(&a.sfunc)));
    out.push_str(&format!("    stype: {}\n", quoted(&a.stype)));
    if let Some(f) = &a.finalfunc {
        out.push_str(&format!("    finalfunc: {}\n", quoted(f)));
    }
    if let Some(i) = &a.initcond {
        out.push_str(&format!("    initcond: {}\n", quoted(i)));
    }
    if let Some(c) = &a.comment {
        out.push_str(&format!("    comment: {}\n", quoted(c)));
    }
    out
}

fn views(schema: &Schema, space: &str, notes: &mut Notes) -> String {
    let mut out = String::new();
    for v in schema.views.iter().filter(|v| v.pg_schema == space) {
        out.push_str(&view_entry(v, notes));
    }
    section("views", out)
}

fn view_entry(v: &View, notes: &mut Notes) -> String {
    let mut out = String::new();
    let name = plain_or_quoted(&v.name);
    let plain = !v.materialized
        && !v.security_barrier
        && v.check_option.is_none()
        && v.comment.is_none()
        && v.indexes.is_empty()
        && v.triggers.is_empty();
    if plain && !v.sql.contains('\n') {
        return format!("  {name}: {}\n", quoted(&v.sql));
    }
    out.push_str(&format!("  {name}:\n"));
    if v.materialized {
        out.push_str("    materialized: true\n");
    }
    if v.security_barrier {
        out.push_str("    security_barrier: true\n");
    }
    match v.check_option {
        Some(CheckOption::Local) => out.push_str("    check_option: local\n"),
        Some(CheckOption::Cascaded) => out.push_str("    check_option: cascaded\n"),
        None => {}
    }
    if let Some(c) = &v.comment {
        out.push_str(&format!("    comment: {}\n", quoted(c)));
    }
    out.push_str(&text_entry("sql", &v.sql, 4));
    out.push_str(&tables::indexes(&v.name, &v.key(), &v.indexes, notes));
    out.push_str(&triggers(&v.triggers));
    out
}

/// Each object of the schema alone, as its YAML: `(kind pg_schema.name,
/// text)`, sorted. Drift compares two databases object by object so.
pub fn objects(schema: &Schema) -> Vec<(String, String)> {
    let mut notes = Notes::default();
    let mut out: Vec<(String, String)> = Vec::new();
    let key = |kind: &str, space: &str, name: &str| format!("{kind} {space}.{name}");
    for e in &schema.enums {
        out.push((key("enum", &e.pg_schema, &e.sql_name), enum_entry(e)));
    }
    for d in &schema.domains {
        out.push((key("domain", &d.pg_schema, &d.name), domain_entry(d)));
    }
    for s in &schema.sequences {
        out.push((key("sequence", &s.pg_schema, &s.name), sequence_entry(s)));
    }
    for f in &schema.functions {
        out.push((key("function", &f.pg_schema, &f.name), function_entry(f)));
    }
    for a in &schema.aggregates {
        out.push((key("aggregate", &a.pg_schema, &a.name), aggregate_entry(a)));
    }
    for t in &schema.tables {
        out.push((
            key("table", &t.pg_schema, &t.name),
            tables::table(t, schema, &mut notes),
        ));
    }
    for v in &schema.views {
        let kind = if v.materialized {
            "materialized view"
        } else {
            "view"
        };
        out.push((key(kind, &v.pg_schema, &v.name), view_entry(v, &mut notes)));
    }
    for e in &schema.extensions {
        out.push((format!("extension {e}"), String::new()));
    }
    // What the YAML cannot say (an index of two expressions) is an object
    // too: one made by hand is drift as any other.
    for (object, reason) in notes.0 {
        out.push((object, format!("{reason}\n")));
    }
    out.sort();
    out
}

/// `triggers:` of a table or view.
fn triggers(triggers: &[Trigger]) -> String {
    let mut out = String::new();
    for t in triggers {
        out.push_str(&format!("      {}:\n", plain_or_quoted(&t.name)));
        let events: Vec<&str> = t
            .events
            .iter()
            .map(|e| match e {
                TriggerEvent::Insert => "insert",
                TriggerEvent::Update => "update",
                TriggerEvent::Delete => "delete",
                TriggerEvent::Truncate => "truncate",
            })
            .collect();
        let timing = match t.timing {
            TriggerTiming::Before => "before",
            TriggerTiming::After => "after",
            TriggerTiming::InsteadOf => "instead_of",
        };
        let events = match events.as_slice() {
            [one] => one.to_string(),
            many => flow_list(many),
        };
        out.push_str(&format!("        {timing}: {events}\n"));
        if !t.update_of.is_empty() {
            out.push_str(&format!("        update_of: {}\n", flow_list(&t.update_of)));
        }
        if !t.for_each_row {
            out.push_str("        for_each: statement\n");
        }
        if let Some(w) = &t.when {
            out.push_str(&format!("        when: {}\n", quoted(w)));
        }
        out.push_str(&format!(
            "        function: {}\n",
            plain_or_quoted_path(&t.function)
        ));
        if !t.args.is_empty() {
            out.push_str(&format!("        args: {}\n", flow_list(&t.args)));
        }
        if let Some(c) = &t.comment {
            out.push_str(&format!("        comment: {}\n", quoted(c)));
        }
    }
    match out.is_empty() {
        true => out,
        false => format!("    triggers:\n{out}"),
    }
}

fn plain_or_quoted_path(s: &str) -> String {
    match s.split('.').all(|w| plain_or_quoted(w) == w) {
        true => s.to_string(),
        false => quoted(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_relative_to_their_file_and_quoted_as_postgres_prints_them() {
        assert_eq!(relative_to("public.users", "public"), "users");
        assert_eq!(relative_to("app.users", "public"), "app.users");
        assert_eq!(quote("users"), "users");
        assert_eq!(quote("Users"), "\"Users\"");
        assert_eq!(quote("a\"b"), "\"a\"\"b\"");
    }
}
