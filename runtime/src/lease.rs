//! A pooled connection on loan, reset before it goes back when it may carry
//! something over.
//!
//! What a session can carry from one checkout to the next — a role,
//! settings (the read-only pool's guard turned off), cursors, listeners,
//! advisory locks, temporary tables — comes only from statements the runtime
//! did not write: a plain `&str` statement, or the driver's client handed
//! out by [`crate::Conn::client`]. Those mark the lease *touched*. A touched
//! connection is reset when it is returned, in a task of its own so the
//! caller never waits, and re-enters the pool only once the reset succeeded
//! (otherwise it is closed). An untouched one goes straight back: resetting
//! every connection cost the server more than the query it served (a
//! seven-statement round trip per checkout; see `bench/`).

use std::ops::Deref;
use std::sync::atomic::{AtomicBool, Ordering};

use deadpool_postgres::{ClientWrapper, Object};

use crate::executor::Sql;

/// RESET ALL returns every setting to its value at connection start, which
/// for the read-only pool is `default_transaction_read_only=on`. Prepared
/// statements stay, so the statement cache stays valid.
const RESET_SESSION: &str = "CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; \
                             UNLISTEN *; SELECT pg_advisory_unlock_all(); DISCARD TEMP; DISCARD SEQUENCES";

/// A checked-out connection; see the module documentation.
pub(crate) struct Leased {
    client: Option<Object>,
    /// Set when the session is known to be inside a transaction block.
    rollback_first: bool,
    /// Set once anything but a stateless statement ran on the session.
    touched: AtomicBool,
}

impl Leased {
    pub fn new(client: Object) -> Self {
        Leased {
            client: Some(client),
            rollback_first: false,
            touched: AtomicBool::new(false),
        }
    }

    /// Marks the session as inside a transaction, to be rolled back on return.
    pub fn set_in_transaction(&mut self, in_transaction: bool) {
        self.rollback_first = in_transaction;
    }

    /// Notes what `sql` may leave behind: anything not known to be stateless
    /// has the session reset on return.
    pub fn runs(&self, sql: Sql<'_>) {
        if !sql.is_stateless() {
            self.touch();
        }
    }

    /// The session may have been changed (the raw client was handed out).
    pub fn touch(&self) {
        self.touched.store(true, Ordering::Relaxed);
    }
}

impl Deref for Leased {
    type Target = ClientWrapper;

    fn deref(&self) -> &ClientWrapper {
        // `client` is only taken in `drop`.
        self.client.as_ref().expect("connection used after return")
    }
}

impl Drop for Leased {
    fn drop(&mut self) {
        let Some(client) = self.client.take() else {
            return;
        };
        let rollback_first = self.rollback_first;
        let reset = *self.touched.get_mut();
        if !rollback_first && !reset {
            // Back to the pool as it came out.
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            // No runtime to reset on: close the connection instead.
            drop(Object::take(client));
            return;
        };
        runtime.spawn(async move {
            let guard = CloseUnlessReset(Some(client));
            let Some(client) = guard.0.as_ref() else {
                return;
            };
            let cleanup = async {
                if rollback_first {
                    client.batch_execute("ROLLBACK").await?;
                }
                if reset {
                    client.batch_execute(RESET_SESSION).await?;
                }
                Ok::<(), tokio_postgres::Error>(())
            };
            match cleanup.await {
                Ok(()) => guard.release(),
                Err(error) => tracing::debug!(
                    target: "schemac_runtime::pool",
                    %error,
                    "closing a connection whose session could not be reset"
                ),
            }
        });
    }
}

/// Owns a connection while it is being reset. If the reset fails, or its
/// task is dropped half-way (the runtime shutting down), the connection is
/// closed rather than returned to the pool unreset.
struct CloseUnlessReset(Option<Object>);

impl CloseUnlessReset {
    fn release(mut self) {
        // Dropping the pool object returns it to the pool.
        drop(self.0.take());
    }
}

impl Drop for CloseUnlessReset {
    fn drop(&mut self) {
        if let Some(client) = self.0.take() {
            drop(Object::take(client));
        }
    }
}
