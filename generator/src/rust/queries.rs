//! Named queries in the generated code: a typed function each, and a row
//! struct where the columns are not exactly one table's row. The types come
//! from the lock file, which `schemac generate` fills in by preparing each
//! query in PostgreSQL, so rendering them needs no database.

use std::collections::BTreeMap;

use serde::Serialize;

use schemac_schema::Schema;
use schemac_schema::model::Column;
use schemac_schema::queries::{LockedColumn, LockedQuery, QueryLock, Returns};

use super::CodegenError;
use super::names::{camel_ident, snake_ident, struct_name, unraw};
use super::types::{option, path, rust_type};
use super::view::{Param, locals};

/// A named query as the template renders it.
#[derive(Serialize)]
pub struct QueryView {
    /// The function's name.
    pub name: String,
    /// What `Error::NotFound` names: `query name`, `function pg_schema.name`.
    pub label: String,
    /// The first column's name as the statement returns it (a value's,
    /// named in a decoding error).
    pub column: String,
    /// Its doc comment, a line each.
    pub doc: Vec<String>,
    /// Takes `&impl Write` (not known to only read).
    pub writes: bool,
    /// Leaves the session as it found it (may run on a shared connection).
    pub stateless: bool,
    /// The SQL, with `$n` parameters.
    pub sql: String,
    /// The function's parameters, in `$n` order.
    pub params: Vec<Param>,
    /// The row struct to define, when the columns are not a table's row.
    pub row_struct: Option<String>,
    /// The row struct's fields.
    pub columns: Vec<QueryColumn>,
    /// What each row is read into; none for a statement whose rows are
    /// not read.
    pub row_type: Option<String>,
    /// `one`, `opt`, `many`, `stream`, `exec` or `execrows`.
    pub returns: &'static str,
    /// The function's own names (`db`, `rows`), moved aside from the parameters'.
    pub locals: BTreeMap<&'static str, String>,
}

/// A field of a query's row struct.
#[derive(Serialize)]
pub struct QueryColumn {
    /// The field's name.
    pub ident: String,
    /// `#[row(...)]` contents, if any.
    pub attr: String,
    /// Its Rust type.
    pub ty: String,
}

/// The functions of a database's locked queries.
pub fn views(
    lock: &QueryLock,
    schema: &Schema,
    modules: &[String],
) -> Result<Vec<QueryView>, CodegenError> {
    let named: Vec<(String, &LockedQuery)> =
        lock.queries.iter().map(|q| (q.name.clone(), q)).collect();
    typed_calls(&named, "queries.rs", "query", schema, modules)
}

/// The Rust calls of the database functions a lock typed (`rust: true`):
/// each named after its function, with its pg_schema before the name where
/// two pg_schemas have a function of that name.
pub fn function_views(
    lock: &QueryLock,
    schema: &Schema,
    modules: &[String],
) -> Result<Vec<QueryView>, CodegenError> {
    let base = |key: &str| key.split_once('.').map_or(key, |(_, n)| n).to_owned();
    let named: Vec<(String, &LockedQuery)> = lock
        .functions
        .iter()
        .map(|f| {
            let name = base(&f.name);
            let clash = lock
                .functions
                .iter()
                .filter(|o| base(&o.name) == name)
                .count()
                > 1;
            let name = match clash {
                true => f.name.replace('.', "_"),
                false => name,
            };
            (name, f)
        })
        .collect();
    typed_calls(&named, "functions.rs", "function", schema, modules)
}

/// A function each for locked statements, by the names given.
fn typed_calls(
    named: &[(String, &LockedQuery)],
    file: &str,
    what: &str,
    schema: &Schema,
    modules: &[String],
) -> Result<Vec<QueryView>, CodegenError> {
    let error = |message: String| CodegenError {
        file: file.into(),
        message,
    };
    let mut out = Vec::new();
    for (name, q) in named {
        let params: Vec<Param> = q
            .params
            .iter()
            .map(|p| Param {
                name: snake_ident(&p.name),
                ty: full_paths(&param_type(&p.rust)),
            })
            .collect();
        let columns = row_fields(&q.columns).map_err(|c| {
            error(format!(
                "query `{}` returns two columns named `{c}`: give one an alias (`AS ...`)",
                q.name
            ))
        })?;
        let reused = q.row_of.as_ref().and_then(|table| {
            // A lock without the pg_schema (written before it was recorded)
            // names a table that is alone with its name.
            let at = schema.tables.iter().position(|t| {
                &t.name == table && q.row_of_schema.as_ref().is_none_or(|s| &t.pg_schema == s)
            })?;
            let t = &schema.tables[at];
            Some(format!(
                "super::{}::{}",
                modules[at],
                struct_name(&t.name, t.rust_name.as_deref())
            ))
        });
        let value = q.returns == Returns::Value;
        let reads = q.returns.reads_rows() && !columns.is_empty() && !value;
        let reused = reused.filter(|_| reads);
        let row_struct = (reused.is_none() && reads).then(|| format!("{}Row", camel_ident(name)));
        let reused = match value {
            true => columns.first().map(|c| c.ty.clone()),
            false => reused,
        };
        out.push(QueryView {
            locals: locals(params.iter().map(|p| p.name.as_str())),
            label: format!("{what} {}", q.name),
            column: q
                .columns
                .first()
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            name: snake_ident(name),
            doc: q.doc.clone(),
            writes: q.writes,
            stateless: q.stateless,
            sql: q.sql.clone(),
            params,
            row_type: reused.or_else(|| row_struct.clone()),
            returns: q.returns.word(),
            row_struct,
            columns,
        });
    }
    Ok(out)
}

