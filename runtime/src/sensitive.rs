//! [`Sensitive`]: the type of a column marked `sensitive: true` in a row.
//!
//! A password hash, a session token or a second factor's secret must not
//! reach a log line or an API response by accident, and a row is exactly
//! what gets logged or returned. So the value redacts itself in `Debug` and
//! in `Serialize`, and the clear value is one explicit call away
//! ([`Sensitive::expose`]), easy to find in review. Reading it from the
//! database, binding it, and deserializing it (from a trusted source) work
//! as for the value itself.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use tokio_postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};

/// What a sensitive value shows instead of itself.
pub const REDACTED: &str = "<redacted>";

/// A column value that shows as `<redacted>` in `Debug` and when serialized.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    /// Wraps `value`, which then shows as `[redacted]`.
    pub fn new(value: T) -> Self {
        Sensitive(value)
    }

    /// The clear value.
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// The clear value, taken out.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Sensitive<T> {
    fn from(value: T) -> Self {
        Sensitive(value)
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Serialized as `"<redacted>"`: a row sent to a log or an API shows that
/// the value exists, not what it is. To send the clear value on purpose, use
/// [`clear`] (or [`clear_option`]) as the field's `serialize_with` in a type
/// of your own.
impl<T> Serialize for Sensitive<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(REDACTED)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sensitive<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Sensitive)
    }
}

/// `#[serde(serialize_with = "schemac_runtime::sensitive::clear")]`: the clear value.
pub fn clear<T: Serialize, S: Serializer>(
    value: &Sensitive<T>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    value.0.serialize(serializer)
}

/// [`clear`] for a nullable column.
pub fn clear_option<T: Serialize, S: Serializer>(
    value: &Option<Sensitive<T>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    value.as_ref().map(|v| &v.0).serialize(serializer)
}

impl<'a, T: FromSql<'a>> FromSql<'a> for Sensitive<T> {
    fn from_sql(
        ty: &Type,
        raw: &'a [u8],
    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        T::from_sql(ty, raw).map(Sensitive)
    }

    fn from_sql_null(ty: &Type) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        T::from_sql_null(ty).map(Sensitive)
    }

    fn accepts(ty: &Type) -> bool {
        T::accepts(ty)
    }
}

impl<T: ToSql> ToSql for Sensitive<T> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        self.0.to_sql(ty, out)
    }

    fn accepts(ty: &Type) -> bool {
        T::accepts(ty)
    }

    to_sql_checked!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row {
        name: &'static str,
        token: Sensitive<String>,
        #[serde(serialize_with = "clear")]
        shown: Sensitive<String>,
    }

    #[test]
    fn redacted_unless_asked() {
        let row = Row {
            name: "ada",
            token: Sensitive::new("s3cret".into()),
            shown: "visible".to_owned().into(),
        };
        let json = serde_json::to_string(&row).unwrap();
        assert_eq!(
            json,
            r#"{"name":"ada","token":"<redacted>","shown":"visible"}"#
        );
        assert_eq!(format!("{:?}", row.token), "<redacted>");
        assert_eq!(row.token.expose(), "s3cret");
        let back: Sensitive<String> = serde_json::from_str(r#""clear""#).unwrap();
        assert_eq!(back.into_inner(), "clear");
    }
}
