//! Changes that fail on some existing rows instead of losing them: a
//! narrower integer or numeric, a shorter varchar, NOT NULL without a
//! backfill, a unique key over columns that hold duplicates, a check or a
//! foreign key validated against the rows there. PostgreSQL refuses such a
//! change and rolls the migration back; the `data_dependent` hazard says so
//! before it runs, with the query that counts the rows that would make it
//! fail. The query runs before the migration (`schemac lint --check-data`),
//! so it names tables and columns as they are then.

use schemac_schema::model::*;
use schemac_schema::naming::{NameKind, derive_name};
use schemac_schema::sql::{ident, qualified};

use super::constraints::mentions_word;
use super::{Change, Differ, IndexBuild, TableRef, types};

/// What a change requires of the rows, and the query that counts those
/// that break it (none where the rows cannot be asked before the migration,
/// e.g. a check naming a column the migration adds).
pub(super) struct DataCheck {
    pub message: String,
    pub query: Option<String>,
}

/// A table as it is before the migration: its position in both schemas
/// and its SQL name then.
struct Before<'a> {
    oi: usize,
    ni: usize,
    old: &'a Table,
    sql: String,
}

impl<'a> Differ<'a> {
    pub(super) fn data_check(&self, change: &Change) -> Option<DataCheck> {
        match change {
            Change::AlterColumnType { table, column, .. } => self.retype_check(table, column),
            Change::SetNotNull {
                table,
                column,
                via_check: None,
            } => self.not_null_check(table, column),
            Change::CreateIndex {
                table,
                index,
                build,
            } if index.unique => {
                // A changed index is built beside the old one and replaces it.
                let replaced = *build == IndexBuild::ConcurrentReplace;
                let nulls_equal = index.nulls_not_distinct;
                self.unique_check(
                    table,
                    &index.name,
                    &index.keys,
                    index.predicate.as_deref(),
                    nulls_equal,
                )
                .filter(|_| replaced || !self.had_same_unique_index(table, index))
            }
            Change::AddUnique {
                table,
                unique,
                using_index: false,
            } => self.unique_check(
                table,
                &unique.name,
                &column_keys(&unique.columns),
                None,
                unique.nulls_not_distinct,
            ),
            Change::AddPrimaryKey {
                table,
                pk,
                using_index: false,
            } => self.primary_key_check(table, pk),
            Change::AddCheck {
                table,
                check,
                not_valid: false,
            } => self.check_check(table, check),
            Change::AddForeignKey {
                table,
                fk,
                not_valid: false,
            } => self.foreign_key_check(table, fk),
            Change::ValidateConstraint { table, name } => self.validate_check(table, name),
            _ => None,
        }
    }

