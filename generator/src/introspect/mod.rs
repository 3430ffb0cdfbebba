//! A live database's catalog read into schemac's model: what `schemac pull`
//! writes as YAML, what drift compares, what a drizzle-kit import replays
//! its SQL into and reads back.
//!
//! Each object kind is one catalog query over every pg_schema at once (keyed
//! by oid, never one per table), run with an empty `search_path` so that
//! every name PostgreSQL prints that is not in `pg_catalog` comes back with
//! its schema. What schemac cannot express is kept by name in
//! [`Pulled::unsupported`] with the reason, never dropped silently.

pub mod drift;
mod objects;
mod queries;
mod tables;
mod types;

use schemac_runtime::tokio_postgres::{Client, Row};
use schemac_schema::model::Schema;

/// The oldest server whose catalog this reads (`server_version_num`).
pub const OLDEST_SERVER: i32 = 140000;

/// A database as schemac's model, with what the model could not hold.
#[derive(Clone, Debug)]
pub struct Pulled {
    /// The database's schema, in schemac's terms.
    pub schema: Schema,
    /// What is in the database that schemac cannot express, sorted.
    pub unsupported: Vec<Unsupported>,
    /// The triggers switched off (`ALTER TABLE … DISABLE TRIGGER`), as
    /// `pg_schema.table.trigger`: the model has no word for it, drift does.
    pub disabled_triggers: Vec<String>,
}

/// One object schemac leaves out of a pulled schema, and why.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unsupported {
    /// What it is and its name (`partitioned table public.payment`).
    pub object: String,
    /// Why schemac leaves it out.
    pub reason: String,
}

/// Why a catalog could not be read.
#[derive(Debug, thiserror::Error)]
pub enum IntrospectError {
    /// A catalog query failed.
    #[error("reading the catalog failed ({what}): {source}")]
    Query {
        /// Which query.
        what: &'static str,
        /// PostgreSQL's error.
        #[source]
        source: schemac_runtime::tokio_postgres::Error,
    },
    /// A server older than schemac reads.
    #[error(
        "the server is PostgreSQL {found}; schemac reads the catalogs of PostgreSQL 14 and later"
    )]
    TooOld {
        /// Its `server_version`.
        found: String,
    },
    /// A pg_schema asked for that the database does not have.
    #[error("the database has no pg_schema `{0}`")]
    NoSuchSchema(String),
}

/// Which pg_schemas to read.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Only these pg_schemas (every user pg_schema when empty).
    pub pg_schemas: Vec<String>,
}

/// Reads the database `client` is connected to. The session's
/// `search_path` is emptied for the reading and set back after.
pub async fn read(
    client: &Client,
    database: &str,
    filter: &Filter,
) -> Result<Pulled, IntrospectError> {
    let version: i32 = one(
        client,
        "SELECT current_setting('server_version_num')::int",
        "version",
    )
    .await?
    .get(0);
    if version < OLDEST_SERVER {
        let found: String = one(
            client,
            "SELECT current_setting('server_version')",
            "version",
        )
        .await?
        .get(0);
        return Err(IntrospectError::TooOld { found });
    }
    let path: String = one(
        client,
        "SELECT current_setting('search_path')",
        "search_path",
    )
    .await?
    .get(0);
    exec(
        client,
        "SELECT pg_catalog.set_config('search_path', '', false)",
    )
    .await?;
    let result = read_all(client, database, filter, version).await;
    let _ = client
        .query(
            "SELECT pg_catalog.set_config('search_path', $1, false)",
            &[&path],
        )
        .await;
    result
}

async fn read_all(
    client: &Client,
    database: &str,
    filter: &Filter,
    version: i32,
) -> Result<Pulled, IntrospectError> {
    let namespaces = rows(client, queries::NAMESPACES, &[], "pg_schemas").await?;
    let mut spaces: Vec<(u32, String)> = namespaces
        .iter()
        .map(|r| (r.get::<_, u32>(0), r.get::<_, String>(1)))
        .collect();
    for wanted in &filter.pg_schemas {
        if !spaces.iter().any(|(_, n)| n == wanted) {
            return Err(IntrospectError::NoSuchSchema(wanted.clone()));
        }
    }
    if !filter.pg_schemas.is_empty() {
        spaces.retain(|(_, n)| filter.pg_schemas.contains(n));
    }
    let oids: Vec<u32> = spaces.iter().map(|(o, _)| *o).collect();
    let mut out = Pulled {
        schema: Schema::empty(database),
        unsupported: Vec::new(),
        disabled_triggers: Vec::new(),
    };
    out.schema.pg_schemas = spaces
        .iter()
        .map(|(_, n)| n.clone())
        .filter(|n| n != "public")
        .collect();
    out.schema.pg_schemas.sort();
    out.schema.extensions = rows(client, queries::EXTENSIONS, &[], "extensions")
        .await?
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect();
    let mut reader = tables::Reader::new(client, &oids, version);
    let types = reader.types(&mut out).await?;
    reader.tables(&types, &mut out).await?;
    objects::read(client, &oids, &mut out).await?;
    out.unsupported.sort();
    out.unsupported.dedup();
    out.disabled_triggers.sort();
    Ok(out)
}

async fn one(client: &Client, sql: &str, what: &'static str) -> Result<Row, IntrospectError> {
    client
        .query_one(sql, &[])
        .await
        .map_err(|source| IntrospectError::Query { what, source })
}

async fn exec(client: &Client, sql: &str) -> Result<(), IntrospectError> {
    client
        .batch_execute(sql)
        .await
        .map_err(|source| IntrospectError::Query {
            what: "session",
            source,
        })
}

pub(crate) async fn rows(
    client: &Client,
    sql: &str,
    params: &[&(dyn schemac_runtime::tokio_postgres::types::ToSql + Sync)],
    what: &'static str,
) -> Result<Vec<Row>, IntrospectError> {
    client
        .query(sql, params)
        .await
        .map_err(|source| IntrospectError::Query { what, source })
}

/// Splits a list PostgreSQL printed (`a integer, b numeric(10,2)`) at its
/// top-level commas, leaving those inside parentheses and quotes.
pub(crate) fn split_top_level(list: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut cur = String::new();
    for ch in list.chars() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(ch),
            (None, '(' | '[') => depth += 1,
            (None, ')' | ']') => depth -= 1,
            (None, ',') if depth == 0 => {
                out.push(cur.trim().to_string());
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// `CHECK (expr)` as `pg_get_constraintdef` prints it: the expression, and
/// whether it is `NOT VALID`.
pub(crate) fn check_expression(def: &str) -> (String, bool) {
    let (def, not_valid) = match def.strip_suffix(" NOT VALID") {
        Some(d) => (d, true),
        None => (def, false),
    };
    let def = def.strip_suffix(" NO INHERIT").unwrap_or(def);
    let inner = def
        .strip_prefix("CHECK (")
        .and_then(|d| d.strip_suffix(')'))
        .unwrap_or(def);
    (inner.to_string(), not_valid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_at_top_level_commas_only() {
        assert_eq!(
            split_top_level("a integer, b numeric(10,2), c text DEFAULT 'x, y'"),
            vec!["a integer", "b numeric(10,2)", "c text DEFAULT 'x, y'"]
        );
        assert!(split_top_level("").is_empty());
    }

    #[test]
    fn checks_lose_their_keyword_and_keep_their_parentheses() {
        assert_eq!(
            check_expression("CHECK ((price > (0)::numeric)) NOT VALID"),
            ("(price > (0)::numeric)".to_string(), true)
        );
    }
}
