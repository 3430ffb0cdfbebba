//! Typing the views' rows with PostgreSQL, on the scratch database the
//! named queries are typed in: a view's own `SELECT` is prepared as a
//! query is, so a column it reads from a table keeps that column's ID,
//! enum or json type and its nullability, and the generated code reads
//! the view without a database.

use std::path::PathBuf;

use anyhow::{Result, anyhow};
use schemac::ddl::view_order;
use schemac::sql_tree;
use schemac_schema::Schema;
use schemac_schema::model::View;
use schemac_schema::queries::{LockedView, QuerySource};

use super::queries::{check_annotations, columns, origins};

/// Each view's columns, by `pg_schema.name`. Views are typed in an order
/// where a view another reads comes first, so that a column read from a
/// view keeps the type that view gave it.
pub(super) async fn type_views(
    client: &schemac_runtime::tokio_postgres::Client,
    schema: &Schema,
) -> Result<Vec<LockedView>> {
    let views: Vec<&View> = schema.views.iter().collect();
    let mut typed: Vec<LockedView> = Vec::with_capacity(views.len());
    for v in view_order(&views) {
        let at = |message: String| anyhow!("view `{}`: {message}", v.key());
        let statement = client.prepare(&v.sql).await.map_err(|e| {
            at(e.as_db_error()
                .map_or(e.to_string(), |d| d.message().to_owned()))
        })?;
        let reading = sql_tree::read(&v.sql, schema).map_err(&at)?;
        let origins = origins(client, &statement).await?;
        let source = as_query(&v.name, &v.sql, &v.not_null);
        let mut columns = columns(&source, &statement, &reading, &origins, schema, &at)?;
        for (c, origin) in columns.iter_mut().zip(&origins) {
            let Some((s, t, name)) = origin else {
                continue;
            };
            let key = format!("{s}.{t}");
            let Some(from) = typed
                .iter()
                .find(|tv| tv.name == key)
                .and_then(|tv| tv.columns.iter().find(|c| &c.name == name))
            else {
                continue;
            };
            let extended = reading.null_extended.contains(&(s.clone(), t.clone()));
            c.rust.clone_from(&from.rust);
            c.json = from.json;
            c.sensitive = from.sensitive;
            c.nullable = (from.nullable || extended) && !v.not_null.contains(&c.name);
        }
        check_annotations(&source, &columns, &|m| {
            at(m.replace("the annotation names", "`not_null` names")
                .replace("the query does not", "the view does not"))
        })?;
        if let Some(k) = v
            .key
            .iter()
            .find(|k| !columns.iter().any(|c| &c.name == *k))
        {
            return Err(at(format!(
                "its `key` names `{k}`, which the view does not return (it returns {})",
                columns
                    .iter()
                    .map(|c| format!("`{}`", c.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        typed.push(LockedView {
            name: v.key(),
            typed_against: None,
            columns,
        });
    }
    typed.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(typed)
}

/// A statement the schema holds (a view's query, a function's call) as a
/// named query, its `not_null` the query's annotation.
pub(super) fn as_query(name: &str, sql: &str, not_null: &[String]) -> QuerySource {
    QuerySource {
        name: name.to_owned(),
        file: PathBuf::new(),
        line: 0,
        sql_line: 0,
        doc: Vec::new(),
        sql: sql.to_owned(),
        params: Vec::new(),
        nullable: Vec::new(),
        not_null: not_null.to_vec(),
        param_types: Vec::new(),
        column_types: Vec::new(),
        returns: None,
        source_sha256: String::new(),
    }
}