    fn before(&self, table: &TableRef) -> Option<Before<'a>> {
        let ni = self.new_table_index(&table.schema, &table.name)?;
        let oi = self.old_index_of_new(ni)?;
        let old = &self.old.tables[oi];
        Some(Before {
            oi,
            ni,
            old,
            sql: qualified(&old.pg_schema, &old.name),
        })
    }

    /// The name a column of the new schema has before the migration; none
    /// for a column the migration adds.
    fn old_column(&self, b: &Before<'_>, column: &str) -> Option<String> {
        self.column_source(b.oi, b.ni, column)
    }

    /// An expression over the new table's columns, as it reads before the
    /// migration: none when it names a column that is new or renamed.
    fn expression_before(&self, b: &Before<'_>, expr: &str) -> Option<String> {
        let nt = &self.new.tables[b.ni];
        let readable = nt.columns.iter().all(|c| {
            !mentions_word(expr, &c.name)
                || self.old_column(b, &c.name).as_deref() == Some(c.name.as_str())
        });
        readable.then(|| expr.to_owned())
    }

    fn retype_check(&self, table: &TableRef, column: &str) -> Option<DataCheck> {
        let b = self.before(table)?;
        let key = (table.schema.clone(), table.name.clone(), column.to_owned());
        // The author's own conversion says what it does with every value.
        if self.data.using.contains_key(&key) {
            return None;
        }
        let nc = self.new.tables[b.ni].column(column)?;
        let old_name = self.old_column(&b, column)?;
        let oc = b.old.column(&old_name)?;
        if oc.ty.array || nc.ty.array {
            return None;
        }
        let (from, to) = (
            types::stored(&oc.ty.base, self.old),
            types::stored(&nc.ty.base, self.new),
        );
        let col = ident(&old_name);
        let failing = types::failing_values(&from, &to, &col)?;
        Some(DataCheck {
            message: format!(
                "changing the type of {}.{column} from {} to {} fails on a row {}",
                table.name,
                schemac_schema::sql::column_type(&oc.ty, &self.old.enums, &self.old.ids),
                schemac_schema::sql::column_type(&nc.ty, &self.new.enums, &self.new.ids),
                failing.what
            ),
            query: Some(count_where(&b.sql, &failing.condition)),
        })
    }

    fn not_null_check(&self, table: &TableRef, column: &str) -> Option<DataCheck> {
        let b = self.before(table)?;
        let key = (table.schema.clone(), table.name.clone(), column.to_owned());
        // NULLs given a value first do not fail it.
        if self.data.backfill.contains_key(&key) {
            return None;
        }
        let old_name = self.old_column(&b, column)?;
        Some(DataCheck {
            message: format!(
                "NOT NULL on {}.{column} fails on a row holding NULL (give `backfill:` a value for them)",
                table.name
            ),
            query: Some(count_where(
                &b.sql,
                &format!("{} IS NULL", ident(&old_name)),
            )),
        })
    }

    /// Whether the old table has this very unique index (one rebuilt
    /// unchanged, e.g. around an enum rebuild, meets no new duplicates).
    fn had_same_unique_index(&self, table: &TableRef, index: &Index) -> bool {
        self.before(table).is_some_and(|b| {
            b.old.indexes.iter().any(|o| {
                o.name == index.name
                    && o.unique
                    && o.keys == index.keys
                    && o.predicate == index.predicate
            })
        })
    }

    fn unique_check(
        &self,
        table: &TableRef,
        name: &str,
        keys: &[IndexKey],
        predicate: Option<&str>,
        nulls_equal: bool,
    ) -> Option<DataCheck> {
        let b = self.before(table)?;
        let query = self.duplicates(&b, keys, predicate, nulls_equal);
        Some(DataCheck {
            message: format!(
                "the unique key {name} on {} fails on rows that share its values",
                table.name
            ),
            query,
        })
    }

    /// The rows whose key values another row shares: NULLs are distinct,
    /// unless the key says `NULLS NOT DISTINCT` (`nulls_equal`).
    fn duplicates(
        &self,
        b: &Before<'_>,
        keys: &[IndexKey],
        predicate: Option<&str>,
        nulls_equal: bool,
    ) -> Option<String> {
        let mut terms = Vec::new();
        for k in keys {
            match (&k.column, &k.expression) {
                (Some(c), _) => terms.push(ident(&self.old_column(b, c)?)),
                (None, Some(e)) => terms.push(format!("({})", self.expression_before(b, e)?)),
                (None, None) => return None,
            }
        }
        let mut conditions: Vec<String> = match nulls_equal {
            true => Vec::new(),
            false => terms.iter().map(|t| format!("{t} IS NOT NULL")).collect(),
        };
        if let Some(p) = predicate {
            conditions.push(format!("({})", self.expression_before(b, p)?));
        }
        let filter = match conditions.is_empty() {
            true => String::new(),
            false => format!(" WHERE {}", conditions.join(" AND ")),
        };
        Some(format!(
            "SELECT coalesce(sum(n), 0)::bigint FROM (SELECT count(*) AS n FROM {}{filter} GROUP BY {} HAVING count(*) > 1) AS duplicates",
            b.sql,
            terms.join(", ")
        ))
    }

    fn primary_key_check(&self, table: &TableRef, pk: &PrimaryKey) -> Option<DataCheck> {
        let b = self.before(table)?;
        let query = (|| {
            let duplicates = self.duplicates(&b, &column_keys(&pk.columns), None, false)?;
            let nulls = pk
                .columns
                .iter()
                .map(|c| Some(format!("{} IS NULL", ident(&self.old_column(&b, c)?))))
                .collect::<Option<Vec<_>>>()?;
            Some(format!(
                "SELECT ({duplicates}) + ({})",
                count_where(&b.sql, &nulls.join(" OR "))
            ))
        })();
        Some(DataCheck {
            message: format!(
                "the primary key {} on {} fails on rows that share its values or hold NULL",
                pk.name, table.name
            ),
            query,
        })
    }

    fn check_check(&self, table: &TableRef, check: &Check) -> Option<DataCheck> {
        let b = self.before(table)?;
        Some(DataCheck {
            message: format!(
                "CHECK {} fails on a row of {} it does not hold for",
                check.name, table.name
            ),
            // A check passes on NULL: only the rows where it is false fail.
            query: self
                .expression_before(&b, &check.expr)
                .map(|e| count_where(&b.sql, &format!("NOT ({e})"))),
        })
    }

    fn foreign_key_check(&self, table: &TableRef, fk: &ForeignKey) -> Option<DataCheck> {
        let b = self.before(table)?;
        let query = (|| {
            let columns = fk
                .columns
                .iter()
                .map(|c| self.old_column(&b, c))
                .collect::<Option<Vec<_>>>()?;
            // MATCH SIMPLE: a row with a NULL in the key references nothing.
            let mut conditions: Vec<String> = columns
                .iter()
                .map(|c| format!("c.{} IS NOT NULL", ident(c)))
                .collect();
            let parent = TableRef {
                schema: fk.ref_schema.clone(),
                name: fk.ref_table.clone(),
            };
            // A parent the migration creates is empty: every such row fails.
            if let Some(p) = self.before(&parent) {
                let matches = fk
                    .ref_columns
                    .iter()
                    .zip(&columns)
                    .map(|(r, c)| {
                        Some(format!(
                            "p.{} = c.{}",
                            ident(&self.old_column(&p, r)?),
                            ident(c)
                        ))
                    })
                    .collect::<Option<Vec<_>>>()?;
                conditions.push(format!(
                    "NOT EXISTS (SELECT 1 FROM {} AS p WHERE {})",
                    p.sql,
                    matches.join(" AND ")
                ));
            }
            Some(format!(
                "SELECT count(*) FROM {} AS c WHERE {}",
                b.sql,
                conditions.join(" AND ")
            ))
        })();
        Some(DataCheck {
            message: format!(
                "FOREIGN KEY {} fails on a row of {} whose {} matches no row of {}",
                fk.name,
                table.name,
                fk.columns.join(", "),
                fk.ref_table
            ),
            query,
        })
    }

    /// A constraint added NOT VALID (safe mode) fails when it is validated.
    fn validate_check(&self, table: &TableRef, name: &str) -> Option<DataCheck> {
        let ni = self.new_table_index(&table.schema, &table.name)?;
        let nt = &self.new.tables[ni];
        if let Some(check) = nt.checks.iter().find(|c| c.name == name) {
            return self.check_check(table, check);
        }
        if let Some(fk) = nt.foreign_keys.iter().find(|f| f.name == name) {
            return self.foreign_key_check(table, fk);
        }
        // The check NOT NULL goes through.
        let column = nt
            .columns
            .iter()
            .find(|c| derive_name(&nt.name, &[&c.name], NameKind::NotNull) == name)?;
        self.not_null_check(table, &column.name)
    }
}

fn column_keys(columns: &[String]) -> Vec<IndexKey> {
    columns
        .iter()
        .map(|c| IndexKey {
            column: Some(c.clone()),
            expression: None,
            opclass: None,
            order: None,
            nulls: None,
        })
        .collect()
}

fn count_where(table_sql: &str, condition: &str) -> String {
    format!("SELECT count(*) FROM {table_sql} WHERE {condition}")
}
