//! Any literal schemac writes into SQL applies, and means what it says:
//! random defaults of every literal kind (strings with quotes, backslashes,
//! dollar signs and any Unicode; numbers at their limits; json; arrays; enum
//! labels), comments, and names up to the 63-byte limit, compiled into the
//! first migration, applied to PostgreSQL, and read back.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use schemac_runtime::serde_json::{self, Value, json};
use schemac_schema::{Diagnostics, SourceMap, compile_sources};
use schemac_tests::TestDb;

/// Text PostgreSQL and YAML both take: no NUL, otherwise anything (control
/// characters, which YAML refuses raw, are written escaped in the double
/// quotes serde_json gives), and the characters SQL quoting and comments are
/// about, often: quotes, backslashes, dollars, line breaks and `*/`.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[^\\x00-\\x1f\\x7f-\\x9f\u{fffe}\u{ffff}]{0,24}",
        "[^\\x00\u{fffe}\u{ffff}]{0,12}",
        Just("line\nbreak */ -- \r\n\u{7}\u{85} end".to_string()),
        Just("it's \"quoted\" \\ back\\\\slashed $$ dollar $1 -- not a comment".to_string()),
        Just("日本語 🎁 ñ ß \u{200d}".to_string()),
        Just(String::new()),
    ]
}

/// A name of up to 63 bytes, letters from several scripts.
fn name(prefix: &'static str) -> impl Strategy<Value = String> {
    "[a-zé日_]{1,40}".prop_map(move |s| {
        let mut n = format!("{prefix}{s}");
        while n.len() > 63 {
            n.pop();
        }
        n
    })
}

#[derive(Debug, Clone)]
struct Case {
    table: String,
    column: String,
    comment: String,
    text: String,
    int: i32,
    big: i64,
    // numeric(18,4): whole part and fraction.
    whole: i64,
    fraction: u16,
    flag: bool,
    json_key: String,
    json_value: String,
    list: Vec<String>,
    labels: Vec<String>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        (name("t_"), name("c_"), text(), text()),
        (
            any::<i32>(),
            any::<i64>(),
            -99_999_999_999_999i64..99_999_999_999_999,
            0u16..10_000,
        ),
        (
            any::<bool>(),
            text(),
            text(),
            prop::collection::vec(text(), 0..4),
        ),
        prop::collection::btree_set("[^\\x00-\\x1f\\x7f-\\x9f\u{fffe}\u{ffff}]{1,20}", 1..4),
    )
        .prop_map(
            |(
                (table, column, comment, text),
                (int, big, whole, fraction),
                (flag, json_key, json_value, list),
                labels,
            )| Case {
                table,
                column,
                comment,
                text,
                int,
                big,
                whole,
                fraction,
                flag,
                json_key,
                json_value,
                list,
                labels: labels.into_iter().filter(|l| l.len() <= 63).collect(),
            },
        )
        .prop_filter("an enum needs a label", |c| !c.labels.is_empty())
}

/// A YAML double-quoted string (JSON's string syntax is one).
fn q(s: &str) -> String {
    serde_json::to_string(s).expect("string")
}

fn numeric(c: &Case) -> String {
    let sign = if c.whole < 0 { "-" } else { "" };
    format!("{sign}{}.{:04}", c.whole.unsigned_abs(), c.fraction)
}

fn yaml(c: &Case, n: usize) -> String {
    let labels: Vec<String> = c.labels.iter().map(|l| q(l)).collect();
    let list: Vec<String> = c.list.iter().map(|l| q(l)).collect();
    format!(
        "enums:\n  mood_{n}: [{labels}]\n\
         tables:\n  {table}:\n    comment: {comment}\n    columns:\n\
         \x20     id: {{ type: bigserial, primary_key: true }}\n\
         \x20     {column}: {{ type: text, default: {text}, comment: {comment} }}\n\
         \x20     i: {{ type: integer, default: {int} }}\n\
         \x20     b: {{ type: bigint, default: {big} }}\n\
         \x20     n: {{ type: \"numeric(18,4)\", default: {numeric} }}\n\
         \x20     f: {{ type: boolean, default: {flag} }}\n\
         \x20     v: {{ type: varchar(200), default: {text} }}\n\
         \x20     j: {{ type: jsonb, default: {{ {key}: {value} }} }}\n\
         \x20     l: {{ type: \"text[]\", default: [{list}] }}\n\
         \x20     m: {{ type: mood_{n}, default: {first} }}\n",
        labels = labels.join(", "),
        table = q(&c.table),
        column = q(&c.column),
        comment = q(&c.comment),
        text = q(&c.text),
        int = c.int,
        big = c.big,
        numeric = numeric(c),
        flag = c.flag,
        key = q(&c.json_key),
        value = q(&c.json_value),
        list = list.join(", "),
        first = labels[0],
    )
}

