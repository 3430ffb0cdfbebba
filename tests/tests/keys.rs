//! Primary keys with names of their own (as databases made by other tools
//! have them): created with the name, renamed in place on a filled table.

use schemac_tests::project::up_and_down_on_rows;

const BEFORE: &str = "
tables:
  accounts:
    primary_key: { name: account_pk }
    columns:
      id: { type: bigint, primary_key: true }
  memberships:
    primary_key: { columns: [account_id, user_id], name: membership_key }
    columns:
      account_id: { references: accounts }
      user_id: bigint
";

#[test]
fn a_named_primary_key_keeps_its_name_and_is_renamed_in_place() {
    let after = BEFORE.replace("name: membership_key", "name: memberships_pkey_v2");
    let rows = "INSERT INTO accounts (id) VALUES (1), (2); \
                INSERT INTO memberships (account_id, user_id) VALUES (1, 10), (2, 10)";
    let (mut db, m) = up_and_down_on_rows("named_pk", BEFORE, &after, rows, false);
    assert!(
        m.up.contains("RENAME CONSTRAINT \"membership_key\" TO \"memberships_pkey_v2\""),
        "{}",
        m.up
    );
    assert!(
        !m.up.contains("DROP CONSTRAINT"),
        "a rename, not a rebuild:\n{}",
        m.up
    );
    // Back at `before`, with the rows: the keys are named as written.
    let names: Vec<String> = db
        .client
        .query(
            "SELECT conname::text FROM pg_constraint WHERE contype = 'p' \
             AND connamespace = 'public'::regnamespace ORDER BY 1",
            &[],
        )
        .expect("constraints")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(names, ["account_pk", "membership_key"]);
    let count: i64 = db
        .client
        .query_one("SELECT count(*) FROM memberships", &[])
        .expect("rows")
        .get(0);
    assert_eq!(count, 2);
}

#[test]
fn nulls_not_distinct_keys_and_indexes_are_made_and_changed_on_rows() {
    let before = "
tables:
  slots:
    columns:
      id: { type: bigint, primary_key: true }
      room: text?
      day: date?
    unique:
      - { columns: [room, day], nulls_not_distinct: true }
    indexes:
      - { columns: [day], unique: true }
";
    // The key stops, and the index starts, treating NULLs as equal.
    let after = before
        .replace(", nulls_not_distinct: true }", " }")
        .replace("unique: true }", "unique: true, nulls_not_distinct: true }");
    let rows = "INSERT INTO slots (id, room, day) VALUES (1, NULL, '2026-01-01'), (2, 'a', NULL)";
    let (mut db, m) = up_and_down_on_rows("nulls_not_distinct", before, &after, rows, false);
    assert!(m.up.contains("NULLS NOT DISTINCT"), "{}", m.up);
    assert!(
        m.down
            .contains("UNIQUE NULLS NOT DISTINCT (\"room\", \"day\")"),
        "{}",
        m.down
    );
    // Back at `before`: a second (NULL, NULL) room and day collides.
    db.client
        .batch_execute("INSERT INTO slots (id, room, day) VALUES (3, NULL, NULL)")
        .expect("the first NULL pair goes in");
    let second = db
        .client
        .batch_execute("INSERT INTO slots (id, room, day) VALUES (4, NULL, NULL)");
    assert!(second.is_err(), "NULLs are not distinct in the key");
}

#[test]
fn the_data_check_of_a_nulls_not_distinct_key_counts_null_pairs() {
    let before = "
tables:
  slots:
    columns:
      id: { type: bigint, primary_key: true }
      room: text?
      day: date?
";
    let after = format!(
        "{before}    unique:\n      - {{ columns: [room, day], nulls_not_distinct: true }}\n"
    );
    let p = schemac_tests::project::Project::new("nnd_check");
    let init = p.step(before);
    let m = p.step(&after);
    let query =
        m.up.lines()
            .find_map(|l| l.strip_prefix("--   rows it fails on: "))
            .unwrap_or_else(|| panic!("a data check:\n{}", m.up));
    let mut db = schemac_tests::TestDb::create("nnd_check");
    db.apply_migration(&init.up);
    db.client
        .batch_execute(
            "INSERT INTO slots (id, room, day) VALUES (1, NULL, NULL), (2, NULL, NULL), (3, 'a', NULL)",
        )
        .expect("rows");
    let failing: i64 = db.client.query_one(query, &[]).expect(query).get(0);
    assert_eq!(failing, 2, "the two (NULL, NULL) rows collide: {query}");
}

const BOOKINGS: &str = "
tables:
  bookings:
    columns:
      id: { type: bigint, primary_key: true }
      room: integer
      starts_at: timestamptz
      ends_at: timestamptz
      cancelled: { type: boolean, default: false }
";

const BOOKING_ROWS: &str = "INSERT INTO bookings (id, room, starts_at, ends_at) VALUES \
    (1, 1, '2026-01-01 10:00Z', '2026-01-01 11:00Z'), \
    (2, 1, '2026-01-01 11:00Z', '2026-01-01 12:00Z'), \
    (3, 2, '2026-01-01 12:30Z', '2026-01-01 13:30Z')";

#[test]
fn an_exclusion_constraint_keeps_rows_from_overlapping() {
    let after = format!(
        "{BOOKINGS}    exclude:\n      no_double_booking:\n        using: gist\n        elements: [\"tstzrange(starts_at, ends_at) WITH &&\"]\n        where: NOT cancelled\n"
    );
    let (mut db, m) = up_and_down_on_rows("exclusion", BOOKINGS, &after, BOOKING_ROWS, false);
    assert!(
        m.up.contains(
            "ADD CONSTRAINT \"bookings_no_double_booking_excl\" EXCLUDE USING gist (tstzrange(starts_at, ends_at) WITH &&) WHERE (NOT cancelled)"
        ),
        "{}",
        m.up
    );
    assert!(
        m.up.contains("-- hazard constraint_validation_under_lock"),
        "{}",
        m.up
    );
    // The down took it away: an overlapping booking goes in.
    db.client
        .batch_execute(
            "INSERT INTO bookings (id, room, starts_at, ends_at) VALUES (4, 1, '2026-01-01 10:15Z', '2026-01-01 10:45Z')",
        )
        .expect("no constraint after the down");
}
