//! Functions, aggregates and triggers through migrations, on filled tables:
//! a new body replaces the old in place, a new signature is a drop and a
//! create with what uses the function dropped first and created again
//! after, and every migration's down brings back the database before.

use schemac_tests::project::up_and_down_on_rows;

const SCHEMA: &str = "
functions:
  touch:
    returns: trigger
    language: plpgsql
    body: |
      BEGIN
        NEW.touched := NEW.touched + 1;
        RETURN NEW;
      END
  score_of:
    args: [p_id bigint]
    returns: integer
    language: sql
    volatility: stable
    body: SELECT score FROM players WHERE id = p_id
  _joined:
    args: [text, text]
    returns: text
    language: sql
    volatility: immutable
    body: SELECT CASE WHEN $1 IS NULL THEN $2 ELSE $1 || ', ' || $2 END
aggregates:
  joined:
    args: [text]
    sfunc: _joined
    stype: text
tables:
  players:
    columns:
      id: { type: bigint, primary_key: true }
      name: text
      score: integer
      touched: { type: integer, default: 0 }
      seen_at: { type: timestamptz, default_sql: now(), on_update: { now: trigger } }
    triggers:
      touch_on_update:
        before: update
        update_of: [score]
        function: touch
views:
  board: SELECT joined(name) AS names, score_of(1) AS first FROM players
";

const ROWS: &str = "INSERT INTO players (id, name, score) VALUES (1, 'ada', 10), (2, 'bob', 7)";

fn text(db: &mut schemac_tests::TestDb, sql: &str) -> String {
    let row = db
        .client
        .query_one(sql, &[])
        .unwrap_or_else(|e| panic!("{e}\n{sql}"));
    row.get::<_, Option<String>>(0).unwrap_or_default()
}

#[test]
fn a_new_body_replaces_the_function_in_place() {
    let after = SCHEMA.replace("NEW.touched + 1", "NEW.touched + 10");
    let (mut db, m) = up_and_down_on_rows("fn_body", SCHEMA, &after, ROWS, false);
    assert!(
        m.up.contains("CREATE OR REPLACE FUNCTION \"public\".\"touch\"()"),
        "{}",
        m.up
    );
    assert!(
        !m.up.contains("DROP"),
        "nothing that uses it goes:\n{}",
        m.up
    );
    assert!(m.tag.ends_with("_alter_touch"), "{}", m.tag);
    // The down put the old body back: an update of the score adds one.
    db.client
        .batch_execute("UPDATE players SET score = score + 1 WHERE id = 1")
        .expect("update");
    assert_eq!(
        text(&mut db, "SELECT touched::text FROM players WHERE id = 1"),
        "1"
    );
}

