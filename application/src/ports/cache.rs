//! The cache port: opaque bytes under string keys, plus generation stamps for
//! O(1) invalidation of whole namespaces.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

/// A cache failure (unreachable, timed out, refused). Callers treat every one the same
/// way: count it, fall back to the source of truth, never fail the request.
#[derive(Debug, thiserror::Error)]
#[error("cache unavailable: {0}")]
pub struct CacheError(pub String);

impl CacheError {
    pub fn new(cause: impl std::fmt::Display) -> Self {
        Self(cause.to_string())
    }
}

/// A shared key-value cache with generation stamps.
///
/// Invalidation works by stamps, never by deleting or scanning keys: a reader asks for
/// the current stamps of the namespaces a view depends on and puts them into the key it
/// reads and writes; a writer [`bump`](Cache::bump)s the namespaces it changed, after
/// which no reader can compute a key holding the old data again.
///
/// Adapters MUST guarantee:
/// - `stamps` returns, for every namespace, a value that is never returned again for
///   that namespace once `bump` on it has succeeded, and never one returned before a
///   previous successful bump (stamps are unique across the namespace's life, even if
///   the adapter forgets a namespace: a forgotten namespace gets a fresh stamp);
/// - a successful `bump` is seen by every later `stamps` call, from any process
///   sharing the cache;
/// - every call returns within a bounded time (the adapter's own timeout).
#[async_trait]
pub trait Cache: Send + Sync {
    /// The current stamp of each namespace, in order, in one round trip.
    ///
    /// # Errors
    /// The cache cannot be reached or answered with an error.
    async fn stamps(&self, namespaces: &[String]) -> Result<Vec<u64>, CacheError>;

    /// # Errors
    /// The cache cannot be reached or answered with an error.
    async fn get(&self, key: &str) -> Result<Option<Arc<[u8]>>, CacheError>;

    /// Stores `value` under `key` for at most `ttl`.
    ///
    /// # Errors
    /// The cache cannot be reached or answered with an error.
    async fn set(&self, key: &str, value: Arc<[u8]>, ttl: Duration) -> Result<(), CacheError>;

    /// Gives every namespace a new stamp, in one round trip.
    ///
    /// # Errors
    /// The cache cannot be reached; the adapter MUST then remember the namespaces and
    /// bump them (or everything) before it serves any stamp again.
    async fn bump(&self, namespaces: &[String]) -> Result<(), CacheError>;
}
