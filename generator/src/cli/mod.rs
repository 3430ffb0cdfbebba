//! The binary's commands that are more than a call into the library: the
//! runners (which need the database) and the team paths that ask it.

#[macro_use]
pub mod out;
pub mod check_data;
pub mod migrate;
pub mod queries;
pub mod seed;
pub mod team;

/// Exit codes: 0 success, 1 the schema or migrations are wrong, 2 usage error.
pub const EXIT_FAILURE: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
