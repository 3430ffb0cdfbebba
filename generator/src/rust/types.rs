//! The Rust type of each column, as the generated code spells it.

use schemac_schema::model::{Column, Schema};
use schemac_schema::types::{BaseType, ColumnType};

use super::names::camel_ident;

/// How a column's values look in Rust.
#[derive(Clone, Debug)]
pub struct RustType {
    /// The value type without nullability: `String`, `Vec<UserId>`.
    pub value: String,
    /// What a function takes to look a value up: `&str`, `&[u8]`, `&UserId`.
    pub param: String,
    /// A json/jsonb column read into a serde type (`#[row(json)]`).
    pub json: bool,
    /// The array type of the values Postgres is handed in one parameter for
    /// `insert_many`: the column's type as an array (`text[]`), or for an
    /// array column the flattened elements' (also `text[]`).
    pub unnest_cast: String,
    pub array: bool,
    /// The value type is `Copy`, so generated code copies rather than clones it.
    pub copy: bool,
}

/// The element type (no array) of a column.
fn base(ty: &BaseType, column: &Column, schema: &Schema) -> (String, bool) {
    let s = |t: &str| (t.to_owned(), false);
    match ty {
        BaseType::Text | BaseType::Varchar(_) | BaseType::Char(_) | BaseType::Citext => s("String"),
        BaseType::Boolean => s("bool"),
        BaseType::SmallInt => s("i16"),
        BaseType::Integer | BaseType::Serial => s("i32"),
        BaseType::BigInt | BaseType::BigSerial => s("i64"),
        BaseType::Real => s("f32"),
        BaseType::Double => s("f64"),
        BaseType::Numeric(_) => s("Decimal"),
        BaseType::Date => s("NaiveDate"),
        BaseType::Time => s("NaiveTime"),
        BaseType::Timestamp => s("NaiveDateTime"),
        BaseType::Timestamptz => s("DateTime<Utc>"),
        BaseType::Interval => s("PgInterval"),
        BaseType::Uuid => s("Uuid"),
        BaseType::Json | BaseType::Jsonb => match &column.rust_type {
            Some(path) => (path.clone(), true),
            None => s("JsonValue"),
        },
        BaseType::Bytea => s("Vec<u8>"),
        BaseType::Inet => s("IpAddr"),
        BaseType::Enum(name) => s(&format!(
            "super::enums::{}",
            schema
                .enum_type(name)
                .map(|e| camel_ident(&e.name))
                .unwrap_or_else(|| camel_ident(name))
        )),
        BaseType::Id(name) => s(&format!("super::ids::{name}")),
    }
}

pub fn rust_type(column: &Column, schema: &Schema) -> RustType {
    let ColumnType { base: b, array } = &column.ty;
    let (element, json) = base(b, column, schema);
    let copy = !*array
        && !json
        && match b {
            BaseType::Text
            | BaseType::Varchar(_)
            | BaseType::Char(_)
            | BaseType::Citext
            | BaseType::Json
            | BaseType::Jsonb
            | BaseType::Bytea => false,
            BaseType::Id(name) => schema
                .id_type(name)
                .is_some_and(|i| i.body == schemac_schema::model::IdBody::Ulid),
            _ => true,
        };
    let value = if *array {
        format!("Vec<{element}>")
    } else {
        element.clone()
    };
    let param = if *array {
        format!("&[{element}]")
    } else if element == "String" {
        "&str".to_owned()
    } else if element == "Vec<u8>" {
        "&[u8]".to_owned()
    } else {
        format!("&{element}")
    };
    let unnest_cast = {
        let element = ColumnType {
            base: b.clone(),
            array: false,
        };
        let pg = match b {
            // The sequence's default belongs to the column, not the type.
            BaseType::Serial => "integer".to_owned(),
            BaseType::BigSerial => "bigint".to_owned(),
            _ => schemac_schema::sql::column_type(&element, &schema.enums, &schema.ids),
        };
        format!("{pg}[]")
    };
    RustType {
        value,
        param,
        json,
        unnest_cast,
        array: *array,
        copy,
    }
}

/// The `use` lines a file needs for the types it names, sorted.
pub fn imports(types: &[&RustType]) -> Vec<String> {
    let mut chrono: Vec<&str> = Vec::new();
    let mut out: Vec<String> = Vec::new();
    for t in types {
        let v = t.value.as_str();
        for (needle, item) in [
            ("NaiveDateTime", "NaiveDateTime"),
            ("NaiveDate", "NaiveDate"),
            ("NaiveTime", "NaiveTime"),
            ("DateTime<Utc>", "DateTime"),
            ("DateTime<Utc>", "Utc"),
        ] {
            if contains_word(v, needle) && !chrono.contains(&item) {
                chrono.push(item);
            }
        }
        for (needle, line) in [
            ("Decimal", "use schemac_runtime::rust_decimal::Decimal;"),
            ("PgInterval", "use schemac_runtime::PgInterval;"),
            ("Uuid", "use schemac_runtime::uuid::Uuid;"),
            (
                "JsonValue",
                "use schemac_runtime::serde_json::Value as JsonValue;",
            ),
            ("IpAddr", "use std::net::IpAddr;"),
        ] {
            if contains_word(v, needle) && !out.iter().any(|l| l == line) {
                out.push(line.to_owned());
            }
        }
    }
    if !chrono.is_empty() {
        chrono.sort_unstable();
        out.push(format!(
            "use schemac_runtime::chrono::{{{}}};",
            chrono.join(", ")
        ));
    }
    out.sort();
    out
}

/// `needle` in `haystack` not as part of a longer name (`NaiveDate` is not in `NaiveDateTime`).
fn contains_word(haystack: &str, needle: &str) -> bool {
    haystack.match_indices(needle).any(|(at, _)| {
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + needle.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
            && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}
