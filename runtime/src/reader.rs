//! [`Reader`] and [`Writer`]: an executor as a value.
//!
//! [`Read`] and [`Write`] have generic async methods, so they cannot be
//! trait objects: a service method that reads from its read-only pool by
//! default but must also run inside a caller's transaction would need two
//! versions, or generics through every layer. A `Reader` is whichever of
//! them the caller has, in one type:
//!
//! ```ignore
//! async fn get_by_slug(&self, slug: &str, via: Option<Reader<'_>>) -> Result<Option<Tenant>, Error> {
//!     let via = via.unwrap_or(Reader::from(&self.read_only));
//!     tenants::by_slug.get(&via, slug).await
//! }
//! // ...and inside a transaction: service.get_by_slug(slug, Some(Reader::from(&*tx)))
//! ```

use tokio_postgres::Row;

use crate::error::Error;
use crate::executor::{AsSql, Params, Read, ReadOnly, ReadWrite, Write};
use crate::pool::Pool;
use crate::stream::RowStream;
use crate::transaction::Transaction;

/// Something to read through: a pool of either kind, or a transaction;
/// made with `Reader::from`.
#[derive(Clone, Copy)]
pub struct Reader<'a>(Via<'a>);

/// Something to write through: the read-write pool, or a transaction on
/// it; made with `Writer::from`.
#[derive(Clone, Copy)]
pub struct Writer<'a>(WriteVia<'a>);

// Names of their own: a variant named like a type (`Pool`) would make the
// compiler spell that type in full in every error message about it.
#[derive(Clone, Copy)]
enum Via<'a> {
    RoPool(&'a Pool<ReadOnly>),
    RwPool(&'a Pool<ReadWrite>),
    RoTransaction(&'a Transaction<ReadOnly>),
    RwTransaction(&'a Transaction<ReadWrite>),
}

#[derive(Clone, Copy)]
enum WriteVia<'a> {
    RwPool(&'a Pool<ReadWrite>),
    RwTransaction(&'a Transaction<ReadWrite>),
}

impl<'a> From<&'a Pool<ReadOnly>> for Reader<'a> {
    fn from(pool: &'a Pool<ReadOnly>) -> Self {
        Reader(Via::RoPool(pool))
    }
}

impl<'a> From<&'a Pool<ReadWrite>> for Reader<'a> {
    fn from(pool: &'a Pool<ReadWrite>) -> Self {
        Reader(Via::RwPool(pool))
    }
}

impl<'a> From<&'a Transaction<ReadOnly>> for Reader<'a> {
    fn from(tx: &'a Transaction<ReadOnly>) -> Self {
        Reader(Via::RoTransaction(tx))
    }
}

impl<'a> From<&'a Transaction<ReadWrite>> for Reader<'a> {
    fn from(tx: &'a Transaction<ReadWrite>) -> Self {
        Reader(Via::RwTransaction(tx))
    }
}

impl<'a> From<Writer<'a>> for Reader<'a> {
    fn from(writer: Writer<'a>) -> Self {
        Reader(match writer.0 {
            WriteVia::RwPool(pool) => Via::RwPool(pool),
            WriteVia::RwTransaction(tx) => Via::RwTransaction(tx),
        })
    }
}

impl<'a> From<&'a Pool<ReadWrite>> for Writer<'a> {
    fn from(pool: &'a Pool<ReadWrite>) -> Self {
        Writer(WriteVia::RwPool(pool))
    }
}

impl<'a> From<&'a Transaction<ReadWrite>> for Writer<'a> {
    fn from(tx: &'a Transaction<ReadWrite>) -> Self {
        Writer(WriteVia::RwTransaction(tx))
    }
}

impl Read for Via<'_> {
    async fn query(&self, sql: impl AsSql, params: &Params<'_>) -> Result<Vec<Row>, Error> {
        match self {
            Via::RoPool(p) => p.query(sql, params).await,
            Via::RwPool(p) => p.query(sql, params).await,
            Via::RoTransaction(tx) => tx.query(sql, params).await,
            Via::RwTransaction(tx) => tx.query(sql, params).await,
        }
    }

    async fn query_stream<'a>(
        &'a self,
        sql: impl AsSql,
        params: &Params<'_>,
    ) -> Result<RowStream<'a>, Error> {
        match self {
            Via::RoPool(p) => p.query_stream(sql, params).await,
            Via::RwPool(p) => p.query_stream(sql, params).await,
            Via::RoTransaction(tx) => tx.query_stream(sql, params).await,
            Via::RwTransaction(tx) => tx.query_stream(sql, params).await,
        }
    }
}

impl Read for Reader<'_> {
    async fn query(&self, sql: impl AsSql, params: &Params<'_>) -> Result<Vec<Row>, Error> {
        self.0.query(sql, params).await
    }

    async fn query_stream<'a>(
        &'a self,
        sql: impl AsSql,
        params: &Params<'_>,
    ) -> Result<RowStream<'a>, Error> {
        self.0.query_stream(sql, params).await
    }
}

impl Read for Writer<'_> {
    async fn query(&self, sql: impl AsSql, params: &Params<'_>) -> Result<Vec<Row>, Error> {
        match self.0 {
            WriteVia::RwPool(p) => p.query(sql, params).await,
            WriteVia::RwTransaction(tx) => tx.query(sql, params).await,
        }
    }

    async fn query_stream<'a>(
        &'a self,
        sql: impl AsSql,
        params: &Params<'_>,
    ) -> Result<RowStream<'a>, Error> {
        match self.0 {
            WriteVia::RwPool(p) => p.query_stream(sql, params).await,
            WriteVia::RwTransaction(tx) => tx.query_stream(sql, params).await,
        }
    }
}

impl Write for Writer<'_> {
    async fn execute(&self, sql: impl AsSql, params: &Params<'_>) -> Result<u64, Error> {
        match self.0 {
            WriteVia::RwPool(p) => p.execute(sql, params).await,
            WriteVia::RwTransaction(tx) => tx.execute(sql, params).await,
        }
    }

    async fn copy_in(
        &self,
        table: &str,
        columns: &[&str],
        values: &Params<'_>,
    ) -> Result<u64, Error> {
        match self.0 {
            WriteVia::RwPool(p) => p.copy_in(table, columns, values).await,
            WriteVia::RwTransaction(tx) => tx.copy_in(table, columns, values).await,
        }
    }
}
