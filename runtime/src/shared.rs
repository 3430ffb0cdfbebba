//! Connections shared by concurrent stateless statements.
//!
//! A single statement outside a transaction does not need a connection of
//! its own: tokio-postgres pipelines requests from many tasks over one
//! connection, and the server runs them back to back without the round trip
//! between them. On this project's benchmark (16 tasks, one-row lookups)
//! one pipelined connection served 1.4× what 16 exclusively checked-out
//! ones did. Only statements known to leave the session as they found it
//! ([`crate::Sql::stateless`]) run here, so nothing one caller does can
//! reach another; everything else takes a connection of its own.
//!
//! Each lane borrows its connection from the pool while statements are in
//! flight on it and gives it back when the last one finishes, so the pool's
//! `max_size` still bounds the connections open, and a transaction waiting
//! for a connection gets one as soon as the lane goes idle. A statement
//! picks the lane with the fewest statements in flight: a slow one delays
//! those queued behind it on its lane, the others take the other lanes.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use deadpool_postgres::{ClientWrapper, Object};

use crate::error::Error;

/// The pool's shared lanes.
pub(crate) struct Lanes {
    lanes: Box<[Lane]>,
}

#[derive(Default)]
struct Lane {
    state: Mutex<LaneState>,
    /// Held while the lane borrows a connection, so that tasks arriving at
    /// an idle lane together borrow one, not one each.
    borrowing: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct LaneState {
    connection: Option<Arc<Object>>,
    in_flight: usize,
}

/// A lane's connection, lent to one statement.
pub(crate) struct OnLane<'l> {
    lane: &'l Lane,
    connection: Option<Arc<Object>>,
}

impl std::ops::Deref for OnLane<'_> {
    type Target = ClientWrapper;

    fn deref(&self) -> &ClientWrapper {
        // Only `drop` takes the connection.
        self.connection
            .as_ref()
            .expect("lane connection used after release")
    }
}

impl Drop for OnLane<'_> {
    fn drop(&mut self) {
        let mine = self.connection.take();
        let idle = {
            let mut state = self.lane.lock();
            state.in_flight -= 1;
            if state.in_flight == 0 {
                state.connection.take()
            } else {
                None
            }
        };
        // Dropping the last handle returns the connection to the pool,
        // outside the lock.
        drop(mine);
        drop(idle);
    }
}

impl Lane {
    fn lock(&self) -> MutexGuard<'_, LaneState> {
        // The state is two plain fields, consistent at every unlock.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The lane's connection if it has a live one, counted in flight.
    fn join(&self) -> Option<OnLane<'_>> {
        let mut state = self.lock();
        let connection = state.connection.as_ref()?;
        if connection.is_closed() {
            // Statements in flight on it fail on their own; new ones borrow
            // a fresh connection.
            state.connection = None;
            return None;
        }
        let connection = Some(connection.clone());
        state.in_flight += 1;
        Some(OnLane {
            lane: self,
            connection,
        })
    }

    fn in_flight(&self) -> usize {
        self.lock().in_flight
    }
}

impl Lanes {
    pub fn new(count: usize) -> Self {
        Lanes {
            lanes: (0..count).map(|_| Lane::default()).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.lanes.is_empty()
    }

    /// A connection to run one stateless statement on; `borrow` takes one
    /// from the pool when the chosen lane has none.
    pub async fn enter<F, Fut>(&self, borrow: F) -> Result<OnLane<'_>, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Object, Error>>,
    {
        let lane = self
            .lanes
            .iter()
            .min_by_key(|lane| lane.in_flight())
            .expect("enter is only called with lanes");
        if let Some(on) = lane.join() {
            return Ok(on);
        }
        let _borrowing = lane.borrowing.lock().await;
        if let Some(on) = lane.join() {
            return Ok(on);
        }
        let connection = Arc::new(borrow().await?);
        let mut state = lane.lock();
        state.connection = Some(connection.clone());
        state.in_flight += 1;
        Ok(OnLane {
            lane,
            connection: Some(connection),
        })
    }
}
