//! What `#[derive(RichId)]` builds on: monotonic ULIDs and parsing of the
//! external form `<prefix><separator><body>` with errors that say which part
//! is wrong.

use std::fmt;
use std::sync::Mutex;

pub use ulid::Ulid;

static GENERATOR: Mutex<ulid::Generator> = Mutex::new(ulid::Generator::new());

/// A new ULID, greater than every one this process made before, so rows
/// inserted in order sort in order even within one millisecond.
pub fn next_ulid() -> Ulid {
    let mut generator = match GENERATOR.lock() {
        Ok(guard) => guard,
        // The generator holds no invariant a panic elsewhere could break.
        Err(poisoned) => poisoned.into_inner(),
    };
    match generator.generate() {
        Ok(id) => id,
        Err(overflow) => overflow.commit_overflow_increment(),
    }
}

/// Why a string is not a valid ID of some type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdParseError {
    /// The Rust type asked for, e.g. `TenantId`.
    pub id_type: &'static str,
    /// The input (shortened when long).
    pub input: String,
    /// What is wrong with it.
    pub kind: IdParseErrorKind,
}

/// What is wrong with a text that should be an ID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdParseErrorKind {
    /// The input does not start with the prefix.
    WrongPrefix {
        /// The type's prefix.
        expected: &'static str,
    },
    /// The prefix is not followed by the separator.
    WrongSeparator {
        /// The type's separator.
        expected: &'static str,
        /// What stands there instead, if anything.
        found: Option<char>,
    },
    /// Nothing follows the separator.
    EmptyBody,
    /// The ULID body has the wrong length.
    BodyLength {
        /// Its length in characters (a ULID has 26).
        found: usize,
    },
    /// A character of the ULID body is not Crockford base32.
    BodyCharacter {
        /// Its position in the body, from 0.
        position: usize,
        /// The character.
        found: char,
    },
    /// The ULID body is more than 128 bits.
    BodyOverflow,
}

impl fmt::Display for IdParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {} {:?}: ", self.id_type, self.input)?;
        match &self.kind {
            IdParseErrorKind::WrongPrefix { expected } => {
                write!(f, "expected the prefix {expected:?}")
            }
            IdParseErrorKind::WrongSeparator { expected, found } => match found {
                Some(c) => write!(f, "expected {expected:?} after the prefix, found {c:?}"),
                None => write!(f, "expected {expected:?} and a body after the prefix"),
            },
            IdParseErrorKind::EmptyBody => f.write_str("nothing follows the separator"),
            IdParseErrorKind::BodyLength { found } => write!(
                f,
                "the ULID after the separator must be 26 characters, found {found}"
            ),
            IdParseErrorKind::BodyCharacter { position, found } => write!(
                f,
                "character {found:?} at position {position} of the ULID is not Crockford base32 \
                 (0-9, A-Z without I, L, O, U)"
            ),
            IdParseErrorKind::BodyOverflow => {
                f.write_str("the ULID is too large (its first character must be 0-7)")
            }
        }
    }
}

impl std::error::Error for IdParseError {}

fn shortened(input: &str) -> String {
    match input.char_indices().nth(80) {
        Some((at, _)) => format!("{}...", &input[..at]),
        None => input.to_owned(),
    }
}

/// The text after `prefix` and `separator`, or what is wrong with `input`.
pub fn split_external<'a>(
    input: &'a str,
    id_type: &'static str,
    prefix: &'static str,
    separator: &'static str,
) -> Result<&'a str, IdParseError> {
    let error = |kind| IdParseError {
        id_type,
        input: shortened(input),
        kind,
    };
    let rest = input
        .strip_prefix(prefix)
        .ok_or_else(|| error(IdParseErrorKind::WrongPrefix { expected: prefix }))?;
    let body = rest.strip_prefix(separator).ok_or_else(|| {
        error(IdParseErrorKind::WrongSeparator {
            expected: separator,
            found: rest.chars().next(),
        })
    })?;
    if body.is_empty() {
        return Err(error(IdParseErrorKind::EmptyBody));
    }
    Ok(body)
}

