//! The SQL of a table's reads and deletes, written out whole here so the
//! template only lays the functions around them. Each read exists once as
//! it is (hiding soft-deleted rows) and, for a soft-delete table, once more
//! as `_with_deleted`, which sees every row.

use serde::Serialize;

use crate::rust::names::unraw;

use super::{ForeignKeyView, Key, Param, SoftView};

/// A list the table offers besides `list`: a `paginate: true` index's order,
/// or one parent's rows in primary-key order.
pub(super) struct ListSpec {
    pub fn_name: String,
    /// What the doc comment says the order is.
    pub order: String,
    pub key: Key,
    pub scope: Option<Scope>,
}

/// A foreign key a list is scoped to.
pub(super) struct Scope {
    pub param: Param,
    /// The column, quoted.
    pub sql: String,
    /// The referenced table, for the doc comment.
    pub parent: String,
}

/// The reads of one visibility: every row, or the live ones.
#[derive(Serialize)]
pub struct ReadVariant {
    /// `""` or `"_with_deleted"`, appended to each function's name.
    pub suffix: &'static str,
    /// What the doc comments add: `", unless soft-deleted"`.
    pub note: &'static str,
    /// By primary key (none without one).
    pub get: Option<String>,
    pub exists: Option<String>,
    pub count: String,
}

/// A keyset-paginated list: its four statements (first page or after a
/// cursor, each way).
#[derive(Serialize)]
pub struct ListView {
    pub fn_name: String,
    pub doc: String,
    pub key: Key,
    /// The parent key the list is scoped to (its rows with this value of a
    /// foreign key); the last parameter of each statement.
    pub scope: Option<Param>,
    pub first_asc: String,
    pub first_desc: String,
    pub after_asc: String,
    pub after_desc: String,
}

/// A foreign key's loaders for one visibility.
#[derive(Serialize)]
pub struct ForeignKeyRead {
    pub suffix: &'static str,
    pub note: &'static str,
    /// `... WHERE fk = $1`
    pub one: String,
    /// `... WHERE fk = ANY($1)`
    pub many: String,
}

/// The deletes: a plain table's `delete`, or a soft-delete table's
/// `delete` (sets the column), `restore` and `hard_delete`.
#[derive(Serialize)]
pub struct DeleteView {
    pub delete: String,
    pub restore: Option<String>,
    pub hard_delete: Option<String>,
}

/// What a read statement is made of.
pub(super) struct Source<'a> {
    pub table_sql: &'a str,
    pub select: &'a str,
    pub soft: Option<&'a SoftView>,
    pub pk: Option<&'a Key>,
}