/// The fields of a row struct for these columns; the name of a column
/// that two share.
pub(super) fn row_fields(locked: &[LockedColumn]) -> Result<Vec<QueryColumn>, String> {
    let mut columns: Vec<QueryColumn> = Vec::with_capacity(locked.len());
    for c in locked {
        let ident = snake_ident(&c.name);
        if columns.iter().any(|o| o.ident == ident) {
            return Err(c.name.clone());
        }
        let mut attrs = Vec::new();
        if unraw(&ident) != c.name {
            attrs.push(format!("rename = \"{}\"", c.name.escape_default()));
        }
        if c.json {
            attrs.push("json".to_owned());
        }
        let mut ty = full_paths(&c.rust);
        if c.sensitive {
            ty = format!("{}::Sensitive<{ty}>", path::RT);
        }
        if c.nullable {
            ty = option(&ty);
        }
        columns.push(QueryColumn {
            attr: attrs.join(", "),
            ty,
            ident,
        });
    }
    Ok(columns)
}

/// How a function takes a value of this type: by reference, a string as
/// `&str` and a vector as a slice.
pub(super) fn param_type(rust: &str) -> String {
    match rust {
        "String" => "&str".into(),
        _ => match rust.strip_prefix("Vec<").and_then(|r| r.strip_suffix('>')) {
            Some(inner) => format!("&[{inner}]"),
            None => format!("&{rust}"),
        },
    }
}

/// The Rust type of a value of the PostgreSQL type `name` (an array type's
/// name starts with `_`), spelled in full; none for a type schemac does
/// not map (the query should cast it).
pub fn pg_type(name: &str, schema: &Schema) -> Option<String> {
    if let Some(element) = name.strip_prefix('_') {
        return pg_type(element, schema).map(|t| format!("Vec<{t}>"));
    }
    let known = match name {
        "bool" => "bool",
        "int2" => "i16",
        "int4" => "i32",
        "int8" => "i64",
        "float4" => "f32",
        "float8" => "f64",
        "numeric" => "schemac_runtime::rust_decimal::Decimal",
        "text" | "varchar" | "bpchar" | "name" | "citext" => "String",
        "uuid" => "schemac_runtime::uuid::Uuid",
        "timestamptz" => "schemac_runtime::chrono::DateTime<schemac_runtime::chrono::Utc>",
        "timestamp" => "schemac_runtime::chrono::NaiveDateTime",
        "date" => "schemac_runtime::chrono::NaiveDate",
        "time" => "schemac_runtime::chrono::NaiveTime",
        "interval" => "schemac_runtime::PgInterval",
        "json" | "jsonb" => "schemac_runtime::serde_json::Value",
        "bytea" => "Vec<u8>",
        "inet" => "std::net::IpAddr",
        "tsvector" => "schemac_runtime::TsVector",
        _ => {
            let e = schema.enums.iter().find(|e| e.sql_name == name)?;
            return Some(format!("super::enums::{}", camel_ident(&e.name)));
        }
    };
    Some(known.to_owned())
}

/// The Rust type of a schema column read by a query (its ID, enum or json
/// type), as the lock file spells it, and whether it is read as json.
pub fn column_type(column: &Column, schema: &Schema) -> (String, bool) {
    let rt = rust_type(column, schema);
    (lock_spelling(&rt.value), rt.json)
}

/// A type as the lock file has always spelled it (`String`,
/// `schemac_runtime::uuid::Uuid`): the table files' full paths, shortened,
/// so that locks written before do not change.
fn lock_spelling(ty: &str) -> String {
    ty.replace(path::STRING, "String")
        .replace(path::VEC, "Vec")
        .replace("::schemac_runtime::", "schemac_runtime::")
        .replace("::std::", "std::")
}

/// A type of the lock file (or of an annotation) with every path the user
/// did not write spelled from the crate root, as the table files spell it.
pub(super) fn full_paths(ty: &str) -> String {
    let full = |word: &str| -> Option<&'static str> {
        Some(match word {
            "String" => path::STRING,
            "Vec" => path::VEC,
            "Option" => path::OPTION,
            "schemac_runtime" => path::RT,
            "std" => "::std",
            "core" => "::core",
            _ => return None,
        })
    };
    let mut out = String::with_capacity(ty.len() * 2);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        // A word after `::` is already inside a path.
        let inside = out.ends_with("::");
        match full(word).filter(|_| !inside) {
            Some(path) => out.push_str(path),
            None => out.push_str(word),
        }
        word.clear();
    };
    for c in ty.chars() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_spelled_in_full() {
        assert_eq!(
            full_paths("Option<schemac_runtime::chrono::DateTime<schemac_runtime::chrono::Utc>>"),
            "::core::option::Option<::schemac_runtime::chrono::DateTime<::schemac_runtime::chrono::Utc>>"
        );
        assert_eq!(full_paths("super::ids::Uuid"), "super::ids::Uuid");
        assert_eq!(
            full_paths("Vec<String>"),
            "::std::vec::Vec<::std::string::String>"
        );
        assert_eq!(full_paths("crate::x::String"), "crate::x::String");
        assert_eq!(
            lock_spelling("::std::vec::Vec<::schemac_runtime::uuid::Uuid>"),
            "Vec<schemac_runtime::uuid::Uuid>"
        );
        assert_eq!(param_type("String"), "&str");
        assert_eq!(param_type("Vec<i64>"), "&[i64]");
        assert_eq!(param_type("super::ids::TenantId"), "&super::ids::TenantId");
    }
}
