//! The migration round trip: build A and fill it, migrate to B, compare with
//! a fresh B and check the rows; then empty it, migrate back down, compare
//! with a fresh A.

use std::collections::HashMap;

use postgres::Client;
use schemac::diff::Part;
use schemac::migration::steps::{Step, migration_steps_with};
use schemac_schema::model::*;
use schemac_schema::sql::{column_type, ident, qualified};

use crate::{TestDb, catalog, diff};

/// Three databases reused across pairs: reset is cheaper than creating one.
pub struct Lab {
    migrated: TestDb,
    fresh: TestDb,
    base: TestDb,
}

impl Default for Lab {
    fn default() -> Self {
        Self::new()
    }
}

impl Lab {
    pub fn new() -> Lab {
        Lab {
            migrated: TestDb::create("rt_migrated"),
            fresh: TestDb::create("rt_fresh"),
            base: TestDb::create("rt_base"),
        }
    }

    /// Runs the round trip for `a` -> `b` (`b` carries the hints), in safe
    /// mode when `safe`.
    pub fn round_trip(&mut self, a: &Schema, b: &Schema, safe: bool) -> Result<RoundTrip, String> {
        let steps = migration_steps_with(a, b, safe);
        let mut report = RoundTrip {
            sql: steps
                .steps
                .iter()
                .map(|s| {
                    format!(
                        "-- up\n{}\n-- down\n{}",
                        s.up.statements().join(";\n"),
                        s.down.statements().join(";\n")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n\n"),
            rows: 0,
            downs_on_empty_tables: 0,
        };
        for db in [&mut self.migrated, &mut self.fresh, &mut self.base] {
            reset(&mut db.client)?;
        }
        let b_plain = b.without_hints();
        exec_all(&mut self.migrated.client, &schemac::ddl::create_schema(a))
            .map_err(|e| format!("creating A: {e}"))?;
        exec_all(
            &mut self.fresh.client,
            &schemac::ddl::create_schema(&b_plain),
        )
        .map_err(|e| format!("creating fresh B: {e}"))?;
        exec_all(&mut self.base.client, &schemac::ddl::create_schema(a))
            .map_err(|e| format!("creating fresh A: {e}"))?;

        report.rows = fill(&mut self.migrated.client, a);
        let before = rows_of(&mut self.migrated.client, a);

        for (i, step) in steps.steps.iter().enumerate() {
            apply_parts(&mut self.migrated.client, &step.up)
                .map_err(|e| format!("up migration {} failed: {e}", i + 1))?;
        }
        let migrated = catalog::without_column_positions(catalog::read(&mut self.migrated.client));
        let fresh = catalog::without_column_positions(catalog::read(&mut self.fresh.client));
        if migrated != fresh {
            return Err(format!(
                "migrated A differs from a fresh B:\n{}",
                diff(&fresh.join("\n"), &migrated.join("\n"))
            ));
        }
        check_rows(
            &mut self.migrated.client,
            a,
            &b_plain,
            &steps.steps,
            &before,
        )?;

        // The downs run on the filled tables. Only where `generate` warned
        // that a down cannot run on rows (and said why) may it fail; it is
        // then checked for its structure on emptied tables.
        for (i, step) in steps.steps.iter().enumerate().rev() {
            let down = step.down.statements();
            if let Err(e) = apply(&mut self.migrated.client, &down) {
                // The warning names the column (`table.column`) the error is about.
                let warned = steps.warnings.iter().any(|w| {
                    w.starts_with("the down migration")
                        && w.split('`').nth(1).is_some_and(|named| {
                            let (table, column) = named.split_once('.').unwrap_or((named, ""));
                            e.contains(&format!("\"{table}\""))
                                && e.contains(&format!("\"{column}\""))
                        })
                });
                if !warned {
                    return Err(format!(
                        "down migration {} failed on filled tables, and generate gave no warning: {e}",
                        i + 1
                    ));
                }
                report.downs_on_empty_tables += 1;
                truncate_all(&mut self.migrated.client, &step.to)?;
                apply(&mut self.migrated.client, &down)
                    .map_err(|e| format!("down migration {} failed on empty tables: {e}", i + 1))?;
            }
        }
        let down = catalog::without_column_positions(catalog::read(&mut self.migrated.client));
        let base = catalog::without_column_positions(catalog::read(&mut self.base.client));
        if down != base {
            return Err(format!(
                "A migrated up and down differs from a fresh A:\n{}",
                diff(&base.join("\n"), &down.join("\n"))
            ));
        }
        Ok(report)
    }
}

pub struct RoundTrip {
    /// Every statement, for failure reports.
    pub sql: String,
    /// Rows inserted into A.
    pub rows: usize,
    /// Downs that `generate` said cannot run on rows, run on emptied tables.
    pub downs_on_empty_tables: usize,
}

/// Drops everything a schema could have created.
fn reset(c: &mut Client) -> Result<(), String> {
    let schemas: Vec<String> = c
        .query(
            "SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'public') AND nspname NOT LIKE 'pg_temp%' AND nspname NOT LIKE 'pg_toast_temp%'",
            &[],
        )
        .map_err(|e| e.to_string())?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut sql = String::new();
    for s in schemas {
        sql.push_str(&format!("DROP SCHEMA {} CASCADE;", ident(&s)));
    }
    let extensions: Vec<String> = c
        .query(
            "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'",
            &[],
        )
        .map_err(|e| e.to_string())?
        .iter()
        .map(|r| r.get(0))
        .collect();
    for e in extensions {
        sql.push_str(&format!("DROP EXTENSION {} CASCADE;", ident(&e)));
    }
    sql.push_str("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
    c.batch_execute(&sql).map_err(|e| format!("reset: {e}"))
}

fn exec_all(c: &mut Client, statements: &[String]) -> Result<(), String> {
    apply(c, statements)
}

/// One migration in one transaction, as the runner applies it.
/// Applies a diff as its migration files run: each part in a transaction of
/// its own, the concurrent part statement by statement outside one.
fn apply_parts(c: &mut Client, diff: &schemac::diff::Diff) -> Result<(), String> {
    for part in diff.parts_used() {
        let statements: Vec<String> = diff
            .annotated_part(part)
            .into_iter()
            .map(|(sql, _)| sql)
            .collect();
        match part {
            Part::Concurrent => {
                for s in &statements {
                    c.batch_execute(s)
                        .map_err(|e| format!("{}\n  in: {s}", pg_message(&e)))?;
                }
            }
            Part::Main | Part::Finish => apply(c, &statements)?,
        }
    }
    Ok(())
}

fn apply(c: &mut Client, statements: &[String]) -> Result<(), String> {
    let mut tx = c.transaction().map_err(|e| e.to_string())?;
    for s in statements {
        tx.batch_execute(s)
            .map_err(|e| format!("{}\n  in: {s}", pg_message(&e)))?;
    }
    tx.commit().map_err(|e| e.to_string())
}

/// The server's message, which `postgres::Error`'s Display leaves out.
fn pg_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!(
            "{}: {}{}",
            db.code().code(),
            db.message(),
            db.detail().map(|d| format!(" ({d})")).unwrap_or_default()
        ),
        None => e.to_string(),
    }
}

fn truncate_all(c: &mut Client, s: &Schema) -> Result<(), String> {
    if s.tables.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = s
        .tables
        .iter()
        .map(|t| qualified(&t.pg_schema, &t.name))
        .collect();
    c.batch_execute(&format!("TRUNCATE {} CASCADE", names.join(", ")))
        .map_err(|e| format!("truncate: {e}"))
}

/// A literal of `ty` for row `k`: the edges of the type first, then ordinary
/// values that differ from row to row (so unique constraints hold).
fn value(s: &Schema, ty: &ColumnType, k: usize, nullable: bool) -> String {
    if nullable && k == 2 {
        return "NULL".into();
    }
    let sql_ty = column_type(ty, &s.enums, &s.ids);
    if ty.array {
        let elem = ColumnType {
            base: ty.base.clone(),
            array: false,
            domain: ty.domain.clone(),
        };
        if k == 0 {
            return format!("'{{}}'::{sql_ty}");
        }
        let a = value(s, &elem, k, false);
        let b = value(s, &elem, k + 100, false);
        return format!("ARRAY[{a}, {b}]::{sql_ty}");
    }
    let lit = |v: String| format!("'{}'::{sql_ty}", v.replace('\'', "''"));
    match &ty.base {
        BaseType::SmallInt => lit(match k {
            0 => "32767".into(),
            1 => "-32768".into(),
            _ => (k * 7).to_string(),
        }),
        BaseType::Integer | BaseType::Serial => lit(match k {
            0 => "2147483647".into(),
            1 => "-2147483648".into(),
            _ => (k * 37).to_string(),
        }),
        BaseType::BigInt | BaseType::BigSerial => lit(match k {
            0 => "9223372036854775807".into(),
            1 => "-9223372036854775808".into(),
            _ => (k * 1001).to_string(),
        }),
        BaseType::Real | BaseType::Double => lit(match k {
            0 => "1e30".into(),
            1 => "-0.5".into(),
            _ => format!("{k}.25"),
        }),
        BaseType::Numeric(p) => lit(match (k, p) {
            (0, Some((p, s))) => {
                let s = s.unwrap_or(0);
                let int = "9".repeat((p - s) as usize);
                if s > 0 {
                    format!("{int}.{}", "9".repeat(s as usize))
                } else {
                    int
                }
            }
            (1, _) => "-1.5".into(),
            _ => format!("{k}"),
        }),
        BaseType::Text | BaseType::Citext => lit(match k {
            0 => String::new(),
            1 => "it's \"quoted\" \u{fc} \\ back".into(),
            _ => format!("v{k}"),
        }),
        BaseType::Varchar(Some(_)) | BaseType::Char(_) => {
            let n = match &ty.base {
                BaseType::Varchar(Some(n)) | BaseType::Char(n) => *n as usize,
                _ => 10,
            };
            lit(match k {
                0 => "x".repeat(n),
                _ => format!("v{k}").chars().take(n).collect(),
            })
        }
        BaseType::Varchar(_) => lit(if k == 0 {
            "x".repeat(300)
        } else {
            format!("v{k}")
        }),
        BaseType::Boolean => lit(k.is_multiple_of(2).to_string()),
        BaseType::Date => lit(match k {
            0 => "0001-01-01".into(),
            1 => "9999-12-31".into(),
            _ => format!("2024-01-{:02}", k % 28 + 1),
        }),
        BaseType::Time(_) => lit(format!("{:02}:30:00", k % 24)),
        BaseType::Timestamp(_) | BaseType::Timestamptz(_) => lit(match k {
            0 => "0001-01-01 00:00:00".into(),
            1 => "9999-12-31 23:59:59".into(),
            _ => format!("2024-01-{:02} 12:00:00", k % 28 + 1),
        }),
        BaseType::Interval => lit(format!("{k} days")),
        BaseType::Uuid => lit(format!("00000000-0000-0000-0000-{k:012x}")),
        BaseType::Json | BaseType::Jsonb => {
            lit(format!("{{\"k\": {k}, \"list\": [1, null, \"x\"]}}"))
        }
        BaseType::Bytea => lit(format!("\\x00ff{k:02x}")),
        BaseType::Inet => lit(format!("10.0.0.{}", k % 250)),
        BaseType::TsVector => lit(format!("'w{k}':1 'x':2A")),
        BaseType::Enum(name) => {
            let e = s.enum_type(name).expect("enum");
            lit(e.values[k % e.values.len()].clone())
        }
        BaseType::Id(name) => {
            let id = s.id_type(name).expect("id");
            match id.storage {
                IdStorage::Uuid => lit(format!("00000000-0000-0000-0000-{k:012x}")),
                IdStorage::Text => lit(format!("{}{}{k:026}", id.prefix, id.separator)),
            }
        }
    }
}

/// Inserts a few rows into every table, foreign keys pointing at rows that
/// exist. A row the schema rejects (a check) is skipped. Returns the count.
pub fn fill(c: &mut Client, s: &Schema) -> usize {
    let mut inserted = 0;
    for t in &s.tables {
        for k in 0..4 {
            let mut cols = Vec::new();
            let mut vals = Vec::new();
            for col in &t.columns {
                if col.generated.is_some() || col.identity.is_some() || col.ty.base.is_serial() {
                    continue;
                }
                let fk = t
                    .foreign_keys
                    .iter()
                    .find(|f| f.columns == [col.name.clone()]);
                let v = match fk {
                    Some(f) => {
                        let q = format!(
                            "SELECT {}::text FROM {} ORDER BY 1 LIMIT 1 OFFSET {}",
                            ident(&f.ref_columns[0]),
                            qualified(&f.ref_schema, &f.ref_table),
                            k % 2
                        );
                        match c.query_opt(&q, &[]).ok().flatten() {
                            Some(row) => format!(
                                "'{}'::{}",
                                row.get::<_, String>(0).replace('\'', "''"),
                                column_type(&col.ty, &s.enums, &s.ids)
                            ),
                            None if col.nullable => "NULL".into(),
                            None => continue,
                        }
                    }
                    // Key columns get ordinary values: an identity added later
                    // must be able to count on past the largest one.
                    None if t
                        .primary_key
                        .as_ref()
                        .is_some_and(|p| p.columns.contains(&col.name)) =>
                    {
                        value(s, &col.ty, k + 2, false)
                    }
                    None => value(s, &col.ty, k, col.nullable),
                };
                cols.push(ident(&col.name));
                vals.push(v);
            }
            let sql = if cols.is_empty() {
                format!(
                    "INSERT INTO {} DEFAULT VALUES",
                    qualified(&t.pg_schema, &t.name)
                )
            } else {
                format!(
                    "INSERT INTO {} ({}) VALUES ({})",
                    qualified(&t.pg_schema, &t.name),
                    cols.join(", "),
                    vals.join(", ")
                )
            };
            if c.batch_execute(&sql).is_ok() {
                inserted += 1;
            }
        }
    }
    inserted
}

type Rows = HashMap<(String, String), Vec<Vec<Option<String>>>>;

/// Every row of every table as text, per column, in a stable order.
fn rows_of(c: &mut Client, s: &Schema) -> Rows {
    let mut out = HashMap::new();
    for t in &s.tables {
        let cols: Vec<String> = t
            .columns
            .iter()
            .map(|c| format!("{}::text", ident(&c.name)))
            .collect();
        let q = format!(
            "SELECT {} FROM {} ORDER BY {}",
            cols.join(", "),
            qualified(&t.pg_schema, &t.name),
            (1..=cols.len())
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let rows = c
            .query(&q, &[])
            .map(|rows| {
                rows.iter()
                    .map(|r| {
                        (0..cols.len())
                            .map(|i| r.get::<_, Option<String>>(i))
                            .collect()
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.insert((t.pg_schema.clone(), t.name.clone()), rows);
    }
    out
}

/// The values that must survive the up migration unchanged: every column
/// that exists on both sides (renamed ones under their new names) whose
/// values the change does not deliberately rewrite.
fn check_rows(
    c: &mut Client,
    a: &Schema,
    b: &Schema,
    steps: &[Step],
    before: &Rows,
) -> Result<(), String> {
    let rewritten = rewritten_columns(steps);
    for bt in &b.tables {
        // Find the table in A: by the rename hint carried in the steps, else by name.
        let Some(at) = source_table(a, bt, steps) else {
            continue;
        };
        let Some(old_rows) = before.get(&(at.pg_schema.clone(), at.name.clone())) else {
            continue;
        };
        let mut pairs: Vec<(usize, &Column)> = Vec::new();
        for (ai, ac) in at.columns.iter().enumerate() {
            let new_name = column_new_name(ac, bt, steps);
            let Some(bc) = new_name.and_then(|n| bt.column(&n)) else {
                continue;
            };
            let same_type =
                column_type(&ac.ty, &a.enums, &a.ids) == column_type(&bc.ty, &b.enums, &b.ids);
            let stable_widening = is_text_stable(&ac.ty, &bc.ty);
            if (!same_type && !stable_widening)
                || bc.generated.is_some()
                || rewritten.contains(&(bt.name.clone(), bc.name.clone()))
                || matches!(&bc.ty.base, BaseType::Enum(_))
                    && !same_enum_values(a, b, &ac.ty, &bc.ty)
            {
                continue;
            }
            pairs.push((ai, bc));
        }
        if pairs.is_empty() {
            let count: i64 = c
                .query_one(
                    &format!(
                        "SELECT count(*) FROM {}",
                        qualified(&bt.pg_schema, &bt.name)
                    ),
                    &[],
                )
                .map_err(|e| e.to_string())?
                .get(0);
            if count as usize != old_rows.len() {
                return Err(format!(
                    "table {} had {} rows, now {count}",
                    bt.name,
                    old_rows.len()
                ));
            }
            continue;
        }
        let cols: Vec<String> = pairs
            .iter()
            .map(|(_, bc)| format!("{}::text", ident(&bc.name)))
            .collect();
        let q = format!(
            "SELECT {} FROM {} ORDER BY {}",
            cols.join(", "),
            qualified(&bt.pg_schema, &bt.name),
            (1..=cols.len())
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut after: Vec<Vec<Option<String>>> = c
            .query(&q, &[])
            .map_err(|e| format!("{e}\n{q}"))?
            .iter()
            .map(|r| {
                (0..cols.len())
                    .map(|i| r.get::<_, Option<String>>(i))
                    .collect()
            })
            .collect();
        let mut expected: Vec<Vec<Option<String>>> = old_rows
            .iter()
            .map(|r| pairs.iter().map(|(ai, _)| r[*ai].clone()).collect())
            .collect();
        expected.sort();
        after.sort();
        if expected != after {
            return Err(format!(
                "rows of {} changed:\n  before {expected:?}\n  after  {after:?}",
                bt.name
            ));
        }
    }
    Ok(())
}

/// Integer and text widenings print their values the same way before and after.
fn is_text_stable(a: &ColumnType, b: &ColumnType) -> bool {
    let int = |t: &BaseType| {
        matches!(
            t,
            BaseType::SmallInt
                | BaseType::Integer
                | BaseType::BigInt
                | BaseType::Serial
                | BaseType::BigSerial
        )
    };
    let text = |t: &BaseType| matches!(t, BaseType::Text | BaseType::Varchar(_));
    a.array == b.array && ((int(&a.base) && int(&b.base)) || (text(&a.base) && text(&b.base)))
}

fn same_enum_values(a: &Schema, b: &Schema, at: &ColumnType, bt: &ColumnType) -> bool {
    match (&at.base, &bt.base) {
        (BaseType::Enum(x), BaseType::Enum(y)) => {
            a.enum_type(x).map(|e| &e.values) == b.enum_type(y).map(|e| &e.values)
        }
        _ => true,
    }
}

/// Columns whose values the migration rewrites on purpose (backfilled NULLs).
fn rewritten_columns(steps: &[Step]) -> Vec<(String, String)> {
    use schemac::diff::Change;
    let mut out = Vec::new();
    for s in steps {
        for c in &s.up.changes {
            match c {
                Change::Backfill { table, column, .. }
                | Change::AlterColumnType {
                    table,
                    column,
                    backfill: Some(_),
                    ..
                } => out.push((table.name.clone(), column.clone())),
                _ => {}
            }
        }
    }
    out
}

/// The table of A that a table of B continues, following renames in the steps' changes.
fn source_table<'a>(a: &'a Schema, bt: &Table, steps: &[Step]) -> Option<&'a Table> {
    use schemac::diff::Change;
    let mut name = bt.name.clone();
    let mut schema = bt.pg_schema.clone();
    for s in steps.iter().rev() {
        for c in s.up.changes.iter().rev() {
            match c {
                Change::CreateTable { table, .. }
                    if table.name == name && table.pg_schema == schema =>
                {
                    return None;
                }
                Change::MoveTable { table, to_schema }
                    if table.name == name && *to_schema == schema =>
                {
                    schema = table.schema.clone();
                }
                Change::RenameTable { table, to } if *to == name && table.schema == schema => {
                    name = table.name.clone()
                }
                _ => {}
            }
        }
    }
    a.table(&schema, &name)
}

/// The name a column of A has in B, following column renames; `None` if it was dropped.
fn column_new_name(ac: &Column, bt: &Table, steps: &[Step]) -> Option<String> {
    use schemac::diff::Change;
    let mut name = ac.name.clone();
    for s in steps {
        for c in &s.up.changes {
            match c {
                Change::RenameColumn { table, from, to }
                    if table.name == bt.name && *from == name =>
                {
                    name = to.clone()
                }
                Change::DropColumn { table, column }
                    if table.name == bt.name && *column == name =>
                {
                    return None;
                }
                _ => {}
            }
        }
    }
    bt.column(&name).map(|c| c.name.clone())
}
