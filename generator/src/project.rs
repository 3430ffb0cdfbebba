//! What every command does first: the project's configuration once its
//! schema compiled, and a migration asked for by tag or number.

use schemac_schema::Compiled;

use crate::error::{Error, Usage};
use crate::migration::dir::MigrationDir;

/// The number of the migration `tag` (a tag or a number) of `database`.
pub(crate) fn migration_position(
    dir: &MigrationDir,
    database: &str,
    tag: &str,
) -> Result<usize, Error> {
    let e = dir.entry(tag).ok_or_else(|| Usage::NoSuchMigration {
        database: database.to_string(),
        tag: tag.to_string(),
    })?;
    Ok(e.idx as usize)
}

/// The project's configuration, once the schema compiled without errors.
pub(crate) fn usable(compiled: &Compiled) -> Result<&schemac_schema::Config, Error> {
    if compiled.has_errors() {
        return Err(Error::Schema(compiled.report()));
    }
    compiled
        .config
        .as_ref()
        .ok_or(Error::Usage(Usage::NoConfiguration))
}
