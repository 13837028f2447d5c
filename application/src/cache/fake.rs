//! An in-memory [`Cache`] for unit tests: a map of values and a map of stamps, with
//! switches to make it fail and counters of the calls it received.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;

use crate::ports::{Cache, CacheError, Stamp};

#[derive(Default)]
struct Maps {
    values: HashMap<String, Arc<[u8]>>,
    stamps: HashMap<String, u64>,
}

/// A cache that never expires anything; `fail(true)` makes every call fail.
#[derive(Default)]
pub struct FakeCache {
    maps: Mutex<Maps>,
    clock: AtomicU64,
    failing: AtomicBool,
    pub bumps: AtomicUsize,
}

impl FakeCache {
    fn lock(&self) -> MutexGuard<'_, Maps> {
        self.maps.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn check(&self) -> Result<(), CacheError> {
        if self.failing.load(Ordering::SeqCst) { Err(CacheError::new("fake outage")) } else { Ok(()) }
    }

    pub fn fail(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }

    /// How many values are stored.
    pub fn len(&self) -> usize {
        self.lock().values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn fresh(&self) -> u64 {
        self.clock.fetch_add(1, Ordering::SeqCst) + 1
    }
}

#[async_trait]
impl Cache for FakeCache {
    async fn stamps(&self, namespaces: &[String]) -> Result<Vec<Stamp>, CacheError> {
        self.check()?;
        let maps = self.lock();
        let clock = self.clock.load(Ordering::SeqCst);
        Ok(namespaces
            .iter()
            .map(|ns| match maps.stamps.get(ns) {
                Some(&value) => Stamp { value, stored: true },
                None => Stamp { value: clock, stored: false },
            })
            .collect())
    }

    async fn keep(&self, namespaces: &[String], stamps: &[u64]) -> Result<bool, CacheError> {
        self.check()?;
        let mut maps = self.lock();
        let clock = self.clock.load(Ordering::SeqCst);
        let keepable = namespaces.iter().zip(stamps).all(|(ns, &value)| match maps.stamps.get(ns) {
            Some(&stored) => stored == value,
            None => clock == value,
        });
        if keepable {
            for (ns, &value) in namespaces.iter().zip(stamps) {
                maps.stamps.entry(ns.clone()).or_insert(value);
            }
        }
        Ok(keepable)
    }

    async fn get(&self, key: &str) -> Result<Option<Arc<[u8]>>, CacheError> {
        self.check()?;
        Ok(self.lock().values.get(key).cloned())
    }

    async fn set(&self, key: &str, value: Arc<[u8]>, _ttl: Duration) -> Result<(), CacheError> {
        self.check()?;
        self.lock().values.insert(key.to_owned(), value);
        Ok(())
    }

    async fn bump(&self, namespaces: &[String]) -> Result<(), CacheError> {
        self.check()?;
        self.bumps.fetch_add(1, Ordering::SeqCst);
        let mut maps = self.lock();
        for ns in namespaces {
            let stamp = self.fresh();
            maps.stamps.insert(ns.clone(), stamp);
        }
        Ok(())
    }
}
