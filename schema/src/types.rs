//! Column types: the schema spelling, parsing it, and the Postgres spelling.

use std::fmt;

/// A column type without its array-ness.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum BaseType {
    /// `text`.
    Text,
    /// `varchar` or `varchar(N)`.
    Varchar(Option<u32>),
    /// `char(n)`.
    Char(u32),
    /// `boolean`.
    Boolean,
    /// `smallint`.
    SmallInt,
    /// `integer`.
    Integer,
    /// `bigint`.
    BigInt,
    /// `serial`.
    Serial,
    /// `bigserial`.
    BigSerial,
    /// `real`.
    Real,
    /// `double precision`.
    Double,
    /// `numeric`, `numeric(P)` or `numeric(P,S)`.
    Numeric(Option<(u32, Option<u32>)>),
    /// `date`.
    Date,
    /// `time`, `time(P)`: P digits of a second (0 to 6) when given.
    Time(Option<u32>),
    /// `timestamp` (without time zone), `timestamp(P)`.
    Timestamp(Option<u32>),
    /// `timestamptz`, `timestamptz(P)`.
    Timestamptz(Option<u32>),
    /// `interval`.
    Interval,
    /// `uuid`.
    Uuid,
    /// `json`.
    Json,
    /// `jsonb`.
    Jsonb,
    /// `bytea`.
    Bytea,
    /// `inet`.
    Inet,
    /// `citext` (the extension).
    Citext,
    /// `tsvector`: a full-text search document.
    TsVector,
    /// A schema enum, by its key in `enums:`.
    Enum(String),
    /// A rich ID type, by its key in `ids:`.
    Id(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
/// A column's type: a base type, maybe an array of it.
pub struct ColumnType {
    /// The base type (a domain's own base type, for a column of a domain).
    pub base: BaseType,
    /// An array of it (`[]`).
    pub array: bool,
    /// The domain the column is of, `pg_schema.name`: its values are the
    /// base type's, and the SQL names the domain.
    pub domain: Option<String>,
}

impl ColumnType {
    /// A type of no domain.
    pub fn plain(base: BaseType, array: bool) -> ColumnType {
        ColumnType {
            base,
            array,
            domain: None,
        }
    }
}

/// The built-in type names, for suggestions and the reference.
pub const BUILTIN_TYPES: &[&str] = &[
    "text",
    "varchar",
    "char",
    "boolean",
    "smallint",
    "integer",
    "bigint",
    "serial",
    "bigserial",
    "real",
    "double",
    "double precision",
    "numeric",
    "date",
    "time",
    "timestamp",
    "timestamptz",
    "interval",
    "uuid",
    "json",
    "jsonb",
    "bytea",
    "inet",
    "citext",
    "tsvector",
];

/// Names Postgres users reach for that schemac spells differently.
pub fn alias_hint(name: &str) -> Option<&'static str> {
    Some(match name.to_ascii_lowercase().as_str() {
        "int" | "int4" => "integer",
        "int2" => "smallint",
        "int8" => "bigint",
        "bool" => "boolean",
        "float" | "float8" => "double",
        "float4" => "real",
        "string" | "str" => "text",
        "decimal" => "numeric",
        "datetime" => "timestamp",
        "character varying" => "varchar",
        "character" => "char",
        "timestamp with time zone" => "timestamptz",
        "timestamp without time zone" => "timestamp",
        "serial4" => "serial",
        "serial8" => "bigserial",
        _ => return None,
    })
}

/// PostgreSQL's own types that schemac has no Rust type for yet, with what
/// they hold: a column of one is refused by name, not as an unknown word.
pub fn unmapped_postgres_type(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let base = lower.split('(').next().unwrap_or("").trim();
    Some(match base {
        "tsquery" => "full-text search queries",
        "cidr" | "macaddr" | "macaddr8" => "network addresses",
        "money" => "currency amounts",
        "xml" => "XML documents",
        "point" | "line" | "lseg" | "box" | "path" | "polygon" | "circle" => "geometric shapes",
        "bit" | "varbit" | "bit varying" => "bit strings",
        "int4range" | "int8range" | "numrange" | "tsrange" | "tstzrange" | "daterange"
        | "int4multirange" | "int8multirange" | "nummultirange" | "tsmultirange"
        | "tstzmultirange" | "datemultirange" => "ranges",
        "timetz" | "time with time zone" => "times of day with a time zone",
        "oid" | "regclass" | "regtype" | "pg_lsn" | "txid_snapshot" | "pg_snapshot" => {
            "PostgreSQL's internal identifiers"
        }
        _ => return None,
    })
}

/// Why a type text is not a built-in type.
#[derive(Debug, PartialEq, Eq)]
pub enum TypeError {
    /// Not a built-in name at all (may be an enum or ID name).
    Unknown,
    /// A built-in name with bad parameters; the message says what is wrong.
    BadParams(String),
}

