//! Differ bugs found by a peer's acceptance cases (stripe's pg-schema-diff)
//! and by random pairs: each change goes up and down on a table holding rows.

use schemac_tests::project::up_and_down_on_rows;

fn table(columns: &str) -> String {
    format!(
        "tables:\n  foobar:\n    columns:\n      id: {{ type: bigserial, primary_key: true }}\n{columns}"
    )
}

#[test]
fn an_identity_removed_becomes_a_plain_nullable_column() {
    let before = table("      identity_always: { type: bigint, identity: always }\n");
    let after = table("      identity_always: bigint?\n");
    let (_db, m) = up_and_down_on_rows(
        "identity_removed",
        &before,
        &after,
        "INSERT INTO foobar DEFAULT VALUES; INSERT INTO foobar DEFAULT VALUES",
        false,
    );
    let drop = m.up.find("DROP IDENTITY").expect("drops the identity");
    let nullable = m.up.find("DROP NOT NULL").expect("drops NOT NULL");
    assert!(drop < nullable, "{}", m.up);
}

#[test]
fn an_identity_added_to_a_column_and_its_down() {
    let before = table("      n: bigint\n");
    let after = table("      n: { type: bigint, identity: by_default }\n");
    let (mut db, _m) = up_and_down_on_rows(
        "identity_added",
        &before,
        &after,
        "INSERT INTO foobar (n) VALUES (7), (9)",
        false,
    );
    let n: i64 = db
        .client
        .query_one("SELECT sum(n)::bigint FROM foobar", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 16, "the values came through up and down");
}

#[test]
fn an_identity_that_replaced_a_default_goes_back_to_the_default() {
    let before = table("      n: { type: bigint, default: 5 }\n");
    let after = table("      n: { type: bigint, identity: always }\n");
    up_and_down_on_rows(
        "identity_for_default",
        &before,
        &after,
        "INSERT INTO foobar DEFAULT VALUES",
        false,
    );
}

/// The names Postgres gives the sequences of serial and identity columns,
/// against `schemac_schema::naming::sequence_name`, for names long enough
/// to be cut (and one cut inside a multi-byte character).
#[test]
fn sequence_names_are_predicted_with_postgres_own_rule() {
    let mut db = schemac_tests::TestDb::create("sequence_names");
    let long = "reminder_notification_preference_approval_program_notification";
    let cases: Vec<(String, String)> = vec![
        (long.into(), "id".into()),
        (long.into(), "amount".into()),
        ("t".into(), "c".repeat(63)),
        ("a".repeat(40), "b".repeat(40)),
        (format!("{}é", "x".repeat(55)), "id".into()),
        ("short".into(), "id".into()),
    ];
    for (i, (table, column)) in cases.iter().enumerate() {
        // An identity column and a serial one, each in a table of its own.
        for (k, column_type) in ["bigint GENERATED ALWAYS AS IDENTITY", "bigserial"]
            .iter()
            .enumerate()
        {
            let schema = format!("c{i}_{k}");
            db.client
                .batch_execute(&format!(
                    "CREATE SCHEMA {schema}; CREATE TABLE {schema}.\"{table}\" (\"{column}\" {column_type})"
                ))
                .unwrap();
            let seq: String = db
                .client
                .query_one(
                    "SELECT s.relname::text FROM pg_class t \
                     JOIN pg_namespace n ON n.oid = t.relnamespace \
                     JOIN pg_depend d ON d.refobjid = t.oid AND d.deptype IN ('a', 'i') \
                     JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' \
                     WHERE n.nspname = $1 AND t.relname = $2",
                    &[&schema, &table],
                )
                .unwrap()
                .get(0);
            let predicted = schemac_schema::naming::sequence_name(table, column);
            assert_eq!(seq, predicted, "{table}.{column} ({column_type})");
        }
    }
}

#[test]
fn a_table_renamed_to_a_long_name_keeps_sequences_a_fresh_build_would_have() {
    let long = "reminder_notification_preference_approval_program_notification";
    let before = "tables:\n  audit_logs:\n    columns:\n      id: { type: bigserial, primary_key: true }\n      amount: { type: bigint, identity: by_default }\n";
    let after = format!(
        "tables:\n  {long}:\n    renamed_from: audit_logs\n    columns:\n      id: {{ type: bigserial, primary_key: true }}\n      amount: {{ type: bigint, identity: by_default }}\n"
    );
    let (_db, m) = up_and_down_on_rows(
        "long_rename",
        before,
        &after,
        "INSERT INTO audit_logs DEFAULT VALUES; INSERT INTO audit_logs DEFAULT VALUES",
        false,
    );
    assert!(
        m.up.contains(
            "RENAME TO \"reminder_notification_preference_approval_program_notifi_id_seq\""
        ),
        "{}",
        m.up
    );
}

/// The guard refuses only what a change can lose: these three are not refused.
fn generates_without_refusal(before: &str, after: &str, rows: &str, label: &str) {
    // `false`: no --allow-data-loss; up_and_down_on_rows panics if refused.
    up_and_down_on_rows(label, before, after, rows, false);
}

#[test]
fn a_type_change_with_using_is_the_authors_conversion_and_not_refused() {
    let before = table("      at: bigint\n");
    let after = table(
        "      at: { type: timestamp, using: { up: \"to_timestamp(at) AT TIME ZONE 'UTC'\", down: \"extract(epoch from at)::bigint\" } }\n",
    );
    generates_without_refusal(
        &before,
        &after,
        "INSERT INTO foobar (at) VALUES (0), (1700000000)",
        "using_bigint_timestamp",
    );
}

#[test]
fn an_enum_column_becoming_a_varchar_its_labels_fit_is_not_refused() {
    let before = format!(
        "enums:\n  mood: [happy, sad]\n{}",
        table("      mood: mood\n")
    );
    let after = format!(
        "enums:\n  mood: [happy, sad]\n{}",
        table("      mood: varchar(255)\n")
    );
    generates_without_refusal(
        &before,
        &after,
        "INSERT INTO foobar (mood) VALUES ('happy'), ('sad')",
        "enum_to_varchar",
    );
}

#[test]
fn a_value_no_column_uses_is_removed_without_refusal() {
    let before = format!(
        "enums:\n  mood: [happy, sad, meh]\n  unused: [a, b, c]\n{}",
        table("      mood: mood\n")
    );
    let after = format!(
        "enums:\n  mood: [happy, sad, meh]\n  unused: [a, c]\n{}",
        table("      mood: mood\n")
    );
    generates_without_refusal(
        &before,
        &after,
        "INSERT INTO foobar (mood) VALUES ('meh')",
        "unused_value",
    );
}

#[test]
fn what_is_still_refused_says_what_is_lost_and_what_keeps_it() {
    let p = schemac_tests::project::Project::new("refusals");
    p.step(&format!(
        "enums:\n  mood: [happy, sad, meh]\n{}",
        table("      mood: mood\n      note: timestamp\n")
    ));
    std::fs::write(
        p.path().join("schema/app.yaml"),
        format!(
            "enums:\n  mood: [happy, sad]\n{}",
            table("      mood: mood\n      note: date\n")
        ),
    )
    .unwrap();
    let err = schemac::generate(p.path(), &schemac::GenerateOptions::default())
        .expect_err("refused")
        .to_string();
    for part in [
        "enum `mood` loses value `meh`, which rows of `foobar.mood` may hold",
        "remap: { meh: ... }",
        "column `foobar.note` changes from timestamp to date: the time of day is dropped",
        "`using:`",
    ] {
        assert!(err.contains(part), "{part} in\n{err}");
    }
}