#[test]
fn every_literal_schemac_writes_applies_and_reads_back() {
    let cases: u32 = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48);
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            max_shrink_iters: 100,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let db = std::cell::RefCell::new(TestDb::create("literals"));
    let n = std::cell::Cell::new(0usize);
    let result = runner.run(&case(), |c| {
        n.set(n.get() + 1);
        let text = yaml(&c, n.get());
        let compiled = compile_sources(
            vec![(
                "main".into(),
                vec![("schema/literals.yaml".into(), text.clone())],
            )],
            SourceMap::new(),
            Diagnostics::new(),
        );
        if compiled.has_errors() {
            return Err(TestCaseError::fail(format!(
                "does not compile:\n{}\n{text}",
                compiled.render_diagnostics()
            )));
        }
        let schema = &compiled.schemas[0];
        let sql = schemac::ddl::create_schema(schema).join("\n--> statement-breakpoint\n");
        let mut db = db.borrow_mut();
        let mut tx = db.client.transaction().expect("begin");
        for stmt in sql.split("--> statement-breakpoint") {
            tx.batch_execute(stmt).map_err(|e| {
                TestCaseError::fail(format!("{e:?}\n{stmt}\n--- from ---\n{text}"))
            })?;
        }
        let table = format!("\"{}\"", c.table.replace('"', "\"\""));
        let column = format!("\"{}\"", c.column.replace('"', "\"\""));
        let row = tx
            .query_one(
                &format!(
                    "INSERT INTO {table} DEFAULT VALUES RETURNING {column}, i, b, n::text, f, v, j, l, m::text, \
                     obj_description('public.{}'::regclass, 'pg_class'), \
                     col_description('public.{}'::regclass, 2)",
                    table.replace('\'', "''"),
                    table.replace('\'', "''")
                ),
                &[],
            )
            .map_err(|e| TestCaseError::fail(format!("{e:?}\n{text}")))?;
        let got_text: String = row.get(0);
        prop_assert_eq!(&got_text, &c.text);
        prop_assert_eq!(row.get::<_, i32>(1), c.int);
        prop_assert_eq!(row.get::<_, i64>(2), c.big);
        prop_assert_eq!(row.get::<_, String>(3), numeric(&c));
        prop_assert_eq!(row.get::<_, bool>(4), c.flag);
        prop_assert_eq!(row.get::<_, String>(5), c.text.clone());
        prop_assert_eq!(row.get::<_, Value>(6), json!({ c.json_key.clone(): c.json_value.clone() }));
        prop_assert_eq!(row.get::<_, Vec<String>>(7), c.list.clone());
        prop_assert_eq!(row.get::<_, String>(8), c.labels.first().cloned().unwrap_or_default());
        let comment = Some(c.comment.clone()).filter(|s| !s.is_empty());
        prop_assert_eq!(row.get::<_, Option<String>>(9), comment.clone());
        prop_assert_eq!(row.get::<_, Option<String>>(10), comment);
        // The text column dropped and brought back by the down, on the row
        // that is there: the down's note quotes the default, whatever it
        // holds, and the files run as psql would run them, comments and all.
        let without = text
            .lines()
            .filter(|l| !l.trim_start().starts_with(&format!("{}:", q(&c.column))))
            .collect::<Vec<_>>()
            .join("\n");
        let dropped = compile_sources(
            vec![("main".into(), vec![("schema/literals.yaml".into(), without.clone())])],
            SourceMap::new(),
            Diagnostics::new(),
        );
        prop_assert!(!dropped.has_errors(), "{}", dropped.render_diagnostics());
        let steps = schemac::migration::steps::migration_steps_with(schema, &dropped.schemas[0], false);
        prop_assert_eq!(steps.steps.len(), 1);
        let step = &steps.steps[0];
        let files = schemac::migration::text::step_files(
            step,
            &Default::default(),
            &schemac::migration::text::unrestorable(step),
            &|_| None,
        );
        for (what, sql) in [("up", &files[0].up), ("down", &files[0].down)] {
            tx.batch_execute(sql).map_err(|e| {
                TestCaseError::fail(format!("the {what} fails: {e:?}\n{sql}\n--- from ---\n{text}"))
            })?;
        }
        prop_assert!(
            files[0].down.contains("comes back holding its default"),
            "{}",
            files[0].down
        );
        let back: String = tx
            .query_one(&format!("SELECT {column} FROM {table}"), &[])
            .map_err(|e| TestCaseError::fail(format!("{e:?}")))?
            .get(0);
        prop_assert_eq!(&back, &c.text, "the row comes back holding the default");
        // Nothing stays: the next case starts from an empty database.
        tx.rollback().expect("rollback");
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(n.get() >= cases as usize, "{} cases ran", n.get());
}
