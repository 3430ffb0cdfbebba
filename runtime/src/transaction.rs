//! Owned transactions, savepoints, and the retry helper.
//!
//! A [`Transaction`] owns its pooled connection, so it can live in a request
//! handler's state. Dropping one uncommitted rolls it back (the connection
//! rolls back before it returns to the pool, see `lease`); dropping a
//! [`Savepoint`] uncommitted rolls back to it. Drop cannot wait for the
//! server, so a dropped savepoint leaves its rollback pending and the next
//! statement on the transaction sends it first.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

use deadpool_postgres::ClientWrapper;
use tokio_postgres::Row;

use crate::copy::copy_on;
use crate::error::{Error, Retryable};
use crate::executor::{
    Access, AsSql, Params, Read, ReadWrite, Sql, Write, batch_on, execute_on, query_on,
};
use crate::lease::Leased;
use crate::pool::Pool;
use crate::stream::RowStream;

/// The isolation level of a transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IsolationLevel {
    /// PostgreSQL's default: each statement sees what was committed before it.
    ReadCommitted,
    /// The transaction sees one snapshot throughout.
    RepeatableRead,
    /// As if the transactions ran one after the other; a conflict fails
    /// one of them with a serialization failure, which
    /// [`Pool::run_in_transaction`](crate::Pool::run_in_transaction) retries.
    Serializable,
}

/// How a transaction begins.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TxOptions {
    isolation: Option<IsolationLevel>,
    read_only: bool,
    deferrable: bool,
}

impl TxOptions {
    /// Begins at `level` (`BEGIN ISOLATION LEVEL ...`).
    pub fn isolation(mut self, level: IsolationLevel) -> Self {
        self.isolation = Some(level);
        self
    }

    /// `READ ONLY`. Transactions from the read-only pool are always read-only.
    pub fn read_only(mut self, read_only: bool) -> Self {
        self.read_only = read_only;
        self
    }

    /// `DEFERRABLE` (meaningful for serializable read-only transactions).
    pub fn deferrable(mut self, deferrable: bool) -> Self {
        self.deferrable = deferrable;
        self
    }

    fn begin_sql(&self, force_read_only: bool) -> String {
        let mut sql = String::from("BEGIN");
        if let Some(level) = self.isolation {
            sql.push_str(match level {
                IsolationLevel::ReadCommitted => " ISOLATION LEVEL READ COMMITTED",
                IsolationLevel::RepeatableRead => " ISOLATION LEVEL REPEATABLE READ",
                IsolationLevel::Serializable => " ISOLATION LEVEL SERIALIZABLE",
            });
        }
        sql.push_str(if self.read_only || force_read_only {
            " READ ONLY"
        } else {
            " READ WRITE"
        });
        if self.deferrable {
            sql.push_str(" DEFERRABLE");
        }
        sql
    }
}

/// How often and how patiently [`Pool::run_in_transaction_with`] retries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The wait before the second attempt; it doubles with each further one.
    pub base_delay: Duration,
    /// The longest wait between two attempts.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(500),
        }
    }
}

impl RetryPolicy {
    /// The wait after the failed attempt number `attempt` (1-based), between
    /// half and all of the exponential step, so that colliding transactions
    /// do not collide again.
    fn delay(&self, attempt: u32) -> Duration {
        let step = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
            .min(self.max_delay);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let fraction = 0.5 + f64::from(nanos % 1000) / 2000.0;
        step.mul_f64(fraction)
    }
}

/// A boxed future borrowing the transaction, as the retry helper's closure returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The state a transaction and its savepoints share.
struct Scope {
    client: Leased,
    /// `ROLLBACK TO SAVEPOINT ...` left by a savepoint dropped uncommitted.
    pending: Mutex<Option<String>>,
}

impl Scope {
    fn take_pending(&self) -> Option<String> {
        self.pending.lock().map(|mut p| p.take()).unwrap_or(None)
    }

    fn set_pending(&self, sql: String) {
        if let Ok(mut p) = self.pending.lock() {
            *p = Some(sql);
        }
    }

    /// The connection, to run `sql` on, once a pending savepoint rollback ran.
    async fn client_for(&self, sql: Sql<'_>) -> Result<&ClientWrapper, Error> {
        self.client.runs(sql);
        self.client().await
    }