/// A ULID body; lower case is accepted, as Crockford base32 allows.
pub fn parse_ulid_body(
    body: &str,
    input: &str,
    id_type: &'static str,
) -> Result<Ulid, IdParseError> {
    let error = |kind| IdParseError {
        id_type,
        input: shortened(input),
        kind,
    };
    let count = body.chars().count();
    if count != 26 {
        return Err(error(IdParseErrorKind::BodyLength { found: count }));
    }
    let mut value: u128 = 0;
    for (position, c) in body.chars().enumerate() {
        let digit = crockford_digit(c).ok_or_else(|| {
            error(IdParseErrorKind::BodyCharacter {
                position: position + 1,
                found: c,
            })
        })?;
        if position == 0 && digit > 7 {
            return Err(error(IdParseErrorKind::BodyOverflow));
        }
        value = (value << 5) | u128::from(digit);
    }
    Ok(Ulid(value))
}

fn crockford_digit(c: char) -> Option<u8> {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let upper = c.to_ascii_uppercase();
    if !upper.is_ascii() {
        return None;
    }
    ALPHABET
        .iter()
        .position(|&a| a == upper as u8)
        .map(|p| p as u8)
}

/// The field of a `#[derive(RichId)]` struct with a ULID body. Generated
/// code goes through this trait, so a wrong field type gives one error, here.
#[diagnostic::on_unimplemented(
    message = "a RichId with a ULID body wraps `schemac_runtime::Ulid`, not `{Self}`",
    label = "use `schemac_runtime::Ulid` here",
    note = "for an ID made elsewhere, write #[rich_id(body = \"any\", storage = \"text\")] and wrap a String"
)]
pub trait UlidBody: Sized {
    /// The ULID held.
    fn to_ulid(&self) -> Ulid;
    /// A body holding `ulid`.
    fn from_ulid(ulid: Ulid) -> Self;
}

impl UlidBody for Ulid {
    fn to_ulid(&self) -> Ulid {
        *self
    }

    fn from_ulid(ulid: Ulid) -> Self {
        ulid
    }
}

/// The field of a `#[derive(RichId)]` struct with `body = "any"`.
#[diagnostic::on_unimplemented(
    message = "a RichId with body = \"any\" wraps `String`, not `{Self}`",
    label = "use `String` here"
)]
pub trait AnyBody: Sized {
    /// The body's text, after the prefix and separator.
    fn as_body(&self) -> &str;
    /// A body holding `body`.
    fn from_body(body: &str) -> Self;
}

impl AnyBody for String {
    fn as_body(&self) -> &str {
        self
    }

    fn from_body(body: &str) -> Self {
        body.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ulids_increase_within_a_millisecond() {
        let ids: Vec<Ulid> = (0..1000).map(|_| next_ulid()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn body_parses_back() {
        let id = next_ulid();
        let text = id.to_string();
        assert_eq!(parse_ulid_body(&text, &text, "T"), Ok(id));
        assert_eq!(parse_ulid_body(&text.to_lowercase(), &text, "T"), Ok(id));
    }

    #[test]
    fn errors_name_the_part() {
        let e = split_external("tenant_01", "TenantId", "tenant", "-").unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"invalid TenantId "tenant_01": expected "-" after the prefix, found '_'"#
        );
        let e = parse_ulid_body("01H2XVNZ7C9NXWK3TMCRD9QWMU", "x", "TenantId").unwrap_err();
        assert_eq!(
            e.kind,
            IdParseErrorKind::BodyCharacter {
                position: 26,
                found: 'U'
            }
        );
        let e = parse_ulid_body("81H2XVNZ7C9NXWK3TMCRD9QWMN", "x", "TenantId").unwrap_err();
        assert_eq!(e.kind, IdParseErrorKind::BodyOverflow);
    }
}
