//! A fixed-window hit counter in Redis, so rate limits hold across instances.

use std::time::Duration;

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
    }
}
