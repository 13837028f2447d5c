//! Fixed-window hit counters: in Redis, so limits hold across instances, and in this
//! process (the embedded mode), with a bounded number of keys.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Context;
use application::ports::{WindowCount, WindowCounter};
use async_trait::async_trait;
use redis::aio::ConnectionManager;

/// INCR, and on the first hit start the window with PEXPIRE, atomically (a crash between
/// the two can never leave a key without expiry). Returns the count and the time left.
const HIT: &str = r"
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if n == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
";

/// Counts hits under `<prefix><key>` on the process's shared Redis connection.
pub struct RedisWindowCounter {
    redis: ConnectionManager,
    prefix: String,
}

impl RedisWindowCounter {
    pub fn new(redis: ConnectionManager, prefix: impl Into<String>) -> Self {
        Self { redis, prefix: prefix.into() }
    }
}

#[async_trait]
impl WindowCounter for RedisWindowCounter {
    async fn hit(&self, key: &str, window: Duration) -> anyhow::Result<WindowCount> {
        let mut connection = self.redis.clone();
        let window_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX).max(1);
        // The connection manager bounds every command by redis.command_timeout_ms.
        // Plain EVAL: Redis caches the compiled script, and the text is a few bytes.
        let (count, ttl_ms): (u64, i64) = redis::cmd("EVAL")
            .arg(HIT)
            .arg(1)
            .arg(format!("{}{key}", self.prefix))
            .arg(window_ms)
            .query_async(&mut connection)
            .await
            .inspect_err(|_| crate::metrics::redis_error("rate_limit"))
            .context("rate limit counter")?;
        let resets_in = Duration::from_millis(u64::try_from(ttl_ms).unwrap_or(window_ms));
        Ok(WindowCount { count, resets_in })
    }

    async fn reset(&self, key: &str) -> anyhow::Result<()> {
        let mut connection = self.redis.clone();
        let _: i64 = redis::cmd("DEL")
            .arg(format!("{}{key}", self.prefix))
            .query_async(&mut connection)
            .await
            .inspect_err(|_| crate::metrics::redis_error("rate_limit"))
            .context("rate limit counter")?;
        Ok(())
    }
}

/// Counts hits in this process: the per-IP rate limits' local counter (alone, or when
/// the shared one fails) and the login throttle's without Redis. Expired windows are swept once the map holds more than
/// `sweep_above` keys (at most once per window length, so a crowd of keys cannot make
/// every hit pay for a sweep); past `max_keys` live keys a new key is not stored and
/// counts as a first hit, so a flood of distinct keys cannot grow the map without bound.
pub struct InMemoryWindowCounter {
    state: Mutex<LocalState>,
    sweep_above: usize,
    max_keys: usize,
}

#[derive(Default)]
struct LocalState {
    windows: HashMap<String, (Instant, u64)>,
    last_sweep: Option<Instant>,
}

impl Default for InMemoryWindowCounter {
    fn default() -> Self {
        Self::with_bounds(10_000, 100_000)
    }
}

impl InMemoryWindowCounter {
    pub fn with_bounds(sweep_above: usize, max_keys: usize) -> Self {
        Self { state: Mutex::default(), sweep_above, max_keys: max_keys.max(sweep_above) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LocalState> {
        // A poisoned lock only means another caller panicked mid-update of a counter.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn hit_at(&self, key: &str, window: Duration, now: Instant) -> WindowCount {
        let mut state = self.lock();
        let due = state.last_sweep.is_none_or(|at| now.duration_since(at) >= window);
        let len = state.windows.len();
        // Full: sweep now rather than refuse a key that an expired one could make room for.
        if (len > self.sweep_above && due) || len >= self.max_keys {
            state.windows.retain(|_, (started, _)| now.duration_since(*started) < window);
            state.last_sweep = Some(now);
        }
        if !state.windows.contains_key(key) {
            if state.windows.len() >= self.max_keys {
                return WindowCount { count: 1, resets_in: window };
            }
            state.windows.insert(key.to_owned(), (now, 0));
        }
        let Some(entry) = state.windows.get_mut(key) else {
            return WindowCount { count: 1, resets_in: window };
        };
        if now.duration_since(entry.0) >= window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        WindowCount { count: entry.1, resets_in: window.saturating_sub(now.duration_since(entry.0)) }
    }
}

#[async_trait]
impl WindowCounter for InMemoryWindowCounter {
    async fn hit(&self, key: &str, window: Duration) -> anyhow::Result<WindowCount> {
        Ok(self.hit_at(key, window, Instant::now()))
    }

    async fn reset(&self, key: &str) -> anyhow::Result<()> {
        self.lock().windows.remove(key);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hits_are_counted_per_key_and_the_window_expires() {
        let settings = crate::settings::RedisSettings { url: Some(crate::testing::redis_url()), ..Default::default() };
        let redis = crate::redis::connect(&settings).expect("url").expect("configured");
        let prefix = format!("test:ratelimit:{}:", std::process::id());
        let counter = RedisWindowCounter::new(redis, prefix);
        let window = Duration::from_millis(300);
        let first = counter.hit("a", window).await.expect("redis up");
        let second = counter.hit("a", window).await.expect("redis up");
        let other = counter.hit("b", window).await.expect("redis up");
        assert_eq!((first.count, second.count, other.count), (1, 2, 1));
        assert!(second.resets_in <= window);
        tokio::time::sleep(window + Duration::from_millis(100)).await;
        assert_eq!(counter.hit("a", window).await.expect("redis up").count, 1, "a new window starts at 1");
        counter.hit("b", window).await.expect("redis up");
        counter.reset("b").await.expect("redis up");
        assert_eq!(counter.hit("b", window).await.expect("redis up").count, 1, "a reset starts again at 1");
    }

    #[tokio::test]
    async fn in_memory_windows_count_per_key_restart_when_they_end_and_reset() {
        let counter = InMemoryWindowCounter::default();
        let window = Duration::from_secs(10);
        let t0 = Instant::now();
        assert_eq!(counter.hit_at("a", window, t0).count, 1);
        let second = counter.hit_at("a", window, t0 + Duration::from_secs(4));
        assert_eq!((second.count, second.resets_in), (2, Duration::from_secs(6)));
        assert_eq!(counter.hit_at("b", window, t0).count, 1);
        assert_eq!(counter.hit_at("a", window, t0 + window).count, 1);
        counter.reset("a").await.expect("in memory");
        assert_eq!(counter.hit_at("a", window, t0 + window).count, 1);
    }

    #[test]
    fn the_in_memory_map_sweeps_expired_keys_and_never_holds_more_than_max_keys() {
        let counter = InMemoryWindowCounter::with_bounds(4, 8);
        let window = Duration::from_secs(1);
        let t0 = Instant::now();
        for i in 0..20 {
            counter.hit_at(&i.to_string(), window, t0);
        }
        assert_eq!(counter.lock().windows.len(), 8, "capped while every window is live");
        assert_eq!(counter.hit_at("over", window, t0).count, 1, "a key past the cap counts as a first hit");
        counter.hit_at("late", window, t0 + window);
        assert_eq!(counter.lock().windows.len(), 1, "expired windows are swept");
    }
}
