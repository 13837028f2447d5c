//! The job worker: one apalis [`Monitor`] running a worker per job type (the welcome
//! job, and the report jobs of the RealWorld example) on the configured queue backend,
//! plus their recovery sweeps. The `worker` binary runs it; the API embeds it when
//! `jobs.embedded_worker` is set (see [`spawn`]).

/// Registers a worker named `$name` running `$handler` with `$ctx` on `$storage` (used by
/// every feature's registration; defined before the feature modules so they see it).
macro_rules! register {
    ($monitor:expr, $storage:expr, $name:expr, $ctx:expr, $jobs:expr, $handler:expr) => {
        // A block, so the macro is one expression (written apart: Liquid renders this file).
        {
            use ::apalis::prelude::{BackendExt as _, WorkerBuilder, WorkerBuilderExt as _};
            use ::infrastructure::jobs::JobStorage;
            let (name, ctx, jobs) = ($name, $ctx, $jobs);
            let every = move || $crate::poll::EveryInterval::new(jobs.poll_interval());
            let concurrency = $jobs.concurrency;
            match $storage {
                JobStorage::Sqlite(storage) => $monitor.register(move |_| {
                    WorkerBuilder::new(name.clone())
                        .backend(storage.clone().poll_with_strategy(every()))
                        .concurrency(concurrency)
                        .data(ctx.clone())
                        .build($handler)
                }),
                JobStorage::Postgres(storage) => $monitor.register(move |_| {
                    WorkerBuilder::new(name.clone())
                        .backend(storage.clone().poll_with_strategy(every()))
                        .concurrency(concurrency)
                        .data(ctx.clone())
                        .build($handler)
                }),
                JobStorage::Redis(storage) => $monitor.register(move |_| {
                    WorkerBuilder::new(name.clone())
                        .backend(storage.clone().poll_with_strategy(every()))
                        .concurrency(concurrency)
                        .data(ctx.clone())
                        .build($handler)
                }),
            }
        }
    };
}

pub mod accounts;
mod backlog;
pub mod metrics;
mod poll;
//{% if realworld %} The RealWorld example's report jobs.
pub mod realworld;
//{% endif %} The monitor that runs every job type.

use std::future::Future;

use anyhow::Context;
use apalis::prelude::Monitor;
use application::Features;
use infrastructure::Settings;
use infrastructure::jobs::{JobStorage, JobsSettings, Queues};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A name unique to this process: `{kind}-worker-{host}-{pid}-{random}`. apalis refuses
/// a second live worker with the same name, and a restarted process must not wait for
/// its predecessor's registration to expire.
pub fn worker_name(kind: &str) -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".to_owned());
    format!("{kind}-worker-{host}-{}-{:08x}", std::process::id(), rand::random::<u32>())
}

/// What a feature's registration gets: the wired features, the process's queues and the
/// job settings; it adds its workers to the monitor and its periodic tasks to `background`.
pub struct Registration<'a> {
    pub features: &'a Features,
    pub queues: &'a Queues,
    pub jobs: &'a JobsSettings,
    /// Every setting, for a feature's own section (`Settings::section`).
    pub settings: &'a Settings,
    pub background: &'a mut Vec<JoinHandle<()>>,
    /// The queues the features consume (through [`Registration::storage`]): the worker
    /// exports their backlog, so no metric code names a job type.
    consumed: Vec<String>,
}

impl Registration<'_> {
    /// The storage of the queue named `queue` for jobs of type `T` (as
    /// [`Queues::storage`]); the queue's backlog is exported as `jobs_queued{queue}` etc.
    pub fn storage<T>(&mut self, queue: &str) -> JobStorage<T> {
        if !self.consumed.iter().any(|q| q == queue) {
            self.consumed.push(queue.to_owned());
        }
        self.queues.storage(queue)
    }
}

/// A feature's entry point in this crate.
pub type Register = fn(Monitor, &mut Registration<'_>) -> Monitor;

/// Every feature that has jobs (the one list of features in this crate).
const FEATURES: &[Register] = &[
    accounts::register,
    //{% if realworld %} The RealWorld example's report jobs.
    realworld::register,
    //{% endif %} (Every feature with jobs is listed above.)
];

/// Runs the workers until `shutdown` resolves, then stops taking jobs and lets running
/// ones finish for at most `jobs.shutdown_grace_secs`.
///
/// # Errors
/// The worker stopped because the queue failed.
pub async fn run(
    features: Features,
    queues: Queues,
    settings: Settings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let jobs = settings.jobs.clone();
    tracing::info!(backend = queues.backend_name(), concurrency = jobs.concurrency, "worker started");
    let mut background: Vec<JoinHandle<()>> = Vec::new();
    let mut registration = Registration {
        features: &features,
        queues: &queues,
        jobs: &jobs,
        settings: &settings,
        background: &mut background,
        consumed: Vec::new(),
    };
    let monitor = FEATURES.iter().fold(Monitor::new(), |monitor, register| register(monitor, &mut registration));
    if let Some(every) = jobs.stats_interval() {
        let backlog = backlog::sample_periodically(queues.clone(), registration.consumed, every);
        background.push(tokio::spawn(backlog));
    }
    let result = monitor
        .shutdown_timeout(jobs.shutdown_grace())
        .run_with_signal(async move {
            shutdown.await;
            tracing::info!("worker stopping: no new jobs, finishing the running ones");
            Ok(())
        })
        .await;
    for task in background {
        task.abort();
    }
    tracing::info!("worker stopped");
    result.context("worker failed")
}

/// A worker running inside another process (the API's embedded mode).
pub struct EmbeddedWorker {
    stop: oneshot::Sender<()>,
    task: JoinHandle<anyhow::Result<()>>,
}

/// Starts the worker on the current runtime.
pub fn spawn(features: Features, queues: Queues, settings: Settings) -> EmbeddedWorker {
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(run(features, queues, settings, async move {
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
        self.task.await.context("worker task panicked")?
    }
}
