//! Names that are awkward in Rust or SQL come out valid and idiomatic.

use schemac::rust::render;
use schemac_schema::{Diagnostics, SourceMap, compile_sources};

const SCHEMA: &str = r#"
enums:
  shade: ["light blue", "light_blue", "Light-Blue", "2nd"]
tables:
  order:
    columns:
      id: { type: bigserial, primary_key: true }
      type: text
      match: text?
      ref: { type: integer, default: 0 }
      CamelCase: text
      self: text
      shade: shade
  user:
    columns:
      id: { type: serial, primary_key: true }
      order_id: { references: order }
      secret: { type: text, sensitive: true }
  note:
    columns:
      id: { type: bigserial, primary_key: true }
      body: text?
"#;

fn files() -> Vec<(String, String)> {
    let compiled = compile_sources(
        vec![("main".into(), vec![("schema/s.yaml".into(), SCHEMA.into())])],
        SourceMap::new(),
        Diagnostics::new(),
    );
    assert!(!compiled.has_errors(), "{}", compiled.render_diagnostics());
    render(&compiled.schemas[0], "schema/ (database `main`)").expect("valid Rust")
}

fn file<'a>(files: &'a [(String, String)], name: &str) -> &'a str {
    &files.iter().find(|(n, _)| n == name).expect(name).1
}

#[test]
fn keywords_camel_case_and_reserved_table_names() {
    let files = files();
    let order = file(&files, "order.rs");
    for expected in [
        "pub struct Order {",
        "pub r#type: ::std::string::String,",
        "pub r#match: ::core::option::Option<::std::string::String>,",
        "pub r#ref: i32,",
        "#[row(rename = \"CamelCase\")]\n    pub camel_case: ::std::string::String,",
        "#[row(rename = \"self\")]\n    pub self_: ::std::string::String,",
        r###"const NAME: &'static str = r#""public"."order""#;"###,
    ] {
        assert!(
            order.contains(expected),
            "order.rs lacks {expected:?}:\n{order}"
        );
    }
    let user = file(&files, "user.rs");
    assert!(
        user.contains("pub const by_order_id: ::schemac_runtime::table::ForeignKey<"),
        "{user}"
    );
    assert!(
        user.contains(".field(\"secret\", &\"<redacted>\")"),
        "{user}"
    );
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["enums.rs", "mod.rs", "note.rs", "order.rs", "user.rs"]
    );
    let module = file(&files, "mod.rs");
    assert!(module.contains("pub mod order;\npub mod user;"), "{module}");
}

#[test]
fn an_insert_struct_is_made_from_its_required_fields_or_is_default() {
    let files = files();
    let user = file(&files, "user.rs");
    assert!(
        squeezed(user).contains(&squeezed(
            "pub fn new(order_id: impl ::core::convert::Into<i64>, secret: impl ::core::convert::Into<::std::string::String>,) -> Self"
        )),
        "{user}"
    );
    assert!(
        user.contains("impl ::core::fmt::Debug for NewUser"),
        "{user}"
    );
    assert!(
        user.contains("impl ::core::fmt::Debug for UserPatch"),
        "{user}"
    );
    let note = file(&files, "note.rs");
    assert!(
        note.contains(
            "#[derive(::schemac_runtime::Insert, Clone, Default, Debug)]\npub struct NewNote {"
        ),
        "nothing required: {note}"
    );
    assert!(!note.contains("pub fn new("), "{note}");
}

#[test]
fn enum_labels_become_distinct_variants() {
    let files = files();
    let enums = file(&files, "enums.rs");
    for expected in [
        "#[pg(rename = \"light blue\")]\n    LightBlue,",
        "#[pg(rename = \"light_blue\")]\n    LightBlue2,",
        "#[pg(rename = \"Light-Blue\")]\n    LightBlue3,",
        "#[pg(rename = \"2nd\")]\n    V2nd,",
    ] {
        assert!(
            enums.contains(expected),
            "enums.rs lacks {expected:?}:\n{enums}"
        );
    }
}

#[test]
fn output_is_deterministic() {
    assert_eq!(files(), files());
}

/// The text without whitespace: prettyplease wraps a signature where it
/// grows long, which is not what these checks are about.
fn squeezed(text: &str) -> String {
    text.split_whitespace().collect()
}

#[test]
fn rows_derive_deserialize_only_when_asked() {
    let compiled = compile_sources(
        vec![("main".into(), vec![("schema/s.yaml".into(), SCHEMA.into())])],
        SourceMap::new(),
        Diagnostics::new(),
    );
    let order_with = |deserialize| {
        let options = schemac::rust::RustOptions { deserialize };
        let files = schemac::rust::render_with(&compiled.schemas[0], "schema/", None, options)
            .expect("valid Rust");
        file(&files, "order.rs").to_owned()
    };
    let default = order_with(false);
    assert!(
        default.contains("::schemac_runtime::serde::Serialize"),
        "{default}"
    );
    assert!(!default.contains("Deserialize"), "{default}");
    let asked = order_with(true);
    assert!(
        asked.contains("::schemac_runtime::serde::Deserialize"),
        "{asked}"
    );
}
