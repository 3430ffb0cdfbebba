//! What typing the named queries decides without a database: whether a
//! statement writes, whether it may make a column NULL through an outer
//! join, which table's row it returns, and the scratch database's URL. The
//! binary does the preparing (`schemac generate`).

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

/// Whether a statement can write (then its function takes `&impl Write`),
/// and whether it leaves the session as it found it.
pub fn kind(sql: &str) -> (bool, bool) {
    let words: Vec<String> = sql
        .lines()
        .map(|l| l.split("--").next().unwrap_or(""))
        .flat_map(|l| l.split(|c: char| !c.is_ascii_alphanumeric() && c != '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_uppercase)
        .collect();
    let first = words.first().map(String::as_str).unwrap_or("");
    let modifying = ["INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE"];
    let reads = matches!(first, "SELECT" | "WITH" | "VALUES" | "TABLE")
        && !words.iter().any(|w| modifying.contains(&w.as_str()))
        && !words.iter().any(|w| w == "FOR" || w == "INTO");
    let stateless = matches!(
        first,
        "SELECT" | "WITH" | "VALUES" | "TABLE" | "INSERT" | "UPDATE" | "DELETE" | "MERGE"
    );
    (!reads, stateless)
}

pub fn has_outer_join(sql: &str) -> bool {
    let words: Vec<String> = sql
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_uppercase)
        .collect();
    words.windows(2).any(|w| {
        matches!(w[0].as_str(), "LEFT" | "RIGHT" | "FULL")
            && matches!(w[1].as_str(), "JOIN" | "OUTER")
    })
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
    fn scratch_urls_and_statement_kinds() {
        assert_eq!(
            with_database("postgres://u@h:5432/app?sslmode=require", "s"),
            "postgres://u@h:5432/s?sslmode=require"
        );
        assert_eq!(with_database("postgres://u@h", "s"), "postgres://u@h/s");
        assert_eq!(
            with_database("host=h dbname=app user=u", "s"),
            "host=h user=u dbname=s"
        );
        assert_eq!(kind("SELECT 1"), (false, true));
        assert_eq!(
            kind("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x"),
            (true, true)
        );
        assert_eq!(kind("select * from t for update"), (true, true));
        assert_eq!(kind("UPDATE t SET a = 1"), (true, true));
        assert_eq!(kind("SET search_path = x"), (true, false));
        assert!(has_outer_join("SELECT * FROM a LEFT JOIN b ON b.x = a.x"));
        assert!(!has_outer_join("SELECT * FROM a JOIN b ON b.left_id = a.x"));
    }
}
