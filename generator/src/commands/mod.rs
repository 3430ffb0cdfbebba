//! The commands, one module each, over the libraries beside them: each
//! returns [`crate::Error`] and leaves the disk as it was when it fails.

pub mod check;
pub mod diff;
pub mod discard;
pub mod erd;
pub mod generate;
pub mod init;
pub mod lint;
pub mod rebase;
