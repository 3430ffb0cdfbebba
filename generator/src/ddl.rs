//! The SQL of each object: created, dropped, commented on. The differ
//! decides what to emit and in which order; this says how each reads.

use schemac_schema::model::*;
use schemac_schema::sql::{column_type, ident, qualified, string_literal};

mod domains;
mod routines;
mod sequences;

pub use domains::*;
pub use routines::*;
pub use sequences::*;

pub use schemac_schema::migration_dir::{BREAKPOINT, join_statements};

/// Every statement that creates `schema` in an empty database, in order:
/// the diff from an empty database, as the first migration writes it.
pub fn create_schema(schema: &Schema) -> Vec<String> {
    let empty = Schema::empty(&schema.database);
    crate::diff::diff(
        &empty,
        schema,
        &crate::diff::Renames::default(),
        &crate::diff::DataHints::default(),
    )
    .statements()
}

/// `CREATE [MATERIALIZED] VIEW`, then a materialized view's indexes and
/// the comment.
pub fn create_view(v: &View, replace: bool) -> Vec<String> {
    let name = qualified(&v.pg_schema, &v.name);
    let kind = view_kind(v.materialized);
    let or_replace = if replace { "OR REPLACE " } else { "" };
    let with = if v.security_barrier {
        " WITH (security_barrier = true)"
    } else {
        ""
    };
    let check = match v.check_option {
        None => "",
        Some(CheckOption::Local) => "\n  WITH LOCAL CHECK OPTION",
        Some(CheckOption::Cascaded) => "\n  WITH CASCADED CHECK OPTION",
    };
    // A query that ends in a `--` comment would swallow what follows it.
    let ends_in_comment = v.sql.lines().last().is_some_and(|l| l.contains("--"));
    let end = if ends_in_comment { "\n" } else { "" };
    let mut out = vec![format!(
        "CREATE {or_replace}{kind} {name}{with} AS\n{}{end}{check}",
        v.sql
    )];
    if replace {
        // The view stays: its comment is its own change.
        return out;
    }
    for i in &v.indexes {
        out.push(create_index(&v.pg_schema, &v.name, i));
    }
    if let Some(c) = &v.comment {
        out.push(format!("COMMENT ON {kind} {name} IS {}", string_literal(c)));
    }
    out
}

/// `DROP [MATERIALIZED] VIEW`: its indexes go with it.
pub fn drop_view(pg_schema: &str, name: &str, materialized: bool) -> String {
    format!(
        "DROP {} {}",
        view_kind(materialized),
        qualified(pg_schema, name)
    )
}

/// `MATERIALIZED VIEW` or `VIEW`, as CREATE, DROP and COMMENT ON name it.
pub fn view_kind(materialized: bool) -> &'static str {
    if materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    }
}

/// Views in an order they can be created in: each after the views it
/// reads, otherwise as given. (A circle, which the schema refuses, keeps
/// the given order.)
pub fn view_order<'v>(views: &[&'v View]) -> Vec<&'v View> {
    dependency_order(views, View::key, |v| &v.depends_on)
}

/// Objects in an order they can be created in: each after those of them it
/// depends on, otherwise as given. A circle keeps the given order.
pub fn dependency_order<'v, T>(
    items: &[&'v T],
    key: impl Fn(&T) -> String,
    depends_on: impl Fn(&T) -> &[String],
) -> Vec<&'v T> {
    let at: std::collections::HashMap<String, usize> =
        items.iter().enumerate().map(|(i, v)| (key(v), i)).collect();
    let mut done = vec![false; items.len()];
    let mut on_path = vec![false; items.len()];
    let mut out = Vec::with_capacity(items.len());
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for start in 0..items.len() {
        if done[start] {
            continue;
        }
        // Depth first without recursion: (item, next dependency to visit).
        stack.push((start, 0));
        on_path[start] = true;
        while let Some(&mut (i, ref mut next)) = stack.last_mut() {
            let deps = depends_on(items[i]);
            if let Some(d) = deps.get(*next) {
                *next += 1;
                if let Some(&j) = at.get(d) {
                    if !done[j] && !on_path[j] {
                        on_path[j] = true;
                        stack.push((j, 0));
                    }
                }
                continue;
            }
            stack.pop();
            on_path[i] = false;
            done[i] = true;
            out.push(items[i]);
        }
    }
    out
}

