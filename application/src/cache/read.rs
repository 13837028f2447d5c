//! The read-through path shared by every decorator: stamps, lookup, single-flight load,
//! store; and the write path: bumping namespaces.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_lock::OnceCell;

use super::records::{Entry, FORMAT};
use super::stats::{CacheStats, Event, View};
use crate::ports::{Cache, Stamp};
use crate::{RepoError, Unavailable};

/// Namespace every key depends on; bumped when an instance could not publish some
/// invalidations and no longer knows which (see `docs/caching.md`).
pub const ALL: &str = "all";

/// Ids longer than this are not cached (no real slug or username is that long; a
/// request with a huge made-up one goes to the database and finds nothing).
const MAX_ID_LEN: usize = 256;

/// The outcome of a load, shared with every request waiting on the same key.
/// A load's outcome, shared by every caller of one flight: the error as text (the
/// original is not `Clone`) plus whether a retry may cure it.
type Shared<T> = Result<Option<T>, (String, Option<Unavailable>)>;

/// The cache, its counters and the loads in flight; shared by all decorators.
pub struct Caching {
    cache: Arc<dyn Cache>,
    stats: Arc<CacheStats>,
    flights: Mutex<HashMap<String, Arc<dyn Any + Send + Sync>>>,
}

impl Caching {
    pub fn new(cache: Arc<dyn Cache>, stats: Arc<CacheStats>) -> Self {
        Self { cache, stats, flights: Mutex::new(HashMap::new()) }
    }

    pub fn stats(&self) -> &Arc<CacheStats> {
        &self.stats
    }

