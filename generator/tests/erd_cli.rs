//! `schemac erd` through the binary: Mermaid by default, DOT, SVG through
//! Graphviz (with a clear message without it), the tables chosen, one
//! database at a time; and the README's diagram is what it writes.

mod support;

use support::Project;

const SCHEMA: &str = "
enums:
  status: [open, paid]
tables:
  customers:
    columns:
      id: { type: bigint, primary_key: true }
      email: { type: text, unique: true }
  orders:
    columns:
      id: { type: bigint, primary_key: true }
      customer_id: { references: customers }
      status: status
";

const AUDIT: &str = "
pg_schema: audit
tables:
  events:
    columns:
      id: { type: bigint, primary_key: true }
      order_id: { type: bigint, references: orders, nullable: true }
";

#[test]
fn erd_draws_tables_keys_and_relations() {
    let p = Project::with_schema("erd", SCHEMA);
    let out = p.run(None, &["erd"]).success();
    assert_eq!(
        out.stdout,
        "erDiagram\n    customers {\n        bigint id PK\n        text email UK\n    }\n    orders {\n        bigint id PK\n        bigint customer_id FK\n        status status\n    }\n    customers ||--o{ orders : \"customer_id\"\n"
    );
    // Two pg_schemas: names qualified, a nullable key's parent optional.
    p.write("schema/audit.yaml", AUDIT);
    let out = p.run(None, &["erd"]).success();
    assert!(
        out.stdout
            .contains("    public_orders |o--o{ audit_events : \"order_id\"\n"),
        "{}",
        out.stdout
    );
    let out = p.run(None, &["erd", "--pg-schema", "audit"]).success();
    assert!(
        out.stdout.contains("events {") && !out.stdout.contains("orders {"),
        "{}",
        out.stdout
    );
    let out = p.run(None, &["erd", "--tables", "orders,events"]).success();
    assert!(!out.stdout.contains("customers"), "{}", out.stdout);
    assert!(
        out.stdout.contains("public_orders |o--o{ audit_events"),
        "{}",
        out.stdout
    );
    let out = p.run(None, &["erd", "--format", "dot"]).success();
    assert!(out.stdout.starts_with("digraph schema {"), "{}", out.stdout);
}

#[test]
fn svg_is_drawn_by_graphviz_and_its_absence_is_said() {
    let p = Project::with_schema("erd-svg", SCHEMA);
    let out = p.run(None, &["erd", "--format", "svg"]).success();
    assert!(out.stdout.contains("<svg"), "{}", out.stdout);
    assert!(out.stdout.contains(">customers<"), "{}", out.stdout);
    let out = p
        .command(None, &["erd", "--format", "svg"])
        .env("PATH", "")
        .output()
        .expect("run schemac");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "`--format svg` draws with Graphviz's `dot`, which is not on PATH: install Graphviz"
        ),
        "{stderr}"
    );
}

#[test]
fn a_project_of_several_databases_needs_db() {
    let p = Project::with_schema("erd-two", SCHEMA);
    p.write(
        "schemac.toml",
        "[database.shop]\nschema = \"schema\"\nmigrations = \"migrations/shop\"\nseeds = \"seeds/shop\"\nqueries = \"queries/shop\"\n\n[database.other]\nschema = \"other\"\nmigrations = \"migrations/other\"\nseeds = \"seeds/other\"\nqueries = \"queries/other\"\n",
    );
    p.write("other/app.yaml", SCHEMA);
    let out = p.run(None, &["erd"]);
    assert!(!out.ok());
    assert!(out.stderr.contains("say which with --db"), "{}", out.stderr);
    p.run(None, &["erd", "--db", "shop"]).success();
}

#[test]
fn the_readmes_diagram_is_what_erd_writes() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    let diagram = readme
        .split("```mermaid\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README shows a Mermaid diagram");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_schemac"))
        .args(["-C", "examples/gifting", "erd"])
        .current_dir(&root)
        .output()
        .expect("run schemac");
    assert!(out.status.success());
    assert_eq!(diagram, String::from_utf8_lossy(&out.stdout));
}
