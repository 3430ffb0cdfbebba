//! Domains through migrations, on filled tables: created before the columns
//! of them, their checks, default and NOT NULL altered in place, a column
//! moved onto one, and every down brings back the database before; values
//! bound to a domain column from Rust are written as its base type.

use schemac_tests::project::up_and_down_on_rows;
use schemac_tests::tokio_runtime;

const SCHEMA: &str = "
domains:
  year:
    type: integer
    checks:
      year_check: VALUE >= 1901 AND VALUE <= 2155
    comment: A year a film can come out in
  label: text
tables:
  film:
    columns:
      id: { type: bigint, primary_key: true }
      title: label
      release_year: year?
      made: integer
";

const ROWS: &str = "INSERT INTO film (id, title, release_year, made) VALUES \
    (1, 'Alien', 1979, 1979), (2, 'Heat', NULL, 1995)";

#[test]
fn a_changed_check_default_and_not_null_alter_the_domain_in_place() {
    let after = SCHEMA
        .replace("VALUE >= 1901 AND VALUE <= 2155", "VALUE >= 1888")
        .replace(
            "  label: text\n",
            "  label:\n    type: text\n    not_null: true\n    default_sql: \"'untitled'\"\n",
        );
    let (_db, m) = up_and_down_on_rows("domain_alter", SCHEMA, &after, ROWS, false);
    for statement in [
        "ALTER DOMAIN \"public\".\"year\" DROP CONSTRAINT \"year_check\"",
        "ALTER DOMAIN \"public\".\"year\" ADD CONSTRAINT \"year_check\" CHECK (VALUE >= 1888)",
        "ALTER DOMAIN \"public\".\"label\" SET DEFAULT 'untitled'",
        "ALTER DOMAIN \"public\".\"label\" SET NOT NULL",
    ] {
        assert!(m.up.contains(statement), "{statement} in\n{}", m.up);
    }
    assert!(!m.up.contains("DROP DOMAIN"), "{}", m.up);
}

#[test]
fn a_column_moves_onto_a_new_domain_and_back() {
    let after = SCHEMA
        .replace("      made: integer\n", "      made: year\n")
        .replacen("domains:\n", "domains:\n  rating: numeric(3,1)\n", 1);
    let (_db, m) = up_and_down_on_rows("domain_column", SCHEMA, &after, ROWS, false);
    let create =
        m.up.find("CREATE DOMAIN \"public\".\"rating\" AS numeric(3,1)")
            .unwrap_or_else(|| panic!("{}", m.up));
    let alter =
        m.up.find("ALTER COLUMN \"made\" TYPE \"public\".\"year\"")
            .unwrap_or_else(|| panic!("{}", m.up));
    assert!(create < alter, "{}", m.up);
    assert!(
        m.down.contains("DROP DOMAIN \"public\".\"rating\""),
        "{}",
        m.down
    );
}

#[test]
fn a_domain_dropped_with_its_columns_goes_after_them() {
    let after = SCHEMA
        .replace("      release_year: year?\n", "")
        .replace(
            "  year:\n    type: integer\n    checks:\n      year_check: VALUE >= 1901 AND VALUE <= 2155\n    comment: A year a film can come out in\n",
            "",
        );
    let (_db, m) = up_and_down_on_rows("domain_drop", SCHEMA, &after, ROWS, true);
    let column = m.up.find("DROP COLUMN \"release_year\"").expect("column");
    let domain =
        m.up.find("DROP DOMAIN \"public\".\"year\"")
            .expect("domain");
    assert!(column < domain, "{}", m.up);
}

#[test]
fn values_bound_to_domain_columns_are_written_as_the_base_type() {
    let (db, _m) = up_and_down_on_rows(
        "domain_params",
        SCHEMA,
        &SCHEMA.replace("made: integer", "made: bigint"),
        ROWS,
        false,
    );
    tokio_runtime().block_on(async {
        use schemac_runtime::{PoolConfig, ReadWritePool, Write};
        let pool = ReadWritePool::read_write(PoolConfig::new(db.url.clone())).expect("pool");
        // PostgreSQL types these parameters as the domains `label` and `year`.
        let written = pool
            .execute(
                "INSERT INTO film (id, title, release_year, made) VALUES ($1, $2, $3, $4)",
                &[&3i64, &"Ran", &Some(1985i32), &1985i32],
            )
            .await
            .expect("an insert binding domain columns");
        assert_eq!(written, 1);
        let refused = pool
            .execute(
                "UPDATE film SET release_year = $1 WHERE id = $2",
                &[&Some(1800i32), &3i64],
            )
            .await;
        let message = format!("{:?}", refused.expect_err("the domain's check holds"));
        assert!(message.contains("year_check"), "{message}");
    });
}

#[test]
fn a_domain_whose_base_type_changes_is_rebuilt_under_its_columns() {
    // A view over a column of it goes along, as over any retyped column.
    let before = format!("{SCHEMA}views:\n  releases: SELECT id, release_year FROM film\n");
    let after = before.replace("    type: integer\n", "    type: bigint\n");
    let (mut db, m) = up_and_down_on_rows("domain_rebase", &before, &after, ROWS, false);
    // Named by what it is about: the table and the domain, not the name
    // the old domain steps aside to.
    assert!(m.tag.ends_with("_film_and_year"), "{}", m.tag);
    let order = [
        "ALTER DOMAIN \"public\".\"year\" RENAME TO \"year__schemac_old\"",
        "CREATE DOMAIN \"public\".\"year\" AS bigint",
        "ALTER COLUMN \"release_year\" TYPE \"public\".\"year\"",
        "DROP DOMAIN \"public\".\"year__schemac_old\"",
    ];
    let at: Vec<usize> = order
        .iter()
        .map(|s| {
            m.up.find(s)
                .unwrap_or_else(|| panic!("{s} not in:\n{}", m.up))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{}", m.up);
    // The down rebuilds it over integer again, the rows kept.
    assert!(
        m.down
            .contains("CREATE DOMAIN \"public\".\"year\" AS integer"),
        "{}",
        m.down
    );
    let years: Vec<Option<i32>> = db
        .client
        .query("SELECT release_year FROM film ORDER BY id", &[])
        .expect("read")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(years, [Some(1979), None]);
}