    /// The view `view:id`, which depends on `namespaces`, from the cache or from `load`.
    ///
    /// The stamps are read *before* the load, so a value loaded before a concurrent
    /// write is stored under the old stamps, which the write's bump retires: nobody
    /// reads it after the write is acknowledged. Any cache failure falls back to `load`
    /// (counted, logged at a limited rate); the request never fails because of the cache.
    ///
    /// Runs in a DEBUG span `cache.read` (exported with traces; no cost otherwise) that
    /// records `cache.hit`, and `cache.error` when the cache failed and was bypassed.
    #[tracing::instrument(
        level = "debug",
        name = "cache.read",
        skip_all,
        fields(cache.view = view.name(), cache.hit = tracing::field::Empty, cache.error = tracing::field::Empty)
    )]
    pub async fn read<T, F>(
        &self,
        view: View,
        id: &str,
        namespaces: &[String],
        ttl: Duration,
        load: F,
    ) -> Result<Option<T>, RepoError>
    where
        T: Entry,
        F: Future<Output = Result<Option<T>, RepoError>> + Send,
    {
        if id.len() > MAX_ID_LEN {
            return load.await;
        }
        let mut all = Vec::with_capacity(namespaces.len() + 1);
        all.push(ALL.to_owned());
        all.extend_from_slice(namespaces);
        let stamps = match self.cache.stamps(&all).await {
            Ok(stamps) => stamps,
            Err(err) => {
                self.stats.error(view, &err);
                bypassed();
                return load.await;
            }
        };
        let values: Vec<u64> = stamps.iter().map(|stamp| stamp.value).collect();
        let key = versioned_key(view, id, &values);
        match self.cache.get(&key).await {
            Ok(Some(bytes)) => match T::decode(&bytes) {
                Some(value) => {
                    tracing::Span::current().record("cache.hit", true);
                    self.stats.record(view, Event::Hit);
                    return Ok(Some(value));
                }
                None => self.stats.error(view, &"undecodable entry, reloading"),
            },
            Ok(None) => {}
            Err(err) => {
                self.stats.error(view, &err);
                bypassed();
                return load.await;
            }
        }
        tracing::Span::current().record("cache.hit", false);
        self.stats.record(view, Event::Miss);
        self.single_flight(&key, async {
            let loaded = load.await?;
            if let Some(value) = &loaded
                && self.keep(view, &all, &stamps).await
                && let Err(err) = self.cache.set(&key, value.encode().into(), ttl).await
            {
                self.stats.error(view, &err);
            }
            Ok(loaded)
        })
        .await
    }

    /// Stores the provisional stamps among `stamps` before a value is cached under them;
    /// `false` when the value must not be stored. Only a value that exists gets here, so
    /// a read of something that does not exist stores no stamp (see `docs/caching.md`).
    async fn keep(&self, view: View, namespaces: &[String], stamps: &[Stamp]) -> bool {
        let (mut names, mut values) = (Vec::new(), Vec::new());
        for (ns, stamp) in namespaces.iter().zip(stamps).filter(|(_, stamp)| !stamp.stored) {
            names.push(ns.clone());
            values.push(stamp.value);
        }
        if names.is_empty() {
            return true;
        }
        match self.cache.keep(&names, &values).await {
            Ok(kept) => kept,
            Err(err) => {
                self.stats.error(view, &err);
                false
            }
        }
    }

    /// Runs `load` once for all concurrent callers with the same `key`; the others wait
    /// for its result. If the running caller is cancelled, a waiting one takes over.
    async fn single_flight<T, F>(&self, key: &str, load: F) -> Result<Option<T>, RepoError>
    where
        T: Entry,
        F: Future<Output = Result<Option<T>, RepoError>>,
    {
        let cell: Arc<OnceCell<Shared<T>>> = {
            let mut flights = self.flights.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let entry = flights.entry(key.to_owned()).or_insert_with(|| Arc::new(OnceCell::<Shared<T>>::new()));
            match Arc::clone(entry).downcast::<OnceCell<Shared<T>>>() {
                Ok(cell) => cell,
                // Keys start with the view name and each view has one type, so this
                // cannot happen; if it did, load without sharing.
                Err(_) => Arc::new(OnceCell::new()),
            }
        };
        let result = cell.get_or_init(|| async { load.await.map_err(shared_error) }).await.clone();
        {
            let mut flights = self.flights.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if flights.get(key).is_some_and(|current| same_cell(current, &cell)) {
                flights.remove(key);
            }
        }
        result.map_err(|(message, unavailable)| {
            let cause = anyhow::anyhow!(message);
            RepoError::Unexpected(match unavailable {
                Some(unavailable) => cause.context(unavailable),
                None => cause,
            })
        })
    }

    /// Retires every entry that depends on one of `namespaces`. A failure is counted and
    /// logged, never returned: the write it follows has already succeeded.
    pub async fn invalidate(&self, namespaces: &[String]) {
        if let Err(err) = self.cache.bump(namespaces).await {
            self.stats.error(View::Invalidation, &err);
        }
    }
}

/// Marks the current `cache.read` span: the cache failed, the value came from `load`.
fn bypassed() {
    tracing::Span::current().record("cache.hit", false).record("cache.error", true);
}

fn shared_error(error: RepoError) -> (String, Option<Unavailable>) {
    let unavailable = match &error {
        RepoError::Unexpected(cause) => Unavailable::of(cause),
        _ => None,
    };
    (format!("{error:#}"), unavailable)
}

fn same_cell<T: Send + Sync + 'static>(current: &Arc<dyn Any + Send + Sync>, cell: &Arc<OnceCell<T>>) -> bool {
    std::ptr::addr_eq(Arc::as_ptr(current), Arc::as_ptr(cell))
}

/// `view:id@format.stamp1.stamp2...`; the id is followed by the only `@` that is
/// followed by stamps, so distinct (view, id) pairs never share a key.
fn versioned_key(view: View, id: &str, stamps: &[u64]) -> String {
    use std::fmt::Write;
    let mut key = format!("{}:{id}@{FORMAT}", view.name());
    for stamp in stamps {
        let _ = write!(key, ".{stamp}");
    }
    key
}
