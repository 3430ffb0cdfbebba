//! Views and materialized views through migrations, on filled tables: what
//! PostgreSQL refuses under a view (a column it reads retyped or dropped, an
//! enum it reads rebuilt) is done with the view dropped first and created
//! again after, and every migration's down brings back the database before.

use schemac_tests::project::{Project, up_and_down_on_rows};

const TABLES: &str = "
enums:
  status: [active, banned, left]
tables:
  users:
    columns:
      id: { type: bigint, primary_key: true }
      email: text
      status: { type: status, default: active }
      score: integer
      bio: { type: text, nullable: true }
";

const ROWS: &str = "INSERT INTO users (id, email, status, score, bio) VALUES \
    (1, 'a@example.com', 'active', 20, 'hi'), (2, 'b@example.com', 'banned', 5, NULL), \
    (3, 'c@example.com', 'left', 12, NULL)";

const VIEWS: &str = "
views:
  active_users:
    sql: SELECT id, email, score, status FROM users WHERE status = 'active'
    comment: Users who may sign in
  top_users: SELECT * FROM active_users WHERE score > 10
  user_counts:
    materialized: true
    sql: |
      SELECT status, count(*) AS n
      FROM users
      GROUP BY status
    indexes:
      - { columns: [status], unique: true }
";

fn schema(tables: &str, views: &str) -> String {
    format!("{tables}{views}")
}

fn rows_of(db: &mut schemac_tests::TestDb, sql: &str) -> Vec<String> {
    db.client
        .query(sql, &[])
        .unwrap_or_else(|e| panic!("{e}\n{sql}"))
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect()
}

#[test]
fn a_view_over_a_column_whose_type_changes_is_created_again_around_it() {
    let before = schema(TABLES, VIEWS);
    let after = before.replace("score: integer", "score: bigint");
    let (mut db, m) = up_and_down_on_rows("view_retype", &before, &after, ROWS, false);
    // Every view reads `users` or a view that does: all go first, come back last.
    let drops: Vec<usize> = ["user_counts", "top_users", "active_users"]
        .iter()
        .map(|v| m.up.find(&format!("VIEW \"public\".\"{v}\";")).expect(v))
        .collect();
    let alter = m.up.find("ALTER TABLE").expect("the retype");
    let create = m.up.find("CREATE VIEW").expect("views come back");
    assert!(
        m.up.contains(
            "-- hazard materialized_view_computed: creating materialized view user_counts \
             runs its query over the rows of users"
        ),
        "{}",
        m.up
    );
    assert!(
        drops.windows(2).all(|w| w[0] < w[1]),
        "dependents first:\n{}",
        m.up
    );
    assert!(drops[2] < alter && alter < create, "{}", m.up);
    assert!(
        m.up.contains("-- top_users is created again below: it reads active_users"),
        "the file says why a view it did not touch goes:\n{}",
        m.up
    );
    assert!(
        m.tag.ends_with("_alter_users"),
        "named after the change, not the views: {}",
        m.tag
    );
    // The down left the rows; the views read them again.
    let top = rows_of(&mut db, "SELECT email FROM top_users ORDER BY id");
    assert_eq!(top, ["a@example.com"]);
}

#[test]
fn a_column_a_view_stops_reading_can_be_dropped() {
    let before = schema(
        TABLES,
        &VIEWS.replace("email, score, status", "email, score, status, bio"),
    );
    let after = schema(
        &TABLES.replace("      bio: { type: text, nullable: true }\n", ""),
        VIEWS,
    );
    let (_db, m) = up_and_down_on_rows("view_drop_column", &before, &after, ROWS, true);
    let drop_view =
        m.up.find("DROP VIEW \"public\".\"active_users\"")
            .expect("view goes");
    let drop_column = m.up.find("DROP COLUMN \"bio\"").expect("column goes");
    assert!(drop_view < drop_column, "{}", m.up);
}

#[test]
fn a_view_over_an_enum_that_is_rebuilt_is_created_again() {
    let before = schema(TABLES, VIEWS);
    let after = before.replace(
        "  status: [active, banned, left]",
        "  status:\n    values: [active, banned]\n    remap: { left: banned }",
    );
    let (mut db, m) = up_and_down_on_rows("view_enum", &before, &after, ROWS, true);
    assert!(m.up.contains("DROP MATERIALIZED VIEW"), "{}", m.up);
    assert!(m.up.contains("CREATE MATERIALIZED VIEW"), "{}", m.up);
    // Recomputed over the rows as the up left them: `left` became `banned`.
    let counts = rows_of(
        &mut db,
        "SELECT status::text || ' ' || n FROM user_counts ORDER BY 1",
    );
    assert_eq!(counts, ["active 1", "banned 2"]);
}

