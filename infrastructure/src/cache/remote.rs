//! The Redis tier: values with a TTL, and the namespace stamps every instance shares.
//!
//! Stamps are handed out by Lua scripts (atomic on the server) from one counter key,
//! the *clock*: a bump gives a namespace the clock's next value, so a bumped stamp is
//! never handed out twice. A namespace without a stamp (never seen, expired or evicted)
//! is read as the clock's current value without storing anything (a request for a
//! made-up slug leaves no key); that value is stored only when a loaded value is cached
//! under it, and only if the clock has not moved since, i.e. no bump could have been
//! missed. A clock that is lost (Redis restarted empty) is
//! restarted at a random point of a 2^50 range, so stamps from before the restart are
//! (with overwhelming probability) never handed out again either, and entries that
//! other instances still hold in memory under old stamps are never read.
//!
//! A bump that fails (Redis unreachable or slow) is remembered ("owed") and delivered
//! before this instance reads any stamp again, with its next bump, and by a background
//! retry every second, so other instances stop seeing the old entries within about a
//! second of Redis answering this instance again. Reads back off for a moment after a
//! failure (failing at once instead of each waiting for the timeout); bumps never do,
//! so a write made just after Redis returns is published at once.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use application::ports::{Cache, CacheError, Stamp};
use async_trait::async_trait;
use rand::Rng;
use redis::Script;
use redis::aio::ConnectionManager;