#[test]
fn a_new_signature_takes_its_views_triggers_and_aggregates_along() {
    let after = SCHEMA
        .replace("args: [text, text]", "args: [a text, b text]")
        .replace(
            "$1 IS NULL THEN $2 ELSE $1 || ', ' || $2",
            "a IS NULL THEN b ELSE a || ', ' || b",
        )
        .replace(
            "args: [p_id bigint]",
            "args: [p_id bigint, p_bonus integer DEFAULT 0]",
        )
        .replace("WHERE id = p_id", "WHERE id = p_id + 0 * p_bonus")
        .replace(
            "returns: trigger\n    language: plpgsql",
            "returns: trigger\n    language: plpgsql\n    security: definer",
        );
    let (mut db, m) = up_and_down_on_rows("fn_signature", SCHEMA, &after, ROWS, false);
    let at = |needle: &str| {
        m.up.find(needle)
            .unwrap_or_else(|| panic!("{needle} in\n{}", m.up))
    };
    // The view calls both functions and the aggregate: it goes first.
    let drop_view = at("DROP VIEW \"public\".\"board\"");
    let drop_aggregate = at("DROP AGGREGATE \"public\".\"joined\"(text)");
    let drop_joined = at("DROP FUNCTION \"public\".\"_joined\"(text, text)");
    let drop_score = at("DROP FUNCTION \"public\".\"score_of\"(bigint)");
    let create_joined = at("CREATE FUNCTION \"public\".\"_joined\"(a text, b text)");
    let create_aggregate = at("CREATE AGGREGATE \"public\".\"joined\"(text)");
    let create_view = at("CREATE VIEW \"public\".\"board\"");
    assert!(
        drop_view < drop_aggregate && drop_aggregate < drop_joined,
        "{}",
        m.up
    );
    assert!(drop_view < drop_score, "{}", m.up);
    assert!(
        drop_joined < create_joined && create_joined < create_aggregate,
        "{}",
        m.up
    );
    assert!(create_aggregate < create_view, "{}", m.up);
    assert!(
        m.up.contains("-- joined is created again below: it calls _joined, which is created again"),
        "{}",
        m.up
    );
    // A changed option with the same signature is replaced; its trigger stays.
    assert!(
        m.up.contains("CREATE OR REPLACE FUNCTION \"public\".\"touch\"()"),
        "{}",
        m.up
    );
    assert!(!m.up.contains("DROP TRIGGER"), "{}", m.up);
    assert_eq!(text(&mut db, "SELECT names FROM board"), "ada, bob");
}

#[test]
fn a_changed_trigger_is_dropped_and_created_and_fires_as_written() {
    let after = SCHEMA.replace("        update_of: [score]\n", "");
    let (mut db, m) = up_and_down_on_rows("trigger_change", SCHEMA, &after, ROWS, false);
    let drop =
        m.up.find("DROP TRIGGER \"touch_on_update\" ON \"public\".\"players\"")
            .expect("dropped");
    let create =
        m.up.find("CREATE TRIGGER \"touch_on_update\" BEFORE UPDATE ON \"public\".\"players\"")
            .expect("created");
    assert!(drop < create, "{}", m.up);
    // After the down it watches the score only again: a name change does not count.
    db.client
        .batch_execute("UPDATE players SET name = 'ada l.' WHERE id = 1")
        .expect("update");
    assert_eq!(
        text(&mut db, "SELECT touched::text FROM players WHERE id = 1"),
        "0"
    );
}

#[test]
fn a_column_a_trigger_watches_is_retyped_with_the_trigger_away() {
    let after = SCHEMA.replace("score: integer", "score: bigint");
    let (_db, m) = up_and_down_on_rows("trigger_retype", SCHEMA, &after, ROWS, false);
    let drop = m
        .up
        .find("-- touch_on_update is created again below: it reads columns of players, which change\nDROP TRIGGER")
        .unwrap_or_else(|| panic!("the reason is written:\n{}", m.up));
    let alter = m.up.find("ALTER TABLE").expect("retype");
    let create = m.up.find("CREATE TRIGGER").expect("created again");
    assert!(drop < alter && alter < create, "{}", m.up);
    assert!(m.tag.ends_with("_alter_players"), "{}", m.tag);
}

#[test]
fn on_update_now_by_trigger_sets_the_column_for_every_writer() {
    let (mut db, m) = up_and_down_on_rows(
        "on_update_trigger",
        SCHEMA,
        &SCHEMA.replace(
            "name: text",
            "name: text\n      nick: { type: text, nullable: true }",
        ),
        ROWS,
        false,
    );
    assert!(m.up.contains("ADD COLUMN \"nick\""), "{}", m.up);
    db.client
        .batch_execute("UPDATE players SET seen_at = '2000-01-01' WHERE id = 2")
        .expect("update");
    assert_eq!(
        text(
            &mut db,
            "SELECT (seen_at > now() - interval '1 minute')::text FROM players WHERE id = 2"
        ),
        "true",
        "a plain UPDATE outside the generated code gets now()"
    );
}

