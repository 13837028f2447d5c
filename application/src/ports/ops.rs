//! Operational ports: connection-pool introspection and shared request counters.

use std::time::Duration;

use async_trait::async_trait;

/// A snapshot of the database connection pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    /// Connections open right now (idle + in use).
    pub size: u32,
    pub idle: u32,
    pub in_use: u32,
    /// Configured upper and lower bounds.
    pub max: u32,
    pub min: u32,
    /// How long a request waits for a connection before failing.
    pub acquire_timeout: Duration,
}

/// Reads the state of the database pool. Adapters MUST answer without touching the
/// database (it is read on every metrics scrape).
pub trait PoolMonitor: Send + Sync {
    fn status(&self) -> PoolStatus;
}

/// One hit counted in a fixed window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowCount {
    /// Hits in the current window, this one included.
    pub count: u64,
    /// Time until the window ends and the count starts again from zero.
    pub resets_in: Duration,
}

/// A counter of hits per key in fixed windows, shared by every instance of the service
/// (rate limits across instances).
#[async_trait]
pub trait WindowCounter: Send + Sync {
    /// Counts one hit for `key` in the current `window` and returns the window's count.
    ///
    /// # Errors
    /// The backing store is unreachable or slow. Adapters MUST return within a bounded
    /// time, so callers can fall back to a local count instead of stalling requests.
    async fn hit(&self, key: &str, window: Duration) -> anyhow::Result<WindowCount>;

    /// Forgets `key`'s window, so its next hit starts a new one at 1 (e.g. a successful
    /// login clears the failures before it).
    ///
    /// # Errors
    /// As for [`Self::hit`].
    async fn reset(&self, key: &str) -> anyhow::Result<()>;
}
