//! The read-write and read-only pools, and a connection checked out of one.

use std::marker::PhantomData;
use std::ops::Deref;
use std::sync::Arc;

use deadpool_postgres::{ClientWrapper, Manager, ManagerConfig, RecyclingMethod, Runtime};
use tokio_postgres::Row;

use crate::config::{PoolConfig, Role};
use crate::copy::copy_on;
use crate::error::{Error, chain};
use crate::executor::{
    Access, AsSql, Params, Read, ReadOnly, ReadWrite, Sql, Write, execute_on, query_on,
};
use crate::lease::Leased;
use crate::shared::{Lanes, OnLane};
use crate::stream::RowStream;
use crate::transaction::{Transaction, TxOptions};

/// A pool of connections with the access `A`. Cloning is cheap and shares the pool.
pub struct Pool<A: Access> {
    inner: deadpool_postgres::Pool,
    /// Connections that single stateless statements share (see `shared`).
    lanes: Arc<Lanes>,
    config: Arc<PoolConfig>,
    /// `host:port/dbname`, for messages.
    target: Arc<str>,
    /// Keeps `min_idle` and `idle_timeout`.
    keeper: Arc<crate::idle::Keeper>,
    _access: PhantomData<fn() -> A>,
}

/// The pool that can write.
pub type ReadWritePool = Pool<ReadWrite>;
/// The pool whose sessions start with `default_transaction_read_only=on` and
/// which the type system lets only read.
pub type ReadOnlyPool = Pool<ReadOnly>;

impl<A: Access> Clone for Pool<A> {
    fn clone(&self) -> Self {
        Pool {
            inner: self.inner.clone(),
            lanes: self.lanes.clone(),
            config: self.config.clone(),
            target: self.target.clone(),
            keeper: self.keeper.clone(),
            _access: PhantomData,
        }
    }
}

impl<A: Access> std::fmt::Debug for Pool<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let status = self.inner.status();
        f.debug_struct("Pool")
            .field("read_only", &A::READ_ONLY)
            .field("target", &self.target)
            .field("size", &status.size)
            .field("available", &status.available)
            .field("config", &self.config)
            .finish()
    }
}

impl Pool<ReadWrite> {
    /// A read-write pool (connections open lazily, on first use).
    pub fn read_write(config: PoolConfig) -> Result<Self, Error> {
        Pool::build(config, Role::ReadWrite)
    }

    /// A read-write pool on `DATABASE_URL`, for the application `app`.
    pub fn read_write_from_env(app: &str) -> Result<Self, Error> {
        Pool::read_write(PoolConfig::from_env("DATABASE_URL")?.application_name(app))
    }

    /// A read-only transaction on this pool, typed so that it cannot write.
    pub async fn begin_read_only(&self) -> Result<Transaction<ReadOnly>, Error> {
        let client = self.checkout().await?;
        Transaction::begin(client, TxOptions::default().read_only(true)).await
    }
}

impl Pool<ReadOnly> {
    /// A read-only pool. Every session starts with
    /// `default_transaction_read_only=on`: a guard against mistakes, not a
    /// security boundary (a SELECT-only role or a replica is).
    pub fn read_only(config: PoolConfig) -> Result<Self, Error> {
        Pool::build(config, Role::ReadOnly)
    }

    /// A read-only pool on `DATABASE_RO_URL`, or `DATABASE_URL` when that is unset.
    pub fn read_only_from_env(app: &str) -> Result<Self, Error> {
        Pool::read_only(PoolConfig::read_only_from_env()?.application_name(app))
    }
}

impl<A: Access> Pool<A> {
    fn build(config: PoolConfig, role: Role) -> Result<Self, Error> {
        let resolved = config.resolve(role)?;
        let target = Arc::from(resolved.target.as_str());
        // Recycling only checks that the connection is open: the session was
        // reset when the connection came back (see `lease`).
        let manager = Manager::from_config(
            resolved.pg,
            resolved.tls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let inner = deadpool_postgres::Pool::builder(manager)
            .max_size(config.max_size)
            // The most recently returned connection first: its backend is the
            // one most likely to be warm, and idle ones can time out unused.
            .queue_mode(deadpool_postgres::QueueMode::Lifo)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(config.wait_timeout))
            .create_timeout(Some(config.connect_timeout))
            .recycle_timeout(Some(config.connect_timeout))
            .build()
            .map_err(|e| Error::Config(format!("pool: {e}")))?;
        Ok(Pool {
            inner,
            lanes: Arc::new(Lanes::new(config.shared.min((config.max_size / 2).max(1)))),
            config: Arc::new(config),
            target,
            keeper: Arc::default(),
            _access: PhantomData,
        })
    }

    pub(crate) async fn checkout(&self) -> Result<Leased, Error> {
        Ok(Leased::new(self.borrow().await?))
    }

    async fn borrow(&self) -> Result<deadpool_postgres::Object, Error> {
        self.keeper.start(&self.inner, self.config.idle);
        self.inner.get().await.map_err(|e| {
            let message = match e {
                deadpool_postgres::PoolError::Timeout(_) => format!(
                    "timed out waiting for a connection to {} from the pool",
                    self.target
                ),
                deadpool_postgres::PoolError::Backend(e) => {
                    return self.config.cannot_connect(&self.target, &e);
                }
                other => chain(&other),
            };
            Error::Connect(self.config.scrub(&message))
        })
    }

