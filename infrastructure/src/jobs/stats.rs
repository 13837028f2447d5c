//! What a queue holds right now (queued, running, failed jobs and the wait of the oldest
//! queued one), read straight from the backend for the worker's backlog gauges.
//!
//! apalis 1.0 has a stats API (`apalis::prelude::Metrics::fetch_by_queue`), but it does
//! not fit here: on SQLite and PostgreSQL it runs about 25 aggregate sub-queries per call
//! (too heavy to sample every few seconds from every worker), on PostgreSQL it returns the
//! oldest pending timestamp as `REAL` (float4: a 128 s resolution at today's epoch), and on
//! Redis it counts keys the storage never writes (`{queue}:inflight`, not the per-worker
//! sets) and calls `ZCARD` on a plain set (`{queue}:done`), which fails. So this module
//! asks the same tables and keys directly, with one cheap query per queue. It follows the
//! schema of apalis-sqlite/-postgres/-redis 1.0; the integration tests (worker/tests/
//! backlog.rs) break if an apalis upgrade changes it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sea_orm::sqlx;

use super::{Backend, Queues};

/// A snapshot of one queue.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct QueueStats {
    /// Jobs waiting for a worker (due now or scheduled later).
    pub queued: u64,
    /// Jobs handed to a worker and not finished.
    pub running: u64,
    /// Jobs the backend keeps as failed or killed (not retried by apalis: the handlers
    /// retry themselves, so these are jobs that errored out).
    pub failed: u64,
    /// How long the oldest job that is due has waited; `None` when nothing is due.
    pub oldest_queued_age: Option<Duration>,
}

/// One aggregate over the queue's rows; the age is computed by the database's clock,
/// like the `run_at` it is compared with. `Queued` is apalis's "fetched by a worker,
/// not yet started": counted as running (it is no longer available to other workers).
const SQLITE: &str = "SELECT \
     COALESCE(SUM(status = 'Pending'), 0) AS queued, \
     COALESCE(SUM(status IN ('Queued', 'Running')), 0) AS running, \
     COALESCE(SUM(status IN ('Failed', 'Killed')), 0) AS failed, \
     CAST(strftime('%s', 'now') - MIN(CASE WHEN status = 'Pending' AND run_at <= strftime('%s', 'now') \
         THEN run_at END) AS REAL) AS oldest_age \
     FROM Jobs WHERE job_type = ?1 AND status IN ('Pending', 'Queued', 'Running', 'Failed', 'Killed')";

const POSTGRES: &str = "SELECT \
     COUNT(*) FILTER (WHERE status = 'Pending') AS queued, \
     COUNT(*) FILTER (WHERE status IN ('Queued', 'Running')) AS running, \
     COUNT(*) FILTER (WHERE status IN ('Failed', 'Killed')) AS failed, \
     EXTRACT(EPOCH FROM now() - MIN(run_at) FILTER (WHERE status = 'Pending' AND run_at <= now()))::float8 \
         AS oldest_age \
     FROM apalis.jobs WHERE job_type = $1 AND status IN ('Pending', 'Queued', 'Running', 'Failed', 'Killed')";

/// apalis-redis keeps due jobs in the list `{queue}:active` (pushed at the tail, taken
/// from the head), running ones in one set per worker `{queue}:inflight:{worker}` (the
/// workers are the sorted set `{queue}:workers`), jobs retried later in the sorted set
/// `{queue}:scheduled` and given-up ones in the set `{queue}:dead`. One script, so the
/// numbers come from one moment. Returns the head's id: a ULID, whose first 48 bits are
/// the time it was pushed.
const REDIS: &str = r"
local queued = redis.call('llen', KEYS[1]) + redis.call('zcard', KEYS[4])
local running = 0
for _, worker in ipairs(redis.call('zrange', KEYS[2], 0, -1)) do
    running = running + redis.call('scard', KEYS[3] .. ':' .. worker)
end
local failed = redis.call('scard', KEYS[5])
local head = redis.call('lindex', KEYS[1], 0)
return {queued, running, failed, head or ''}
";

impl Queues {
    /// Reads the state of the queue named `queue`.
    ///
    /// # Errors
    /// The backend could not be queried.
    pub async fn stats(&self, queue: &str) -> anyhow::Result<QueueStats> {
        match &self.backend {
            Backend::Sqlite(pool) => {
                let row: (i64, i64, i64, Option<f64>) = sqlx::query_as(SQLITE).bind(queue).fetch_one(pool).await?;
                Ok(from_row(row))
            }
            Backend::Postgres(pool) => {
                let row: (i64, i64, i64, Option<f64>) = sqlx::query_as(POSTGRES).bind(queue).fetch_one(pool).await?;
                Ok(from_row(row))
            }
            Backend::Redis(manager) => {
                let mut connection = manager.clone();
                let (queued, running, failed, head): (u64, u64, u64, String) = redis::Script::new(REDIS)
                    .key(format!("{queue}:active"))
                    .key(format!("{queue}:workers"))
                    .key(format!("{queue}:inflight"))
                    .key(format!("{queue}:scheduled"))
                    .key(format!("{queue}:dead"))
                    .invoke_async(&mut connection)
                    .await?;
                let oldest_queued_age = ulid_millis(&head).map(|pushed| {
                    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
                    now.saturating_sub(Duration::from_millis(pushed))
                });
                Ok(QueueStats { queued, running, failed, oldest_queued_age })
            }
        }
    }
}

fn from_row((queued, running, failed, age): (i64, i64, i64, Option<f64>)) -> QueueStats {
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    QueueStats {
        queued: count(queued),
        running: count(running),
        failed: count(failed),
        oldest_queued_age: age.map(|secs| Duration::try_from_secs_f64(secs.max(0.0)).unwrap_or_default()),
    }
}

/// The timestamp (ms since the epoch) of a ULID: its first 10 Crockford base-32 digits.
fn ulid_millis(id: &str) -> Option<u64> {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let digits = id.as_bytes().get(..10).filter(|_| id.len() == 26)?;
    digits.iter().try_fold(0_u64, |value, digit| {
        let index = ALPHABET.iter().position(|a| a == &digit.to_ascii_uppercase())?;
        Some((value << 5) | index as u64)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ulid_carries_its_creation_time_in_milliseconds() {
        // The ulid crate's own test vector: 0x4141...41 is 21850M2GA1850M2GA1850M2GA1, whose
        // first 48 bits are the timestamp.
        assert_eq!(ulid_millis("21850M2GA1850M2GA1850M2GA1"), Some(0x4141_4141_4141));
        assert_eq!(ulid_millis(""), None);
        assert_eq!(ulid_millis("not-a-ulid"), None);
    }
}
