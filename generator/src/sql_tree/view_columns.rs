//! Whether a view's new query keeps the columns of its old one, so that
//! `CREATE OR REPLACE VIEW` is enough.
//!
//! PostgreSQL replaces a view in place only when the new query returns the
//! same columns (names, types, order), more appended after them; otherwise
//! it refuses, and the view must be dropped with what reads it and created
//! again. A migration cannot ask the database, so this answers from the
//! text, soundly: the old columns are kept when the new query's first
//! select-list items are the old ones as PostgreSQL's parser reads them,
//! over the same `FROM` and `WITH`, with no `*` — then they are the same
//! expressions over the same relations, and so of the same names and
//! types. What may differ is the rest: the filter, grouping, order, limit,
//! and columns added at the end.

use pg_query::NodeEnum;
use pg_query::protobuf::{Node, SelectStmt};

/// What a view's new query keeps of its old columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kept {
    /// The same columns.
    Same,
    /// The same columns, and more after them: a view reading this one with
    /// `*` would not see them until it is created again.
    Appended,
}

/// Whether the view query `new` returns the columns of `old`, in order,
/// perhaps with more after them. Anything it cannot be sure of is `None`.
pub fn kept_columns(old: &str, new: &str) -> Option<Kept> {
    let (mut old, mut new) = (select_of(old)??, select_of(new)??);
    let n = old.target_list.len();
    if new.target_list.len() < n || has_star(&old.target_list) || has_star(&new.target_list) {
        return None;
    }
    let kept = match new.target_list.len() > n {
        true => Kept::Appended,
        false => Kept::Same,
    };
    new.target_list.truncate(n);
    columns_only(&mut old);
    columns_only(&mut new);
    (deparsed(old)? == deparsed(new)?).then_some(kept)
}

/// The one plain SELECT of `sql` (no set operation, no VALUES); `None`
/// when it does not parse.
fn select_of(sql: &str) -> Option<Option<SelectStmt>> {
    let parsed = pg_query::parse(sql, 0).ok()?;
    let [raw] = parsed.protobuf.stmts.as_slice() else {
        return Some(None);
    };
    let node = raw.stmt.as_ref()?.node.as_ref()?;
    Some(match node {
        NodeEnum::SelectStmt(s) if s.larg.is_none() && s.values_lists.is_empty() => {
            Some((**s).clone())
        }
        _ => None,
    })
}

/// What decides the columns' names and types: the select list, `FROM`,
/// `WITH`, `DISTINCT ON` aside; the rest cleared.
fn columns_only(s: &mut SelectStmt) {
    s.where_clause = None;
    s.group_clause.clear();
    s.group_distinct = false;
    s.having_clause = None;
    s.sort_clause.clear();
    s.limit_offset = None;
    s.limit_count = None;
    s.limit_option = pg_query::protobuf::LimitOption::Default as i32;
    s.locking_clause.clear();
    s.distinct_clause.clear();
}

fn has_star(targets: &[Node]) -> bool {
    targets.iter().any(|t| {
        let Some(NodeEnum::ResTarget(r)) = &t.node else {
            return true;
        };
        let Some(NodeEnum::ColumnRef(c)) = r.val.as_ref().and_then(|v| v.node.as_ref()) else {
            return false;
        };
        c.fields
            .iter()
            .any(|f| matches!(f.node, Some(NodeEnum::AStar(_))))
    })
}

fn deparsed(s: SelectStmt) -> Option<String> {
    NodeEnum::SelectStmt(Box::new(s))
        .deparse(Default::default())
        .ok()
}

#[cfg(test)]
mod tests {
    use super::{Kept, kept_columns};

    #[test]
    fn the_same_columns_over_the_same_relations_are_kept() {
        let old = "SELECT u.id, lower(u.email) AS email FROM users u WHERE u.active";
        for new in [
            // Another filter, order, limit; spelled otherwise.
            "SELECT u.id, lower(u.email) AS email FROM users u WHERE NOT u.active ORDER BY 1 LIMIT 5",
            "select u.id,\n  LOWER(u.email) as email\nfrom users as u",
        ] {
            assert_eq!(kept_columns(old, new), Some(Kept::Same), "{new}");
        }
        let appended = "SELECT u.id, lower(u.email) AS email, u.name FROM users u WHERE u.active";
        assert_eq!(kept_columns(old, appended), Some(Kept::Appended));
        assert_eq!(kept_columns(appended, old), None, "a column taken away");
        for new in [
            // A column taken away, renamed, moved or computed otherwise.
            "SELECT u.id FROM users u",
            "SELECT u.id, lower(u.email) AS mail FROM users u",
            "SELECT lower(u.email) AS email, u.id FROM users u",
            "SELECT u.id, upper(u.email) AS email FROM users u",
            // Another relation under the same alias.
            "SELECT u.id, lower(u.email) AS email FROM admins u",
            "SELECT u.id, lower(u.email) AS email FROM users u JOIN orgs o ON o.id = u.org_id",
            // A star's columns are those of its day; a union, two queries.
            "SELECT u.*, lower(u.email) AS email FROM users u",
            "SELECT u.id, lower(u.email) AS email FROM users u UNION SELECT 1, 'x'",
            "not sql",
        ] {
            assert_eq!(kept_columns(old, new), None, "{new}");
        }
        assert_eq!(
            kept_columns("SELECT * FROM users", "SELECT * FROM users WHERE true"),
            None
        );
    }
}
