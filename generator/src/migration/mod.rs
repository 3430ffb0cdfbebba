//! What a migration is, with no command inside: its steps, its text, its
//! name, the order it keeps, the hints it records, the hazard comments it
//! carries and the directory it lives in.

pub mod dir;
pub mod hazards;
pub mod hints;
pub mod name;
pub mod order;
pub mod steps;
pub mod text;