#[test]
fn a_new_function_a_new_default_calls_comes_before_the_column() {
    let after = SCHEMA
        .replace(
            "functions:\n",
            "functions:\n  fresh_name:\n    returns: text\n    language: sql\n    body: SELECT 'anon'\n",
        )
        .replace(
            "      name: text\n",
            "      name: text\n      alias: { type: text, default_sql: fresh_name() }\n",
        );
    let (mut db, m) = up_and_down_on_rows("fn_default", SCHEMA, &after, ROWS, false);
    let create =
        m.up.find("CREATE FUNCTION \"public\".\"fresh_name\"()")
            .expect("created");
    let add = m.up.find("ADD COLUMN \"alias\"").expect("added");
    assert!(create < add, "{}", m.up);
    // The down dropped the column before the function.
    assert_eq!(
        text(
            &mut db,
            "SELECT count(*)::text FROM pg_proc WHERE proname = 'fresh_name'"
        ),
        "0"
    );
}

#[test]
fn dropping_a_column_a_body_names_is_a_hazard() {
    let before = SCHEMA
        .replace(
            "NEW.touched + 1",
            "NEW.touched + 1 + coalesce(length(NEW.nick), 0)",
        )
        .replace(
            "name: text",
            "name: text\n      nick: { type: text, nullable: true }",
        );
    let after = SCHEMA.replace(
        "NEW.touched + 1",
        "NEW.touched + 1 + coalesce(length(NEW.nick), 0)",
    );
    let (_db, m) = up_and_down_on_rows("fn_body_hazard", &before, &after, ROWS, true);
    assert!(
        m.up.contains(
            "-- hazard function_body_dependency: function touch names nick in its body, and this migration drops it"
        ),
        "{}",
        m.up
    );
}

#[test]
fn a_view_over_an_aggregate_created_again_goes_with_it() {
    let after = SCHEMA
        .replace("args: [text, text]", "args: [a text, b text]")
        .replace(
            "$1 IS NULL THEN $2 ELSE $1 || ', ' || $2",
            "a IS NULL THEN b ELSE a || ', ' || b",
        );
    let (mut db, m) = up_and_down_on_rows("fn_aggregate_view", SCHEMA, &after, ROWS, false);
    let drop_view = m
        .up
        .find("-- board is created again below: it calls joined, which is created again\nDROP VIEW")
        .unwrap_or_else(|| panic!("{}", m.up));
    let drop_aggregate = m.up.find("DROP AGGREGATE").expect("aggregate goes");
    let create_view = m.up.find("CREATE VIEW").expect("view comes back");
    let create_aggregate = m.up.find("CREATE AGGREGATE").expect("aggregate comes back");
    assert!(
        drop_view < drop_aggregate && create_aggregate < create_view,
        "{}",
        m.up
    );
    assert_eq!(text(&mut db, "SELECT names FROM board"), "ada, bob");
}

#[test]
fn a_sql_function_reading_a_new_view_comes_after_it() {
    let after = SCHEMA.replace(
        "aggregates:\n",
        "  top_name:\n    returns: text\n    language: sql\n    volatility: stable\n    body: SELECT name FROM leaders LIMIT 1\naggregates:\n",
    ) + "  leaders: SELECT name FROM players ORDER BY score DESC\n";
    let (mut db, m) = up_and_down_on_rows("function_after_view", SCHEMA, &after, ROWS, false);
    let view =
        m.up.find("CREATE VIEW \"public\".\"leaders\"")
            .expect("view");
    let function =
        m.up.find("CREATE FUNCTION \"public\".\"top_name\"")
            .expect("function");
    assert!(
        view < function,
        "PostgreSQL checks the body when it is created:\n{}",
        m.up
    );
    // The down drops both (PostgreSQL keeps no dependency of a body on
    // what it reads, so either order runs, as the down just did).
    assert!(
        m.down.contains("DROP FUNCTION \"public\".\"top_name\""),
        "{}",
        m.down
    );
    assert_eq!(
        text(&mut db, "SELECT name FROM players WHERE id = 1"),
        "ada"
    );
}
