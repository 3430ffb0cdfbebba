//! Standalone sequences through migrations, on filled tables: created
//! before the defaults that call `nextval` on them, altered in place, let
//! go before the column owning them is dropped, and every down brings back
//! the database before.

use schemac_tests::project::up_and_down_on_rows;

const SCHEMA: &str = "
sequences:
  customer_id_seq:
    type: integer
    cache: 1
    owned_by: customer.id
  ticket_no:
    start: 1000
    increment: 5
    comment: Ticket numbers handed out at the desk
tables:
  customer:
    columns:
      id: { type: integer, primary_key: true, default_sql: \"nextval('customer_id_seq'::regclass)\" }
      name: text
  ticket:
    columns:
      no: { type: bigint, primary_key: true, default_sql: \"nextval('ticket_no')\" }
      note: text
";

const ROWS: &str = "INSERT INTO customer (name) VALUES ('ada'), ('bob'); \
    INSERT INTO ticket (note) VALUES ('first'), ('second')";

fn number(db: &mut schemac_tests::TestDb, sql: &str) -> i64 {
    db.client
        .query_one(sql, &[])
        .unwrap_or_else(|e| panic!("{e}\n{sql}"))
        .get::<_, i64>(0)
}

#[test]
fn changed_options_alter_the_sequence_in_place() {
    let after = SCHEMA
        .replace(
            "    increment: 5\n",
            "    increment: 10\n    max: 1000000\n    cycle: true\n",
        )
        .replace("    cache: 1\n", "");
    let (mut db, m) = up_and_down_on_rows("seq_alter", SCHEMA, &after, ROWS, false);
    assert!(
        m.up.contains(
            "ALTER SEQUENCE \"public\".\"ticket_no\" INCREMENT BY 10 MAXVALUE 1000000 CYCLE"
        ),
        "{}",
        m.up
    );
    assert!(!m.up.contains("DROP SEQUENCE"), "{}", m.up);
    // The down put the increment back, and the numbers go on where they were.
    db.client
        .batch_execute("INSERT INTO ticket (note) VALUES ('third')")
        .expect("insert");
    assert_eq!(number(&mut db, "SELECT max(no) FROM ticket"), 1010);
}

#[test]
fn a_new_sequence_comes_before_the_default_that_calls_it() {
    let after = SCHEMA
        .replacen("sequences:\n", "sequences:\n  batch_no:\n    start: 7\n", 1)
        .replace(
            "      note: text\n",
            "      note: text\n      batch: { type: bigint, default_sql: \"nextval('batch_no')\" }\n",
        );
    let (_db, m) = up_and_down_on_rows("seq_new", SCHEMA, &after, ROWS, false);
    let create =
        m.up.find("CREATE SEQUENCE \"public\".\"batch_no\"")
            .unwrap_or_else(|| panic!("{}", m.up));
    let add = m.up.find("ADD COLUMN \"batch\"").expect("column");
    assert!(create < add, "{}", m.up);
}

#[test]
fn a_sequence_outlives_the_table_that_owned_it() {
    let before = SCHEMA.replace("owned_by: customer.id", "owned_by: ticket.no");
    let after = SCHEMA
        .replace("    owned_by: customer.id\n", "")
        .replace(
            "  ticket:\n    columns:\n      no: { type: bigint, primary_key: true, default_sql: \"nextval('ticket_no')\" }\n      note: text\n",
            "",
        )
        .replace("  ticket_no:\n    start: 1000\n    increment: 5\n    comment: Ticket numbers handed out at the desk\n", "");
    let (_db, m) = up_and_down_on_rows("seq_outlives", &before, &after, ROWS, true);
    let disown =
        m.up.find("ALTER SEQUENCE \"public\".\"customer_id_seq\" OWNED BY NONE")
            .unwrap_or_else(|| panic!("let go first:\n{}", m.up));
    let drop = m.up.find("DROP TABLE \"public\".\"ticket\"").expect("drop");
    assert!(disown < drop, "{}", m.up);
    // ticket_no was owned by nothing and goes on its own; customer_id_seq stays.
    assert!(
        m.up.contains("DROP SEQUENCE \"public\".\"ticket_no\""),
        "{}",
        m.up
    );
    assert!(
        !m.up
            .contains("DROP SEQUENCE \"public\".\"customer_id_seq\""),
        "{}",
        m.up
    );
}

#[test]
fn a_sequence_dropped_with_its_owner_needs_no_drop_of_its_own() {
    let after = SCHEMA
        .replace("  customer_id_seq:\n    type: integer\n    cache: 1\n    owned_by: customer.id\n", "")
        .replace(
            "  customer:\n    columns:\n      id: { type: integer, primary_key: true, default_sql: \"nextval('customer_id_seq'::regclass)\" }\n      name: text\n",
            "",
        );
    let (_db, m) = up_and_down_on_rows("seq_with_owner", SCHEMA, &after, ROWS, true);
    assert!(
        m.up.contains("DROP TABLE \"public\".\"customer\""),
        "{}",
        m.up
    );
    assert!(!m.up.contains("DROP SEQUENCE"), "{}", m.up);
    assert!(
        m.down.contains(
            "ALTER SEQUENCE \"public\".\"customer_id_seq\" OWNED BY \"public\".\"customer\".\"id\""
        ),
        "the down gives it back to its column:\n{}",
        m.down
    );
}

const IDENTITY: &str = "
tables:
  invoice:
    columns:
      no: { type: bigint, primary_key: true, identity: { generated: always, start: 1000, increment: 10 } }
      total: integer
";

#[test]
fn an_identitys_options_are_set_in_place() {
    let after = IDENTITY.replace(
        "identity: { generated: always, start: 1000, increment: 10 }",
        "identity: { generated: by_default, start: 1000, increment: 5, cache: 20 }",
    );
    let rows = "INSERT INTO invoice (total) VALUES (7), (9)";
    let (mut db, m) = up_and_down_on_rows("identity_options", IDENTITY, &after, rows, false);
    assert!(
        m.up.contains(
            "ALTER COLUMN \"no\" SET GENERATED BY DEFAULT SET INCREMENT BY 5 SET CACHE 20"
        ),
        "{}",
        m.up
    );
    // After the down the numbers go on by ten.
    db.client
        .batch_execute("INSERT INTO invoice (total) VALUES (11)")
        .expect("insert");
    assert_eq!(number(&mut db, "SELECT max(no) FROM invoice"), 1020);
}

#[test]
fn an_identity_added_to_a_filled_column_starts_past_its_rows_and_its_start() {
    let before = IDENTITY.replace(
        ", identity: { generated: always, start: 1000, increment: 10 }",
        "",
    );
    let rows = "INSERT INTO invoice (no, total) VALUES (1, 7), (2, 9)";
    let (_db, m) = up_and_down_on_rows("identity_added", &before, IDENTITY, rows, false);
    assert!(
        m.up.contains("ADD GENERATED ALWAYS AS IDENTITY (START WITH 1000 INCREMENT BY 10)"),
        "{}",
        m.up
    );
    assert!(m.up.contains("GREATEST(max(\"no\"), 1000)"), "{}", m.up);
}

#[test]
fn an_identity_turned_to_count_the_other_way_restarts_within_its_new_bounds() {
    let down = IDENTITY.replace(
        "identity: { generated: always, start: 1000, increment: 10 }",
        "identity: { generated: by_default, increment: -1 }",
    );
    let up = IDENTITY.replace(
        "identity: { generated: always, start: 1000, increment: 10 }",
        "identity: by_default",
    );
    let rows = "INSERT INTO invoice (total) VALUES (7), (9)";
    let (mut db, m) = up_and_down_on_rows("identity_turned", &down, &up, rows, false);
    assert!(
        m.up.contains(
            "ALTER COLUMN \"no\" SET INCREMENT BY 1 SET NO MINVALUE SET NO MAXVALUE SET START WITH 1 RESTART"
        ),
        "{}",
        m.up
    );
    // After the down it counts down again, restarted at its start: the
    // numbers it handed out are outside the bounds it had in between.
    assert_eq!(
        number(
            &mut db,
            "SELECT nextval(pg_get_serial_sequence('invoice', 'no'))"
        ),
        -1
    );
}
