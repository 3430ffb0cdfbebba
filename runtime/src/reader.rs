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
//!     tenants::get_by_slug(&via, slug).await
//! }
//! // ...and inside a transaction: service.get_by_slug(slug, Some(Reader::from(&*tx)))
//! ```

use tokio_postgres::Row;

use crate::error::Error;
use crate::executor::{AsSql, Params, Read, ReadOnly, ReadWrite, Write};
use crate::pool::Pool;
use crate::transaction::Transaction;

/// Something to read through: a pool of either kind, or a transaction.
#[derive(Clone, Copy)]
pub enum Reader<'a> {
    ReadOnlyPool(&'a Pool<ReadOnly>),
    ReadWritePool(&'a Pool<ReadWrite>),
    ReadOnlyTransaction(&'a Transaction<ReadOnly>),
    Transaction(&'a Transaction<ReadWrite>),
}

/// Something to write through: the read-write pool, or a transaction on it.
#[derive(Clone, Copy)]
pub enum Writer<'a> {
    Pool(&'a Pool<ReadWrite>),
    Transaction(&'a Transaction<ReadWrite>),
}

impl<'a> From<&'a Pool<ReadOnly>> for Reader<'a> {
    fn from(pool: &'a Pool<ReadOnly>) -> Self {
        Reader::ReadOnlyPool(pool)
    }
}

impl<'a> From<&'a Pool<ReadWrite>> for Reader<'a> {
    fn from(pool: &'a Pool<ReadWrite>) -> Self {
        Reader::ReadWritePool(pool)
    }
}

impl<'a> From<&'a Transaction<ReadOnly>> for Reader<'a> {
    fn from(tx: &'a Transaction<ReadOnly>) -> Self {
        Reader::ReadOnlyTransaction(tx)
    }
}

impl<'a> From<&'a Transaction<ReadWrite>> for Reader<'a> {
    fn from(tx: &'a Transaction<ReadWrite>) -> Self {
        Reader::Transaction(tx)
    }
}

impl<'a> From<Writer<'a>> for Reader<'a> {
    fn from(writer: Writer<'a>) -> Self {
        match writer {
            Writer::Pool(pool) => Reader::ReadWritePool(pool),
            Writer::Transaction(tx) => Reader::Transaction(tx),
        }
    }
}

impl<'a> From<&'a Pool<ReadWrite>> for Writer<'a> {
    fn from(pool: &'a Pool<ReadWrite>) -> Self {
        Writer::Pool(pool)
    }
}

impl<'a> From<&'a Transaction<ReadWrite>> for Writer<'a> {
    fn from(tx: &'a Transaction<ReadWrite>) -> Self {
        Writer::Transaction(tx)
    }
}

impl Read for Reader<'_> {
    async fn query(&self, sql: impl AsSql, params: &Params<'_>) -> Result<Vec<Row>, Error> {
        match self {
            Reader::ReadOnlyPool(p) => p.query(sql, params).await,
            Reader::ReadWritePool(p) => p.query(sql, params).await,
            Reader::ReadOnlyTransaction(tx) => tx.query(sql, params).await,
            Reader::Transaction(tx) => tx.query(sql, params).await,
        }
    }
}

impl Read for Writer<'_> {
    async fn query(&self, sql: impl AsSql, params: &Params<'_>) -> Result<Vec<Row>, Error> {
        match self {
            Writer::Pool(p) => p.query(sql, params).await,
            Writer::Transaction(tx) => tx.query(sql, params).await,
        }
    }
}

impl Write for Writer<'_> {
    async fn execute(&self, sql: impl AsSql, params: &Params<'_>) -> Result<u64, Error> {
        match self {
            Writer::Pool(p) => p.execute(sql, params).await,
            Writer::Transaction(tx) => tx.execute(sql, params).await,
        }
    }

    async fn copy_in(
        &self,
        table: &str,
        columns: &[&str],
        values: &Params<'_>,
    ) -> Result<u64, Error> {
        match self {
            Writer::Pool(p) => p.copy_in(table, columns, values).await,
            Writer::Transaction(tx) => tx.copy_in(table, columns, values).await,
        }
    }
}
