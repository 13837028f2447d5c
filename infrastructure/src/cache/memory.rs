//! The in-memory tier on moka: values with a per-entry TTL and a byte-size bound, and
//! (when it is the only tier) the namespace stamps.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use application::cache::{CacheStats, Event, View};
use application::ports::{Cache, CacheError};
use async_trait::async_trait;
use moka::Expiry;
use moka::future::Cache as Moka;

/// A value and how long it may live.
#[derive(Clone)]
struct Slot {
    bytes: Arc<[u8]>,
    ttl: Duration,
}

struct PerEntryTtl;

impl Expiry<String, Slot> for PerEntryTtl {
    fn expire_after_create(&self, _key: &String, slot: &Slot, _created_at: Instant) -> Option<Duration> {
        Some(slot.ttl)
    }

    fn expire_after_update(
        &self,
        _key: &String,
        slot: &Slot,
        _updated_at: Instant,
        _duration_until_expiry: Option<Duration>,
    ) -> Option<Duration> {
        Some(slot.ttl)
    }
}

/// How many namespace stamps the in-memory tier remembers. Forgetting one is safe (the
/// namespace gets a fresh stamp, so its entries are simply missed), so this only bounds
/// memory.
const MAX_STAMPS: u64 = 100_000;

/// [`Cache`] in process memory.
///
/// Stamps come from a process-wide counter, so a stamp is never handed out twice, even
/// for a namespace that was forgotten and comes back: entries keyed with an old stamp
/// can never be read again.
#[derive(Clone)]
pub struct MemoryCache {
    values: Moka<String, Slot>,
    stamps: Moka<String, u64>,
    clock: Arc<AtomicU64>,
}

impl MemoryCache {
    /// A cache holding at most `max_bytes` of keys and values; evictions (for size or
    /// age) are counted per view in `stats`.
    pub fn new(max_bytes: u64, stats: Arc<CacheStats>) -> Self {
        let values = Moka::builder()
            .max_capacity(max_bytes)
            .weigher(|key: &String, slot: &Slot| u32::try_from(key.len() + slot.bytes.len()).unwrap_or(u32::MAX))
            .expire_after(PerEntryTtl)
            .eviction_listener(move |key: Arc<String>, _slot, cause| {
                if cause.was_evicted()
                    && let Some(view) = View::of_key(&key)
                {
                    stats.record(view, Event::Eviction);
                }
            })
            .build();
        Self { values, stamps: Moka::new(MAX_STAMPS), clock: Arc::new(AtomicU64::new(0)) }
    }

    fn fresh(&self) -> u64 {
        self.clock.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Runs moka's pending maintenance (evictions and their notifications); for tests.
    pub async fn sync(&self) {
        self.values.run_pending_tasks().await;
    }
}

#[async_trait]
impl Cache for MemoryCache {
    async fn stamps(&self, namespaces: &[String]) -> Result<Vec<u64>, CacheError> {
        let mut out = Vec::with_capacity(namespaces.len());
        for ns in namespaces {
            // Coalesced by moka: concurrent first readers of a namespace agree on one stamp.
            out.push(self.stamps.get_with_by_ref(ns, async { self.fresh() }).await);
        }
        Ok(out)
    }

    async fn get(&self, key: &str) -> Result<Option<Arc<[u8]>>, CacheError> {
        Ok(self.values.get(key).await.map(|slot| slot.bytes))
    }

    async fn set(&self, key: &str, value: Arc<[u8]>, ttl: Duration) -> Result<(), CacheError> {
        self.values.insert(key.to_owned(), Slot { bytes: value, ttl }).await;
        Ok(())
    }

    async fn bump(&self, namespaces: &[String]) -> Result<(), CacheError> {
        for ns in namespaces {
            self.stamps.insert(ns.clone(), self.fresh()).await;
        }
        Ok(())
    }
}