    async fn client(&self) -> Result<&ClientWrapper, Error> {
        if let Some(sql) = self.take_pending() {
            batch_on(&self.client, &sql).await?;
        }
        Ok(&self.client)
    }
}

/// A transaction that owns its connection. Typed by the pool it came from: one
/// from the read-only pool (or [`Pool::begin_read_only`]) can only read.
pub struct Transaction<A: Access> {
    scope: Option<Scope>,
    _access: PhantomData<fn() -> A>,
}

impl<A: Access> Transaction<A> {
    pub(crate) async fn begin(mut client: Leased, options: TxOptions) -> Result<Self, Error> {
        batch_on(&client, &options.begin_sql(A::READ_ONLY)).await?;
        client.set_in_transaction(true);
        Ok(Transaction {
            scope: Some(Scope {
                client,
                pending: Mutex::new(None),
            }),
            _access: PhantomData,
        })
    }

    fn scope(&self) -> &Scope {
        // Only commit and rollback take the scope, and they consume `self`.
        self.scope
            .as_ref()
            .expect("transaction used after it ended")
    }

    /// Makes the transaction's changes permanent.
    pub async fn commit(mut self) -> Result<(), Error> {
        let mut scope = self.scope.take().expect("transaction used after it ended");
        batch_on(scope.client().await?, "COMMIT").await?;
        scope.client.set_in_transaction(false);
        Ok(())
    }

    /// Discards the transaction's changes.
    pub async fn rollback(mut self) -> Result<(), Error> {
        let mut scope = self.scope.take().expect("transaction used after it ended");
        batch_on(&scope.client, "ROLLBACK").await?;
        scope.client.set_in_transaction(false);
        Ok(())
    }

    /// A nested transaction (a savepoint). The transaction cannot be used
    /// while the savepoint lives.
    pub async fn savepoint(&mut self) -> Result<Savepoint<'_, A>, Error> {
        Savepoint::open(self.scope(), 1).await
    }
}

impl<A: Access> Read for Transaction<A> {
    async fn query(&self, sql: impl AsSql, params: &Params<'_>) -> Result<Vec<Row>, Error> {
        let sql = sql.as_sql();
        query_on(self.scope().client_for(sql).await?, sql, params).await
    }

    async fn query_stream<'a>(
        &'a self,
        sql: impl AsSql,
        params: &Params<'_>,
    ) -> Result<RowStream<'a>, Error> {
        let sql = sql.as_sql();
        RowStream::on(self.scope().client_for(sql).await?, sql, params).await
    }
}

impl Transaction<ReadWrite> {
    /// Runs statements given as one text (a seed file), without parameters.
    pub(crate) async fn batch(&self, sql: &str) -> Result<(), Error> {
        // What a hand-written file leaves in the session is not known.
        self.scope().client.touch();
        batch_on(self.scope().client().await?, sql).await
    }
}

impl Write for Transaction<ReadWrite> {
    async fn execute(&self, sql: impl AsSql, params: &Params<'_>) -> Result<u64, Error> {
        let sql = sql.as_sql();
        execute_on(self.scope().client_for(sql).await?, sql, params).await
    }

    async fn copy_in(
        &self,
        table: &str,
        columns: &[&str],
        values: &Params<'_>,
    ) -> Result<u64, Error> {
        copy_on(self.scope().client().await?, table, columns, values).await
    }
}

/// A nested transaction: `SAVEPOINT` on begin, `RELEASE` on commit,
/// `ROLLBACK TO` on rollback or drop.
pub struct Savepoint<'t, A: Access> {
    scope: &'t Scope,
    depth: u32,
    done: bool,
    _access: PhantomData<fn() -> A>,
}

impl<'t, A: Access> Savepoint<'t, A> {
    async fn open(scope: &'t Scope, depth: u32) -> Result<Self, Error> {
        let client = scope.client().await?;
        batch_on(client, &format!("SAVEPOINT schemac_sp_{depth}")).await?;
        Ok(Savepoint {
            scope,
            depth,
            done: false,
            _access: PhantomData,
        })
    }

    fn rollback_sql(&self) -> String {
        format!(
            "ROLLBACK TO SAVEPOINT schemac_sp_{d}; RELEASE SAVEPOINT schemac_sp_{d}",
            d = self.depth
        )
    }

