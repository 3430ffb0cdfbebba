//! `timestamp(P)`, `timestamptz(P)`, `time(P)`: created with their
//! precision, values rounded to it by PostgreSQL, a narrowing refused as
//! data loss unless allowed, then run on rows up and down.

use schemac::GenerateOptions;
use schemac_tests::TestDb;
use schemac_tests::project::{Project, up_and_down_on_rows};

const BEFORE: &str = "
tables:
  events:
    columns:
      id: { type: bigint, primary_key: true }
      at: timestamptz(3)
      local_at: timestamp(6)?
      opens: time(0)?
";

#[test]
fn times_keep_their_precision_and_a_narrowing_is_data_loss() {
    let p = Project::new("time_precision");
    let init = p.step(BEFORE);
    assert!(
        init.up.contains("\"at\"       timestamptz(3) NOT NULL")
            && init.up.contains("\"opens\"    time(0)"),
        "{}",
        init.up
    );
    let mut db = TestDb::create("time_precision");
    db.apply_migration(&init.up);
    db.client
        .batch_execute("INSERT INTO events VALUES (1, '2026-01-02 03:04:05.123456+00', '2026-01-02 03:04:05.123456', '09:30:00.7')")
        .expect("a row");
    let row = db
        .client
        .query_one("SELECT at::text, opens::text FROM events", &[])
        .expect("read");
    assert_eq!(row.get::<_, String>(0), "2026-01-02 03:04:05.123+00");
    assert_eq!(row.get::<_, String>(1), "09:30:01");

    let after = BEFORE.replace("local_at: timestamp(6)?", "local_at: timestamp(0)?");
    std::fs::write(p.path().join("schema/app.yaml"), &after).expect("schema");
    let refused = schemac::generate(p.path(), &GenerateOptions::default())
        .expect_err("a narrowing is refused");
    assert!(
        refused
            .to_string()
            .contains("digits of a second past the 0 kept are rounded away"),
        "{refused}"
    );
    let (_, m) = up_and_down_on_rows(
        "time_precision_rows",
        BEFORE,
        &after,
        "INSERT INTO events VALUES (1, now(), '2026-01-02 03:04:05.5', '10:00')",
        true,
    );
    assert!(m.up.contains("TYPE timestamp(0)"), "{}", m.up);
}
