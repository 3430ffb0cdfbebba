//! schemac's runtime: the pools, executors and transactions generated code
//! runs on, the migration runner, and the types and derives it names.
//!
//! - [`ReadWritePool`] and [`ReadOnlyPool`]; [`Read`] and [`Write`] keep
//!   writes off the read-only pool at compile time.
//! - [`Transaction`] owns its connection; [`Savepoint`] nests;
//!   [`Pool::run_in_transaction`] retries serialization failures.
//! - [`migrate`] applies a migration directory that `schemac generate` wrote;
//!   [`seed`] runs the seeds of an environment once each.

#![warn(missing_docs)]

mod config;
mod copy;
mod domain;
mod error;
mod executor;
pub mod id;
mod idle;
mod interval;
mod lease;
pub mod migrate;
mod pg_enum;
mod pool;
mod reader;
mod row;
pub mod seed;
pub mod sensitive;
mod shared;
pub mod statement;
mod stream;
pub mod table;
#[cfg(feature = "testing")]
pub mod testing;
mod tls;
mod transaction;
mod tsvector;

pub use config::{PoolConfig, SslMode};
pub use error::{Error, Result, Retryable, Secret, lines_before_error};
pub use executor::{Access, AsSql, Param, Params, Read, ReadOnly, ReadWrite, Sql, Write};
/// What a `:stream` query returns, and what reads it (`.next().await`).
pub use futures_util::{Stream, StreamExt};
pub use id::{IdParseError, IdParseErrorKind, Ulid};
pub use interval::PgInterval;
pub use pg_enum::UnknownLabel;
pub use pool::{Conn, Pool, ReadOnlyPool, ReadWritePool};
pub use reader::{Reader, Writer};
pub use row::{FromRow, column, column_at, group_by_key};
pub use sensitive::Sensitive;
pub use stream::RowStream;
pub use table::{Keyed, Rows, SoftDelete, Table};
pub use transaction::{BoxFuture, IsolationLevel, RetryPolicy, Savepoint, Transaction, TxOptions};
pub use tsvector::{Lexeme, TsVector};

/// The order of a keyset-paginated list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Order {
    /// Ascending, the default.
    #[default]
    Asc,
    /// Descending.
    Desc,
}

#[cfg(feature = "testing")]
pub use schemac_derive::test;
pub use schemac_derive::{Insert, Patch, PgEnum, RichId, Row};

// The crates whose types generated code names, re-exported so that an
// application depends on schemac-runtime alone and versions never drift.
pub use chrono;
pub use rust_decimal;
pub use serde;
pub use serde_json;
pub use tokio_postgres;
pub use tokio_postgres::Row as PgRow;
pub use tokio_postgres::types::{Json, ToSql};
pub use uuid;

/// Paths the derive macros expand to; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::id::{AnyBody, UlidBody, next_ulid, parse_ulid_body, split_external};
    pub use bytes::BytesMut;
    pub use serde;
    pub use tokio_postgres::types::{FromSql, IsNull, ToSql, Type};
    pub use uuid::Uuid;
    pub type BoxError = Box<dyn std::error::Error + Sync + Send>;
    pub use crate::row::{Decode, decode_all, decode_one};

    /// `ToSql::to_sql_checked` for the derives. tokio-postgres' own
    /// `to_sql_checked!` names `Box` unqualified, which a type of the user's
    /// called `Box` (an ID, a table's row) would shadow where it expands.
    pub fn to_sql_checked<T: ToSql>(
        value: &T,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, BoxError> {
        if !T::accepts(ty) {
            return Err(Box::new(tokio_postgres::types::WrongType::new::<T>(
                ty.clone(),
            )));
        }
        value.to_sql(ty, out)
    }
}