    /// Keeps the savepoint's changes as part of the enclosing transaction.
    pub async fn commit(mut self) -> Result<(), Error> {
        self.done = true;
        let client = self.scope.client().await?;
        batch_on(
            client,
            &format!("RELEASE SAVEPOINT schemac_sp_{}", self.depth),
        )
        .await
    }

    /// Discards the savepoint's changes; the enclosing transaction goes on.
    pub async fn rollback(mut self) -> Result<(), Error> {
        self.done = true;
        // Rolling back to this savepoint also undoes any nested one left pending.
        self.scope.take_pending();
        batch_on(&self.scope.client, &self.rollback_sql()).await
    }

    /// A savepoint inside this one.
    pub async fn savepoint(&mut self) -> Result<Savepoint<'_, A>, Error> {
        Savepoint::open(self.scope, self.depth + 1).await
    }
}

impl<A: Access> Drop for Savepoint<'_, A> {
    fn drop(&mut self) {
        if !self.done {
            // An outer savepoint dropped later overwrites this one, which is
            // right: rolling back to it undoes this one's changes as well.
            self.scope.set_pending(self.rollback_sql());
        }
    }
}

impl<A: Access> Read for Savepoint<'_, A> {
    async fn query(&self, sql: impl AsSql, params: &Params<'_>) -> Result<Vec<Row>, Error> {
        let sql = sql.as_sql();
        query_on(self.scope.client_for(sql).await?, sql, params).await
    }

    async fn query_stream<'a>(
        &'a self,
        sql: impl AsSql,
        params: &Params<'_>,
    ) -> Result<RowStream<'a>, Error> {
        let sql = sql.as_sql();
        RowStream::on(self.scope.client_for(sql).await?, sql, params).await
    }
}

impl Write for Savepoint<'_, ReadWrite> {
    async fn execute(&self, sql: impl AsSql, params: &Params<'_>) -> Result<u64, Error> {
        let sql = sql.as_sql();
        execute_on(self.scope.client_for(sql).await?, sql, params).await
    }

    async fn copy_in(
        &self,
        table: &str,
        columns: &[&str],
        values: &Params<'_>,
    ) -> Result<u64, Error> {
        copy_on(self.scope.client().await?, table, columns, values).await
    }
}

impl<A: Access> Pool<A> {
    /// Runs `work` in a transaction and commits it, retrying the whole
    /// transaction on a serialization failure or deadlock (see [`RetryPolicy`]).
    /// `work` is an async closure, so it borrows what it needs (a request's
    /// input, a service's fields) rather than cloning it in:
    ///
    /// ```ignore
    /// pool.run_in_transaction(async |tx| repo::insert(tx, &row).await).await?;
    /// ```
    pub async fn run_in_transaction<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: AsyncFnMut(&mut Transaction<A>) -> Result<T, E>,
        E: From<Error> + Retryable,
    {
        self.run_in_transaction_with(TxOptions::default(), RetryPolicy::default(), work)
            .await
    }

    /// [`Pool::run_in_transaction`] with an isolation level and a retry policy.
    pub async fn run_in_transaction_with<T, E, F>(
        &self,
        options: TxOptions,
        policy: RetryPolicy,
        mut work: F,
    ) -> Result<T, E>
    where
        F: AsyncFnMut(&mut Transaction<A>) -> Result<T, E>,
        E: From<Error> + Retryable,
    {
        let mut attempt = 1;
        loop {
            let mut tx = self.begin_with(options).await?;
            let outcome = match work(&mut tx).await {
                Ok(value) => tx.commit().await.map(|()| value).map_err(E::from),
                Err(error) => {
                    // The error is what the caller needs; a failed rollback
                    // only means the connection is gone, and drop handles that.
                    let _ = tx.rollback().await;
                    Err(error)
                }
            };
            match outcome {
                Err(error) if error.is_transient() && attempt < policy.max_attempts => {
                    tracing::debug!(
                        target: "schemac_runtime::transaction",
                        attempt,
                        "transaction hit a serialization failure or deadlock; retrying"
                    );
                    tokio::time::sleep(policy.delay(attempt)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }
}
