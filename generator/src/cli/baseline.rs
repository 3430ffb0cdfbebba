//! A baseline: the schema a database already has, as migration 0000,
//! recorded as applied (not run) by `schemac migrate` on a database that
//! is found to be at that state.

use std::path::Path;

use anyhow::{Context, Result, bail};
use schemac::GenerateOptions;
use schemac_schema::config::DatabaseConfig;
use schemac_schema::migration_dir::{Journal, layout};

/// Writes migration 0000 from the project's schema and marks it as the
/// baseline in the journal.
pub fn write(root: &Path, db: &DatabaseConfig) -> Result<()> {
    let options = GenerateOptions {
        name: Some("baseline".to_string()),
        database: Some(db.name.clone()),
        allow_data_loss: false,
        custom: None,
        rehash: false,
    };
    schemac::generate(root, &options)
        .map_err(|e| anyhow::anyhow!("{}: the pulled schema does not generate: {e}", db.name))?;
    let path = root.join(&db.migrations).join(layout::JOURNAL);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut journal =
        Journal::from_json(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let Some(first) = journal.entries.first_mut() else {
        bail!(
            "{}: the pulled schema is empty: no baseline written",
            db.name
        );
    };
    first.baseline = true;
    let tag = first.tag.clone();
    std::fs::write(&path, journal.to_json())
        .with_context(|| format!("cannot write {}", path.display()))?;
    outln!(
        "{}: wrote {} as the baseline: `schemac migrate` records it as applied on a database \
         already at this schema, and runs it on an empty one",
        db.name,
        db.migrations.join(layout::up(&tag)).display()
    );
    Ok(())
}
