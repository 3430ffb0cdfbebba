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
