//! Running one migration file and its bookkeeping: in a transaction, or
//! statement by statement for a file marked no-transaction.

use std::time::Instant;

use tokio_postgres::Client;

use super::MigrateError;
use super::source::{Migration, SqlFile};
use crate::error::Error;

/// Where a database's applied migrations are recorded: a table that
/// several databases sharing a server (or a URL) tell apart by name.
#[derive(Clone, Copy)]
pub(super) struct Tracking<'a> {
    pub table: &'a str,
    pub database: &'a str,
}

/// The bookkeeping that goes with running a file.
#[derive(Clone, Copy)]
pub(super) enum Record<'a> {
    Applied {
        tracking: Tracking<'a>,
        migration: &'a Migration,
    },
    Reverted {
        tracking: Tracking<'a>,
        tag: &'a str,
    },
}

impl Record<'_> {
    pub(super) async fn write(
        self,
        client: &Client,
        started: Instant,
    ) -> Result<(), tokio_postgres::Error> {
        match self {
            Record::Applied {
                tracking,
                migration,
            } => {
                let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
                let idx = i32::try_from(migration.idx).unwrap_or(i32::MAX);
                let sql = format!(
                    "INSERT INTO {} (database, idx, tag, sha256, duration_ms) VALUES ($1, $2, $3, $4, $5)",
                    tracking.table
                );
                client
                    .execute(
                        &sql,
                        &[
                            &tracking.database,
                            &idx,
                            &migration.tag,
                            &migration.up.sha256,
                            &duration_ms,
                        ],
                    )
                    .await?;
            }
            Record::Reverted { tracking, tag } => {
                let sql = format!(
                    "DELETE FROM {} WHERE database = $1 AND tag = $2",
                    tracking.table
                );
                client.execute(&sql, &[&tracking.database, &tag]).await?;
            }
        }
        Ok(())
    }
}

/// Runs one file and its bookkeeping: together in one transaction, or, for a
/// file marked no-transaction, statement by statement with the record last.
pub(super) async fn apply_file(
    client: &Client,
    tag: &str,
    file: &SqlFile,
    record: Record<'_>,
    started: Instant,
) -> Result<(), Error> {
    let statements = file.statements();
    let fail = |line: usize, e: tokio_postgres::Error, note: &'static str| MigrateError::Failed {
        tag: tag.to_owned(),
        path: file.path.clone(),
        line,
        message: describe(&e),
        note,
    };
    if file.no_transaction {
        for statement in &statements {
            drop_invalid_leftover(client, statement.sql).await?;
            run_logged(client, statement.sql).await.map_err(|e| {
                fail(
                    statement.line,
                    e,
                    "; the statements before it stay applied, the migration is not recorded \
                     and the next run starts it again from the top",
                )
            })?;
        }
        record
            .write(client, started)
            .await
            .map_err(MigrateError::database("recording the migration"))?;
        return Ok(());
    }
    run_logged(client, "BEGIN")
        .await
        .map_err(MigrateError::database(
            "beginning the migration's transaction",
        ))?;
    for statement in &statements {
        if let Err(e) = run_logged(client, statement.sql).await {
            let _ = client.batch_execute("ROLLBACK").await;
            return Err(fail(
                statement.line,
                e,
                "; it was rolled back and nothing of it was applied",
            )
            .into());
        }
    }
    let finish = async {
        record.write(client, started).await?;
        run_logged(client, "COMMIT").await
    };
    if let Err(source) = finish.await {
        let _ = client.batch_execute("ROLLBACK").await;
        return Err(MigrateError::database("recording the migration")(source).into());
    }
    Ok(())
}

pub(super) async fn run_logged(client: &Client, sql: &str) -> Result<(), tokio_postgres::Error> {
    let started = Instant::now();
    let result = client.batch_execute(sql).await;
    tracing::debug!(
        target: "schemac_runtime::migrate",
        sql,
        elapsed_us = started.elapsed().as_micros() as u64,
        ok = result.is_ok(),
        "statement"
    );
    result
}