/// `CREATE TYPE … AS ENUM (…)`.
pub fn create_enum(e: &Enum) -> String {
    let values: Vec<String> = e.values.iter().map(|v| string_literal(v)).collect();
    format!(
        "CREATE TYPE {} AS ENUM ({})",
        qualified(&e.pg_schema, &e.sql_name),
        values.join(", ")
    )
}

/// The Postgres type of a column as DDL writes it.
pub fn sql_type(schema: &Schema, ty: &ColumnType) -> String {
    column_type(ty, &schema.enums, &schema.ids)
}

/// What follows a column's type: NOT NULL, DEFAULT, identity or generation.
pub fn column_attributes(c: &Column) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(coll) = &c.collation {
        parts.push(format!("COLLATE {}", ident(coll)));
    }
    if !c.nullable {
        parts.push("NOT NULL".into());
    }
    if let Some(d) = &c.default {
        parts.push(format!("DEFAULT {}", d.sql()));
    }
    let options = identity_options_sql(c.identity_options.as_deref());
    match c.identity {
        Some(Identity::Always) => parts.push(format!("GENERATED ALWAYS AS IDENTITY{options}")),
        Some(Identity::ByDefault) => {
            parts.push(format!("GENERATED BY DEFAULT AS IDENTITY{options}"))
        }
        None => {}
    }
    if let Some(g) = &c.generated {
        parts.push(format!("GENERATED ALWAYS AS ({g}) STORED"));
    }
    parts.join(" ")
}

/// A column as `ALTER TABLE ... ADD COLUMN` writes it: `"name" type attributes`.
pub fn column_definition(schema: &Schema, c: &Column) -> String {
    let attrs = column_attributes(c);
    let def = format!("{} {}", ident(&c.name), sql_type(schema, &c.ty));
    if attrs.is_empty() {
        def
    } else {
        format!("{def} {attrs}")
    }
}

/// `CREATE TABLE` with one column per line, names and types aligned.
pub fn create_table(schema: &Schema, t: &Table) -> String {
    let rows: Vec<(String, String, String)> = t
        .columns
        .iter()
        .map(|c| {
            (
                ident(&c.name),
                sql_type(schema, &c.ty),
                column_attributes(c),
            )
        })
        .collect();
    let name_w = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let type_w = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
    let mut lines: Vec<String> = rows
        .iter()
        .map(|(n, ty, attrs)| {
            let line = format!("    {n:<name_w$} {ty:<type_w$} {attrs}");
            line.trim_end().to_string()
        })
        .collect();
    if let Some(pk) = &t.primary_key {
        lines.push(format!(
            "    CONSTRAINT {} PRIMARY KEY ({})",
            ident(&pk.name),
            ident_list(&pk.columns)
        ));
    }
    for u in &t.uniques {
        lines.push(format!(
            "    CONSTRAINT {} UNIQUE {}({})",
            ident(&u.name),
            nulls_not_distinct(u.nulls_not_distinct),
            ident_list(&u.columns)
        ));
    }
    for c in &t.checks {
        lines.push(format!(
            "    CONSTRAINT {} CHECK ({})",
            ident(&c.name),
            c.expr
        ));
    }
    format!(
        "CREATE TABLE {} (\n{}\n)",
        qualified(&t.pg_schema, &t.name),
        lines.join(",\n")
    )
}

