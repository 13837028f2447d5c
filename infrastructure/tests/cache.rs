//! The cache adapters against a real Redis (`TEST_REDIS_URL`, every test under its own
//! key prefix) or a private `redis-server` for outages. The cached RealWorld services
//! against real databases are tested in `cache_views.rs`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use application::cache::{CacheStats, View};
use application::ports::{Cache, Stamp};
use infrastructure::cache::{MemoryCache, RedisCache};
use infrastructure::settings::RedisSettings;
use infrastructure::testing::redis_url;
use infrastructure::testing_redis::PrivateRedis;
use redis::aio::ConnectionManager;

fn prefix() -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("test:cache:{}:{}:{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst), nanos)
}

fn manager(url: &str) -> ConnectionManager {
    let settings = RedisSettings { url: Some(url.to_owned()), ..Default::default() };
    infrastructure::redis::connect(&settings).expect("valid url").expect("configured")
}

/// A Redis cache on its own connection, like another process would have.
fn instance(url: &str, prefix: &str) -> RedisCache {
    RedisCache::new(manager(url), prefix, Duration::from_millis(250))
}

fn ns(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

fn values(stamps: &[Stamp]) -> Vec<u64> {
    stamps.iter().map(|stamp| stamp.value).collect()
}

#[tokio::test]
async fn redis_stamps_are_shared_and_a_bump_is_seen_by_every_instance() {
    let (url, prefix) = (redis_url(), prefix());
    let (a, b) = (instance(&url, &prefix), instance(&url, &prefix));
    let first = a.stamps(&ns(&["x", "y"])).await.expect("stamps");
    assert!(a.keep(&ns(&["x", "y"]), &values(&first)).await.expect("keep"), "no bump in between");
    let stored = b.stamps(&ns(&["x", "y"])).await.expect("stamps");
    assert_eq!(values(&stored), values(&first), "instances agree");
    assert!(stored.iter().all(|stamp| stamp.stored));
    a.bump(&ns(&["x"])).await.expect("bumped");
    let after = b.stamps(&ns(&["x", "y"])).await.expect("stamps");
    assert_ne!(after[0], stored[0], "the bump is seen by the other instance at once");
    assert_eq!(after[1], stored[1], "other namespaces keep their stamp");
}

/// The rules every tier follows: a read stores nothing; a provisional stamp is kept only
/// if no bump came between; a kept stamp stays until its namespace is bumped.
async fn provisional_stamps_follow_the_rules(cache: &dyn Cache) {
    let n = ns(&["article:made-up"]);
    let first = cache.stamps(&n).await.expect("stamps");
    assert!(!first[0].stored, "a namespace never cached under has no stamp");
    assert!(!cache.stamps(&n).await.expect("stamps")[0].stored, "reading it stored nothing");
    cache.bump(&ns(&["elsewhere"])).await.expect("bumped");
    assert!(!cache.keep(&n, &values(&first)).await.expect("keep"), "a bump came between: not kept");
    assert!(!cache.stamps(&n).await.expect("stamps")[0].stored);

    let second = cache.stamps(&n).await.expect("stamps");
    assert!(cache.keep(&n, &values(&second)).await.expect("keep"));
    assert!(cache.keep(&n, &values(&second)).await.expect("keep"), "keeping the same stamp twice is fine");
    cache.bump(&ns(&["elsewhere"])).await.expect("bumped");
    assert_eq!(cache.stamps(&n).await.expect("stamps"), vec![Stamp { value: second[0].value, stored: true }]);
    cache.bump(&n).await.expect("bumped");
    let bumped = cache.stamps(&n).await.expect("stamps");
    assert!(bumped[0].stored && bumped[0].value != second[0].value);
    assert!(!cache.keep(&n, &values(&second)).await.expect("keep"), "a retired stamp is never kept again");

    // All or none: one namespace that cannot be kept keeps the others out too.
    let pair = ns(&["fresh", "article:made-up"]);
    let mixed = cache.stamps(&pair).await.expect("stamps");
    assert!(!cache.keep(&pair, &[mixed[0].value, second[0].value]).await.expect("keep"));
    assert!(!cache.stamps(&ns(&["fresh"])).await.expect("stamps")[0].stored);
}

#[tokio::test]
async fn redis_stores_a_stamp_only_when_a_value_is_kept_under_it() {
    let (url, prefix) = (redis_url(), prefix());
    let cache = instance(&url, &prefix);
    provisional_stamps_follow_the_rules(&cache).await;
    let mut raw = manager(&url);
    let exists = |name: &str| redis::cmd("EXISTS").arg(format!("{prefix}:s:{name}")).clone();
    let fresh: i64 = exists("fresh").query_async(&mut raw).await.expect("exists");
    assert_eq!(fresh, 0, "no key for a namespace only read");

    // A stamp bumped and then evicted (deleted here) before a slow reader keeps the
    // provisional stamp it read before the bump: refused, the clock has moved.
    let m = ns(&["article:evicted"]);
    let before = cache.stamps(&m).await.expect("stamps");
    cache.bump(&m).await.expect("bumped");
    let _: i64 = redis::cmd("DEL").arg(format!("{prefix}:s:article:evicted")).query_async(&mut raw).await.expect("del");
    assert!(!cache.keep(&m, &values(&before)).await.expect("keep"), "a bump was missed: not kept");
    let kept = cache.stamps(&m).await.expect("stamps");
    assert!(cache.keep(&m, &values(&kept)).await.expect("keep"));
    let ttl: i64 =
        redis::cmd("TTL").arg(format!("{prefix}:s:article:evicted")).query_async(&mut raw).await.expect("ttl");
    assert!(ttl > 0 && ttl <= 86_400, "a kept stamp expires: {ttl}");
}

#[tokio::test]
async fn memory_stores_a_stamp_only_when_a_value_is_kept_under_it() {
    provisional_stamps_follow_the_rules(&MemoryCache::new(1_000_000, Arc::new(CacheStats::default()))).await;
}

#[tokio::test]
async fn redis_values_round_trip_with_their_ttl() {
    let (url, prefix) = (redis_url(), prefix());
    let (a, b) = (instance(&url, &prefix), instance(&url, &prefix));
    a.set("article:k@1", Arc::from(&b"value"[..]), Duration::from_secs(60)).await.expect("set");
    assert_eq!(b.get("article:k@1").await.expect("get").as_deref(), Some(&b"value"[..]));
    assert_eq!(b.get("article:other@1").await.expect("get"), None);
    let mut raw = manager(&url);
    let ttl: i64 = redis::cmd("PTTL").arg(a.value_key("article:k@1")).query_async(&mut raw).await.expect("pttl");
    assert!(ttl > 0 && ttl <= 60_000, "the entry expires: {ttl}");
}

#[tokio::test]
async fn stamps_from_before_a_redis_restart_are_never_handed_out_again() {
    let mut redis = PrivateRedis::start().await;
    let prefix = prefix();
    let cache = instance(&redis.url(), &prefix);
    let mut seen = values(&cache.stamps(&ns(&["x", "y"])).await.expect("stamps"));
    cache.bump(&ns(&["x"])).await.expect("bumped");
    seen.extend(values(&cache.stamps(&ns(&["x", "y"])).await.expect("stamps")));
    redis.stop();
    assert!(cache.stamps(&ns(&["x"])).await.is_err(), "an error, not a hang or a panic");
    redis.restart().await;
    // Past the adapter's back-off after the failure above.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let after = values(&cache.stamps(&ns(&["x", "y"])).await.expect("stamps after the restart"));
    assert!(after.iter().all(|s| !seen.contains(s)), "{after:?} reuses one of {seen:?}");
}

#[tokio::test]
async fn a_bump_that_fails_is_delivered_before_stamps_are_read_again() {
    let mut redis = PrivateRedis::start().await;
    let prefix = prefix();
    let (a, b) = (instance(&redis.url(), &prefix), instance(&redis.url(), &prefix));
    let before = b.stamps(&ns(&["x"])).await.expect("stamps");
    // Make Redis hang for a while: calls time out instead of waiting for it.
    let mut raw = manager(&redis.url());
    let sleeper =
        tokio::spawn(async move { redis::cmd("DEBUG").arg("SLEEP").arg(1).query_async::<()>(&mut raw).await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(a.bump(&ns(&["x"])).await.is_err(), "a hung Redis fails the call after the timeout");
    assert!(a.stamps(&ns(&["x"])).await.is_err(), "no stamps while a bump is owed and Redis is away");
    let _ = sleeper.await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let after = a.stamps(&ns(&["x"])).await.expect("stamps once Redis answers");
    assert_ne!(after, before);
    assert_eq!(b.stamps(&ns(&["x"])).await.expect("stamps"), after, "the other instance sees the owed bump");
    redis.stop();
}

#[tokio::test]
async fn the_memory_tier_is_bounded_and_counts_evictions_per_view() {
    let stats = Arc::new(CacheStats::default());
    let memory = MemoryCache::new(2_000, stats.clone());
    for i in 0..100 {
        memory.set(&format!("article:a{i}@1"), Arc::from(vec![0u8; 100]), Duration::from_secs(60)).await.expect("set");
        memory.sync().await;
    }
    memory.sync().await;
    assert!(stats.counts(View::Article).evictions > 0);
    assert_eq!(stats.counts(View::Tags).evictions, 0);
    let mut kept = 0;
    for i in 0..100 {
        kept += usize::from(memory.get(&format!("article:a{i}@1")).await.expect("get").is_some());
    }
    assert!(kept < 100, "the size bound holds: {kept} entries kept");
}

#[tokio::test]
async fn memory_stamps_are_never_reused() {
    let memory = MemoryCache::new(1_000_000, Arc::new(CacheStats::default()));
    let first = memory.stamps(&ns(&["x", "y"])).await.expect("stamps");
    assert!(memory.keep(&ns(&["x", "y"]), &values(&first)).await.expect("keep"));
    let first = memory.stamps(&ns(&["x", "y"])).await.expect("stamps");
    assert!(first.iter().all(|stamp| stamp.stored));
    memory.bump(&ns(&["x"])).await.expect("bumped");
    let after = memory.stamps(&ns(&["x", "y"])).await.expect("stamps");
    assert!(!first.contains(&after[0]));
    assert_eq!(after[1], first[1]);
}
