//! What typing the named queries decides without a database: which table's
//! row a query returns. The binary does the preparing (`schemac generate`);
//! `sql_tree` reads the query's text.

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
