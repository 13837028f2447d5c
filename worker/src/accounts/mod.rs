//! The welcome job handler: welcomes a new account, retrying failed attempts with
//! exponential backoff, and the recovery sweep that re-enqueues accounts whose job was
//! lost (never enqueued, or given up on).

use std::time::{Duration, Instant};

use apalis::prelude::{BoxDynError, Data, Monitor};
use application::accounts::Accounts;
use application::accounts::WelcomeJob;
use application::accounts::{WelcomeOutcome, WelcomeService};
use infrastructure::jobs::{Envelope, JobsSettings};
use tracing::Instrument as _;

use crate::Registration;

/// Registers the welcome worker and, when `jobs.requeue_after_secs` is set, its
/// recovery sweep.
pub(crate) fn register(monitor: Monitor, r: &mut Registration<'_>) -> Monitor {
    let accounts = r.features.expect::<Accounts>();
    if let Some(age) = r.jobs.requeue_after() {
        let sweep = requeue_periodically(accounts.welcome.clone(), age, r.jobs.requeue_interval());
        r.background.push(tokio::spawn(sweep));
    }
    let ctx = WelcomeContext { welcome: accounts.welcome, jobs: r.jobs.clone() };
    let storage = r.storage::<Envelope<WelcomeJob>>(&r.jobs.welcome_queue);
    register!(monitor, storage, crate::worker_name("welcome"), ctx, r.jobs.clone(), handle_welcome)
}

/// What every welcome job needs.
#[derive(Clone)]
pub struct WelcomeContext {
    pub welcome: WelcomeService,
    pub jobs: JobsSettings,
}

/// Handles one welcome job: up to `jobs.max_attempts` attempts, `jobs.backoff` apart.
/// A job that used its attempts is dropped from the queue; its account stays
/// unwelcomed, so the recovery sweep enqueues it again later.
///
/// # Errors
/// Never: failures are retried here, then left to the sweep.
pub async fn handle_welcome(job: Envelope<WelcomeJob>, ctx: Data<WelcomeContext>) -> Result<(), BoxDynError> {
    let queue = ctx.jobs.welcome_queue.clone();
    let started = Instant::now();
    let (job, span) = job.open(&queue);
    let label = run(job, &ctx).instrument(span).await;
    metrics::counter!("jobs_total", "queue" => queue.clone(), "outcome" => label).increment(1);
    metrics::histogram!("job_duration_seconds", "queue" => queue, "outcome" => label)
        .record(started.elapsed().as_secs_f64());
    Ok(())
}

async fn run(job: WelcomeJob, ctx: &WelcomeContext) -> &'static str {
    let mut attempt = 1;
    loop {
        let result = match &ctx.jobs.fail_with {
            Some(message) => Err(message.clone()),
            None => match tokio::time::timeout(ctx.jobs.job_timeout(), ctx.welcome.welcome(job)).await {
                Ok(Ok(outcome)) => Ok(outcome),
                Ok(Err(e)) => Err(e.to_string()),
                Err(_) => Err(format!("timed out after {} s", ctx.jobs.job_timeout_secs)),
            },
        };
        match result {
            Ok(WelcomeOutcome::Welcomed) => {
                tracing::info!(user = job.user_id, "account welcomed");
                return "succeeded";
            }
            Ok(WelcomeOutcome::AlreadyWelcomed | WelcomeOutcome::UnknownUser) => return "skipped",
            Err(error) if attempt >= ctx.jobs.max_attempts => {
                tracing::warn!(user = job.user_id, attempt, %error, "welcome failed; the recovery sweep retries later");
                return "failed";
            }
            Err(error) => {
                tracing::warn!(user = job.user_id, attempt, %error, "welcome attempt failed");
                metrics::counter!("jobs_total", "queue" => ctx.jobs.welcome_queue.clone(), "outcome" => "retried")
                    .increment(1);
                tokio::time::sleep(ctx.jobs.backoff(attempt)).await;
                attempt += 1;
            }
        }
    }
}

/// Accounts swept per query; the sweep continues while a query returns this many.
const SWEEP_BATCH: u64 = 500;

/// The recovery sweep: at start, then every `interval`, enqueues again the accounts
/// registered more than `age` ago and still not welcomed.
pub(crate) async fn requeue_periodically(welcome: WelcomeService, age: Duration, interval: Duration) {
    let Ok(age) = chrono::Duration::from_std(age) else { return };
    let mut every = tokio::time::interval(interval);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        match welcome.requeue_unwelcomed(age, SWEEP_BATCH).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(requeued = n, "accounts not yet welcomed re-enqueued"),
            Err(e) => tracing::warn!("re-enqueueing unwelcomed accounts failed: {e}"),
        }
    }
}
