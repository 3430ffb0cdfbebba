//! Statements whose column list depends on which values a caller gave: an
//! insert that leaves defaulted columns out, an update of the fields a patch
//! sets. Generated code passes the pieces, all written at generation time;
//! values are always parameters. Equal shapes give equal text, so the
//! connection's statement cache prepares each shape once.

use std::fmt::Write as _;

/// `INSERT INTO table (c1, c2) VALUES ($1, $2) RETURNING returning`, or
/// `... DEFAULT VALUES ...` when no column is given.
pub fn insert(table: &str, columns: &[&str], returning: &str) -> String {
    let mut sql = String::with_capacity(64 + table.len() + returning.len() + columns.len() * 24);
    let _ = write!(sql, "INSERT INTO {table} ");
    if columns.is_empty() {
        sql.push_str("DEFAULT VALUES");
    } else {
        sql.push('(');
        sql.push_str(&columns.join(", "));
        sql.push_str(") VALUES (");
        for i in 1..=columns.len() {
            if i > 1 {
                sql.push_str(", ");
            }
            let _ = write!(sql, "${i}");
        }
        sql.push(')');
    }
    let _ = write!(sql, " RETURNING {returning}");
    sql
}

/// [`insert`] that updates the row when `conflict` (a key's columns)
/// collides: every given column but the key's and those in `keep` (the
/// primary key, when the conflict is on another key) is set from the new
/// row, `also` (e.g. clearing a soft delete) is appended to the SET list,
/// and each column of `touch` (those marked `on_update: now`) is set to
/// `now()` unless the caller gave it.
pub fn upsert(
    table: &str,
    columns: &[&str],
    conflict: &[&str],
    keep: &[&str],
    also: &[&str],
    touch: &[&str],
    returning: &str,
) -> String {
    let insert = insert(table, columns, "");
    let mut sql = insert.trim_end_matches(" RETURNING ").to_owned();
    let _ = write!(sql, " ON CONFLICT ({}) DO UPDATE SET ", conflict.join(", "));
    let mut sets: Vec<String> = columns
        .iter()
        .filter(|c| !conflict.contains(c) && !keep.contains(c))
        .map(|c| format!("{c} = EXCLUDED.{c}"))
        .collect();
    sets.extend(also.iter().map(|s| (*s).to_owned()));
    sets.extend(
        touch
            .iter()
            .filter(|c| !columns.contains(c))
            .map(|c| format!("{c} = now()")),
    );
    if sets.is_empty() {
        // Nothing to change, but RETURNING needs the row: touch the key.
        sets.push(format!("{0} = EXCLUDED.{0}", conflict[0]));
    }
    sql.push_str(&sets.join(", "));
    let _ = write!(sql, " RETURNING {returning}");
    sql
}

/// `UPDATE table SET c1 = $1, c2 = $2, always... WHERE k1 = $3 AND k2 = $4 [AND filter] RETURNING returning`.
pub fn update(
    table: &str,
    columns: &[&str],
    always: &[&str],
    key: &[&str],
    filter: &str,
    returning: &str,
) -> String {
    let mut n = 0;
    let mut sets: Vec<String> = Vec::with_capacity(columns.len() + always.len());
    for c in columns {
        n += 1;
        sets.push(format!("{c} = ${n}"));
    }
    sets.extend(always.iter().map(|s| (*s).to_owned()));
    // An empty patch still returns the row, locked as an UPDATE that leaves
    // the key alone would lock it. `SET key = key` would do the same, but
    // PostgreSQL refuses it on a GENERATED ALWAYS identity key.
    let mut sql = match sets.is_empty() {
        true => format!("SELECT {returning} FROM {table} WHERE "),
        false => format!("UPDATE {table} SET {} WHERE ", sets.join(", ")),
    };
    for (i, k) in key.iter().enumerate() {
        n += 1;
        if i > 0 {
            sql.push_str(" AND ");
        }
        let _ = write!(sql, "{k} = ${n}");
    }
    if !filter.is_empty() {
        let _ = write!(sql, " AND {filter}");
    }
    match sets.is_empty() {
        true => sql.push_str(" FOR NO KEY UPDATE"),
        false => {
            let _ = write!(sql, " RETURNING {returning}");
        }
    }
    sql
}

