//! The RealWorld example's report jobs: the job handler ([`handler`]), the worker's hourly
//! purge of old reports and the recovery sweep that re-enqueues reports whose job was lost.
//! Removed as a whole from projects generated with `realworld=false`.

pub mod handler;

use apalis::prelude::Monitor;
use application::realworld::RealWorld;
use infrastructure::realworld::ReportSettings;

use crate::Registration;
use handler::{JobContext, handle_report};

/// Registers the report worker, the hourly purge and the recovery sweep.
pub(crate) fn register(monitor: Monitor, r: &mut Registration<'_>) -> Monitor {
    let services = r.features.expect::<RealWorld>();
    let reports = ReportSettings::of(r.settings).expect("[reports] was checked when the settings were loaded");
    r.background.push(tokio::spawn(purge_periodically(services.clone(), reports.purge_after_days)));
    if let Some(age) = r.jobs.requeue_after() {
        r.background.push(tokio::spawn(requeue_periodically(services.clone(), age, r.jobs.requeue_interval())));
    }
    let ctx = JobContext { reports: services.reports, jobs: r.jobs.clone(), queue: reports.queue.clone() };
    let storage = r.storage::<infrastructure::jobs::Envelope<application::realworld::ReportJob>>(&reports.queue);
    register!(monitor, storage, crate::worker_name("report"), ctx, r.jobs.clone(), handle_report)
}

/// Deletes finished reports older than `days` every hour (never when 0).
async fn purge_periodically(services: RealWorld, days: u32) {
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
async fn requeue_periodically(services: RealWorld, age: std::time::Duration, interval: std::time::Duration) {
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