/// Quoted identifiers, comma-separated.
pub fn ident_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| ident(n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY …`.
pub fn add_foreign_key(schema: &str, table: &str, fk: &ForeignKey) -> String {
    format!(
        "ALTER TABLE {} {}",
        qualified(schema, table),
        foreign_key_action(fk)
    )
}

/// `ADD CONSTRAINT ... FOREIGN KEY ...`, the action of an `ALTER TABLE`.
pub fn foreign_key_action(fk: &ForeignKey) -> String {
    foreign_key_definition(fk)
}

fn foreign_key_definition(fk: &ForeignKey) -> String {
    let mut s = format!(
        "ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
        ident(&fk.name),
        ident_list(&fk.columns),
        qualified(&fk.ref_schema, &fk.ref_table),
        ident_list(&fk.ref_columns)
    );
    if fk.on_delete != FkAction::NoAction {
        s.push_str(" ON DELETE ");
        s.push_str(fk.on_delete.sql());
    }
    if fk.on_update != FkAction::NoAction {
        s.push_str(" ON UPDATE ");
        s.push_str(fk.on_update.sql());
    }
    match fk.deferrable {
        Deferrable::No => {}
        Deferrable::Deferrable => s.push_str(" DEFERRABLE"),
        Deferrable::InitiallyDeferred => s.push_str(" DEFERRABLE INITIALLY DEFERRED"),
    }
    s
}

/// One key of an index: a column or an expression, its opclass and order.
pub fn index_key(k: &IndexKey) -> String {
    let mut s = match (&k.column, &k.expression) {
        (Some(c), _) => ident(c),
        (None, Some(e)) => format!("({e})"),
        (None, None) => String::new(),
    };
    if let Some(op) = &k.opclass {
        s.push(' ');
        s.push_str(op);
    }
    match k.order {
        Some(SortOrder::Asc) => s.push_str(" ASC"),
        Some(SortOrder::Desc) => s.push_str(" DESC"),
        None => {}
    }
    match k.nulls {
        Some(NullsOrder::First) => s.push_str(" NULLS FIRST"),
        Some(NullsOrder::Last) => s.push_str(" NULLS LAST"),
        None => {}
    }
    s
}

/// `CREATE [UNIQUE] INDEX …`, in the migration's transaction.
pub fn create_index(schema: &str, table: &str, i: &Index) -> String {
    index_statement(schema, table, i, "")
}

/// `CREATE INDEX CONCURRENTLY IF NOT EXISTS`: it can run again after a
/// failure half-way (the runner drops the invalid index a failed build leaves).
pub fn create_index_concurrently(schema: &str, table: &str, i: &Index) -> String {
    index_statement(schema, table, i, "CONCURRENTLY IF NOT EXISTS ")
}

fn index_statement(schema: &str, table: &str, i: &Index, how: &str) -> String {
    let keys: Vec<String> = i.keys.iter().map(index_key).collect();
    let mut s = format!(
        "CREATE {}INDEX {how}{} ON {}",
        if i.unique { "UNIQUE " } else { "" },
        ident(&i.name),
        qualified(schema, table)
    );
    if i.method != "btree" {
        s.push_str(" USING ");
        s.push_str(&i.method);
    }
    s.push_str(&format!(" ({})", keys.join(", ")));
    if !i.include.is_empty() {
        s.push_str(&format!(" INCLUDE ({})", ident_list(&i.include)));
    }
    if i.nulls_not_distinct {
        s.push_str(" NULLS NOT DISTINCT");
    }
    if let Some(p) = &i.predicate {
        s.push_str(&format!(" WHERE {p}"));
    }
    s
}

/// `NULLS NOT DISTINCT ` of a unique constraint that has it.
pub fn nulls_not_distinct(on: bool) -> &'static str {
    if on { "NULLS NOT DISTINCT " } else { "" }
}

/// `COMMENT ON` the table and its columns, a statement each.
pub fn table_comments(t: &Table) -> Vec<String> {
    let name = qualified(&t.pg_schema, &t.name);
    let mut out = Vec::new();
    if let Some(c) = &t.comment {
        out.push(format!("COMMENT ON TABLE {name} IS {}", string_literal(c)));
    }
    for col in &t.columns {
        if let Some(c) = &col.comment {
            out.push(format!(
                "COMMENT ON COLUMN {name}.{} IS {}",
                ident(&col.name),
                string_literal(c)
            ));
        }
    }
    out
}

/// The `ADD CONSTRAINT … EXCLUDE` action of an `ALTER TABLE`.
pub fn add_exclusion(x: &Exclusion) -> String {
    let predicate = x
        .predicate
        .as_ref()
        .map(|p| format!(" WHERE ({p})"))
        .unwrap_or_default();
    format!(
        "ADD CONSTRAINT {} EXCLUDE USING {} ({}){predicate}",
        ident(&x.name),
        x.using,
        x.elements.join(", ")
    )
}