/// Parses a built-in type (no `[]`, no `?`).
pub fn parse_builtin(text: &str) -> Result<BaseType, TypeError> {
    let t = text.trim();
    let (name, params) = match t.find('(') {
        Some(open) => {
            let Some(inner) = t[open + 1..].strip_suffix(')') else {
                return Err(TypeError::BadParams(format!(
                    "`{t}` has an unclosed parenthesis; inside `{{ ... }}` a comma ends the value, so quote the type: `type: \"{t},...)\"`"
                )));
            };
            (t[..open].trim(), Some(inner))
        }
        None => (t, None),
    };
    let nums = |p: &str| -> Result<Vec<u32>, TypeError> {
        p.split(',')
            .map(|n| {
                n.trim().parse::<u32>().map_err(|_| {
                    TypeError::BadParams(format!("`{}` is not a whole number in `{t}`", n.trim()))
                })
            })
            .collect()
    };
    let no_params = |b: BaseType| -> Result<BaseType, TypeError> {
        match params {
            None => Ok(b),
            Some(_) => Err(TypeError::BadParams(format!(
                "`{name}` takes no length or precision"
            ))),
        }
    };
    match name {
        "text" => no_params(BaseType::Text),
        "varchar" => match params {
            None => Ok(BaseType::Varchar(None)),
            Some(p) => match nums(p)?.as_slice() {
                [n] if (1..=10_485_760).contains(n) => Ok(BaseType::Varchar(Some(*n))),
                [_] => Err(TypeError::BadParams(
                    "varchar length must be between 1 and 10485760".into(),
                )),
                _ => Err(TypeError::BadParams("varchar takes one length: `varchar(255)`".into())),
            },
        },
        "char" => match params {
            None => Err(TypeError::BadParams(
                "`char` needs a length, e.g. `char(2)`; use `text` for strings of any length".into(),
            )),
            Some(p) => match nums(p)?.as_slice() {
                [n] if (1..=10_485_760).contains(n) => Ok(BaseType::Char(*n)),
                _ => Err(TypeError::BadParams("char takes one length between 1 and 10485760: `char(2)`".into())),
            },
        },
        "boolean" => no_params(BaseType::Boolean),
        "smallint" => no_params(BaseType::SmallInt),
        "integer" => no_params(BaseType::Integer),
        "bigint" => no_params(BaseType::BigInt),
        "serial" => no_params(BaseType::Serial),
        "bigserial" => no_params(BaseType::BigSerial),
        "real" => no_params(BaseType::Real),
        "double" | "double precision" => no_params(BaseType::Double),
        "numeric" => match params {
            None => Ok(BaseType::Numeric(None)),
            Some(p) => match nums(p)?.as_slice() {
                [pr] if (1..=1000).contains(pr) => Ok(BaseType::Numeric(Some((*pr, None)))),
                [pr, s] if (1..=1000).contains(pr) && s <= pr => {
                    Ok(BaseType::Numeric(Some((*pr, Some(*s)))))
                }
                _ => Err(TypeError::BadParams(
                    "numeric takes a precision from 1 to 1000 and a scale no larger than it: `numeric(10,2)`".into(),
                )),
            },
        },
        "date" => no_params(BaseType::Date),
        "time" | "timestamp" | "timestamptz" => {
            let precision = match params {
                None => None,
                Some(p) => match nums(p)?.as_slice() {
                    [n] if *n <= 6 => Some(*n),
                    _ => {
                        return Err(TypeError::BadParams(format!(
                            "`{name}` takes one precision from 0 to 6 (digits of a second): `{name}(3)`"
                        )));
                    }
                },
            };
            Ok(match name {
                "time" => BaseType::Time(precision),
                "timestamp" => BaseType::Timestamp(precision),
                _ => BaseType::Timestamptz(precision),
            })
        }
        "interval" => no_params(BaseType::Interval),
        "uuid" => no_params(BaseType::Uuid),
        "json" => no_params(BaseType::Json),
        "jsonb" => no_params(BaseType::Jsonb),
        "bytea" => no_params(BaseType::Bytea),
        "inet" => no_params(BaseType::Inet),
        "tsvector" => no_params(BaseType::TsVector),
        "citext" => no_params(BaseType::Citext),
        _ => Err(TypeError::Unknown),
    }
}

impl BaseType {
    /// smallint, integer, bigint or a serial.
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            BaseType::SmallInt | BaseType::Integer | BaseType::BigInt
        )
    }

    /// serial or bigserial.
    pub fn is_serial(&self) -> bool {
        matches!(self, BaseType::Serial | BaseType::BigSerial)
    }

    /// json or jsonb.
    pub fn is_json(&self) -> bool {
        matches!(self, BaseType::Json | BaseType::Jsonb)
    }

    /// A type whose values are text (text, varchar, char, citext).
    pub fn is_stringy(&self) -> bool {
        matches!(
            self,
            BaseType::Text | BaseType::Varchar(_) | BaseType::Char(_) | BaseType::Citext
        )
    }

    /// The type a column referencing this one gets: a serial's values are
    /// plain integers on the referencing side.
    pub fn referencing(&self) -> BaseType {
        match self {
            BaseType::Serial => BaseType::Integer,
            BaseType::BigSerial => BaseType::BigInt,
            other => other.clone(),
        }
    }
}

