//! What typing the named queries decides without a database: which table's
//! row a query returns, and the scratch database's URL. The binary does the
//! preparing (`schemac generate`); `sql_tree` reads the query's text.

use schemac_schema::Schema;
use schemac_schema::queries::LockedColumn;

/// The table whose whole row the columns are, in order and as nullable as
/// the table says: the query returns that table's struct. `origins` are
/// each column's (pg_schema, table, column); the answer is (pg_schema, table).
pub fn row_of(
    schema: &Schema,
    columns: &[LockedColumn],
    origins: &[Option<(String, String, String)>],
    outer: bool,
) -> Option<(String, String)> {
    let (pg_schema, table, _) = origins.first()?.as_ref()?;
    let t = schema.table(pg_schema, table)?;
    let same = !outer
        && t.columns.len() == columns.len()
        && t.columns
            .iter()
            .zip(columns)
            .zip(origins)
            .all(|((tc, c), o)| {
                o.as_ref()
                    .is_some_and(|(os, ot, oc)| os == pg_schema && ot == table && oc == &tc.name)
                    && c.name == tc.name
                    && c.nullable == tc.nullable
            });
    same.then(|| (t.pg_schema.clone(), t.name.clone()))
}

/// The URL (or key=value connection string) with another database name.
pub fn with_database(url: &str, name: &str) -> String {
    if let Some(rest) = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
    {
        let scheme = &url[..url.len() - rest.len()];
        let (before, query) = match rest.split_once('?') {
            Some((b, q)) => (b, format!("?{q}")),
            None => (rest, String::new()),
        };
        let authority = before.split_once('/').map_or(before, |(a, _)| a);
        return format!("{scheme}{authority}/{name}{query}");
    }
    let kept: Vec<&str> = url
        .split_whitespace()
        .filter(|kv| !kv.starts_with("dbname="))
        .collect();
    format!("{} dbname={name}", kept.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_urls() {
        assert_eq!(
            with_database("postgres://u@h:5432/app?sslmode=require", "s"),
            "postgres://u@h:5432/s?sslmode=require"
        );
        assert_eq!(with_database("postgres://u@h", "s"), "postgres://u@h/s");
        assert_eq!(
            with_database("host=h dbname=app user=u", "s"),
            "host=h user=u dbname=s"
        );
    }
}