#[test]
fn a_comment_or_an_index_of_a_kept_view_changes_alone() {
    let before = schema(TABLES, VIEWS);
    let after = before
        .replace(
            "comment: Users who may sign in",
            "comment: Users allowed in",
        )
        .replace("{ columns: [status], unique: true }", "{ columns: [n] }");
    let (_db, m) = up_and_down_on_rows("view_comment", &before, &after, ROWS, false);
    assert!(
        !m.up.contains("DROP VIEW"),
        "nothing it reads changed:\n{}",
        m.up
    );
    assert!(m.up.contains("COMMENT ON VIEW \"public\".\"active_users\" IS 'Users allowed in'"));
    assert!(
        m.up.contains("DROP INDEX \"public\".\"user_counts_status_idx\""),
        "{}",
        m.up
    );
    assert!(
        m.up.contains("CREATE INDEX \"user_counts_n_idx\""),
        "{}",
        m.up
    );
}

#[test]
fn a_redefined_view_that_keeps_its_columns_is_replaced_in_place() {
    let before = schema(TABLES, VIEWS);
    let after = before.replace("WHERE status = 'active'", "WHERE status <> 'banned'");
    let (mut db, m) = up_and_down_on_rows("view_replace", &before, &after, ROWS, false);
    assert!(m.tag.ends_with("active_users"), "{}", m.tag);
    // Both ways: the same columns over the same table, another filter.
    for sql in [&m.up, &m.down] {
        assert!(
            sql.contains("CREATE OR REPLACE VIEW \"public\".\"active_users\" AS"),
            "{sql}"
        );
        assert!(!sql.contains("DROP VIEW"), "what reads it stays:\n{sql}");
        assert!(!sql.contains("COMMENT ON"), "its comment stays:\n{sql}");
    }
    let top = rows_of(&mut db, "SELECT email FROM top_users ORDER BY id");
    assert_eq!(top, ["a@example.com"], "back to the first definition");
}

#[test]
fn a_view_given_a_column_at_the_end_is_replaced_and_its_down_recreates() {
    let before = schema(TABLES, VIEWS);
    let after = before.replace(
        "SELECT id, email, score, status FROM users",
        "SELECT id, email, score, status, bio FROM users",
    );
    let (_db, m) = up_and_down_on_rows("view_append", &before, &after, ROWS, false);
    assert!(
        m.up.contains("CREATE OR REPLACE VIEW \"public\".\"active_users\" AS"),
        "{}",
        m.up
    );
    assert!(
        !m.up.contains("DROP VIEW \"public\".\"active_users\""),
        "{}",
        m.up
    );
    // A view reading it with `*` keeps the columns it had when created:
    // created again, it sees the new one (the catalog equals a fresh one's).
    assert!(
        m.up.contains(
            "-- top_users is created again below: it reads active_users, which gains columns"
        ),
        "{}",
        m.up
    );
    // PostgreSQL replaces no view with fewer columns: the down drops it,
    // and the view over it, and creates both.
    for drop in [
        "DROP VIEW \"public\".\"top_users\"",
        "DROP VIEW \"public\".\"active_users\"",
    ] {
        assert!(m.down.contains(drop), "{}", m.down);
    }
    assert!(!m.down.contains("OR REPLACE"), "{}", m.down);
}

#[test]
fn a_redefined_view_with_other_columns_takes_its_readers_along() {
    let before = schema(TABLES, VIEWS);
    let after = before.replace(
        "SELECT id, email, score, status FROM users",
        "SELECT id, lower(email) AS email, score, status FROM users",
    );
    let (mut db, m) = up_and_down_on_rows("view_redefine", &before, &after, ROWS, false);
    assert!(m.tag.ends_with("active_users"), "{}", m.tag);
    assert!(!m.up.contains("ALTER TABLE"), "{}", m.up);
    assert!(!m.up.contains("OR REPLACE"), "{}", m.up);
    assert!(
        m.up.contains("DROP VIEW \"public\".\"top_users\""),
        "{}",
        m.up
    );
    let top = rows_of(&mut db, "SELECT email FROM top_users ORDER BY id");
    assert_eq!(top, ["a@example.com"], "back to the first definition");
}

