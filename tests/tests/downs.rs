//! Down migrations run on tables that hold rows, or `generate` says which
//! one cannot and what would make it work; what a down cannot restore is
//! written at the top of its file.

use schemac_tests::TestDb;
use schemac_tests::project::Project;

const BEFORE: &str = "tables:
  tasks:
    columns:
      id: { type: bigserial, primary_key: true }
      minutes: smallint
      title: text
      code: { type: text, unique: true }
";

fn one(db: &mut TestDb, q: &str) -> String {
    db.client
        .query_one(q, &[])
        .unwrap_or_else(|e| panic!("{e}\n{q}"))
        .get(0)
}

fn filled(p: &Project) -> TestDb {
    let mut db = TestDb::create("downs");
    db.apply_migration(&p.migration(&p.journal().entries[0].tag).up);
    db.client
        .batch_execute(
            "INSERT INTO tasks (minutes, title, code) VALUES (90, 'a', 'A'), (5, 'b', 'B')",
        )
        .unwrap();
    db
}

#[test]
fn a_type_change_takes_its_conversion_back_from_the_schema() {
    let p = Project::new("downs_using");
    p.step(BEFORE);
    p.generate(
        &BEFORE.replace(
            "minutes: smallint",
            "minutes: { type: interval, using: { up: \"make_interval(mins => minutes)\", down: \"(extract(epoch from minutes) / 60)::smallint\" } }",
        ),
        true,
    );
    let m = p.migration(&p.journal().entries[1].tag);
    assert!(
        m.down
            .contains("USING (extract(epoch from minutes) / 60)::smallint"),
        "{}",
        m.down
    );
    let mut db = filled(&p);
    db.apply_migration(&m.up);
    assert_eq!(
        one(&mut db, "SELECT minutes::text FROM tasks WHERE code = 'A'"),
        "01:30:00"
    );
    db.apply_migration(&m.down);
    assert_eq!(
        one(&mut db, "SELECT minutes::text FROM tasks WHERE code = 'A'"),
        "90"
    );
}

#[test]
fn a_conversion_without_a_way_back_is_reported_when_generated() {
    let p = Project::new("downs_no_way_back");
    p.step(BEFORE);
    let report = p.generate(
        &BEFORE.replace(
            "minutes: smallint",
            "minutes: { type: interval, using: \"make_interval(mins => minutes)\" }",
        ),
        true,
    );
    let warned = report.warnings.iter().any(|w| {
        w.contains(
            "the down migration cannot convert `tasks.minutes` back from interval to smallint",
        ) && w.contains("using: { up: ..., down: ... }")
    });
    assert!(warned, "{:?}", report.warnings);
    // And it is true: Postgres refuses that down even with no rows.
    let tag = p.journal().entries[1].tag.clone();
    let m = p.migration(&tag);
    let mut db = TestDb::create("downs_no_way_back");
    db.apply_migration(&p.migration(&p.journal().entries[0].tag).up);
    db.apply_migration(&m.up);
    let err = db
        .client
        .batch_execute(&m.down.replace(schemac::ddl::BREAKPOINT, ""))
        .expect_err("no cast from interval to smallint");
    assert!(err.to_string().contains("cannot be cast") || format!("{err:?}").contains("cast"));
}

#[test]
fn a_dropped_column_comes_back_on_filled_tables_and_the_loss_is_written_down() {
    let p = Project::new("downs_drop_column");
    p.step(BEFORE);
    let report = p.generate(&BEFORE.replace("      title: text\n", ""), true);
    let m = p.migration(&p.journal().entries[1].tag);
    assert!(
        m.down.starts_with(
            "-- This down migration cannot bring back what the up migration removed:\n\
             --   - column `tasks.title` comes back holding '' in every row that was there\n"
        ),
        "{}",
        m.down
    );
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w
                .contains("down.sql cannot bring back what the up removed: column `tasks.title`")),
        "{:?}",
        report.warnings
    );
    let mut db = filled(&p);
    db.apply_migration(&m.up);
    db.apply_migration(&m.down);
    assert_eq!(
        one(&mut db, "SELECT count(*)::text FROM tasks WHERE title = ''"),
        "2"
    );
    // The column is NOT NULL without a default again, as before.
    assert_eq!(
        one(
            &mut db,
            "SELECT attnotnull::text || coalesce(pg_get_expr(d.adbin, d.adrelid), '-') FROM pg_attribute a \
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
             WHERE a.attrelid = 'tasks'::regclass AND a.attname = 'title'"
        ),
        "true-"
    );
}

#[test]
fn a_down_that_cannot_run_on_rows_is_named_with_what_would_make_it_work() {
    let p = Project::new("downs_unique");
    p.step(BEFORE);
    let report = p.generate(
        &BEFORE.replace("      code: { type: text, unique: true }\n", ""),
        true,
    );
    let warning = report
        .warnings
        .iter()
        .find(|w| w.contains("`tasks.code`") && w.starts_with("the down migration"))
        .unwrap_or_else(|| panic!("no warning for the unique column: {:?}", report.warnings));
    assert!(
        warning.contains("fails while `tasks` has rows"),
        "{warning}"
    );
    assert!(warning.contains("give the column a default"), "{warning}");
    let m = p.migration(&p.journal().entries[1].tag);
    let mut db = filled(&p);
    db.apply_migration(&m.up);
    let err = db
        .client
        .batch_execute(&m.down.replace(schemac::ddl::BREAKPOINT, ""))
        .expect_err("the warned down fails on rows");
    assert!(
        format!("{err:?}").contains("contains null values"),
        "{err:?}"
    );
}

#[test]
fn a_dropped_table_is_listed_as_coming_back_empty() {
    let p = Project::new("downs_drop_table");
    let two = format!(
        "{BEFORE}  notes:\n    columns:\n      id: {{ type: bigserial, primary_key: true }}\n"
    );
    p.step(&two);
    p.generate(BEFORE, true);
    let m = p.migration(&p.journal().entries[1].tag);
    assert!(
        m.down
            .contains("--   - the rows of table `notes` (it comes back empty)\n"),
        "{}",
        m.down
    );
}
