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

/// A namespace's stamp as [`Cache::stamps`] found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub value: u64,
    /// `false` when the namespace has no stored stamp (never cached under, expired or
    /// evicted): `value` is then the adapter's current clock, handed out without storing
    /// anything, so a read of something that does not exist leaves no key behind. It
    /// becomes the namespace's stamp only through [`Cache::keep`].
    pub stored: bool,
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
///   previous successful bump (even if the adapter forgets a namespace: a forgotten
///   namespace reads as a provisional stamp no earlier than its last bump);
/// - a successful `bump` is seen by every later `stamps` call, from any process
///   sharing the cache;
/// - `stamps` stores nothing for a namespace without a stamp, and `keep` stores a
///   provisional stamp only if no `bump` (of any namespace) has happened since it was
///   handed out, so a value loaded under it cannot predate a write whose bump it missed;
/// - every call returns within a bounded time (the adapter's own timeout).
#[async_trait]
pub trait Cache: Send + Sync {
    /// The current stamp of each namespace, in order, in one round trip.
    ///
    /// # Errors
    /// The cache cannot be reached or answered with an error.
    async fn stamps(&self, namespaces: &[String]) -> Result<Vec<Stamp>, CacheError>;

    /// Stores each provisional stamp of `namespaces` (as [`stamps`](Cache::stamps) gave
    /// them, `stamps[i]` for `namespaces[i]`), all or none. `Ok(true)`: every namespace now
    /// holds its given stamp, and a value may be stored under them. `Ok(false)`: a bump
    /// has happened since (or another stamp is stored); the caller MUST NOT store its value.
    /// Under concurrent bumps an adapter may store some stamps before refusing; that is
    /// safe, as each one is stored only under the rule above.
    ///
    /// # Errors
    /// The cache cannot be reached or answered with an error.
    async fn keep(&self, namespaces: &[String], stamps: &[u64]) -> Result<bool, CacheError>;

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