impl Source<'_> {
    /// (suffix, note, filter) of each visibility.
    fn visibilities(&self) -> Vec<(&'static str, &'static str, Option<&str>)> {
        match self.soft {
            None => vec![("", "", None)],
            Some(soft) => vec![
                ("", ", unless soft-deleted", Some(soft.live.as_str())),
                ("_with_deleted", ", soft-deleted or not", None),
            ],
        }
    }

    /// The live filter of the default reads, if the table has one.
    fn live(&self) -> Option<&str> {
        self.soft.map(|s| s.live.as_str())
    }

    fn select_where(&self, conditions: &[impl AsRef<str>]) -> String {
        let conditions: Vec<&str> = conditions.iter().map(AsRef::as_ref).collect();
        format!(
            "SELECT {} FROM {} WHERE {}",
            self.select,
            self.table_sql,
            conditions.join(" AND ")
        )
    }

    pub fn reads(&self) -> Vec<ReadVariant> {
        self.visibilities()
            .into_iter()
            .map(|(suffix, note, filter)| {
                let by_key = |pk: &Key| {
                    let mut conditions = vec![pk.where_sql.as_str()];
                    conditions.extend(filter);
                    conditions.join(" AND ")
                };
                ReadVariant {
                    suffix,
                    note,
                    get: self.pk.map(|pk| {
                        format!(
                            "SELECT {} FROM {} WHERE {}",
                            self.select,
                            self.table_sql,
                            by_key(pk)
                        )
                    }),
                    exists: self.pk.map(|pk| {
                        format!(
                            "SELECT EXISTS (SELECT 1 FROM {} WHERE {})",
                            self.table_sql,
                            by_key(pk)
                        )
                    }),
                    count: match filter {
                        Some(f) => format!("SELECT count(*) FROM {} WHERE {f}", self.table_sql),
                        None => format!("SELECT count(*) FROM {}", self.table_sql),
                    },
                }
            })
            .collect()
    }

    /// `get_by_<unique>`: live rows only, and for a partial unique index
    /// those its predicate covers (which also lets the planner use it).
    pub fn get_by(&self, key: &Key, predicate: Option<&str>) -> String {
        self.select_where(&self.unique_conditions(&key.where_sql, predicate))
    }

    /// `get_by_<unique>_many` of a single-column key: `= ANY($1)`.
    pub fn get_by_many(&self, column_sql: &str, predicate: Option<&str>) -> String {
        let matches = format!("{column_sql} = ANY($1)");
        self.select_where(&self.unique_conditions(&matches, predicate))
    }

    /// The key's match, a partial index's predicate, and the live filter,
    /// which the predicate often is already (`deleted_at IS NULL`): then once.
    fn unique_conditions(&self, matches: &str, predicate: Option<&str>) -> Vec<String> {
        let plain = |sql: &str| sql.replace('"', "").to_lowercase();
        let mut conditions = vec![matches.to_owned()];
        if let Some(p) = predicate {
            conditions.push(format!("({p})"));
        }
        if let Some(live) = self.live() {
            if predicate.is_none_or(|p| plain(p).trim() != plain(live)) {
                conditions.push(live.to_owned());
            }
        }
        conditions
    }

    /// `list` (and `list_with_deleted`) in primary-key order, then a list per
    /// `paginate: true` index (live rows), as (function, ordered by, key).
    pub fn lists(&self, specs: Vec<ListSpec>) -> Vec<ListView> {
        let Some(pk) = self.pk else {
            return Vec::new();
        };
        let rows = if self.soft.is_some() {
            "Rows not soft-deleted"
        } else {
            "Rows"
        };
        let mut out = vec![self.list(
            "list".into(),
            format!("{rows}, `limit` at a time in primary-key order"),
            pk.clone(),
            None,
            self.live(),
        )];
        if self.soft.is_some() {
            out.push(self.list(
                "list_with_deleted".into(),
                "Every row, soft-deleted or not, `limit` at a time in primary-key order".into(),
                pk.clone(),
                None,
                None,
            ));
        }
        for spec in specs {
            let whose = spec
                .scope
                .as_ref()
                .map(|s| format!(" whose `{}` is this {} key", unraw(&s.param.name), s.parent))
                .unwrap_or_default();
            out.push(self.list(
                spec.fn_name,
                format!("{rows}{whose}, `limit` at a time {}", spec.order),
                spec.key,
                spec.scope,
                self.live(),
            ));
        }
        out
    }

    fn list(
        &self,
        fn_name: String,
        doc: String,
        key: Key,
        scope: Option<Scope>,
        filter: Option<&str>,
    ) -> ListView {
        // The scope's parameter comes after the limit and the cursor.
        let scoped = |at: usize| scope.as_ref().map(|s| format!("{} = ${at}", s.sql));
        let first = |order: &str| {
            let conditions: Vec<String> = scoped(2)
                .into_iter()
                .chain(filter.map(str::to_owned))
                .collect();
            let filter = match conditions.is_empty() {
                true => String::new(),
                false => format!(" WHERE {}", conditions.join(" AND ")),
            };
            format!(
                "SELECT {} FROM {}{filter} ORDER BY {order} LIMIT $1",
                self.select, self.table_sql
            )
        };
        let after = |op: &str, order: &str| {
            let conditions: String = scoped(2 + key.args.len())
                .into_iter()
                .chain(filter.map(str::to_owned))
                .map(|c| format!(" AND {c}"))
                .collect();
            format!(
                "SELECT {} FROM {} WHERE {} {op} {}{conditions} ORDER BY {order} LIMIT $1",
                self.select, self.table_sql, key.tuple_sql, key.cursor_sql
            )
        };
        ListView {
            first_asc: first(&key.order_asc),
            first_desc: first(&key.order_desc),
            after_asc: after(">", &key.order_asc),
            after_desc: after("<", &key.order_desc),
            fn_name,
            doc,
            key,
            scope: scope.map(|s| s.param),
        }
    }

    /// A foreign key's loaders, for each visibility.
    pub fn foreign_key(&self, fk: &ForeignKeyView) -> Vec<ForeignKeyRead> {
        let order = self
            .pk
            .map(|pk| format!(" ORDER BY {}", pk.order_asc))
            .unwrap_or_default();
        self.visibilities()
            .into_iter()
            .map(|(suffix, note, filter)| {
                let filter = filter.map(|f| format!(" AND {f}")).unwrap_or_default();
                let read = |matches: &str| {
                    format!(
                        "SELECT {} FROM {} WHERE {} {matches}{filter}{order}",
                        self.select, self.table_sql, fk.sql
                    )
                };
                ForeignKeyRead {
                    suffix,
                    note,
                    one: read("= $1"),
                    many: read("= ANY($1)"),
                }
            })
            .collect()
    }

    pub fn deletes(&self) -> Option<DeleteView> {
        let pk = self.pk?;
        let hard = format!("DELETE FROM {} WHERE {}", self.table_sql, pk.where_sql);
        Some(match self.soft {
            None => DeleteView {
                delete: hard,
                restore: None,
                hard_delete: None,
            },
            Some(soft) => {
                let update = |set: &str, condition: &str| {
                    format!(
                        "UPDATE {} SET {set} WHERE {} AND {condition}",
                        self.table_sql, pk.where_sql
                    )
                };
                DeleteView {
                    delete: update(&soft.set_deleted, &soft.live),
                    restore: Some(update(&soft.restore, &soft.deleted)),
                    hard_delete: Some(hard),
                }
            }
        })
    }
}