/// `KEYS[1]` clock, `KEYS[2..]` stamp keys; `ARGV[1]` clock seed. Returns a stamp and a
/// stored flag (1/0) per namespace; a namespace without a stamp gets the clock's current
/// value and nothing is stored for it (only the clock, when it is lost).
const STAMPS: &str = r"
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[1]) end
local clock = tonumber(redis.call('GET', KEYS[1]))
local out = {}
for i = 2, #KEYS do
  local v = redis.call('GET', KEYS[i])
  if v then
    out[#out + 1] = tonumber(v)
    out[#out + 1] = 1
  else
    out[#out + 1] = clock
    out[#out + 1] = 0
  end
end
return out
";

/// `KEYS[1]` clock, `KEYS[2..]` stamp keys; `ARGV[1]` stamp TTL, `ARGV[2..]` the stamps
/// [`STAMPS`] gave. All or none: each stamp is stored (`NX`) only if every namespace either
/// holds its given stamp already or has none while the clock has not moved since, i.e.
/// no bump has happened in between. Returns 1 if they were kept, 0 if not.
const KEEP: &str = r"
local clock = redis.call('GET', KEYS[1])
for i = 2, #KEYS do
  local v = redis.call('GET', KEYS[i])
  if v then
    if v ~= ARGV[i] then return 0 end
  elseif clock ~= ARGV[i] then
    return 0
  end
end
for i = 2, #KEYS do
  redis.call('SET', KEYS[i], ARGV[i], 'NX', 'EX', ARGV[1])
end
return 1
";

/// Same keys and arguments as [`STAMPS`]: gives every namespace a new stamp.
const BUMP: &str = r"
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[1]) end
for i = 2, #KEYS do
  local v = redis.call('INCR', KEYS[1])
  redis.call('SET', KEYS[i], v, 'EX', ARGV[2])
end
return 1
";

/// Stamps expire after a day without a bump (only to bound the number of keys; an
/// expired stamp is replaced by the clock's value on the next cached read, which is safe).
const STAMP_TTL_SECS: u64 = 24 * 60 * 60;

/// After a failure, reads fail at once for this long instead of each waiting for the
/// timeout: a hung Redis costs one timeout per interval, not one per request.
const BACKOFF: Duration = Duration::from_millis(500);

/// More owed namespaces than this are replaced by the `all` namespace.
const MAX_OWED: usize = 10_000;

/// How often owed bumps are retried in the background.
const RETRY_OWED: Duration = Duration::from_secs(1);

/// Where a lost clock restarts: random on every call (not once per process), so that
/// even the instance that saw the old clock cannot walk the same sequence again.
fn clock_seed() -> u64 {
    rand::rng().random_range(1u64 << 40..1u64 << 50)
}

/// The connection and the scripts; shared with the background retry.
struct Link {
    connection: ConnectionManager,
    prefix: String,
    timeout: Duration,
    stamps: Script,
    keep: Script,
    bump: Script,
    down_until_ms: AtomicU64,
    started: Instant,
}

impl Link {
    fn stamp_key(&self, namespace: &str) -> String {
        format!("{}:s:{namespace}", self.prefix)
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Runs one Redis call with the timeout; reads (`backoff`) fail at once for a moment
    /// after a failure.
    async fn call<T>(
        &self,
        backoff: bool,
        run: impl std::future::Future<Output = redis::RedisResult<T>>,
    ) -> Result<T, CacheError> {
        if backoff && self.now_ms() < self.down_until_ms.load(Ordering::Relaxed) {
            return Err(CacheError::new("redis failed recently; retrying shortly"));
        }
        let outcome = match tokio::time::timeout(self.timeout, run).await {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(err)) => CacheError::new(err),
            Err(_) => CacheError::new(format!("redis did not answer within {:?}", self.timeout)),
        };
        crate::metrics::redis_error("cache");
        self.down_until_ms.store(self.now_ms() + BACKOFF.as_millis() as u64, Ordering::Relaxed);
        Err(outcome)
    }

    async fn bump(&self, backoff: bool, namespaces: &[String]) -> Result<(), CacheError> {
        let mut invocation = self.bump.key(format!("{}:clock", self.prefix));
        for ns in namespaces {
            invocation.key(self.stamp_key(ns));
        }
        invocation.arg(clock_seed()).arg(STAMP_TTL_SECS);
        let mut connection = self.connection.clone();
        self.call(backoff, invocation.invoke_async::<i64>(&mut connection)).await.map(drop)
    }
}

type Owed = Arc<Mutex<HashSet<String>>>;

fn lock(owed: &Mutex<HashSet<String>>) -> MutexGuard<'_, HashSet<String>> {
    owed.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Bumps `namespaces` together with everything owed; on success nothing is owed any
/// more, on failure `namespaces` are owed too.
async fn bump_with_owed(
    link: &Link,
    owed: &Mutex<HashSet<String>>,
    backoff: bool,
    namespaces: &[String],
) -> Result<(), CacheError> {
    let pending: Vec<String> = lock(owed).iter().cloned().collect();
    let mut all: Vec<String> = namespaces.to_vec();
    all.extend(pending.iter().filter(|ns| !namespaces.contains(ns)).cloned());
    if all.is_empty() {
        return Ok(());
    }
    match link.bump(backoff, &all).await {
        Ok(()) => {
            let mut owed = lock(owed);
            for ns in &pending {
                owed.remove(ns);
            }
            if !pending.is_empty() {
                tracing::info!(
                    namespaces = pending.len(),
                    "redis answers again; delivered the invalidations it missed"
                );
            }
            Ok(())
        }
        Err(err) => {
            let mut owed = lock(owed);
            owed.extend(namespaces.iter().cloned());
            if owed.len() > MAX_OWED {
                owed.clear();
                owed.insert(application::cache::ALL.to_owned());
            }
            Err(err)
        }
    }
}

/// [`Cache`] on Redis, over the process's shared connection.
#[derive(Clone)]
pub struct RedisCache {
    link: Arc<Link>,
    owed: Owed,
}

impl RedisCache {
    /// Keys start with `prefix:`; every call gives up after `timeout`. Inside a Tokio
    /// runtime, also starts the background retry of owed bumps (it stops when the
    /// cache is dropped).
    pub fn new(connection: ConnectionManager, prefix: &str, timeout: Duration) -> Self {
        let link = Arc::new(Link {
            connection,
            prefix: prefix.to_owned(),
            timeout,
            stamps: Script::new(STAMPS),
            keep: Script::new(KEEP),
            bump: Script::new(BUMP),
            down_until_ms: AtomicU64::new(0),
            started: Instant::now(),
        });
        let owed: Owed = Arc::new(Mutex::new(HashSet::new()));
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(retry_owed(link.clone(), Arc::downgrade(&owed)));
        }
        Self { link, owed }
    }

    /// The Redis key of a cached value.
    pub fn value_key(&self, key: &str) -> String {
        format!("{}:v:{key}", self.link.prefix)
    }
}

async fn retry_owed(link: Arc<Link>, owed: std::sync::Weak<Mutex<HashSet<String>>>) {
    loop {
        tokio::time::sleep(RETRY_OWED).await;
        let Some(owed) = owed.upgrade() else { return };
        if !lock(&owed).is_empty() {
            let _ = bump_with_owed(&link, &owed, false, &[]).await;
        }
    }
}

#[async_trait]
impl Cache for RedisCache {
    async fn stamps(&self, namespaces: &[String]) -> Result<Vec<Stamp>, CacheError> {
        if !lock(&self.owed).is_empty() {
            bump_with_owed(&self.link, &self.owed, true, &[]).await?;
        }
        let link = &self.link;
        let mut invocation = link.stamps.key(format!("{}:clock", link.prefix));
        for ns in namespaces {
            invocation.key(link.stamp_key(ns));
        }
        invocation.arg(clock_seed());
        let mut connection = link.connection.clone();
        let pairs: Vec<u64> = link.call(true, invocation.invoke_async(&mut connection)).await?;
        if pairs.len() != 2 * namespaces.len() {
            return Err(CacheError::new("stamp script returned the wrong number of stamps"));
        }
        Ok(pairs.chunks_exact(2).map(|pair| Stamp { value: pair[0], stored: pair[1] == 1 }).collect())
    }

    async fn keep(&self, namespaces: &[String], stamps: &[u64]) -> Result<bool, CacheError> {
        let link = &self.link;
        let mut invocation = link.keep.key(format!("{}:clock", link.prefix));
        for ns in namespaces {
            invocation.key(link.stamp_key(ns));
        }
        invocation.arg(STAMP_TTL_SECS);
        for stamp in stamps {
            invocation.arg(stamp);
        }
        let mut connection = link.connection.clone();
        let kept: i64 = link.call(true, invocation.invoke_async(&mut connection)).await?;
        Ok(kept == 1)
    }

    async fn get(&self, key: &str) -> Result<Option<Arc<[u8]>>, CacheError> {
        let mut connection = self.link.connection.clone();
        let key = self.value_key(key);
        let found: Option<Vec<u8>> =
            self.link.call(true, redis::cmd("GET").arg(&key).query_async(&mut connection)).await?;
        Ok(found.map(Arc::from))
    }

    async fn set(&self, key: &str, value: Arc<[u8]>, ttl: Duration) -> Result<(), CacheError> {
        let mut connection = self.link.connection.clone();
        let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let command = redis::cmd("SET").arg(self.value_key(key)).arg(&*value).arg("PX").arg(millis).clone();
        self.link.call(true, command.query_async::<()>(&mut connection)).await
    }

    async fn bump(&self, namespaces: &[String]) -> Result<(), CacheError> {
        // Never skipped for a recent failure: a write just after Redis returns must
        // still retire the entries it changed.
        bump_with_owed(&self.link, &self.owed, false, namespaces).await
    }
}
