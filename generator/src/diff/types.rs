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

/// What Postgres stores for a type: an ID as uuid or text, a serial as its
/// integer type.
pub(super) fn stored(b: &BaseType, schema: &Schema) -> BaseType {
    match b {
        BaseType::Id(n) => match schema.id_type(n).map(|i| i.storage) {
            Some(IdStorage::Text) => BaseType::Text,
            _ => BaseType::Uuid,
        },
        other => other.referencing(),
    }
}

/// What the plain cast from `from` to `to` (see [`default_using`]) loses
/// without an error, if anything. A cast that fails on a value that does not
/// fit (a bigint too big for an integer, text that is no number) loses
/// nothing: the migration stops and rolls back. A cast that succeeds by
/// cutting or rounding the value loses it.
pub fn cast_loses(
    from: &ColumnType,
    to: &ColumnType,
    old: &Schema,
    new: &Schema,
) -> Option<String> {
    if from.array != to.array {
        return None;
    }
    let (f, t) = (stored(&from.base, old), stored(&to.base, new));
    if f == t {
        return None;
    }
    // A string too long for a shorter one makes the migration fail (see
    // `default_using`): nothing is cut, so nothing is lost.
    if is_string(&f) && matches!(t, BaseType::Varchar(Some(_)) | BaseType::Char(_)) {
        return None;
    }
    // An explicit cast to a bounded string cuts what is longer.
    if let BaseType::Varchar(Some(n)) | BaseType::Char(n) = t {
        let longest = match &f {
            BaseType::Varchar(Some(a)) | BaseType::Char(a) => Some(*a),
            BaseType::Enum(k) => old.enum_type(k).map(|e| {
                e.values
                    .iter()
                    .map(|v| v.chars().count() as u32)
                    .max()
                    .unwrap_or(0)
            }),
            BaseType::Boolean => Some(5),
            b => integer_digits(b).map(|d| d + 1),
        };
        if longest.is_some_and(|l| l <= n) {
            return None;
        }
        return Some(format!("values longer than {n} characters are cut to {n}"));
    }
    let scale = |b: &BaseType| match b {
        BaseType::Numeric(Some((_, s))) => Some(s.unwrap_or(0)),
        _ => None,
    };
    match (&f, &t) {
        (BaseType::Numeric(_) | BaseType::Real | BaseType::Double, b)
            if integer_digits(b).is_some() =>
        {
            Some("fractions are rounded away".into())
        }
        // A value with more decimal places makes the migration fail (see
        // `default_using`): nothing is rounded, so nothing is lost.
        (BaseType::Numeric(_), BaseType::Numeric(Some(_))) => None,
        (BaseType::Real | BaseType::Double, BaseType::Numeric(Some(_)))
            if scale(&f).is_none_or(|s| Some(s) > scale(&t)) =>
        {
            let s = scale(&t).unwrap_or(0);
            Some(format!(
                "digits past the {s} decimal place(s) of the new type are rounded away"
            ))
        }
        (BaseType::Double | BaseType::Numeric(_), BaseType::Real) => {
            Some("digits beyond real's 6 significant ones are rounded away".into())
        }
        (BaseType::Numeric(_), BaseType::Double) => {
            Some("digits beyond double precision's 15 significant ones are rounded away".into())
        }
        (BaseType::Time(a), BaseType::Time(b))
        | (BaseType::Timestamp(a), BaseType::Timestamp(b) | BaseType::Timestamptz(b))
        | (BaseType::Timestamptz(a), BaseType::Timestamptz(b) | BaseType::Timestamp(b))
            if b.unwrap_or(6) < a.unwrap_or(6) =>
        {
            Some(format!(
                "digits of a second past the {} kept are rounded away",
                b.unwrap_or(6)
            ))
        }
        (BaseType::Timestamp(_) | BaseType::Timestamptz(_), BaseType::Date) => {
            Some("the time of day is dropped".into())
        }
        (
            BaseType::Timestamp(_) | BaseType::Timestamptz(_) | BaseType::Interval,
            BaseType::Time(_),
        ) => Some("all but the time of day is dropped".into()),
        _ => None,
    }
}

