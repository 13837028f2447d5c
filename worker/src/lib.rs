//! The report worker: one apalis [`Monitor`] running the report job handler on the
//! configured queue backend. The `worker` binary runs it; the API embeds it when
//! `jobs.embedded_worker` is set (see [`spawn`]).

pub mod handler;
pub mod metrics;
mod poll;

use std::future::Future;

use anyhow::Context;
use apalis::prelude::{BackendExt, Monitor, WorkerBuilder, WorkerBuilderExt};
use application::Services;
use infrastructure::jobs::{JobsSettings, ReportStorage};
use poll::EveryInterval;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use handler::{JobContext, handle_report};

/// A name unique to this process: `report-worker-{host}-{pid}-{random}`. apalis refuses
/// a second live worker with the same name, and a restarted process must not wait for
/// its predecessor's registration to expire.
pub fn worker_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".to_owned());
    format!("report-worker-{host}-{}-{:08x}", std::process::id(), rand::random::<u32>())
}

macro_rules! register {
    ($monitor:expr, $storage:expr, $name:expr, $ctx:expr, $jobs:expr) => {{
        let (storage, name, ctx, jobs) = ($storage, $name, $ctx, $jobs);
        $monitor.register(move |_| {
            WorkerBuilder::new(name.clone())
                .backend(storage.clone().poll_with_strategy(EveryInterval::new(jobs.poll_interval())))
                .concurrency(jobs.concurrency)
                .data(ctx.clone())
                .build(handle_report)
        })
    }};
}

/// Runs the report worker until `shutdown` resolves, then stops taking jobs and lets
/// running ones finish for at most `jobs.shutdown_grace_secs`.
///
/// # Errors
/// The worker stopped because the queue failed.
pub async fn run(
    services: Services,
    storage: ReportStorage,
    jobs: JobsSettings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let name = worker_name();
    tracing::info!(worker = %name, backend = storage.backend_name(), concurrency = jobs.concurrency, "report worker started");
    let purge = tokio::spawn(purge_periodically(services.clone(), jobs.purge_after_days));
    let requeue = jobs
        .requeue_after()
        .map(|age| tokio::spawn(requeue_periodically(services.clone(), age, jobs.requeue_interval())));
    let ctx = JobContext { reports: services.reports, jobs: jobs.clone() };
    let monitor = Monitor::new();
    let monitor = match storage {
        ReportStorage::Sqlite(storage) => register!(monitor, storage, name.clone(), ctx, jobs.clone()),
        ReportStorage::Postgres(storage) => register!(monitor, storage, name.clone(), ctx, jobs.clone()),
        ReportStorage::Redis(storage) => register!(monitor, storage, name.clone(), ctx, jobs.clone()),
    };
    let result = monitor
        .shutdown_timeout(jobs.shutdown_grace())
        .run_with_signal(async move {
            shutdown.await;
            tracing::info!("report worker stopping: no new jobs, finishing the running ones");
            Ok(())
        })
        .await;
    purge.abort();
    if let Some(requeue) = requeue {
        requeue.abort();
    }
    tracing::info!(worker = %name, "report worker stopped");
    result.context("report worker failed")
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

/// A worker running inside another process (the API's embedded mode).
pub struct EmbeddedWorker {
    stop: oneshot::Sender<()>,
    task: JoinHandle<anyhow::Result<()>>,
}

/// Starts the worker on the current runtime.
pub fn spawn(services: Services, storage: ReportStorage, jobs: JobsSettings) -> EmbeddedWorker {
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(run(services, storage, jobs, async move {
        let _ = stopped.await;
    }));
    EmbeddedWorker { stop, task }
}

impl EmbeddedWorker {
    /// Stops taking jobs and waits for the running ones (at most the grace period).
    ///
    /// # Errors
    /// The worker had failed.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        self.task.await.context("report worker task panicked")?
    }
}