/// `(p)` of a time type that has a precision.
fn precision(p: Option<u32>) -> String {
    p.map(|p| format!("({p})")).unwrap_or_default()
}

impl fmt::Display for BaseType {
    /// The schema spelling; enums and IDs carry a prefix so the text reads back unambiguously.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BaseType::Text => f.write_str("text"),
            BaseType::Varchar(None) => f.write_str("varchar"),
            BaseType::Varchar(Some(n)) => write!(f, "varchar({n})"),
            BaseType::Char(n) => write!(f, "char({n})"),
            BaseType::Boolean => f.write_str("boolean"),
            BaseType::SmallInt => f.write_str("smallint"),
            BaseType::Integer => f.write_str("integer"),
            BaseType::BigInt => f.write_str("bigint"),
            BaseType::Serial => f.write_str("serial"),
            BaseType::BigSerial => f.write_str("bigserial"),
            BaseType::Real => f.write_str("real"),
            BaseType::Double => f.write_str("double"),
            BaseType::Numeric(None) => f.write_str("numeric"),
            BaseType::Numeric(Some((p, None))) => write!(f, "numeric({p})"),
            BaseType::Numeric(Some((p, Some(s)))) => write!(f, "numeric({p},{s})"),
            BaseType::Date => f.write_str("date"),
            BaseType::Time(p) => write!(f, "time{}", precision(*p)),
            BaseType::Timestamp(p) => write!(f, "timestamp{}", precision(*p)),
            BaseType::Timestamptz(p) => write!(f, "timestamptz{}", precision(*p)),
            BaseType::Interval => f.write_str("interval"),
            BaseType::Uuid => f.write_str("uuid"),
            BaseType::Json => f.write_str("json"),
            BaseType::Jsonb => f.write_str("jsonb"),
            BaseType::Bytea => f.write_str("bytea"),
            BaseType::Inet => f.write_str("inet"),
            BaseType::Citext => f.write_str("citext"),
            BaseType::TsVector => f.write_str("tsvector"),
            BaseType::Enum(n) => write!(f, "enum:{n}"),
            BaseType::Id(n) => write!(f, "id:{n}"),
        }
    }
}

impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(d) = &self.domain {
            write!(f, "domain:{d}=")?;
        }
        write!(f, "{}{}", self.base, if self.array { "[]" } else { "" })
    }
}

impl std::str::FromStr for ColumnType {
    type Err = String;

    /// Reads the spelling written by `Display` (the snapshot form).
    fn from_str(s: &str) -> Result<Self, String> {
        let (body, array) = match s.strip_suffix("[]") {
            Some(b) => (b, true),
            None => (s, false),
        };
        // `domain:pg_schema.name=base`.
        let (domain, body) = match body.strip_prefix("domain:") {
            Some(rest) => match rest.rsplit_once('=') {
                Some((d, b)) if !b.is_empty() => (Some(d.to_string()), b),
                _ => return Err(format!("unknown column type `{s}`")),
            },
            None => (None, body),
        };
        let base = if let Some(n) = body.strip_prefix("enum:") {
            BaseType::Enum(n.to_string())
        } else if let Some(n) = body.strip_prefix("id:") {
            BaseType::Id(n.to_string())
        } else {
            parse_builtin(body).map_err(|_| format!("unknown column type `{s}`"))?
        };
        Ok(ColumnType {
            base,
            array,
            domain,
        })
    }
}

impl serde::Serialize for ColumnType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for ColumnType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_takes_a_precision_of_zero_to_six() {
        assert_eq!(
            parse_builtin("timestamptz(3)"),
            Ok(BaseType::Timestamptz(Some(3)))
        );
        assert!(
            matches!(parse_builtin("timestamp(7)"), Err(TypeError::BadParams(m)) if m.contains("from 0 to 6"))
        );
    }

    #[test]
    fn every_spelling_reads_back() {
        for t in [
            "text",
            "varchar",
            "varchar(40)",
            "char(2)",
            "numeric",
            "numeric(10)",
            "numeric(10,2)",
            "double",
            "serial",
            "timestamptz",
            "timestamptz(3)",
            "timestamp(0)",
            "time(6)",
            "enum:cause",
            "id:TenantId",
            "integer[]",
            "enum:cause[]",
            "domain:public.year=integer",
            "domain:app.rating=enum:cause[]",
        ] {
            let parsed: ColumnType = t.parse().unwrap();
            assert_eq!(parsed.to_string(), t);
        }
        assert_eq!(
            "double precision"
                .parse::<ColumnType>()
                .unwrap()
                .to_string(),
            "double"
        );
    }

    #[test]
    fn bad_parameters_are_explained() {
        assert!(matches!(
            parse_builtin("varchar(0)"),
            Err(TypeError::BadParams(_))
        ));
        assert!(matches!(
            parse_builtin("numeric(2,5)"),
            Err(TypeError::BadParams(_))
        ));
        assert!(matches!(
            parse_builtin("text(5)"),
            Err(TypeError::BadParams(_))
        ));
        assert_eq!(parse_builtin("varchr"), Err(TypeError::Unknown));
    }
}
