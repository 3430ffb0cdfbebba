//! Typing the calls of the functions the generated code calls (`rust:
//! true`), on the scratch database the named queries are typed in: what
//! the function takes and returns is read from `pg_proc`, the call is
//! prepared as a query is, and the lock keeps it as one.

use anyhow::{Result, anyhow};
use schemac::rust::queries::{column_type, pg_type};
use schemac::sql_tree;
use schemac_schema::Schema;
use schemac_schema::model::{Function, Volatility};
use schemac_schema::queries::{LockedColumn, LockedParam, LockedQuery, Returns};
use schemac_schema::sql::{ident, qualified};

use super::queries::{columns, origins};
use super::views::as_query;

/// What `pg_proc` says of a function.
struct Proc {
    /// The names of its input parameters (`IN`, `INOUT`, `VARIADIC`), empty
    /// where unnamed.
    inputs: Vec<String>,
    /// `RETURNS SETOF` or `TABLE`.
    set: bool,
    /// `void`.
    void: bool,
    /// A row: a composite type, or `record` with `OUT` parameters.
    row: bool,
    /// The table whose row it returns, (pg_schema, name).
    table: Option<(String, String)>,
}

/// Each function with `rust: true`, its call typed: a function returning
/// a set is `many` rows; a row, `one`; `void`, `exec`; a value, `value`
/// (an `Option`, as a function may return NULL). One that only reads
/// (`STABLE`, `IMMUTABLE`) takes `&impl Read`.
pub(super) async fn type_functions(
    client: &schemac_runtime::tokio_postgres::Client,
    schema: &Schema,
) -> Result<Vec<LockedQuery>> {
    let mut out = Vec::new();
    for f in schema.functions.iter().filter(|f| f.rust) {
        out.push(type_function(client, schema, f).await?);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

async fn type_function(
    client: &schemac_runtime::tokio_postgres::Client,
    schema: &Schema,
    f: &Function,
) -> Result<LockedQuery> {
    let at = |message: String| anyhow!("function `{}`: {message}", f.key());
    let proc = read_proc(client, f).await?;
    let args: Vec<String> = (1..=proc.inputs.len()).map(|i| format!("${i}")).collect();
    let call = format!("{}({})", qualified(&f.pg_schema, &f.name), args.join(", "));
    let returns = match (proc.void, proc.set, proc.row) {
        (true, _, _) => Returns::Exec,
        (false, true, _) => Returns::Many,
        (false, false, true) => Returns::One,
        (false, false, false) => Returns::Value,
    };
    let sql = match returns {
        Returns::Exec | Returns::Value => format!("SELECT {call} AS {}", ident(&f.name)),
        _ => format!("SELECT * FROM {call}"),
    };
    let statement = client.prepare(&sql).await.map_err(|e| {
        at(e.as_db_error()
            .map_or(e.to_string(), |d| d.message().to_owned()))
    })?;
    let mut params = Vec::new();
    for (i, (name, ty)) in proc.inputs.iter().zip(statement.params()).enumerate() {
        let name = match name.is_empty() {
            true => format!("p{}", i + 1),
            false => name.clone(),
        };
        let rust = pg_type(ty.name(), schema).ok_or_else(|| {
            at(format!(
                "parameter `{name}` is {}, which schemac does not map",
                ty.name()
            ))
        })?;
        params.push(LockedParam {
            name,
            pg_type: ty.name().to_string(),
            rust,
        });
    }
    let origins = origins(client, &statement).await?;
    let source = as_query(&f.name, &sql, &[]);
    let reading = sql_tree::read(&sql, schema).map_err(&at)?;
    // A function of a table's row type reads into the table's struct,
    // whose columns are the table's.
    let row_of = proc
        .table
        .filter(|(s, t)| schema.table(s, t).is_some() && returns != Returns::Value);
    let columns = match (returns, &row_of) {
        (Returns::Exec, _) => Vec::new(),
        (_, Some((s, t))) => schema
            .table(s, t)
            .map(|t| t.columns.iter().map(|c| table_column(c, schema)).collect())
            .unwrap_or_default(),
        _ => columns(&source, &statement, &reading, &origins, schema, &at)?,
    };
    let writes = f.volatility == Volatility::Volatile;
    Ok(LockedQuery {
        name: f.key(),
        source_sha256: String::new(),
        typed_against: None,
        doc: match &f.comment {
            Some(c) => c.lines().map(str::to_owned).collect(),
            None => vec![format!("Calls the function `{}`.", f.key())],
        },
        sql,
        params,
        columns,
        writes,
        // A function that may write may also set what a session keeps.
        stateless: !writes,
        row_of: row_of.as_ref().map(|(_, t)| t.clone()),
        row_of_schema: row_of.map(|(s, _)| s),
        returns,
    })
}

/// A table's column as a locked query reads it.
fn table_column(c: &schemac_schema::model::Column, schema: &Schema) -> LockedColumn {
    let (rust, json) = column_type(c, schema);
    LockedColumn {
        name: c.name.clone(),
        pg_type: schemac_schema::sql::column_type(&c.ty, &schema.enums, &schema.ids),
        rust,
        nullable: c.nullable,
        json,
        sensitive: c.sensitive,
    }
}

async fn read_proc(client: &schemac_runtime::tokio_postgres::Client, f: &Function) -> Result<Proc> {
    let row = client
        .query_one(
            "SELECT p.pronargs::int4, p.proretset, t.typname::text, t.typtype::text, \
                    rn.nspname::text, rc.relname::text, \
                    coalesce(p.proargnames, '{}'::text[]), \
                    coalesce(p.proargmodes::text[], '{}'::text[]) \
             FROM pg_proc p \
             JOIN pg_namespace n ON n.oid = p.pronamespace \
             JOIN pg_type t ON t.oid = p.prorettype \
             LEFT JOIN pg_class rc ON rc.oid = t.typrelid \
             LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace \
             WHERE n.nspname = $1 AND p.proname = $2",
            &[&f.pg_schema, &f.name],
        )
        .await
        .map_err(|e| anyhow!("function `{}`: cannot read it from pg_proc: {e}", f.key()))?;
    let nargs: i32 = row.get(0);
    let names: Vec<String> = row.get(6);
    let modes: Vec<String> = row.get(7);
    // Without modes every parameter is an input; names, where given, are
    // all parameters' in order.
    let inputs: Vec<String> = match modes.is_empty() {
        true => (0..nargs as usize)
            .map(|i| names.get(i).cloned().unwrap_or_default())
            .collect(),
        false => modes
            .iter()
            .enumerate()
            .filter(|(_, m)| matches!(m.as_str(), "i" | "b" | "v"))
            .map(|(i, _)| names.get(i).cloned().unwrap_or_default())
            .collect(),
    };
    let typname: String = row.get(2);
    let typtype: String = row.get(3);
    let table = match (
        row.get::<_, Option<String>>(4),
        row.get::<_, Option<String>>(5),
    ) {
        (Some(s), Some(t)) => Some((s, t)),
        _ => None,
    };
    let outs = modes.iter().any(|m| matches!(m.as_str(), "o" | "b" | "t"));
    Ok(Proc {
        inputs,
        set: row.get(1),
        void: typname == "void",
        row: typtype == "c" || (typname == "record" && outs),
        table,
    })
}
