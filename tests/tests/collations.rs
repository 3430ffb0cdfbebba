//! Collations on columns through migrations, on filled tables: given,
//! changed and taken away with `ALTER COLUMN … TYPE … COLLATE`, and every
//! down brings back the database before.

use schemac_tests::project::up_and_down_on_rows;

const SCHEMA: &str = "
tables:
  words:
    columns:
      id: { type: bigint, primary_key: true }
      word: { type: text, collation: C }
      note: text?
    indexes:
      - { columns: [word] }
";

const ROWS: &str = "INSERT INTO words (id, word) VALUES (1, 'b'), (2, 'B'), (3, 'a')";

#[test]
fn a_collation_changes_in_place_and_orders_the_rows() {
    let after = SCHEMA.replace("collation: C", "collation: POSIX").replace(
        "note: text?",
        "note: { type: text, nullable: true, collation: C }",
    );
    let (mut db, m) = up_and_down_on_rows("collation_change", SCHEMA, &after, ROWS, false);
    assert!(
        m.up.contains("ALTER COLUMN \"word\" TYPE text COLLATE \"POSIX\" USING \"word\""),
        "{}",
        m.up
    );
    assert!(
        m.up.contains("ALTER COLUMN \"note\" TYPE text COLLATE \"C\" USING \"note\""),
        "{}",
        m.up
    );
    // After the down, "C" again: upper case sorts first.
    let words: Vec<String> = db
        .client
        .query("SELECT word FROM words ORDER BY word", &[])
        .expect("rows")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(words, ["B", "a", "b"]);
}

#[test]
fn a_collation_taken_away_goes_back_to_the_default() {
    let after = SCHEMA.replace("{ type: text, collation: C }", "text");
    let (_db, m) = up_and_down_on_rows("collation_drop", SCHEMA, &after, ROWS, false);
    assert!(
        m.up.contains("ALTER COLUMN \"word\" TYPE text COLLATE \"default\" USING \"word\""),
        "{}",
        m.up
    );
}
