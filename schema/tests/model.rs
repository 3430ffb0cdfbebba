//! The resolved model: defaults, inferred types, derived names, mixins.

use schemac_schema::model::*;
use schemac_schema::{Diagnostics, Schema, SourceMap, compile_sources};

fn compile(yaml: &str) -> Schema {
    let c = compile_sources(
        vec![(
            "main".into(),
            vec![("schema/test.yaml".into(), yaml.to_string())],
        )],
        SourceMap::new(),
        Diagnostics::new(),
    );
    assert!(!c.has_errors(), "{}", c.render_diagnostics());
    c.schemas.into_iter().next().unwrap()
}

fn default_of(schema: &Schema, table: &str, col: &str) -> String {
    schema
        .table("public", table)
        .unwrap()
        .column(col)
        .unwrap()
        .default
        .as_ref()
        .unwrap()
        .sql()
        .to_string()
}

#[test]
fn literal_defaults_are_typed_and_escaped() {
    let s = compile(
        r#"
enums:
  mood: ["it's fine", sad]
tables:
  t:
    columns:
      ints: { type: "integer[]", default: [] }
      some_ints: { type: "integer[]", default: [1, 2, 3] }
      words: { type: "text[]", default: [yes, "say \"hi\"", "back\\slash"] }
      moods: { type: "mood[]", default: ["it's fine"] }
      doc: { type: jsonb, default: [] }
      settings: { type: jsonb, default: { b: 1.50, a: [true, null, "x"], c: yes } }
      note: { type: text, default: "O'Reilly" }
      flag: { type: boolean, default: false }
      price: { type: "numeric(10,2)", default: 1.50 }
      mood: { type: mood, default: "it's fine" }
      at: { type: timestamptz, default: "2024-01-01T00:00:00Z" }
      ratio: { type: double, default: .inf }
      answer: { type: text, default: no }
"#,
    );
    assert_eq!(default_of(&s, "t", "ints"), "'{}'::integer[]");
    assert_eq!(default_of(&s, "t", "some_ints"), "'{1,2,3}'::integer[]");
    assert_eq!(
        default_of(&s, "t", "words"),
        r#"'{"yes","say \"hi\"","back\\slash"}'::text[]"#
    );
    assert_eq!(
        default_of(&s, "t", "moods"),
        r#"'{"it''s fine"}'::"public"."mood"[]"#
    );
    assert_eq!(default_of(&s, "t", "doc"), "'[]'::jsonb");
    assert_eq!(
        default_of(&s, "t", "settings"),
        r#"'{"b": 1.50, "a": [true, null, "x"], "c": "yes"}'::jsonb"#
    );
    assert_eq!(default_of(&s, "t", "note"), "'O''Reilly'");
    assert_eq!(default_of(&s, "t", "flag"), "false");
    assert_eq!(
        default_of(&s, "t", "price"),
        "1.50",
        "numbers keep their text"
    );
    assert_eq!(default_of(&s, "t", "mood"), "'it''s fine'");
    assert_eq!(default_of(&s, "t", "at"), "'2024-01-01T00:00:00Z'");
    assert_eq!(default_of(&s, "t", "ratio"), "'Infinity'");
    assert_eq!(
        default_of(&s, "t", "answer"),
        "'no'",
        "YAML 1.2: `no` is a string"
    );
}

#[test]
fn reference_types_are_inferred_through_chains_and_ids() {
    let s = compile(
        r#"
ids:
  OrgId: { prefix: org, storage: text }
tables:
  orgs:
    columns:
      id: { type: OrgId, primary_key: true }
  users:
    columns:
      id: { type: bigserial, primary_key: true }
      org_id: { references: orgs }
  sessions:
    columns:
      id: { type: serial, primary_key: true }
      user_id: { references: users.id, unique: true }
  audit:
    columns:
      session_user_id: { references: sessions.user_id, nullable: true }
      session_id: { references: sessions }
    unique: []
"#,
    );
    let ty = |t: &str, c: &str| {
        s.table("public", t)
            .unwrap()
            .column(c)
            .unwrap()
            .ty
            .to_string()
    };
    assert_eq!(ty("users", "org_id"), "id:OrgId");
    assert_eq!(ty("sessions", "user_id"), "bigint");
    assert_eq!(ty("audit", "session_id"), "integer");
    let c = s
        .table("public", "users")
        .unwrap()
        .column("org_id")
        .unwrap();
    assert!(!c.nullable && c.default.is_none() && c.identity.is_none());
}

#[test]
fn names_follow_postgres_defaults() {
    let s = compile(
        r#"
tables:
  members:
    columns:
      id: { type: serial, primary_key: true }
      org: { type: integer, unique: true, check: "org > 0" }
      email: text
      parent: { references: members, nullable: true }
    unique: [[org, email]]
    checks:
      email_lower: "email = lower(email)"
      positive: { expr: "id > 0", name: id_is_positive }
    indexes:
      - [org, email]
      - { expression: "lower(email)" }
      - { expression: "(email || '')" }
      - { columns: [email], include: [org] }
"#,
    );
    let t = s.table("public", "members").unwrap();
    assert_eq!(t.primary_key.as_ref().unwrap().name, "members_pkey");
    let uniques: Vec<&str> = t.uniques.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(uniques, ["members_org_key", "members_org_email_key"]);
    let checks: Vec<&str> = t.checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        checks,
        [
            "members_org_check",
            "members_email_lower_check",
            "id_is_positive"
        ]
    );
    assert_eq!(t.foreign_keys[0].name, "members_parent_fkey");
    let idx: Vec<&str> = t.indexes.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        idx,
        [
            "members_org_email_idx",
            "members_lower_idx",
            "members_expr_idx",
            "members_email_org_idx"
        ]
    );
}

#[test]
fn mixins_expand_nested_in_order_and_once() {
    let s = compile(
        r#"
mixins:
  a: { columns: { a1: text }, mixins: [b, c] }
  b: { columns: { b1: text }, mixins: [d] }
  c: { columns: { c1: text }, mixins: [d] }
  d:
    columns: { d1: timestamptz? }
    soft_delete: d1
    indexes: [[d1]]
tables:
  t:
    mixins: [a]
    columns:
      id: { type: serial, primary_key: true }
"#,
    );
    let t = s.table("public", "t").unwrap();
    let cols: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(cols, ["id", "a1", "b1", "d1", "c1"]);
    assert_eq!(
        t.soft_delete,
        Some(SoftDelete {
            at: "d1".into(),
            flag: None
        })
    );
    assert_eq!(t.indexes[0].name, "t_d1_idx");
}

#[test]
fn long_derived_names_are_shortened_and_distinct() {
    let s = compile(
        r#"
tables:
  a_rather_long_table_name_for_organisation_memberships:
    columns:
      the_first_fairly_long_column: integer
      the_second_fairly_long_column: integer
    indexes:
      - [the_first_fairly_long_column, the_second_fairly_long_column]
      - [the_second_fairly_long_column, the_first_fairly_long_column]
"#,
    );
    let t = &s.tables[0];
    let (a, b) = (&t.indexes[0].name, &t.indexes[1].name);
    assert!(a.len() <= 63 && b.len() <= 63, "{a} {b}");
    assert_ne!(a, b);
    assert!(a.ends_with("_idx"));
}
