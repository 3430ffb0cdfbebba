//! Typing the named queries with PostgreSQL: a scratch database built from
//! the project's migrations on the server at the database's URL variable,
//! each query prepared there, and the types written to the lock file that
//! the code generator (and a build.rs) reads without a database.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use schemac::commands::generate::{NewLock, Pending};
use schemac::migration::dir::MigrationDir;
use schemac::rust::queries::{column_type, pg_type};
use schemac::{GenerateOptions, Report};
use schemac_runtime::migrate::{MigrationSet, Migrator};
use schemac_runtime::{Pool, PoolConfig, ReadWrite, lines_before_error};
use schemac_schema::Schema;
use schemac_schema::config::DatabaseConfig;
use schemac_schema::queries::{
    LOCK_FILE, LOCK_VERSION, LockStatus, LockedColumn, LockedParam, LockedQuery, LockedView,
    QueryError, QueryLock, QuerySource, Returns, Typed, read_queries,
};

use schemac::queries::row_of;
use schemac::sql_tree;

use super::TempDir;
use super::migrate::{databases, runtime};

/// The locks typed again, and a line for each, not yet written.
#[derive(Default)]
pub struct Retyped {
    pub locks: Vec<NewLock>,
    pub lines: Vec<String>,
}

/// Types again the queries of every chosen database whose lock is out of
/// date with its queries or with its last migration, counting the
/// migrations `pending` is about to write: nothing is written here, so a
/// query PostgreSQL refuses leaves the disk as it was.
pub fn retype(root: &Path, only: Option<&str>, pending: &Pending) -> Result<Retyped> {
    let mut retyped = Retyped::default();
    for db in databases(pending.config(), only)? {
        let typed = pending.typed(&db.name);
        if let Some((lock, line)) = retype_one(root, db, pending.migration_files(&db.name), &typed)?
        {
            retyped.locks.push(NewLock {
                database: db.name.clone(),
                lock,
            });
            retyped.lines.push(line);
        }
    }
    Ok(retyped)
}

/// `generate` with the named queries typed against the new migrations
/// before anything is written: the report, and a line per lock typed.
/// Without `migrations`, only the locks and the Rust code.
pub fn generate(
    root: &Path,
    options: &GenerateOptions,
    migrations: bool,
) -> std::result::Result<(Report, Vec<String>), Failure> {
    let mut pending =
        schemac::commands::generate::prepare(root, options).map_err(Failure::Generate)?;
    if !migrations {
        pending = pending.without_migrations();
    }
    let retyped = retype(root, options.database.as_deref(), &pending).map_err(Failure::Typing)?;
    let report = pending.write(retyped.locks).map_err(Failure::Generate)?;
    Ok((report, retyped.lines))
}

/// Why [`generate`] wrote nothing.
pub enum Failure {
    Generate(schemac::Error),
    /// The named queries could not be typed.
    Typing(anyhow::Error),
}