/// `Some(true)` when every row gives the field, `Some(false)` when none
/// does, `None` when some do: a `COPY` can leave a column to its default
/// only for all rows at once.
pub fn uniform<T>(rows: &[T], given: impl Fn(&T) -> bool) -> Option<bool> {
    let first = given(rows.first()?);
    rows[1..]
        .iter()
        .all(|row| given(row) == first)
        .then_some(first)
}

/// The four statements of a keyset-paginated list, as generated code
/// writes them out: the first page and the page after a cursor, each way.
/// Each reads `$1` as the limit, then the cursor's values, then a scope.
#[derive(Clone, Copy, Debug)]
pub struct Pages {
    /// The first page, ascending.
    pub first_asc: &'static str,
    /// The first page, descending.
    pub first_desc: &'static str,
    /// The page after a cursor, ascending.
    pub after_asc: &'static str,
    /// The page after a cursor, descending.
    pub after_desc: &'static str,
}

impl Pages {
    /// The statement of the first page in this order.
    pub fn first(&self, order: crate::Order) -> crate::Sql<'static> {
        crate::Sql::stateless(match order {
            crate::Order::Asc => self.first_asc,
            crate::Order::Desc => self.first_desc,
        })
    }

    /// The statement of the page after a cursor in this order.
    pub fn after(&self, order: crate::Order) -> crate::Sql<'static> {
        crate::Sql::stateless(match order {
            crate::Order::Asc => self.after_asc,
            crate::Order::Desc => self.after_desc,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_rows() {
        assert_eq!(uniform(&[Some(1), Some(2)], Option::is_some), Some(true));
        assert_eq!(uniform(&[None::<i32>, None], Option::is_some), Some(false));
        assert_eq!(uniform(&[Some(1), None], Option::is_some), None);
        assert_eq!(uniform(&[] as &[Option<i32>], Option::is_some), None);
    }

    #[test]
    fn shapes() {
        assert_eq!(
            insert(r#""t""#, &[r#""a""#, r#""b""#], r#""a""#),
            r#"INSERT INTO "t" ("a", "b") VALUES ($1, $2) RETURNING "a""#
        );
        assert_eq!(
            insert("t", &[], "*"),
            "INSERT INTO t DEFAULT VALUES RETURNING *"
        );
        assert_eq!(
            upsert(
                "t",
                &["id", "v"],
                &["id"],
                &[],
                &["gone = NULL"],
                &["at"],
                "*"
            ),
            "INSERT INTO t (id, v) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v, gone = NULL, at = now() RETURNING *"
        );
        assert_eq!(
            upsert("t", &["id", "at"], &["id"], &[], &[], &["at"], "*"),
            "INSERT INTO t (id, at) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET at = EXCLUDED.at RETURNING *",
            "a value given wins"
        );
        assert_eq!(
            upsert("t", &["id", "k", "v"], &["k"], &["id"], &[], &[], "*"),
            "INSERT INTO t (id, k, v) VALUES ($1, $2, $3) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v RETURNING *"
        );
        assert_eq!(
            update("t", &["v"], &["at = now()"], &["id"], "gone IS NULL", "*"),
            "UPDATE t SET v = $1, at = now() WHERE id = $2 AND gone IS NULL RETURNING *"
        );
        assert_eq!(
            update("t", &[], &[], &["id"], "", "id, v"),
            "SELECT id, v FROM t WHERE id = $1 FOR NO KEY UPDATE",
            "an empty patch reads the row, locked"
        );
    }
}
