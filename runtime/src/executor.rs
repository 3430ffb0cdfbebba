//! The read and write executor traits, and the one place statements run.
//!
//! Generated read functions take `&impl Read`, write functions `&impl Write`.
//! A read-only pool, its connections and its transactions implement only
//! [`Read`], so handing one to a write is a compile error.

use std::future::Future;
use std::time::Instant;

use deadpool_postgres::ClientWrapper;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use crate::error::Error;
use crate::stream::RowStream;

/// Parameters of a statement, in `$1, $2, ...` order.
pub type Params<'a> = [Param<'a>];

/// One bound value of a statement.
pub type Param<'a> = &'a (dyn ToSql + Sync);

/// The text of a statement, and whether it is known to leave the session as
/// it found it. A plain `&str` is not: it may `SET ROLE`, create a temporary
/// table, `LISTEN` or take an advisory lock, so the pool runs it on a
/// connection of its own and resets that session before anyone else gets it.
/// [`Sql::stateless`] is: the pool may run it on a connection it shares with
/// other such statements (pipelined) and return it without a reset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sql<'a> {
    text: &'a str,
    stateless: bool,
}

impl<'a> Sql<'a> {
    /// A statement that reads or changes rows and nothing else: no `SET`, no
    /// temporary objects, no `LISTEN`, no advisory or session locks, no
    /// cursors, no prepared statements of its own. Generated code marks every
    /// statement it writes so; mark a hand-written one only when that holds,
    /// or a change it makes can reach the next borrower of the connection.
    pub const fn stateless(text: &'a str) -> Self {
        Sql {
            text,
            stateless: true,
        }
    }

    /// A statement not known to leave the session as it found it.
    const fn plain(text: &'a str) -> Self {
        Sql {
            text,
            stateless: false,
        }
    }

    /// The statement's text.
    pub const fn text(&self) -> &'a str {
        self.text
    }

    /// Whether the statement leaves the session as it found it.
    pub const fn is_stateless(&self) -> bool {
        self.stateless
    }
}

/// What the executors take as a statement: a `&str` or `String` (not known
/// to be stateless), or an [`Sql`].
///
/// A trait of its own rather than `Into<Sql<'a>>`: a bound naming a lifetime
/// would make the futures of generated functions fail the `Send` check that
/// `tokio::spawn` makes (rust-lang/rust#100013).
pub trait AsSql: Send + Sync {
    /// The statement, and whether it is known to be stateless.
    fn as_sql(&self) -> Sql<'_>;
}

impl AsSql for Sql<'_> {
    fn as_sql(&self) -> Sql<'_> {
        *self
    }
}

impl AsSql for &str {
    fn as_sql(&self) -> Sql<'_> {
        Sql::plain(self)
    }
}

impl AsSql for &String {
    fn as_sql(&self) -> Sql<'_> {
        Sql::plain(self)
    }
}

impl AsSql for String {
    fn as_sql(&self) -> Sql<'_> {
        Sql::plain(self)
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::ReadWrite {}
    impl Sealed for super::ReadOnly {}
}

/// What a pool may do: [`ReadWrite`] or [`ReadOnly`]. Connections and
/// transactions carry the access of the pool they came from.
pub trait Access: sealed::Sealed + Send + Sync + 'static {
    /// Whether sessions of this access start read-only.
    const READ_ONLY: bool;
}

/// Marks the read-write pool and what comes from it.
#[derive(Debug)]
pub enum ReadWrite {}

/// Marks the read-only pool and what comes from it.
#[derive(Debug)]
pub enum ReadOnly {}

impl Access for ReadWrite {
    const READ_ONLY: bool = false;
}

impl Access for ReadOnly {
    const READ_ONLY: bool = true;
}

/// Runs queries that return rows. `sql` is a `&str`, a `String` or an [`Sql`].
pub trait Read: Sync {
    /// Every row the statement returns. The statement is prepared once per
    /// connection and cached.
    fn query(
        &self,
        sql: impl AsSql,
        params: &Params<'_>,
    ) -> impl Future<Output = Result<Vec<Row>, Error>> + Send;

