//! `renamed_from` on views, functions, triggers, sequences and domains, on
//! filled tables: the object is renamed in place, first in the migration,
//! what uses it stays (PostgreSQL binds it by object), its down renames it
//! back, and both ends have the catalog of a fresh build.

use schemac_tests::project::up_and_down_on_rows;

const BEFORE: &str = "
domains:
  positive: { type: integer, checks: { above_zero: VALUE > 0 } }
sequences:
  ticket_numbers: { start: 100 }
functions:
  touch:
    returns: trigger
    language: plpgsql
    body: BEGIN NEW.updated_at := now(); RETURN NEW; END
  doubled:
    args: [n integer]
    returns: integer
    language: sql
    volatility: immutable
    body: SELECT n * 2
tables:
  tickets:
    columns:
      id: { type: bigint, primary_key: true }
      number: { type: bigint, default_sql: \"nextval('ticket_numbers')\" }
      seats: positive
      updated_at: { type: timestamptz, default_sql: now() }
    triggers:
      keep_updated:
        before: update
        function: touch
views:
  open_tickets:
    sql: SELECT id, number, seats FROM tickets WHERE seats > 1
  busy_tickets: SELECT id FROM open_tickets WHERE seats > 2
  ticket_totals:
    materialized: true
    sql: SELECT count(*) AS n, sum(doubled(seats)) AS doubled FROM tickets
";

const ROWS: &str = "INSERT INTO tickets (id, seats) VALUES (1, 1), (2, 3), (3, 5)";

/// `before` with one object renamed: its name, its `renamed_from`, and
/// what names it.
fn renamed(pairs: &[(&str, &str)]) -> String {
    let mut s = BEFORE.to_owned();
    for (from, to) in pairs {
        s = s.replace(from, to);
    }
    s
}

#[test]
fn a_view_renamed_keeps_the_view_over_it() {
    let after = renamed(&[
        (
            "  open_tickets:\n",
            "  open_ones:\n    renamed_from: open_tickets\n",
        ),
        ("FROM open_tickets", "FROM open_ones"),
    ]);
    let (mut db, m) = up_and_down_on_rows("rename_view", BEFORE, &after, ROWS, false);
    assert!(
        m.up.starts_with("ALTER VIEW \"public\".\"open_tickets\" RENAME TO \"open_ones\";"),
        "{}",
        m.up
    );
    assert!(m.tag.contains("open_ones"), "{}", m.tag);
    // The view over it names it anew, so it is redefined: it reads the
    // renamed view, which stays.
    assert!(
        !m.up.contains("DROP VIEW \"public\".\"open_tickets\""),
        "{}",
        m.up
    );
    assert!(
        m.down
            .starts_with("ALTER VIEW \"public\".\"open_ones\" RENAME TO \"open_tickets\";"),
        "{}",
        m.down
    );
    let n: i64 = db
        .client
        .query_one("SELECT count(*) FROM open_tickets", &[])
        .expect("read")
        .get(0);
    assert_eq!(n, 2);
}

#[test]
fn a_materialized_view_renamed_keeps_its_rows() {
    let after = renamed(&[(
        "  ticket_totals:\n",
        "  totals:\n    renamed_from: ticket_totals\n",
    )]);
    let (_db, m) = up_and_down_on_rows("rename_matview", BEFORE, &after, ROWS, false);
    assert_eq!(
        m.up.trim(),
        "ALTER MATERIALIZED VIEW \"public\".\"ticket_totals\" RENAME TO \"totals\";"
    );
}

#[test]
fn a_function_renamed_keeps_the_trigger_and_view_that_call_it() {
    let after = renamed(&[
        ("  touch:\n", "  stamp:\n    renamed_from: touch\n"),
        ("function: touch", "function: stamp"),
        ("  doubled:\n", "  twice:\n    renamed_from: doubled\n"),
    ]);
    // The materialized view's query still says `doubled`: written anew, it
    // calls `twice` and is created again; the trigger is not.
    let after = after.replace("sum(doubled(seats))", "sum(twice(seats))");
    let (_db, m) = up_and_down_on_rows("rename_function", BEFORE, &after, ROWS, false);
    for rename in [
        "ALTER FUNCTION \"public\".\"touch\"() RENAME TO \"stamp\";",
        "ALTER FUNCTION \"public\".\"doubled\"(integer) RENAME TO \"twice\";",
    ] {
        assert!(m.up.contains(rename), "{}", m.up);
    }
    assert!(!m.up.contains("DROP FUNCTION"), "{}", m.up);
    assert!(!m.up.contains("TRIGGER"), "the trigger stays:\n{}", m.up);
    assert!(
        m.down
            .contains("ALTER FUNCTION \"public\".\"stamp\"() RENAME TO \"touch\";"),
        "{}",
        m.down
    );
}

#[test]
fn a_trigger_renamed_is_renamed_on_its_table() {
    let after = renamed(&[(
        "      keep_updated:\n",
        "      stamp_updates:\n        renamed_from: keep_updated\n",
    )]);
    let (_db, m) = up_and_down_on_rows("rename_trigger", BEFORE, &after, ROWS, false);
    assert_eq!(
        m.up.trim(),
        "ALTER TRIGGER \"keep_updated\" ON \"public\".\"tickets\" RENAME TO \"stamp_updates\";"
    );
}

#[test]
fn a_sequence_renamed_keeps_counting() {
    let after = renamed(&[
        (
            "  ticket_numbers: { start: 100 }",
            "  ticket_no: { start: 100, renamed_from: ticket_numbers }",
        ),
        ("nextval('ticket_numbers')", "nextval('ticket_no')"),
    ]);
    let (mut db, m) = up_and_down_on_rows("rename_sequence", BEFORE, &after, ROWS, false);
    assert!(
        m.up.starts_with("ALTER SEQUENCE \"public\".\"ticket_numbers\" RENAME TO \"ticket_no\";"),
        "{}",
        m.up
    );
    assert!(!m.up.contains("DROP SEQUENCE"), "{}", m.up);
    // Back at the start, the sequence went on from where the rows left it.
    let next: i64 = db
        .client
        .query_one("SELECT nextval('ticket_numbers')", &[])
        .expect("nextval")
        .get(0);
    assert_eq!(next, 103);
}

#[test]
fn a_domain_renamed_keeps_its_columns() {
    let after = renamed(&[
        ("  positive: {", "  seat_count: { renamed_from: positive,"),
        ("seats: positive", "seats: seat_count"),
    ]);
    let (_db, m) = up_and_down_on_rows("rename_domain", BEFORE, &after, ROWS, false);
    assert_eq!(
        m.up.trim(),
        "ALTER DOMAIN \"public\".\"positive\" RENAME TO \"seat_count\";"
    );
}

#[test]
fn a_rename_is_consumed_by_its_migration_and_a_wrong_one_is_stale() {
    let p = schemac_tests::project::Project::new("rename_consumed");
    p.step(BEFORE);
    let after = renamed(&[(
        "  ticket_totals:\n",
        "  totals:\n    renamed_from: ticket_totals\n",
    )]);
    p.step(&after);
    // The same schema again: the hint did its work and says nothing.
    let again = p.generate(&after, false);
    assert!(again.warnings.is_empty(), "{:?}", again.warnings);
    assert!(matches!(
        again.databases[0].1,
        schemac::Outcome::Unchanged { .. }
    ));
    // A name the last snapshot never had is stale, and ignored.
    let wrong = renamed(&[(
        "  open_tickets:\n",
        "  open_ones:\n    renamed_from: no_such_view\n",
    )])
    .replace("FROM open_tickets", "FROM open_ones")
    .replace(
        "  ticket_totals:\n",
        "  totals:\n    renamed_from: ticket_totals\n",
    );
    let report = p.generate(&wrong, false);
    assert!(
        report.warnings.iter().any(|w| w
            == "`renamed_from: no_such_view` on view `open_ones` is stale (the last snapshot has no such object); it is ignored and can be removed"),
        "{:?}",
        report.warnings
    );
}
