//! Cache-aside for hot reads, as decorators around the repository ports.
//!
//! Each feature's entry point swaps its hot repositories (users; articles, tags and
//! profiles in the example) for decorators that read through a
//! [`Cache`](crate::ports::Cache) and retire entries on every write by bumping namespace stamps (O(1) per write, no key scans). Shared entries
//! hold views as an anonymous reader sees them; `favorited` and `following` are filled
//! per request with one batched query. The scheme and its consistency guarantee are
//! explained in `docs/caching.md`.

#[cfg(any(test, feature = "test-fakes"))]
pub mod fake;
mod read;
mod records;
mod stats;

use std::time::Duration;

pub use read::{ALL, Caching};
pub use records::{Entry, FORMAT};
pub use stats::{CacheStats, Counts, Event, View, export_counters};

/// Namespace of everything that embeds a user's public profile (username, bio, image):
/// profiles, articles and list pages. Profile edits are rare, so one namespace for all
/// users keeps reads to one stamp lookup.
pub(crate) const PEOPLE: &str = "people";

/// How long each view may stay cached, and which list pages are cached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CachePolicy {
    pub article_ttl: Duration,
    pub list_ttl: Duration,
    pub tags_ttl: Duration,
    pub profile_ttl: Duration,
    /// List pages with a larger offset are not cached.
    pub list_max_offset: u64,
}

impl Default for CachePolicy {
    fn default() -> Self {
        Self {
            article_ttl: Duration::from_secs(300),
            list_ttl: Duration::from_secs(60),
            tags_ttl: Duration::from_secs(300),
            profile_ttl: Duration::from_secs(300),
            list_max_offset: 100,
        }
    }
}
