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

/// Paths to what generated code names but the user did not write, spelled
/// so that no user name can shadow them: a table called `strings` defines a
/// struct `String` in its module, `options` an `Option`, `results` a
/// `Result` (the way serde's and prost's generated code spells them).
pub mod path {
    pub const STRING: &str = "::std::string::String";
    pub const VEC: &str = "::std::vec::Vec";
    pub const OPTION: &str = "::core::option::Option";
    pub const RT: &str = "::schemac_runtime";
}

/// `Option<ty>`, spelled in full.
pub fn option(ty: &str) -> String {
    format!("{}<{ty}>", path::OPTION)
}

/// `Vec<ty>`, spelled in full.
pub fn vec(ty: &str) -> String {
    format!("{}<{ty}>", path::VEC)
}

/// The element type (no array) of a column.
fn base(ty: &BaseType, column: &Column, schema: &Schema) -> (String, bool) {
    let s = |t: &str| (t.to_owned(), false);
    match ty {
        BaseType::Text | BaseType::Varchar(_) | BaseType::Char(_) | BaseType::Citext => {
            s(path::STRING)
        }
        BaseType::Boolean => s("bool"),
        BaseType::SmallInt => s("i16"),
        BaseType::Integer | BaseType::Serial => s("i32"),
        BaseType::BigInt | BaseType::BigSerial => s("i64"),
        BaseType::Real => s("f32"),
        BaseType::Double => s("f64"),
        BaseType::Numeric(_) => s("::schemac_runtime::rust_decimal::Decimal"),
        BaseType::Date => s("::schemac_runtime::chrono::NaiveDate"),
        BaseType::Time(_) => s("::schemac_runtime::chrono::NaiveTime"),
        BaseType::Timestamp(_) => s("::schemac_runtime::chrono::NaiveDateTime"),
        BaseType::Timestamptz(_) => {
            s("::schemac_runtime::chrono::DateTime<::schemac_runtime::chrono::Utc>")
        }
        BaseType::Interval => s("::schemac_runtime::PgInterval"),
        BaseType::Uuid => s("::schemac_runtime::uuid::Uuid"),
        BaseType::Json | BaseType::Jsonb => match &column.rust_type {
            Some(path) => (path.clone(), true),
            None => s("::schemac_runtime::serde_json::Value"),
        },
        BaseType::Bytea => (vec("u8"), false),
        BaseType::Inet => s("::std::net::IpAddr"),
        BaseType::TsVector => s("::schemac_runtime::TsVector"),
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
    // A domain's values are its base type's.
    let ColumnType {
        base: b,
        array,
        domain: _,
    } = &column.ty;
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
        vec(&element)
    } else {
        element.clone()
    };
    let param = if *array {
        format!("&[{element}]")
    } else if element == path::STRING {
        "&str".to_owned()
    } else if element == vec("u8") {
        "&[u8]".to_owned()
    } else {
        format!("&{element}")
    };
    let unnest_cast = {
        let element = ColumnType::plain(b.clone(), false);
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
