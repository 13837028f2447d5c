//! Counters per cached view (hits, misses, errors, evictions), kept as in-process
//! atomics for tests and emitted through the `metrics` facade for the metrics endpoint
//! (`cache_hits_total{view="article"}` and so on).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The cached views, used as the `view` label of the counters and as key prefixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Article,
    ArticleList,
    Tags,
    Profile,
    /// Not a view: failures to publish an invalidation.
    Invalidation,
}

impl View {
    pub const ALL: [View; 5] = [View::Article, View::ArticleList, View::Tags, View::Profile, View::Invalidation];

    pub fn name(self) -> &'static str {
        match self {
            View::Article => "article",
            View::ArticleList => "article_list",
            View::Tags => "tags",
            View::Profile => "profile",
            View::Invalidation => "invalidation",
        }
    }

    /// The view a cache key belongs to (keys start with `name:`), for adapters that
    /// report evictions.
    pub fn of_key(key: &str) -> Option<View> {
        let name = key.split(':').next()?;
        View::ALL.into_iter().find(|v| v.name() == name)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// What happened to one cache lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Hit,
    Miss,
    Error,
    Eviction,
}

/// Counts of one view.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub hits: u64,
    pub misses: u64,
    pub errors: u64,
    pub evictions: u64,
}

const VIEWS: usize = View::ALL.len();

/// Errors are logged at WARN at most once per this interval and view; the rest are
/// counted (and logged at DEBUG), so an outage cannot flood the logs.
const WARN_EVERY: Duration = Duration::from_secs(10);

/// Process-wide cache counters.
#[derive(Debug)]
pub struct CacheStats {
    counters: [[AtomicU64; 4]; VIEWS],
    last_warn_ms: [AtomicU64; VIEWS],
    started: Instant,
}

impl Default for CacheStats {
    fn default() -> Self {
        Self {
            counters: std::array::from_fn(|_| std::array::from_fn(|_| AtomicU64::new(0))),
            last_warn_ms: std::array::from_fn(|_| AtomicU64::new(0)),
            started: Instant::now(),
        }
    }
}

/// The exported counter of each event, in slot order.
const COUNTERS: [&str; 4] = ["cache_hits_total", "cache_misses_total", "cache_errors_total", "cache_evictions_total"];

/// Registers every view's counters at 0 with the process's metrics recorder, so that
/// dashboards and alerts see a series from the first scrape, before any cache traffic.
pub fn export_counters() {
    for view in View::ALL {
        for name in COUNTERS {
            metrics::counter!(name, "view" => view.name()).increment(0);
        }
    }
}

impl CacheStats {
    pub fn record(&self, view: View, event: Event) {
        let slot = match event {
            Event::Hit => 0,
            Event::Miss => 1,
            Event::Error => 2,
            Event::Eviction => 3,
        };
        let name = COUNTERS[slot];
        self.counters[view.index()][slot].fetch_add(1, Ordering::Relaxed);
        metrics::counter!(name, "view" => view.name()).increment(1);
    }

    pub fn counts(&self, view: View) -> Counts {
        let c = &self.counters[view.index()];
        Counts {
            hits: c[0].load(Ordering::Relaxed),
            misses: c[1].load(Ordering::Relaxed),
            errors: c[2].load(Ordering::Relaxed),
            evictions: c[3].load(Ordering::Relaxed),
        }
    }

    /// Counts an error and logs it, at WARN only if this view has not warned recently.
    pub fn error(&self, view: View, err: &dyn std::fmt::Display) {
        self.record(view, Event::Error);
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX).saturating_add(1);
        let last = &self.last_warn_ms[view.index()];
        let previous = last.load(Ordering::Relaxed);
        let due = previous == 0 || now.saturating_sub(previous) >= WARN_EVERY.as_millis() as u64;
        if due && last.compare_exchange(previous, now, Ordering::Relaxed, Ordering::Relaxed).is_ok() {
            let errors = self.counts(view).errors;
            tracing::warn!(view = view.name(), errors, "cache error, using the database instead: {err}");
        } else {
            tracing::debug!(view = view.name(), "cache error: {err}");
        }
    }
}
