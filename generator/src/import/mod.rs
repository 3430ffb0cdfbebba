//! Reading another tool's migrations into schemac's terms: drizzle-kit's
//! directories (the 0.x layout with its journal, and the v1 layout of a
//! folder per migration), what their SQL files are and what PostgreSQL
//! hashes drizzle recorded for them, the quirks real directories have, and
//! what their newest snapshot says, to be compared with what the SQL makes.

pub mod drizzle;
mod snapshot;

pub use snapshot::SnapshotSummary;
