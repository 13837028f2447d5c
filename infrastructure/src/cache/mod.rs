//! Cache adapters: an in-memory tier (moka), a Redis tier, and both together.
//!
//! [`build`] picks what the settings ask for: nothing when caching is off, memory alone
//! without Redis (the embedded default), memory in front of Redis when `redis.url` is
//! set. The decorators that use the cache live in `application::cache`; the scheme is
//! explained in `docs/caching.md`.

mod config;
mod memory;
mod remote;
mod tiered;

use std::sync::Arc;

use application::cache::{CacheStats, Caching};
use application::ports::Cache;
use redis::aio::ConnectionManager;

pub use config::CacheSettings;
pub use memory::MemoryCache;
pub use remote::RedisCache;
pub use tiered::TieredCache;

use crate::settings::Settings;

/// The cache the settings ask for, with its counters; `None` when caching is off.
pub fn build(settings: &Settings, redis: Option<&ConnectionManager>) -> Option<Arc<Caching>> {
    let cache = &settings.cache;
    if !cache.enabled {
        return None;
    }
    let stats = Arc::new(CacheStats::default());
    let memory = MemoryCache::new(cache.memory_max_bytes, stats.clone());
    let port: Arc<dyn Cache> = match redis {
        None => Arc::new(memory),
        Some(connection) => {
            let remote = RedisCache::new(connection.clone(), &cache.redis_prefix, settings.redis.command_timeout());
            Arc::new(TieredCache::new(memory, remote, std::time::Duration::from_secs(cache.memory_ttl_secs)))
        }
    };
    Some(Arc::new(Caching::new(port, stats)))
}

/// One word for the start-up log.
pub fn describe(settings: &Settings) -> &'static str {
    match (settings.cache.enabled, settings.redis.url.is_some()) {
        (false, _) => "off",
        (true, false) => "memory",
        (true, true) => "memory+redis",
    }
}