/// A failed CREATE INDEX CONCURRENTLY leaves an invalid index behind, and a
/// retry would then fail on the name; drop that leftover first.
async fn drop_invalid_leftover(client: &Client, sql: &str) -> Result<(), Error> {
    let Some(name) = concurrent_index_name(sql) else {
        return Ok(());
    };
    let row = client
        .query_opt(
            "SELECT format('%I.%I', n.nspname, c.relname) \
             FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE i.indexrelid = to_regclass($1) AND NOT i.indisvalid",
            &[&name],
        )
        .await
        .map_err(MigrateError::database(
            "looking for an invalid index left by a failed concurrent build",
        ))?;
    if let Some(row) = row {
        let qualified: String = row.get(0);
        tracing::info!(
            target: "schemac_runtime::migrate",
            index = %qualified,
            "dropping the invalid index a failed CREATE INDEX CONCURRENTLY left"
        );
        run_logged(
            client,
            &format!("DROP INDEX CONCURRENTLY IF EXISTS {qualified}"),
        )
        .await
        .map_err(MigrateError::database(
            "dropping an invalid index left by a failed concurrent build",
        ))?;
    }
    Ok(())
}

/// The index name of `CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name
/// ON [ONLY] table ...`, as written (quotes kept, for `to_regclass`). An
/// index lives in its table's schema, which the name cannot say: the schema
/// of a qualified table is put in front of it.
fn concurrent_index_name(sql: &str) -> Option<String> {
    let code: String = sql
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join(" ");
    let mut words = code.split_whitespace().peekable();
    let expect = |w: &str, words: &mut std::iter::Peekable<std::str::SplitWhitespace>| {
        words.next_if(|x| x.eq_ignore_ascii_case(w)).is_some()
    };
    if !expect("CREATE", &mut words) {
        return None;
    }
    expect("UNIQUE", &mut words);
    if !expect("INDEX", &mut words) || !expect("CONCURRENTLY", &mut words) {
        return None;
    }
    if expect("IF", &mut words) && !(expect("NOT", &mut words) && expect("EXISTS", &mut words)) {
        return None;
    }
    let name = words.next()?;
    if name.eq_ignore_ascii_case("ON") {
        return None; // unnamed: Postgres picks a fresh name, nothing collides
    }
    if !expect("ON", &mut words) {
        return Some(name.to_owned());
    }
    expect("ONLY", &mut words);
    let schema = words.next().and_then(schema_of);
    Some(match schema {
        Some(schema) if schema_of(name).is_none() => format!("{schema}.{name}"),
        _ => name.to_owned(),
    })
}

/// The schema part of a qualified name as written (`"audit"."log"` gives
/// `"audit"`, `audit.log` gives `audit`), if it has one.
fn schema_of(qualified: &str) -> Option<&str> {
    let mut quoted = false;
    for (i, c) in qualified.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '.' if !quoted => return Some(&qualified[..i]),
            '(' => return None,
            _ => {}
        }
    }
    None
}

/// A database error as one line: message, detail and hint.
fn describe(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut s = db.message().to_owned();
            if let Some(detail) = db.detail() {
                s.push_str(&format!(" ({detail})"));
            }
            if let Some(hint) = db.hint() {
                s.push_str(&format!("; hint: {hint}"));
            }
            s
        }
        None => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrent_index_names() {
        assert_eq!(
            concurrent_index_name("CREATE INDEX CONCURRENTLY ix ON t (a)").as_deref(),
            Some("ix")
        );
        assert_eq!(
            concurrent_index_name(
                "-- why\ncreate unique index concurrently if not exists \"s\".\"Ix\" on t (a)"
            )
            .as_deref(),
            Some("\"s\".\"Ix\"")
        );
        assert_eq!(concurrent_index_name("CREATE INDEX ix ON t (a)"), None);
        // The index lives in its table's schema.
        assert_eq!(
            concurrent_index_name(
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"ix\" ON \"audit\".\"log\" (\"a\")"
            )
            .as_deref(),
            Some("\"audit\".\"ix\"")
        );
        assert_eq!(
            concurrent_index_name("CREATE INDEX CONCURRENTLY ix ON ONLY \"a.b\" (c)").as_deref(),
            Some("ix")
        );
        assert_eq!(
            concurrent_index_name("CREATE INDEX CONCURRENTLY ON t (a)"),
            None
        );
    }
}
