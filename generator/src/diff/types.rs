//! Type changes: which ones keep every value, and the default cast.

use schemac_schema::model::*;
use schemac_schema::sql::ident;

/// How many decimal digits an integer type needs.
fn integer_digits(b: &BaseType) -> Option<u32> {
    match b {
        BaseType::SmallInt => Some(5),
        BaseType::Integer | BaseType::Serial => Some(10),
        BaseType::BigInt | BaseType::BigSerial => Some(19),
        _ => None,
    }
}

/// Whether every value of `from` survives as a value of `to`.
pub fn widens(from: &ColumnType, to: &ColumnType, old: &Schema, new: &Schema) -> bool {
    if from.array != to.array {
        return false;
    }
    let (f, t) = (&from.base, &to.base);
    // IDs and enums are judged by what Postgres stores.
    let storage = |b: &BaseType, s: &Schema| -> BaseType {
        match b {
            BaseType::Id(n) => match s.id_type(n).map(|i| i.storage) {
                Some(IdStorage::Text) => BaseType::Text,
                _ => BaseType::Uuid,
            },
            other => other.clone(),
        }
    };
    let (f, t) = (storage(f, old), storage(t, new));
    if f == t {
        return true;
    }
    match (&f, &t) {
        (_, BaseType::Text | BaseType::Citext | BaseType::Varchar(None)) => {
            !matches!(f, BaseType::Bytea)
        }
        (a, b) if integer_digits(a).is_some() && integer_digits(b).is_some() => {
            integer_digits(a) <= integer_digits(b)
        }
        (a, BaseType::Numeric(None)) if integer_digits(a).is_some() => true,
        (a, BaseType::Numeric(Some((p, s)))) if integer_digits(a).is_some() => {
            integer_digits(a).is_some_and(|d| p - s.unwrap_or(0) >= d)
        }
        (BaseType::Real, BaseType::Double) => true,
        (BaseType::Numeric(Some(_)), BaseType::Numeric(None)) => true,
        (BaseType::Numeric(Some((p1, s1))), BaseType::Numeric(Some((p2, s2)))) => {
            let (s1, s2) = (s1.unwrap_or(0), s2.unwrap_or(0));
            p2 - s2 >= p1 - s1 && s2 >= s1
        }
        (BaseType::Varchar(Some(a)), BaseType::Varchar(Some(b))) => b >= a,
        (BaseType::Char(a), BaseType::Varchar(Some(b))) => b >= a,
        (BaseType::Char(a), BaseType::Char(b)) => b >= a,
        (BaseType::Timestamp, BaseType::Timestamptz)
        | (BaseType::Timestamptz, BaseType::Timestamp) => true,
        (BaseType::Date, BaseType::Timestamp | BaseType::Timestamptz) => true,
        (BaseType::Json, BaseType::Jsonb) | (BaseType::Jsonb, BaseType::Json) => true,
        _ => false,
    }
}

/// The cast for `ALTER ... TYPE ... USING` when the schema gives none.
pub fn default_using(column: &str, from: &ColumnType, to: &ColumnType, to_sql: &str) -> String {
    let col = ident(column);
    let is_enum = |t: &ColumnType| matches!(t.base, BaseType::Enum(_));
    match (&from.base, &to.base) {
        // A timestamp without zone is taken as UTC (and read back as UTC).
        (BaseType::Timestamp, BaseType::Timestamptz)
        | (BaseType::Timestamptz, BaseType::Timestamp)
            if !from.array =>
        {
            format!("{col} AT TIME ZONE 'UTC'")
        }
        _ if is_enum(from) || is_enum(to) => {
            if from.array {
                format!("{col}::text[]::{to_sql}")
            } else {
                format!("{col}::text::{to_sql}")
            }
        }
        _ => format!("{col}::{to_sql}"),
    }
}

/// Types whose stored defaults Postgres converts on `ALTER ... TYPE` to
/// exactly what a fresh column of the new type would hold.
#[derive(PartialEq, Eq)]
enum DefaultFamily {
    Number,
    DateTime,
}

fn default_family(b: &BaseType) -> Option<DefaultFamily> {
    match b {
        BaseType::SmallInt
        | BaseType::Integer
        | BaseType::BigInt
        | BaseType::Numeric(_)
        | BaseType::Real
        | BaseType::Double => Some(DefaultFamily::Number),
        BaseType::Timestamp | BaseType::Timestamptz | BaseType::Date => {
            Some(DefaultFamily::DateTime)
        }
        _ => None,
    }
}

/// Whether a column's default can stay in place across its type change:
/// Postgres converts the stored default itself, so dropping and setting it
/// again would only be noise. It cannot for enums (no cast from the old
/// label), across type families, or for a quoted literal whose stored form
/// names the old type (`'en'::character varying` after a change to text,
/// where a fresh column holds `'en'::text`).
pub fn default_survives(
    from: &ColumnType,
    to: &ColumnType,
    old_default: &str,
    new_default: &str,
) -> bool {
    let same_text = old_default
        .split_whitespace()
        .eq(new_default.split_whitespace());
    if !same_text || from.array || to.array {
        return false;
    }
    let (f, t) = (&from.base, &to.base);
    let same_type_name = std::mem::discriminant(f) == std::mem::discriminant(t)
        && !matches!(f, BaseType::Enum(_) | BaseType::Id(_));
    if same_type_name {
        return true;
    }
    let quoted = old_default.trim_start().starts_with('\'');
    !quoted && default_family(f).is_some_and(|a| default_family(t) == Some(a))
}
