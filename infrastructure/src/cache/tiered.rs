//! Both tiers together: process memory in front of Redis.
//!
//! Stamps always come from Redis (one round trip per read), so every instance agrees on
//! them at once; the in-memory tier only saves fetching and copying the value. Entries in
//! memory are keyed by stamps like everything else, so a bump in Redis retires them in
//! every process without any message. When Redis cannot be reached, stamps cannot be
//! read and the decorators bypass both tiers.

use std::sync::Arc;
use std::time::Duration;

use application::ports::{Cache, CacheError, Stamp};
use async_trait::async_trait;

use super::memory::MemoryCache;
use super::remote::RedisCache;

/// [`Cache`] with a [`MemoryCache`] in front of a [`RedisCache`].
pub struct TieredCache {
    memory: MemoryCache,
    redis: RedisCache,
    /// Life in memory of a value found in Redis (its Redis TTL is not fetched).
    promoted_ttl: Duration,
}

impl TieredCache {
    pub fn new(memory: MemoryCache, redis: RedisCache, promoted_ttl: Duration) -> Self {
        Self { memory, redis, promoted_ttl }
    }
}

#[async_trait]
impl Cache for TieredCache {
    async fn stamps(&self, namespaces: &[String]) -> Result<Vec<Stamp>, CacheError> {
        self.redis.stamps(namespaces).await
    }

    async fn keep(&self, namespaces: &[String], stamps: &[u64]) -> Result<bool, CacheError> {
        self.redis.keep(namespaces, stamps).await
    }

    async fn get(&self, key: &str) -> Result<Option<Arc<[u8]>>, CacheError> {
        if let Some(bytes) = self.memory.get(key).await? {
            return Ok(Some(bytes));
        }
        let found = self.redis.get(key).await?;
        if let Some(bytes) = &found {
            self.memory.set(key, bytes.clone(), self.promoted_ttl).await?;
        }
        Ok(found)
    }

    async fn set(&self, key: &str, value: Arc<[u8]>, ttl: Duration) -> Result<(), CacheError> {
        self.memory.set(key, value.clone(), ttl.min(self.promoted_ttl)).await?;
        self.redis.set(key, value, ttl).await
    }

    async fn bump(&self, namespaces: &[String]) -> Result<(), CacheError> {
        self.redis.bump(namespaces).await
    }
}
