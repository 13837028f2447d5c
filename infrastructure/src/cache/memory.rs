//! The in-memory tier on moka: values with a per-entry TTL and a byte-size bound, and
//! (when it is the only tier) the namespace stamps.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use application::cache::{CacheStats, Event, View};
use application::ports::{Cache, CacheError, Stamp};
use async_trait::async_trait;
use moka::Entry;
use moka::Expiry;
use moka::future::Cache as Moka;
use moka::ops::compute::{CompResult, Op};

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
/// Stamps come from a process-wide counter, so a bumped stamp is never handed out twice,
/// even for a namespace that was forgotten and comes back: entries keyed with an old
/// stamp can never be read again. A namespace without a stamp reads as the counter's
/// current value and is stored only by `keep`, as in Redis.
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
        self.clock.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Runs moka's pending maintenance (evictions and their notifications); for tests.
    pub async fn sync(&self) {
        self.values.run_pending_tasks().await;
    }
}

#[async_trait]
impl Cache for MemoryCache {
    async fn stamps(&self, namespaces: &[String]) -> Result<Vec<Stamp>, CacheError> {
        let mut out = Vec::with_capacity(namespaces.len());
        for ns in namespaces {
            out.push(match self.stamps.get(ns).await {
                Some(value) => Stamp { value, stored: true },
                // Nothing stored: a read of something that does not exist costs no entry.
                None => Stamp { value: self.clock.load(Ordering::SeqCst), stored: false },
            });
        }
        Ok(out)
    }

    async fn keep(&self, namespaces: &[String], stamps: &[u64]) -> Result<bool, CacheError> {
        // A first look makes the common refusal store nothing (all or none without races).
        let clock = self.clock.load(Ordering::SeqCst);
        for (ns, &value) in namespaces.iter().zip(stamps) {
            if self.stamps.get(ns).await.map_or(clock != value, |stored| stored != value) {
                return Ok(false);
            }
        }
        // Per namespace, atomic with its bumps (moka runs both under the key's lock, and
        // a bump moves the clock inside it): a bump that ran first moved the clock or
        // stored a newer stamp, so the check below refuses; one that runs later wins.
        for (ns, &value) in namespaces.iter().zip(stamps) {
            let outcome = self
                .stamps
                .entry_by_ref(ns)
                .and_compute_with(|found| {
                    let op = match found.map(Entry::into_value) {
                        Some(stored) if stored == value => Op::Nop,
                        None if self.clock.load(Ordering::SeqCst) == value => Op::Put(value),
                        _ => Op::Nop,
                    };
                    std::future::ready(op)
                })
                .await;
            let kept = match outcome {
                CompResult::Inserted(_) => true,
                CompResult::Unchanged(entry) => entry.into_value() == value,
                _ => false,
            };
            if !kept {
                return Ok(false);
            }
        }
        Ok(true)
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
            self.stamps.entry_by_ref(ns).and_compute_with(|_| std::future::ready(Op::Put(self.fresh()))).await;
        }
        Ok(())
    }
}
