//! `schemac erd`: the schema as an entity-relationship diagram, Mermaid's
//! `erDiagram` (which GitHub renders in Markdown) or Graphviz's DOT (which
//! `dot -Tsvg` draws). Each table shows its key columns (primary, unique,
//! foreign) and its enum columns; each foreign key is a relation whose
//! cardinality its nullability and uniqueness give. Deterministic: tables
//! in the schema's order, relations in the tables' order.

use std::fmt::Write as _;
use std::path::Path;

use schemac_schema::Schema;
use schemac_schema::model::{Column, Table};
use schemac_schema::sql::column_type;
use schemac_schema::types::BaseType;

/// The schema of the project's database `database` (needed when it has
/// several), as its files say, compiled.
pub fn schema_of(root: &Path, database: Option<&str>) -> Result<Schema, crate::Error> {
    let compiled = schemac_schema::compile_project(root);
    let config = crate::project::usable(&compiled)?;
    let selected = config.select(database)?;
    let [(i, _)] = selected.as_slice() else {
        let names: Vec<&str> = selected.iter().map(|(_, d)| d.name.as_str()).collect();
        return Err(crate::error::Usage::OneDatabase {
            command: "erd",
            databases: names.join(", "),
        }
        .into());
    };
    Ok(compiled.schemas[*i].clone())
}

/// Which part of a schema to draw.
#[derive(Clone, Debug, Default)]
pub struct ErdOptions {
    /// Only the tables of this pg_schema.
    pub pg_schema: Option<String>,
    /// Only these tables (by name), and the relations between them.
    pub tables: Vec<String>,
}

/// A table's row in the diagram: a column that is part of a key, or of an
/// enum type, with what it is.
struct Attribute<'a> {
    column: &'a Column,
    /// `PK`, `FK`, `UK`, in Mermaid's spelling.
    keys: Vec<&'static str>,
}

/// One relation: `parent` is referenced by `child`'s foreign key.
struct Relation<'a> {
    parent: &'a Table,
    child: &'a Table,
    columns: String,
    /// The child's foreign key columns may be NULL: a child without parent.
    optional: bool,
    /// The foreign key is unique on its own: one child per parent at most.
    one: bool,
}

fn chosen<'a>(schema: &'a Schema, options: &ErdOptions) -> Vec<&'a Table> {
    schema
        .tables
        .iter()
        .filter(|t| options.pg_schema.as_ref().is_none_or(|s| &t.pg_schema == s))
        .filter(|t| options.tables.is_empty() || options.tables.contains(&t.name))
        .collect()
}

fn attributes(t: &Table) -> Vec<Attribute<'_>> {
    let pk: &[String] = t.primary_key.as_ref().map_or(&[], |k| &k.columns);
    t.columns
        .iter()
        .filter_map(|c| {
            let mut keys = Vec::new();
            if pk.contains(&c.name) {
                keys.push("PK");
            }
            if t.foreign_keys.iter().any(|f| f.columns.contains(&c.name)) {
                keys.push("FK");
            }
            if t.uniques
                .iter()
                .any(|u| u.columns.as_slice() == [c.name.as_str()])
            {
                keys.push("UK");
            }
            let is_enum = matches!(c.ty.base, BaseType::Enum(_));
            (!keys.is_empty() || is_enum).then_some(Attribute { column: c, keys })
        })
        .collect()
}

fn relations<'a>(tables: &[&'a Table]) -> Vec<Relation<'a>> {
    let mut out = Vec::new();
    for child in tables {
        for fk in &child.foreign_keys {
            let Some(parent) = tables
                .iter()
                .find(|t| t.pg_schema == fk.ref_schema && t.name == fk.ref_table)
            else {
                continue;
            };
            let optional = fk
                .columns
                .iter()
                .any(|c| child.column(c).is_none_or(|c| c.nullable));
            let one = child.uniques.iter().any(|u| u.columns == fk.columns)
                || child
                    .primary_key
                    .as_ref()
                    .is_some_and(|k| k.columns == fk.columns);
            out.push(Relation {
                parent,
                child,
                columns: fk.columns.join(", "),
                optional,
                one,
            });
        }
    }
    out
}

/// The type a column shows: its SQL type's words, as one identifier.
fn type_word(schema: &Schema, c: &Column) -> String {
    let sql = column_type(&c.ty, &schema.enums, &schema.ids);
    word(&sql.replace("\"public\".", ""))
}

/// Letters, digits and `_` only: what Mermaid takes as a name or a type.
fn word(s: &str) -> String {
    let mut w = String::with_capacity(s.len());
    for c in s.chars() {
        let c = if c.is_alphanumeric() || c == '_' {
            c
        } else {
            '_'
        };
        // One `_` for a run of separators (`"app"."status"` → `app_status`).
        if !(c == '_' && w.ends_with('_')) {
            w.push(c);
        }
    }
    w.trim_matches('_').to_owned()
}

/// A table's name in the diagram: qualified when several pg_schemas are
/// drawn.
fn entity(t: &Table, qualified: bool) -> String {
    match qualified {
        true => word(&format!("{}_{}", t.pg_schema, t.name)),
        false => word(&t.name),
    }
}

fn several_pg_schemas(tables: &[&Table]) -> bool {
    tables
        .first()
        .is_some_and(|first| tables.iter().any(|t| t.pg_schema != first.pg_schema))
}