fn retype_one(
    root: &Path,
    db: &DatabaseConfig,
    new_files: Vec<(&Path, &str)>,
    typed: &Typed,
) -> Result<Option<(Option<QueryLock>, String)>> {
    let dir = root.join(&db.queries);
    let sources = read_queries(&dir, &db.queries)?;
    // A lock two branches both wrote is typed again, as a stale one is: it
    // is derived from the queries and the schema, both merged by now.
    let lock = match QueryLock::read(&dir) {
        Err(QueryError::Conflicted { .. }) => None,
        other => other?,
    };
    if sources.is_empty() && typed.is_empty() {
        // A conflicted lock reads as none, and goes all the same.
        if !dir.join(LOCK_FILE).is_file() {
            return Ok(None);
        }
        let line = format!(
            "{}: no queries, views or typed functions any more; removed {}",
            db.name,
            db.queries.join(LOCK_FILE).display()
        );
        return Ok(Some((None, line)));
    }
    // The migrations as they will be: those on disk with the new ones over
    // them, in a copy when there are new ones.
    let overlay = Overlay::new(&root.join(&db.migrations), &new_files)?;
    let migrations = MigrationDir::open(overlay.dir())?;
    let snapshot = migrations.last().map(|e| e.snapshot_sha256.clone());
    if QueryLock::status(lock.as_ref(), &sources, typed, snapshot.as_deref()) == LockStatus::Fresh {
        return Ok(None);
    }
    let Some(last) = migrations.last() else {
        bail!(
            "{}: the queries need the schema's first migration: run `schemac generate` without them first",
            db.name
        );
    };
    let schema = migrations.snapshot(last.idx)?;
    let url = super::scratch::server_for(db, "typing the queries").map_err(|why| {
        let queries_changed = lock.as_ref().is_none_or(|l| !l.same_queries(&sources));
        let what = match queries_changed && !sources.is_empty() {
            true => format!("the queries in {} changed", db.queries.display()),
            false if sources.is_empty() => {
                "the schema changed, so its views and functions must be typed again".to_owned()
            }
            false => "the schema changed, so the queries must be typed again".to_owned(),
        };
        anyhow!(
            "{}: {what}, and schemac types them with PostgreSQL: set ${} \
                 (or SCHEMAC_SCRATCH_URL) to a server where it may create a scratch database \
                 (nothing is written to the database itself); without one it starts a \
                 throwaway server, and {why}",
            db.name,
            db.url_env
        )
    })?;
    let all = runtime()?.block_on(type_queries(
        &url,
        &db.name,
        &migrations.dir,
        &schema,
        &sources,
    ))?;
    let against = |q: LockedQuery| LockedQuery {
        typed_against: snapshot.clone(),
        ..q
    };
    let mut queries: Vec<LockedQuery> = all.queries.into_iter().map(against).collect();
    // By name, so that what two branches add lands apart.
    queries.sort_by(|a, b| a.name.cmp(&b.name));
    let views = all
        .views
        .into_iter()
        .map(|v| LockedView {
            typed_against: snapshot.clone(),
            ..v
        })
        .collect();
    let functions = all.functions.into_iter().map(against).collect();
    let lock = QueryLock {
        version: LOCK_VERSION,
        queries,
        views,
        functions,
    };
    let mut typed = super::counted(&[
        (lock.queries.len(), "query", "queries"),
        (lock.views.len(), "view", "views"),
        (lock.functions.len(), "function", "functions"),
    ]);
    let last = typed.pop().unwrap_or_default();
    let typed = match typed.is_empty() {
        true => last,
        false => format!("{} and {last}", typed.join(", ")),
    };
    let line = format!(
        "{}: typed {typed} with PostgreSQL: {}",
        db.name,
        db.queries.join(LOCK_FILE).display()
    );
    Ok(Some((Some(lock), line)))
}

/// A migration directory with files laid over it: the directory itself
/// when there are none, else a copy removed again on drop.
struct Overlay {
    dir: PathBuf,
    _copy: Option<TempDir>,
}