#[test]
fn a_table_and_the_views_over_it_go_together() {
    let before = schema(TABLES, VIEWS);
    let after = "tables:\n  other:\n    columns:\n      id: bigint\n".to_string();
    let (_db, m) = up_and_down_on_rows("view_drop_table", &before, &after, ROWS, true);
    let drop_view =
        m.up.find("DROP VIEW \"public\".\"active_users\"")
            .expect("{m.up}");
    let drop_table =
        m.up.find("DROP TABLE \"public\".\"users\"")
            .expect("table goes");
    assert!(drop_view < drop_table, "{}", m.up);
}

#[test]
fn moving_views_around_in_the_file_writes_nothing() {
    let p = Project::new("view_order");
    p.step(&schema(TABLES, VIEWS));
    let moved = VIEWS.replace(
        "  top_users: SELECT * FROM active_users WHERE score > 10\n",
        "",
    ) + "  top_users: SELECT * FROM active_users WHERE score > 10\n";
    let report = p.generate(&schema(TABLES, &moved), false);
    assert!(
        matches!(report.databases[0].1, schemac::Outcome::Unchanged { .. }),
        "{:?}",
        report.databases
    );
}

#[test]
fn a_query_that_ends_in_a_comment_and_a_check_option_apply() {
    let before = schema(TABLES, VIEWS);
    let after = before.clone()
        + "  scores:\n    sql: |\n      SELECT id, score FROM users\n      WHERE score > 0 -- positive only\n    check_option: local\n    security_barrier: true\n";
    let (_db, m) = up_and_down_on_rows("view_comment_end", &before, &after, ROWS, false);
    assert!(
        m.up.contains("WHERE score > 0 -- positive only\n\n  WITH LOCAL CHECK OPTION;"),
        "{}",
        m.up
    );
    assert!(
        m.up.contains("WITH (security_barrier = true) AS"),
        "{}",
        m.up
    );
}

const WRITE_THROUGH: &str = "
functions:
  add_active_user:
    returns: trigger
    language: plpgsql
    body: |
      BEGIN
        INSERT INTO users (id, email, status, score) VALUES (NEW.id, NEW.email, 'active', NEW.score);
        RETURN NEW;
      END
";

/// `VIEWS` with an `INSTEAD OF INSERT` trigger on `active_users`.
fn with_trigger(views: &str) -> String {
    views.replace(
        "    comment: Users who may sign in\n",
        "    comment: Users who may sign in\n    triggers:\n      add_through:\n        instead_of: insert\n        function: add_active_user\n",
    )
}

fn insert_through_view(db: &mut schemac_tests::TestDb, id: i64) {
    db.client
        .execute(
            "INSERT INTO active_users (id, email, score, status) VALUES ($1, 'new@example.com', 30, 'active')",
            &[&id],
        )
        .unwrap_or_else(|e| panic!("insert through the view: {e}"));
    let email: String = db
        .client
        .query_one("SELECT email FROM users WHERE id = $1", &[&id])
        .expect("the row reached the table")
        .get(0);
    assert_eq!(email, "new@example.com");
}

#[test]
fn a_views_instead_of_trigger_writes_through_it() {
    let before = schema(TABLES, VIEWS);
    let after = format!("{WRITE_THROUGH}{}", schema(TABLES, &with_trigger(VIEWS)));
    let (_db, m) = up_and_down_on_rows("view_trigger", &before, &after, ROWS, false);
    assert!(
        m.up.contains("CREATE TRIGGER \"add_through\" INSTEAD OF INSERT ON \"public\".\"active_users\"\n  FOR EACH ROW"),
        "{}",
        m.up
    );
    assert!(
        m.down
            .contains("DROP TRIGGER \"add_through\" ON \"public\".\"active_users\""),
        "{}",
        m.down
    );
    // Migrated up again, a write to the view lands in the table.
    let before = format!("{WRITE_THROUGH}{}", schema(TABLES, &with_trigger(VIEWS)));
    let after = before.replace("score: integer", "score: bigint");
    let (mut db, m) = up_and_down_on_rows("view_trigger_again", &before, &after, ROWS, false);
    // The view goes before the column changes and comes back with its trigger.
    let view =
        m.up.find("CREATE VIEW \"public\".\"active_users\"")
            .expect("view back");
    let trigger =
        m.up.find("CREATE TRIGGER \"add_through\"")
            .expect("trigger back");
    assert!(view < trigger, "{}", m.up);
    insert_through_view(&mut db, 10);
}
