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