impl Overlay {
    fn new(dir: &Path, files: &[(&Path, &str)]) -> Result<Overlay> {
        if files.is_empty() {
            return Ok(Overlay {
                dir: dir.to_path_buf(),
                _copy: None,
            });
        }
        let copy = TempDir::new("migrations")?;
        copy_dir(dir, copy.path()).with_context(|| {
            format!("cannot copy {} to {}", dir.display(), copy.path().display())
        })?;
        for (path, text) in files {
            let Ok(relative) = path.strip_prefix(dir) else {
                continue;
            };
            let target = copy.path().join(relative);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&target, text)
                .with_context(|| format!("cannot write {}", target.display()))?;
        }
        Ok(Overlay {
            dir: copy.path().to_path_buf(),
            _copy: Some(copy),
        })
    }

    fn dir(&self) -> &Path {
        &self.dir
    }
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    let Ok(entries) = std::fs::read_dir(from) else {
        // No migrations yet: the new ones are all there is.
        return Ok(());
    };
    for entry in entries {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// What a scratch database typed.
struct TypedAll {
    queries: Vec<LockedQuery>,
    views: Vec<LockedView>,
    functions: Vec<LockedQuery>,
}

/// Prepares every query in a scratch database made from the migrations,
/// dropped again whatever happens.
async fn type_queries(
    url: &str,
    database: &str,
    migrations: &Path,
    schema: &Schema,
    sources: &[QuerySource],
) -> Result<TypedAll> {
    super::scratch::with_scratch(url, "type the queries", |scratch| async move {
        typed_in(&scratch, database, migrations, schema, sources).await
    })
    .await
}

async fn typed_in(
    url: &str,
    database: &str,
    migrations: &Path,
    schema: &Schema,
    sources: &[QuerySource],
) -> Result<TypedAll> {
    let set = MigrationSet::load(migrations)?;
    Migrator::new(PoolConfig::new(url))
        .database(database)
        .run(&set, &mut |_| {})
        .await
        .context("cannot build the scratch database from the migrations")?;
    let pool: Pool<ReadWrite> = Pool::read_write(PoolConfig::new(url))?;
    let conn = pool.get().await?;
    let client = conn.client();
    let mut out = Vec::with_capacity(sources.len());
    for q in sources {
        out.push(type_one(client, schema, q).await?);
    }
    let views = super::views::type_views(client, schema).await?;
    let functions = super::functions::type_functions(client, schema).await?;
    drop(conn);
    pool.close();
    Ok(TypedAll {
        queries: out,
        views,
        functions,
    })
}

/// One query, in stages: prepared by PostgreSQL, its text read, its
/// parameters and columns typed, its annotations checked, what it returns.
async fn type_one(
    client: &schemac_runtime::tokio_postgres::Client,
    schema: &Schema,
    q: &QuerySource,
) -> Result<LockedQuery> {
    let statement = client.prepare(&q.sql).await.map_err(|e| {
        let (line, message) = match e.as_db_error() {
            Some(db) => (
                q.sql_line + lines_before_error(&e, &q.sql),
                db.message().to_string(),
            ),
            None => (q.sql_line, e.to_string()),
        };
        anyhow!("{}:{line}: query `{}`: {message}", q.file.display(), q.name)
    })?;
    let at = |message: String| {
        anyhow!(
            "{}:{}: query `{}`: {message}",
            q.file.display(),
            q.line,
            q.name
        )
    };
    // What the text says: the columns parameters stand for, what an
    // outer join extends with NULLs, whether it writes.
    let reading = sql_tree::read(&q.sql, schema).map_err(&at)?;
    let params = params(q, &statement, &reading, schema, &at)?;
    let origins = origins(client, &statement).await?;
    let columns = columns(q, &statement, &reading, &origins, schema, &at)?;
    check_annotations(q, &columns, &at)?;
    let returns = match q.returns {
        Some(r) if r.reads_rows() && columns.is_empty() => {
            return Err(at(
                "it says it returns rows, but returns none: give it a RETURNING clause, or say `:exec` or `:execrows`".to_owned(),
            ));
        }
        Some(r) => r,
        None if columns.is_empty() => Returns::ExecRows,
        None => Returns::Many,
    };
    // A type given by hand is the query's own: no table's struct.
    let row_of = match q.column_types.is_empty() {
        true => {
            let extended = origins
                .first()
                .and_then(Option::as_ref)
                .is_some_and(|(s, t, _)| reading.null_extended.contains(&(s.clone(), t.clone())));
            row_of(schema, &columns, &origins, extended)
        }
        false => None,
    };
    Ok(LockedQuery {
        name: q.name.clone(),
        source_sha256: q.source_sha256.clone(),
        typed_against: None,
        doc: q.doc.clone(),
        sql: q.sql.clone(),
        params,
        row_of: row_of.as_ref().map(|(_, t)| t.clone()),
        row_of_schema: row_of.map(|(s, _)| s),
        returns,
        columns,
        writes: reading.writes,
        stateless: reading.stateless,
    })
}

/// The parameters' names and Rust types: a type given by hand, else the
/// column's a parameter is compared with, inserted into or assigned to
/// (its ID, its enum), else the one of its PostgreSQL type.
fn params(
    q: &QuerySource,
    statement: &schemac_runtime::tokio_postgres::Statement,
    reading: &sql_tree::Reading,
    schema: &Schema,
    at: &dyn Fn(String) -> anyhow::Error,
) -> Result<Vec<LockedParam>> {
    let names: Vec<String> = match q.params.is_empty() {
        // Positional parameters, written `$1`, `$2`, …
        true => (1..=statement.params().len())
            .map(|i| format!("p{i}"))
            .collect(),
        false => q.params.clone(),
    };
    let mut params = Vec::new();
    for (number, (name, ty)) in names.iter().zip(statement.params()).enumerate() {
        // A json column's Rust type is bound through its json wrapper,
        // which a parameter does not have, so it keeps the plain type.
        let of_column = reading
            .params
            .get(&(number + 1))
            .and_then(|p| {
                let col = schema.table(&p.pg_schema, &p.table)?.column(&p.column)?;
                Some((column_type(col, schema), p.array))
            })
            .filter(|((_, json), _)| !json)
            .map(|((rust, _), array)| match array {
                true => format!("Vec<{rust}>"),
                false => rust,
            });
        let given = q.param_types.iter().find(|(n, _)| n == name);
        let rust = match (given, of_column) {
            (Some((_, given)), _) => given.clone(),
            (None, Some(of_column)) => of_column,
            (None, None) => pg_type(ty.name(), schema).ok_or_else(|| {
                at(format!(
                    "parameter `:{name}` is {}, which schemac does not map: cast it, or give its Rust type with `-- param {name}: Type`",
                    ty.name()
                ))
            })?,
        };
        params.push(LockedParam {
            name: name.clone(),
            pg_type: ty.name().to_string(),
            rust,
        });
    }
    Ok(params)
}

/// Where each result column comes from, (pg_schema, table, column) when it
/// is a table's: one catalog query for the whole statement.
pub(super) async fn origins(
    client: &schemac_runtime::tokio_postgres::Client,
    statement: &schemac_runtime::tokio_postgres::Statement,
) -> Result<Vec<Option<(String, String, String)>>> {
    let (oids, attnums): (Vec<u32>, Vec<i16>) = statement
        .columns()
        .iter()
        .map(|c| match (c.table_oid(), c.column_id()) {
            (Some(oid), Some(attnum)) if oid != 0 && attnum > 0 => (oid, attnum),
            _ => (0, 0),
        })
        .unzip();
    let mut out = vec![None; oids.len()];
    if oids.iter().all(|&o| o == 0) {
        return Ok(out);
    }
    let rows = client
        .query(
            "SELECT k.i::int8, n.nspname, c.relname, a.attname \
             FROM unnest($1::oid[], $2::int2[]) WITH ORDINALITY AS k(oid, attnum, i) \
             JOIN pg_attribute a ON a.attrelid = k.oid AND a.attnum = k.attnum \
             JOIN pg_class c ON c.oid = a.attrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace",
            &[&oids as &(dyn schemac_runtime::ToSql + Sync), &attnums],
        )
        .await?;
    for r in rows {
        let i = usize::try_from(r.get::<_, i64>(0) - 1).unwrap_or(usize::MAX);
        if let Some(slot) = out.get_mut(i) {
            *slot = Some((r.get(1), r.get(2), r.get(3)));
        }
    }
    Ok(out)
}

/// The result columns: a column of the schema keeps its ID, enum or json
/// type, its sensitivity, and is NULL where it is nullable or where an
/// outer join may extend its table with NULLs (the preserved side keeps
/// its own); any other takes its PostgreSQL type's Rust type. Annotations
/// (`-- not_null:`, `-- nullable:`, `-- column x: Type`) have the last word.
pub(super) fn columns(
    q: &QuerySource,
    statement: &schemac_runtime::tokio_postgres::Statement,
    reading: &sql_tree::Reading,
    origins: &[Option<(String, String, String)>],
    schema: &Schema,
    at: &dyn Fn(String) -> anyhow::Error,
) -> Result<Vec<LockedColumn>> {
    let mut columns = Vec::new();
    for (c, origin) in statement.columns().iter().zip(origins) {
        let column = origin
            .as_ref()
            .and_then(|(s, t, c)| schema.table(s, t).and_then(|t| t.column(c)));
        let sensitive = column.is_some_and(|col| col.sensitive);
        let (rust, json, nullable) = match column {
            Some(col) => {
                let (rust, json) = column_type(col, schema);
                let extended = origin.as_ref().is_some_and(|(s, t, _)| {
                    reading.null_extended.contains(&(s.clone(), t.clone()))
                });
                (rust, json, col.nullable || extended)
            }
            None => {
                let rust = pg_type(c.type_().name(), schema).ok_or_else(|| {
                    at(format!(
                        "column `{}` is {}, which schemac does not map: cast it (`::text`)",
                        c.name(),
                        c.type_().name()
                    ))
                })?;
                (rust, false, true)
            }
        };
        let name = c.name().to_string();
        let (rust, json) = match q.column_types.iter().find(|(n, _)| *n == name) {
            Some((_, given)) => (given.clone(), matches!(c.type_().name(), "json" | "jsonb")),
            None => (rust, json),
        };
        let nullable = if q.not_null.contains(&name) {
            false
        } else {
            nullable || q.nullable.contains(&name)
        };
        columns.push(LockedColumn {
            pg_type: c.type_().name().to_string(),
            name,
            rust,
            nullable,
            json,
            sensitive,
        });
    }
    Ok(columns)
}

/// Every column an annotation names is one the query returns.
pub(super) fn check_annotations(
    q: &QuerySource,
    columns: &[LockedColumn],
    at: &dyn Fn(String) -> anyhow::Error,
) -> Result<()> {
    let annotated = q.column_types.iter().map(|(n, _)| n);
    for named in q.not_null.iter().chain(&q.nullable).chain(annotated) {
        if !columns.iter().any(|c| &c.name == named) {
            return Err(at(format!(
                "the annotation names `{named}`, which the query does not return"
            )));
        }
    }
    Ok(())
}
