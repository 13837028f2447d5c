//! The RealWorld example's report jobs: the job handler ([`handler`]), the worker's hourly
//! purge of old reports and the recovery sweep that re-enqueues reports whose job was lost.
//! Removed as a whole from projects generated with `realworld=false`.

pub mod handler;

use application::Services;
use infrastructure::jobs::JobsSettings;
use tokio::task::JoinHandle;

/// Starts the report jobs' background tasks (aborted by the caller at shutdown).
pub(crate) fn background(services: &Services, jobs: &JobsSettings) -> Vec<JoinHandle<()>> {
    let mut tasks = vec![tokio::spawn(purge_periodically(services.clone(), jobs.purge_after_days))];
    if let Some(age) = jobs.requeue_after() {
        tasks.push(tokio::spawn(requeue_periodically(services.clone(), age, jobs.requeue_interval())));
    }
    tasks
}

/// Deletes finished reports older than `days` every hour (never when 0).
async fn purge_periodically(services: Services, days: u32) {
    if days == 0 {
        return;
    }
    let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every.tick().await;
        match services.reports.purge_older_than(chrono::Duration::days(i64::from(days))).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(purged = n, "old reports purged"),
            Err(e) => tracing::warn!("purging old reports failed: {e}"),
        }
    }
}

/// Reports swept per query; the sweep continues while a query returns this many.
const REQUEUE_BATCH: u64 = 500;

/// The recovery sweep: at start, then every `interval`, re-enqueues reports that have
/// been queued and never started for longer than `age` (their job was lost).
async fn requeue_periodically(services: Services, age: std::time::Duration, interval: std::time::Duration) {
    let Ok(age) = chrono::Duration::from_std(age) else { return };
    let mut every = tokio::time::interval(interval);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        // Claimed reports drop out of the next query, so a full batch means more may wait.
        loop {
            match services.reports.requeue_stale(age, REQUEUE_BATCH).await {
                Ok(0) => break,
                Ok(n) => {
                    tracing::info!(requeued = n, "reports without a job re-enqueued");
                    if n < REQUEUE_BATCH {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!("re-enqueueing stale reports failed: {e}");
                    break;
                }
            }
        }
    }
}
