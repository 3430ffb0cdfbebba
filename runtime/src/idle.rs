//! Keeping a pool's idle connections within bounds: at least `min_idle`
//! open, so that a burst after a quiet spell does not wait for connections
//! to be made, and none idle for longer than `idle_timeout`, so that a quiet
//! application gives its server connections back. deadpool does neither by
//! itself; a task per pool does both, started with the pool's first checkout
//! (a pool is built outside any async runtime) and ended with the pool.

use std::sync::OnceLock;
use std::time::Duration;

/// What a pool keeps; both off by default.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct IdleSettings {
    pub min_idle: usize,
    pub idle_timeout: Option<Duration>,
}

impl IdleSettings {
    fn wanted(&self) -> bool {
        self.min_idle > 0 || self.idle_timeout.is_some()
    }

    /// How often the task looks: often enough that a connection is closed
    /// soon after its time is up, rarely enough to cost nothing.
    fn tick(&self) -> Duration {
        self.idle_timeout
            .map(|t| t / 2)
            .unwrap_or(Duration::from_secs(5))
            .clamp(Duration::from_millis(50), Duration::from_secs(30))
    }
}

/// The task of one pool, started once whatever clone checks out first.
#[derive(Debug, Default)]
pub(crate) struct Keeper {
    started: OnceLock<()>,
}

impl Keeper {
    pub(crate) fn start(&self, pool: &deadpool_postgres::Pool, settings: IdleSettings) {
        if !settings.wanted() {
            return;
        }
        self.started.get_or_init(|| {
            let weak = pool.weak();
            tokio::spawn(async move {
                // The first round at once: min_idle from the first checkout on.
                loop {
                    // The pool is gone: so is the task.
                    let Some(pool) = weak.upgrade() else { break };
                    keep(&pool, settings).await;
                    drop(pool);
                    tokio::time::sleep(settings.tick()).await;
                }
            });
        });
    }
}

/// One round: close what idled too long (but the `min_idle` most recently
/// used), then open connections up to `min_idle`.
async fn keep(pool: &deadpool_postgres::Pool, settings: IdleSettings) {
    if let Some(timeout) = settings.idle_timeout {
        let mut kept = 0;
        pool.retain(|_, metrics| {
            let keep = metrics.last_used() < timeout || kept < settings.min_idle;
            kept += usize::from(keep);
            keep
        });
    }
    let target = settings.min_idle.min(pool.status().max_size);
    // Each checkout takes an idle connection while there is one, so all are
    // held until the pool has made enough; then they go back, idle.
    let mut held = Vec::with_capacity(target);
    while pool.status().size < target && held.len() < target {
        // A connection that cannot be made now is tried again next round.
        match pool.get().await {
            Ok(connection) => held.push(connection),
            Err(_) => break,
        }
    }
    drop(held);
}
