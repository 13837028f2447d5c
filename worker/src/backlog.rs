//! The backlog gauges: every `jobs.stats_interval_secs`, the state of each queue the
//! features consume, read from the queue backend ([`Queues::stats`]):
//!
//! - `jobs_queued{queue}`: jobs waiting for a worker,
//! - `jobs_running{queue}`: jobs a worker has taken and not finished,
//! - `jobs_failed{queue}`: jobs the backend keeps as failed or killed,
//! - `jobs_oldest_queued_age_seconds{queue}`: how long the oldest due job has waited (0
//!   when none waits).
//!
//! Every worker process samples the same shared queues, so several processes export the
//! same values: aggregate with `max by (queue)`, not `sum`.

use std::time::Duration;

use infrastructure::jobs::{QueueStats, Queues};

/// Samples `queues` now, then every `every`, until the task is aborted.
pub(crate) async fn sample_periodically(queues: Queues, consumed: Vec<String>, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        for queue in &consumed {
            match queues.stats(queue).await {
                Ok(stats) => export(queue, stats),
                // Kept at their last values: a gauge that drops to 0 when the backend is
                // down would read as "backlog cleared". The queue probe reports the outage.
                Err(e) => tracing::warn!(queue, "reading the queue's backlog failed: {e:#}"),
            }
        }
    }
}

fn export(queue: &str, stats: QueueStats) {
    let queue = queue.to_owned();
    metrics::gauge!("jobs_queued", "queue" => queue.clone()).set(stats.queued as f64);
    metrics::gauge!("jobs_running", "queue" => queue.clone()).set(stats.running as f64);
    metrics::gauge!("jobs_failed", "queue" => queue.clone()).set(stats.failed as f64);
    let age = stats.oldest_queued_age.unwrap_or_default();
    metrics::gauge!("jobs_oldest_queued_age_seconds", "queue" => queue).set(age.as_secs_f64());
}
