//! A throw-away schemac project: one schema file, generated step by step.

use std::path::Path;

use schemac::{GenerateOptions, Outcome, Report};
use schemac_schema::migration_dir::Journal;

use crate::TempDir;

pub struct Project {
    dir: TempDir,
}

/// One migration as written: its tag, up and down SQL.
pub struct Migration {
    pub tag: String,
    pub up: String,
    pub down: String,
}

impl Project {
    pub fn new(label: &str) -> Project {
        let dir = TempDir::new(label);
        std::fs::create_dir_all(dir.path().join("schema")).expect("schema dir");
        Project { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Replaces the schema and runs `generate` (data loss allowed when asked).
    pub fn generate(&self, yaml: &str, allow_data_loss: bool) -> Report {
        std::fs::write(self.path().join("schema/app.yaml"), yaml).expect("write schema");
        let options = GenerateOptions {
            allow_data_loss,
            ..GenerateOptions::default()
        };
        schemac::generate(self.path(), &options)
            .unwrap_or_else(|e| panic!("generate fails:\n{e}\n--- schema ---\n{yaml}"))
    }

    /// Like `generate`, and the one migration it must have written.
    pub fn step(&self, yaml: &str) -> Migration {
        let report = self.generate(yaml, false);
        match &report.databases[0].1 {
            Outcome::Created { tags, .. } if tags.len() == 1 => self.migration(&tags[0]),
            other => panic!("expected one new migration, got {other:?}"),
        }
    }

    pub fn migration(&self, tag: &str) -> Migration {
        let read = |name: String| {
            std::fs::read_to_string(self.path().join("migrations").join(&name))
                .unwrap_or_else(|e| panic!("cannot read {name}: {e}"))
        };
        Migration {
            tag: tag.to_string(),
            up: read(format!("{tag}.sql")),
            down: read(format!("{tag}.down.sql")),
        }
    }

    pub fn journal(&self) -> Journal {
        let text = std::fs::read_to_string(self.path().join("migrations/meta/_journal.json"))
            .expect("journal");
        Journal::from_json(&text).expect("journal parses")
    }
}

/// A schema change tried on a filled table: `before` is built and filled
/// with `rows`, migrated to `after` (which must equal a fresh `after`), then
/// migrated down with the rows still there (which must equal a fresh
/// `before`). Returns the database, at `before` again, and the migration.
pub fn up_and_down_on_rows(
    label: &str,
    before: &str,
    after: &str,
    rows: &str,
    allow_data_loss: bool,
) -> (crate::TestDb, Migration) {
    use crate::{TestDb, catalog, diff};
    let p = Project::new(label);
    let init = p.step(before);
    let report = p.generate(after, allow_data_loss);
    let tag = match &report.databases[0].1 {
        Outcome::Created { tags, .. } if tags.len() == 1 => tags[0].clone(),
        other => panic!("expected one migration, got {other:?}"),
    };
    let m = p.migration(&tag);
    let fresh_of = |yaml: &str, label: &str| {
        let q = Project::new(label);
        let init = q.step(yaml);
        let mut db = TestDb::create(label);
        db.apply_migration(&init.up);
        catalog::without_column_positions(catalog::read(&mut db.client))
    };
    let mut db = TestDb::create(label);
    db.apply_migration(&init.up);
    db.client
        .batch_execute(rows)
        .unwrap_or_else(|e| panic!("rows go in: {e}"));
    db.apply_migration(&m.up);
    let migrated = catalog::without_column_positions(catalog::read(&mut db.client));
    let expected = fresh_of(after, "fresh_after");
    assert!(
        migrated == expected,
        "migrated differs from a fresh build:\n{}\n--- up ---\n{}",
        diff(&expected.join("\n"), &migrated.join("\n")),
        m.up
    );
    db.apply_migration(&m.down);
    let back = catalog::without_column_positions(catalog::read(&mut db.client));
    let expected = fresh_of(before, "fresh_before");
    assert!(
        back == expected,
        "the down differs from a fresh build of before:\n{}\n--- down ---\n{}",
        diff(&expected.join("\n"), &back.join("\n")),
        m.down
    );
    (db, m)
}
