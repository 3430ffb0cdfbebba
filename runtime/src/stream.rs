//! Rows as they arrive: a result too large to hold is read a row at a time,
//! each decoded when it comes off the connection.

use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use deadpool_postgres::ClientWrapper;
use futures_util::Stream;
use tokio_postgres::Row;

use crate::error::Error;
use crate::executor::{Params, Sql};
use crate::lease::Leased;

/// The rows of one statement as they arrive. Dropped before the end, the
/// rest are discarded. It holds the connection the statement runs on: a
/// pool's (taken for the stream alone, back in the pool when it is
/// dropped), or borrows the transaction's.
pub struct RowStream<'a> {
    rows: Rows,
    /// Kept out of the pool until the last row is read.
    _connection: Option<Leased>,
    _borrows: PhantomData<&'a ()>,
}

enum Rows {
    Arriving(Pin<Box<tokio_postgres::RowStream>>),
    /// Read whole first, by an executor that cannot stream.
    Read(std::vec::IntoIter<Row>),
}

impl std::fmt::Debug for RowStream<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowStream").finish_non_exhaustive()
    }
}

impl<'a> RowStream<'a> {
    /// Starts `sql` on a connection of the caller's.
    pub(crate) async fn on(
        client: &'a ClientWrapper,
        sql: Sql<'_>,
        params: &Params<'_>,
    ) -> Result<RowStream<'a>, Error> {
        Ok(RowStream {
            rows: Rows::Arriving(Box::pin(start(client, sql, params).await?)),
            _connection: None,
            _borrows: PhantomData,
        })
    }

    /// Starts `sql` on a connection it keeps until it is dropped.
    pub(crate) async fn holding(
        connection: Leased,
        sql: Sql<'_>,
        params: &Params<'_>,
    ) -> Result<RowStream<'a>, Error> {
        connection.runs(sql);
        let rows = start(&connection, sql, params).await?;
        Ok(RowStream {
            rows: Rows::Arriving(Box::pin(rows)),
            _connection: Some(connection),
            _borrows: PhantomData,
        })
    }
}

impl RowStream<'static> {
    /// Rows already read, as a stream: what [`crate::Read::query_stream`]
    /// gives by default, for an executor of the application's own that has
    /// no connection to stream from.
    pub fn from_rows(rows: Vec<Row>) -> RowStream<'static> {
        RowStream {
            rows: Rows::Read(rows.into_iter()),
            _connection: None,
            _borrows: PhantomData,
        }
    }
}

async fn start(
    client: &ClientWrapper,
    sql: Sql<'_>,
    params: &Params<'_>,
) -> Result<tokio_postgres::RowStream, Error> {
    let statement = client.prepare_cached(sql.text()).await?;
    tracing::debug!(target: "schemac_runtime::query", sql = sql.text(), "stream");
    if crate::domain::any_domain(statement.params()) {
        let wrapped = crate::domain::as_base(params);
        return Ok(client.query_raw(&statement, wrapped.iter()).await?);
    }
    Ok(client.query_raw(&statement, params.iter().copied()).await?)
}

impl Stream for RowStream<'_> {
    type Item = Result<Row, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match &mut self.rows {
            Rows::Arriving(rows) => rows
                .as_mut()
                .poll_next(cx)
                .map(|row| row.map(|r| r.map_err(Error::from))),
            Rows::Read(rows) => Poll::Ready(rows.next().map(Ok)),
        }
    }
}