    /// The rows as they arrive, for a result too large to hold: from a pool
    /// on a connection the stream keeps until it is dropped, in a
    /// transaction on the transaction's. Every executor of this crate
    /// streams; by default (an executor of the application's own) the rows
    /// are read whole first.
    fn query_stream<'a>(
        &'a self,
        sql: impl AsSql,
        params: &Params<'_>,
    ) -> impl Future<Output = Result<RowStream<'a>, Error>> + Send {
        async move { Ok(RowStream::from_rows(self.query(sql, params).await?)) }
    }

    /// The row, or `None`; more than one row is an error.
    fn query_opt(
        &self,
        sql: impl AsSql,
        params: &Params<'_>,
    ) -> impl Future<Output = Result<Option<Row>, Error>> + Send {
        async move {
            let mut rows = self.query(sql, params).await?;
            match rows.len() {
                0 => Ok(None),
                1 => Ok(rows.pop()),
                n => Err(Error::RowCount(n)),
            }
        }
    }

    /// Exactly one row.
    fn query_one(
        &self,
        sql: impl AsSql,
        params: &Params<'_>,
    ) -> impl Future<Output = Result<Row, Error>> + Send {
        async move {
            let mut rows = self.query(sql, params).await?;
            match rows.len() {
                1 => Ok(rows.pop().ok_or(Error::RowCount(0))?),
                n => Err(Error::RowCount(n)),
            }
        }
    }
}

/// Runs statements that change data. Everything that can write can also read.
pub trait Write: Read {
    /// The number of rows the statement changed.
    fn execute(
        &self,
        sql: impl AsSql,
        params: &Params<'_>,
    ) -> impl Future<Output = Result<u64, Error>> + Send;

    /// Writes rows into `table` (an SQL name) with binary `COPY` and returns
    /// how many. `values` holds the rows one after the other, one value per
    /// column of `columns` (SQL names) in that order; a column left out gets
    /// its default. The value types are checked against the table's columns.
    fn copy_in(
        &self,
        table: &str,
        columns: &[&str],
        values: &Params<'_>,
    ) -> impl Future<Output = Result<u64, Error>> + Send;
}

/// Prepares (through the connection's cache) and runs a statement, logging
/// its duration and row count.
pub(crate) async fn query_on(
    client: &ClientWrapper,
    sql: Sql<'_>,
    params: &Params<'_>,
) -> Result<Vec<Row>, Error> {
    let sql = sql.text();
    let run = async {
        let statement = client.prepare_cached(sql).await?;
        if crate::domain::any_domain(statement.params()) {
            let wrapped = crate::domain::as_base(params);
            let params: Vec<Param<'_>> = wrapped.iter().map(|p| p as Param<'_>).collect();
            return client.query(&statement, &params).await;
        }
        client.query(&statement, params).await
    };
    logged(sql, "query", |rows: &Vec<Row>| rows.len() as u64, run).await
}

pub(crate) async fn execute_on(
    client: &ClientWrapper,
    sql: Sql<'_>,
    params: &Params<'_>,
) -> Result<u64, Error> {
    let sql = sql.text();
    let run = async {
        let statement = client.prepare_cached(sql).await?;
        if crate::domain::any_domain(statement.params()) {
            let wrapped = crate::domain::as_base(params);
            let params: Vec<Param<'_>> = wrapped.iter().map(|p| p as Param<'_>).collect();
            return client.execute(&statement, &params).await;
        }
        client.execute(&statement, params).await
    };
    logged(sql, "execute", |changed: &u64| *changed, run).await
}

/// Times `run` and logs it at debug level: the SQL, the rows it returned or
/// changed, the duration, or the error. Parameters are never logged.
pub(crate) async fn logged<T, E: Into<Error> + std::fmt::Display>(
    sql: &str,
    what: &'static str,
    rows: impl Fn(&T) -> u64,
    run: impl Future<Output = Result<T, E>>,
) -> Result<T, Error> {
    let started = Instant::now();
    let result = run.await;
    let elapsed_us = started.elapsed().as_micros() as u64;
    match &result {
        Ok(value) => tracing::debug!(
            target: "schemac_runtime::query",
            sql,
            rows = rows(value),
            elapsed_us,
            "{what}"
        ),
        Err(error) => tracing::debug!(
            target: "schemac_runtime::query",
            sql,
            elapsed_us,
            %error,
            "{what} failed"
        ),
    }
    result.map_err(Into::into)
}

/// Runs transaction control and other parameterless statements, logged the same way.
pub(crate) async fn batch_on(client: &ClientWrapper, sql: &str) -> Result<(), Error> {
    let started = Instant::now();
    let result = client.batch_execute(sql).await;
    tracing::debug!(
        target: "schemac_runtime::query",
        sql,
        elapsed_us = started.elapsed().as_micros() as u64,
        ok = result.is_ok(),
        "batch"
    );
    Ok(result?)
}