/// Mermaid's `erDiagram`.
pub fn mermaid(schema: &Schema, options: &ErdOptions) -> String {
    let tables = chosen(schema, options);
    let qualified = several_pg_schemas(&tables);
    let mut out = String::from("erDiagram\n");
    for t in &tables {
        let _ = writeln!(out, "    {} {{", entity(t, qualified));
        for a in attributes(t) {
            let keys = match a.keys.is_empty() {
                true => String::new(),
                false => format!(" {}", a.keys.join(", ")),
            };
            let _ = writeln!(
                out,
                "        {} {}{keys}",
                type_word(schema, a.column),
                word(&a.column.name)
            );
        }
        let _ = writeln!(out, "    }}");
    }
    for r in relations(&tables) {
        let parent = if r.optional { "|o" } else { "||" };
        let child = if r.one { "o|" } else { "o{" };
        let _ = writeln!(
            out,
            "    {} {parent}--{child} {} : \"{}\"",
            entity(r.parent, qualified),
            entity(r.child, qualified),
            r.columns.replace('"', "'")
        );
    }
    out
}

/// Graphviz's DOT: a record per table, an edge per foreign key from the
/// child to its parent, drawn with crow's feet.
pub fn dot(schema: &Schema, options: &ErdOptions) -> String {
    let tables = chosen(schema, options);
    let qualified = several_pg_schemas(&tables);
    let mut out = String::from(
        "digraph schema {\n    rankdir=LR;\n    node [shape=plaintext, fontname=\"Helvetica\"];\n    edge [fontname=\"Helvetica\", fontsize=10, dir=both];\n",
    );
    for t in &tables {
        let name = entity(t, qualified);
        let mut rows = String::new();
        for a in attributes(t) {
            let keys = a.keys.join(", ");
            let _ = write!(
                rows,
                "<tr><td align=\"left\">{}</td><td align=\"left\">{}</td><td>{keys}</td></tr>",
                html(&a.column.name),
                html(&type_word(schema, a.column)),
            );
        }
        let _ = writeln!(
            out,
            "    {name} [label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\"><tr><td colspan=\"3\" bgcolor=\"lightgrey\"><b>{}</b></td></tr>{rows}</table>>];",
            html(&name)
        );
    }
    for r in relations(&tables) {
        let tail = if r.one { "teeodot" } else { "crowodot" };
        let head = if r.optional { "teeodot" } else { "teetee" };
        let _ = writeln!(
            out,
            "    {} -> {} [arrowtail={tail}, arrowhead={head}, label=\"{}\"];",
            entity(r.child, qualified),
            entity(r.parent, qualified),
            r.columns.replace('"', "'")
        );
    }
    out.push_str("}\n");
    out
}

fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(yaml: &str) -> Schema {
        let compiled = schemac_schema::compile_sources(
            vec![("main".into(), vec![("app.yaml".into(), yaml.to_string())])],
            schemac_schema::SourceMap::new(),
            schemac_schema::Diagnostics::new(),
        );
        assert!(!compiled.has_errors(), "{}", compiled.render_diagnostics());
        compiled.schemas[0].clone()
    }

    const SHOP: &str = "
enums:
  status: [open, paid]
tables:
  customers:
    columns:
      id: { type: bigint, primary_key: true }
      email: { type: text, unique: true }
      note: text?
  orders:
    columns:
      id: { type: bigint, primary_key: true }
      customer_id: { references: customers }
      referrer_id: { type: bigint, references: customers, nullable: true }
      status: status
      total: numeric(10,2)
  invoices:
    columns:
      id: { type: bigint, primary_key: true }
      order_id: { references: orders, unique: true }
";

    #[test]
    fn mermaid_shows_keys_enums_and_each_relations_cardinality() {
        let s = schema(SHOP);
        assert_eq!(
            mermaid(&s, &ErdOptions::default()),
            "erDiagram
    customers {
        bigint id PK
        text email UK
    }
    orders {
        bigint id PK
        bigint customer_id FK
        bigint referrer_id FK
        status status
    }
    invoices {
        bigint id PK
        bigint order_id FK, UK
    }
    customers ||--o{ orders : \"customer_id\"
    customers |o--o{ orders : \"referrer_id\"
    orders ||--o| invoices : \"order_id\"
"
        );
        // Chosen tables, and only the relations between them.
        let some = ErdOptions {
            tables: vec!["orders".into(), "invoices".into()],
            ..ErdOptions::default()
        };
        let text = mermaid(&s, &some);
        assert!(!text.contains("customers"), "{text}");
        assert!(text.contains("orders ||--o| invoices"), "{text}");
    }

    #[test]
    fn dot_draws_a_record_per_table_and_an_edge_per_foreign_key() {
        let text = dot(&schema(SHOP), &ErdOptions::default());
        assert!(text.starts_with("digraph schema {"), "{text}");
        assert!(text.contains("<b>orders</b>"), "{text}");
        assert!(
            text.contains("orders -> customers [arrowtail=crowodot, arrowhead=teeodot, label=\"referrer_id\"];"),
            "{text}"
        );
        assert!(
            text.contains(
                "invoices -> orders [arrowtail=teeodot, arrowhead=teetee, label=\"order_id\"];"
            ),
            "{text}"
        );
    }
}
