//! What `#[derive(PgEnum)]` builds on.

use std::fmt;

/// A label that is not one of a Postgres enum's values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownLabel {
    /// The Postgres type, e.g. `causes_enum`.
    pub type_name: &'static str,
    /// The label read.
    pub label: String,
    /// The type's labels, as the Rust enum knows them.
    pub expected: &'static [&'static str],
}

impl fmt::Display for UnknownLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a value of the enum {} (expected one of: ",
            self.label, self.type_name
        )?;
        for (i, label) in self.expected.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{label:?}")?;
        }
        f.write_str(")")
    }
}

impl std::error::Error for UnknownLabel {}
