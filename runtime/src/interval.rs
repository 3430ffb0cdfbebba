//! `interval` as Postgres stores it: months, days and microseconds are kept
//! apart, because a month has no fixed length and a day may have 23 hours.

use bytes::{BufMut, BytesMut};
use tokio_postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};

/// A Postgres `interval`.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct PgInterval {
    /// Whole months (a month's length depends on the date it is added to).
    pub months: i32,
    /// Whole days (a day's length depends on daylight saving time).
    pub days: i32,
    /// The rest, exactly.
    pub microseconds: i64,
}

impl PgInterval {
    /// An interval of these parts, as Postgres keeps them.
    pub fn new(months: i32, days: i32, microseconds: i64) -> Self {
        PgInterval {
            months,
            days,
            microseconds,
        }
    }
}

impl<'a> FromSql<'a> for PgInterval {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        let bytes: [u8; 16] = raw
            .try_into()
            .map_err(|_| format!("interval: expected 16 bytes, got {}", raw.len()))?;
        let [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p] = bytes;
        Ok(PgInterval {
            microseconds: i64::from_be_bytes([a, b, c, d, e, f, g, h]),
            days: i32::from_be_bytes([i, j, k, l]),
            months: i32::from_be_bytes([m, n, o, p]),
        })
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::INTERVAL
    }
}

impl ToSql for PgInterval {
    fn to_sql(
        &self,
        _: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        out.put_i64(self.microseconds);
        out.put_i32(self.days);
        out.put_i32(self.months);
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::INTERVAL
    }

    to_sql_checked!();
}