    /// A connection of its own, for several statements on one session.
    pub async fn get(&self) -> Result<Conn<A>, Error> {
        Ok(Conn {
            client: self.checkout().await?,
            _access: PhantomData,
        })
    }

    /// Begins a transaction that owns its connection until commit or rollback
    /// (a request handler can carry it). Dropped uncommitted, it rolls back.
    pub async fn begin(&self) -> Result<Transaction<A>, Error> {
        self.begin_with(TxOptions::default()).await
    }

    /// Begins a transaction with an isolation level or as read-only.
    pub async fn begin_with(&self, options: TxOptions) -> Result<Transaction<A>, Error> {
        Transaction::begin(self.checkout().await?, options).await
    }

    /// Connections open and idle, for metrics.
    pub fn status(&self) -> (usize, usize) {
        let status = self.inner.status();
        (status.size, status.available)
    }

    /// Closes every connection; later checkouts fail.
    pub fn close(&self) {
        self.inner.close();
    }
}

impl<A: Access> Pool<A> {
    /// The connection a single statement runs on: a shared one for a
    /// stateless statement, else one of its own, reset on return if `sql`
    /// may have changed the session.
    async fn connection_for(&self, sql: Sql<'_>) -> Result<ForOne<'_>, Error> {
        if sql.is_stateless() && !self.lanes.is_empty() {
            return Ok(ForOne::Shared(self.lanes.enter(|| self.borrow()).await?));
        }
        let client = self.checkout().await?;
        client.runs(sql);
        Ok(ForOne::Own(client))
    }
}

/// See [`Pool::connection_for`]. It lives on the stack for one statement,
/// so its size does not matter, and boxing `Own` would cost an allocation per
/// statement.
#[allow(clippy::large_enum_variant)]
enum ForOne<'l> {
    Shared(OnLane<'l>),
    Own(Leased),
}

impl Deref for ForOne<'_> {
    type Target = ClientWrapper;

    fn deref(&self) -> &ClientWrapper {
        match self {
            ForOne::Shared(client) => client,
            ForOne::Own(client) => client,
        }
    }
}

impl<A: Access> Read for Pool<A> {
    async fn query(&self, sql: impl AsSql, params: &Params<'_>) -> Result<Vec<Row>, Error> {
        let sql = sql.as_sql();
        query_on(&*self.connection_for(sql).await?, sql, params).await
    }

    /// On a connection of its own, never a shared one: a long stream would
    /// hold up every statement queued behind it there.
    async fn query_stream<'a>(
        &'a self,
        sql: impl AsSql,
        params: &Params<'_>,
    ) -> Result<RowStream<'a>, Error> {
        RowStream::holding(self.checkout().await?, sql.as_sql(), params).await
    }
}

impl Write for Pool<ReadWrite> {
    async fn execute(&self, sql: impl AsSql, params: &Params<'_>) -> Result<u64, Error> {
        let sql = sql.as_sql();
        execute_on(&*self.connection_for(sql).await?, sql, params).await
    }

    /// On a connection of its own: a COPY holds its connection until done.
    async fn copy_in(
        &self,
        table: &str,
        columns: &[&str],
        values: &Params<'_>,
    ) -> Result<u64, Error> {
        let client = self.checkout().await?;
        copy_on(&client, table, columns, values).await
    }
}

/// A connection checked out of a pool; back in the pool when dropped.
pub struct Conn<A: Access> {
    client: Leased,
    _access: PhantomData<fn() -> A>,
}

impl<A: Access> Conn<A> {
    /// Begins a transaction on this connection, which the transaction then owns.
    pub async fn begin(self) -> Result<Transaction<A>, Error> {
        Transaction::begin(self.client, TxOptions::default()).await
    }

    /// The driver's client, for what the executor traits do not cover (COPY,
    /// LISTEN). The session is reset when the connection returns.
    pub fn client(&self) -> &tokio_postgres::Client {
        self.client.touch();
        &self.client
    }
}

impl<A: Access> Read for Conn<A> {
    async fn query(&self, sql: impl AsSql, params: &Params<'_>) -> Result<Vec<Row>, Error> {
        let sql = sql.as_sql();
        self.client.runs(sql);
        query_on(&self.client, sql, params).await
    }

    async fn query_stream<'a>(
        &'a self,
        sql: impl AsSql,
        params: &Params<'_>,
    ) -> Result<RowStream<'a>, Error> {
        let sql = sql.as_sql();
        self.client.runs(sql);
        RowStream::on(&self.client, sql, params).await
    }
}

impl Write for Conn<ReadWrite> {
    async fn execute(&self, sql: impl AsSql, params: &Params<'_>) -> Result<u64, Error> {
        let sql = sql.as_sql();
        self.client.runs(sql);
        execute_on(&self.client, sql, params).await
    }

    async fn copy_in(
        &self,
        table: &str,
        columns: &[&str],
        values: &Params<'_>,
    ) -> Result<u64, Error> {
        copy_on(&self.client, table, columns, values).await
    }
}

/// One connection outside any pool, for the migration runner: it holds a
/// session-level advisory lock, which must not go back into a pool.
pub(crate) async fn connect_single(config: &PoolConfig) -> Result<tokio_postgres::Client, Error> {
    let resolved = config.resolve(Role::ReadWrite)?;
    let (client, connection) = resolved
        .pg
        .connect(resolved.tls)
        .await
        .map_err(|e| config.cannot_connect(&resolved.target, &e))?;
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            tracing::debug!(target: "schemac_runtime::migrate", %error, "connection closed with an error");
        }
    });
    Ok(client)
}