/// The cast for `ALTER ... TYPE ... USING` when the schema gives none.
pub fn default_using(column: &str, from: &ColumnType, to: &ColumnType, to_sql: &str) -> String {
    let col = ident(column);
    let is_enum = |t: &ColumnType| matches!(t.base, BaseType::Enum(_));
    match (&from.base, &to.base) {
        // No explicit cast: that would cut a longer value to fit. Without
        // one, PostgreSQL converts as on assignment and refuses a value that
        // does not fit (`using: left(code, 16)` cuts on purpose).
        (f, BaseType::Varchar(Some(_)) | BaseType::Char(_)) if is_string(f) && !from.array => col,
        // A cast to fewer decimal places would round; a value that has more
        // is refused instead, PostgreSQL's error quoting it.
        (BaseType::Numeric(fp), BaseType::Numeric(Some((_, s))))
            if !from.array && fewer_places(fp, s.unwrap_or(0)) =>
        {
            let s = s.unwrap_or(0);
            format!(
                "CASE WHEN {col} = round({col}, {s}) THEN {col}::{to_sql} \
                 ELSE ({col} || ' has more than {s} decimal places, which {to_sql} rounds away')::{to_sql} END"
            )
        }
        // A timestamp without zone is taken as UTC (and read back as UTC).
        (BaseType::Timestamp(_), BaseType::Timestamptz(_))
        | (BaseType::Timestamptz(_), BaseType::Timestamp(_))
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

/// Character types, which a shorter bounded one takes as on assignment.
fn is_string(b: &BaseType) -> bool {
    matches!(
        b,
        BaseType::Text | BaseType::Varchar(_) | BaseType::Char(_) | BaseType::Citext
    )
}

/// Whether a numeric of precision `from` can hold more decimal places than `scale`.
fn fewer_places(from: &Option<(u32, Option<u32>)>, scale: u32) -> bool {
    match from {
        Some((_, s)) => s.unwrap_or(0) > scale,
        None => true,
    }
}

/// Which values of a column of type `from` (`col` its SQL name) make the
/// type change to `to` fail, when some can: the condition that finds them
/// and what they are, for the `data_dependent` hazard.
pub(super) struct Failing {
    pub condition: String,
    pub what: String,
}

pub(super) fn failing_values(from: &BaseType, to: &BaseType, col: &str) -> Option<Failing> {
    let range = |b: &BaseType| match b {
        BaseType::SmallInt => Some((-32_768i64, 32_767i64)),
        BaseType::Integer | BaseType::Serial => Some((-2_147_483_648, 2_147_483_647)),
        BaseType::BigInt | BaseType::BigSerial => Some((i64::MIN, i64::MAX)),
        _ => None,
    };
    match (from, to) {
        (f, t) if integer_digits(f).is_some() && integer_digits(t) < integer_digits(f) => {
            let (min, max) = range(t)?;
            Some(Failing {
                condition: format!("{col} NOT BETWEEN {min} AND {max}"),
                what: format!("whose value is outside {}'s range", to),
            })
        }
        (f, BaseType::Numeric(Some((p, s)))) => {
            let s = s.unwrap_or(0);
            let whole = p.saturating_sub(s);
            let from_whole = match f {
                BaseType::Numeric(Some((fp, fs))) => Some(fp.saturating_sub(fs.unwrap_or(0))),
                BaseType::Numeric(None) | BaseType::Real | BaseType::Double => None,
                b => Some(integer_digits(b)?),
            };
            let mut conditions = Vec::new();
            let mut what = Vec::new();
            if from_whole.is_none_or(|d| d > whole) {
                conditions.push(format!("abs(round({col}::numeric, {s})) >= 1e{whole}"));
                what.push(format!("with more than {whole} digit(s) before the point"));
            }
            if let BaseType::Numeric(fp) = f {
                if fewer_places(fp, s) {
                    conditions.push(format!("{col} <> round({col}, {s})"));
                    what.push(format!("with more than {s} decimal place(s)"));
                }
            }
            (!conditions.is_empty()).then(|| Failing {
                condition: conditions.join(" OR "),
                what: format!("holding a value {}", what.join(" or ")),
            })
        }
        (f, BaseType::Varchar(Some(n)) | BaseType::Char(n)) if is_string(f) => {
            let longer = match f {
                BaseType::Varchar(Some(a)) | BaseType::Char(a) => a > n,
                _ => true,
            };
            longer.then(|| Failing {
                condition: format!("char_length({col}) > {n}"),
                what: format!("holding more than {n} characters"),
            })
        }
        _ => None,
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
        BaseType::Timestamp(_) | BaseType::Timestamptz(_) | BaseType::Date => {
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

/// Whether Postgres has a cast that the default `USING` (see
/// [`default_using`]) can take from `from` to `to`. A `false` here is a
/// type change that fails whatever the rows hold, unless `using:` says how.
pub fn has_cast(from: &ColumnType, to: &ColumnType, old: &Schema, new: &Schema) -> bool {
    if from.array != to.array {
        return false;
    }
    let (f, t) = (stored(&from.base, old), stored(&to.base, new));
    let string = |b: &BaseType| {
        matches!(
            b,
            BaseType::Text | BaseType::Varchar(_) | BaseType::Char(_) | BaseType::Citext
        )
    };
    let number = |b: &BaseType| {
        matches!(
            b,
            BaseType::SmallInt
                | BaseType::Integer
                | BaseType::BigInt
                | BaseType::Numeric(_)
                | BaseType::Real
                | BaseType::Double
        )
    };
    let datetime = |b: &BaseType| {
        matches!(
            b,
            BaseType::Date | BaseType::Timestamp(_) | BaseType::Timestamptz(_)
        )
    };
    let is_enum = |b: &BaseType| matches!(b, BaseType::Enum(_));
    // Every type converts to and from text (the enum conversions go through it).
    std::mem::discriminant(&f) == std::mem::discriminant(&t)
        || string(&f)
        || string(&t)
        || is_enum(&f)
        || is_enum(&t)
        || (number(&f) && number(&t))
        || (datetime(&f) && datetime(&t))
        || matches!((&f, &t), (BaseType::Time(_), BaseType::Interval))
        || matches!(
            (&f, &t),
            (BaseType::Json, BaseType::Jsonb) | (BaseType::Jsonb, BaseType::Json)
        )
        || matches!(
            (&f, &t),
            (BaseType::Integer, BaseType::Boolean) | (BaseType::Boolean, BaseType::Integer)
        )
}

/// A value of `ty` that rows can hold while a NOT NULL column without a
/// default comes back in a down migration (its values are gone); `None`
/// when the type has none.
pub fn placeholder(ty: &ColumnType, schema: &Schema) -> Option<String> {
    if ty.array {
        return Some("'{}'".into());
    }
    let zero_uuid = "'00000000-0000-0000-0000-000000000000'";
    Some(
        match &ty.base {
            BaseType::Text
            | BaseType::Varchar(_)
            | BaseType::Char(_)
            | BaseType::Citext
            | BaseType::Bytea
            | BaseType::TsVector => "''",
            BaseType::Boolean => "false",
            BaseType::SmallInt
            | BaseType::Integer
            | BaseType::BigInt
            | BaseType::Serial
            | BaseType::BigSerial
            | BaseType::Real
            | BaseType::Double
            | BaseType::Numeric(_) => "0",
            BaseType::Date | BaseType::Timestamp(_) | BaseType::Timestamptz(_) => "'epoch'",
            BaseType::Time(_) => "'00:00'",
            BaseType::Interval => "'0'",
            BaseType::Uuid => zero_uuid,
            BaseType::Json | BaseType::Jsonb => "'{}'",
            BaseType::Inet => "'0.0.0.0'",
            BaseType::Enum(k) => {
                let first = schema.enum_type(k)?.values.first()?;
                return Some(schemac_schema::sql::string_literal(first));
            }
            BaseType::Id(n) => match schema.id_type(n).map(|i| i.storage) {
                Some(IdStorage::Text) => "''",
                _ => zero_uuid,
            },
        }
        .to_string(),
    )
}

/// Whether Postgres converts `from` to `to` without touching the rows: the
/// binary-coercible changes (longer or unbounded varchar, text and citext
/// to each other, a numeric with more digits and the same scale).
pub fn binary_coercible(from: &ColumnType, to: &ColumnType, old: &Schema, new: &Schema) -> bool {
    if from.array != to.array {
        return false;
    }
    let (f, t) = (stored(&from.base, old), stored(&to.base, new));
    if f == t {
        return true;
    }
    match (&f, &t) {
        (BaseType::Varchar(Some(a)), BaseType::Varchar(Some(b))) => b >= a,
        (BaseType::Varchar(_), BaseType::Varchar(None) | BaseType::Text | BaseType::Citext) => true,
        (BaseType::Text | BaseType::Citext, BaseType::Text | BaseType::Citext) => true,
        (BaseType::Text, BaseType::Varchar(None)) => true,
        (BaseType::Numeric(Some(_)), BaseType::Numeric(None)) => true,
        (BaseType::Numeric(Some((p1, s1))), BaseType::Numeric(Some((p2, s2)))) => {
            s1.unwrap_or(0) == s2.unwrap_or(0) && p2 >= p1
        }
        _ => false,
    }
}

/// Whether a default expression calls a volatile function, so that adding
/// a column with it computes a value per row (a rewrite). Constants and
/// stable functions such as `now()` are evaluated once.
pub fn is_volatile(default_sql: &str) -> bool {
    const VOLATILE: &[&str] = &[
        "random(",
        "gen_random_uuid(",
        "uuid_generate_v1",
        "uuid_generate_v4(",
        "clock_timestamp(",
        "statement_timestamp(",
        "timeofday(",
        "nextval(",
        "txid_current(",
    ];
    let lower = default_sql.to_ascii_lowercase();
    VOLATILE.iter().any(|f| lower.contains(f))
}
