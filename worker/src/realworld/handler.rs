//! The report job handler: runs attempts of one report until it succeeds or has used
//! its attempts, with a per-attempt timeout and exponential backoff between attempts.
//!
//! Attempts are counted on the report record, not by apalis: the count then survives a
//! crash (an interrupted attempt counts), and behaves the same on every queue backend.

use std::time::Instant;

use apalis::prelude::{BoxDynError, Data};
use application::UseCaseError;
use application::realworld::ReportJob;
use application::realworld::{AttemptOutcome, ReportService};
use domain::realworld::Report;
use infrastructure::jobs::{Envelope, JobsSettings};
use tracing::Instrument as _;

/// What every job of this worker needs.
#[derive(Clone)]
pub struct JobContext {
    pub reports: ReportService,
    pub jobs: JobsSettings,
    /// The report queue's name (`reports.queue`), for the metrics' `queue` label.
    pub queue: String,
}

/// Handles one report job. Returns `Err` only when the report's own state could not be
/// read or written; the queue then retries the job (its report still shows where it was).
///
/// # Errors
/// Storage failures while recording the attempt.
pub async fn handle_report(job: Envelope<ReportJob>, ctx: Data<JobContext>) -> Result<(), BoxDynError> {
    let queue = ctx.queue.clone();
    let started = Instant::now();
    let (job, span) = job.open(&queue);
    let outcome = run(job, &ctx).instrument(span).await;
    let label = match &outcome {
        Ok(label) => *label,
        Err(_) => "error",
    };
    metrics::counter!("jobs_total", "queue" => queue.clone(), "outcome" => label).increment(1);
    metrics::histogram!("job_duration_seconds", "queue" => queue, "outcome" => label)
        .record(started.elapsed().as_secs_f64());
    outcome.map(|_| ())
}

async fn run(job: ReportJob, ctx: &JobContext) -> Result<&'static str, BoxDynError> {
    let max = ctx.jobs.max_attempts;
    loop {
        let Some(report) = ctx.reports.begin_attempt(job, max).await? else {
            return Ok("skipped");
        };
        tracing::info!(report = report.id.0, attempt = report.attempts, "generating report");
        let result = match &ctx.jobs.fail_with {
            Some(message) => Err(message.clone()),
            None => match tokio::time::timeout(ctx.jobs.job_timeout(), ctx.reports.generate(&report)).await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(UseCaseError::Conflict("attempt"))) => return Ok(superseded(&report)),
                Ok(Err(e)) => Err(e.to_string()),
                Err(_) => Err(format!("timed out after {} s", ctx.jobs.job_timeout_secs)),
            },
        };
        let Err(error) = result else {
            tracing::info!(report = report.id.0, "report succeeded");
            return Ok("succeeded");
        };
        tracing::warn!(report = report.id.0, attempt = report.attempts, %error, "report attempt failed");
        let outcome = match ctx.reports.fail_attempt(&report, &error, max).await {
            Err(UseCaseError::Conflict("attempt")) => return Ok(superseded(&report)),
            outcome => outcome?,
        };
        match outcome {
            AttemptOutcome::Retry { attempts } => {
                metrics::counter!("jobs_total", "queue" => ctx.queue.clone(), "outcome" => "retried").increment(1);
                tokio::time::sleep(ctx.jobs.backoff(attempts)).await;
            }
            AttemptOutcome::GaveUp => return Ok("failed"),
            AttemptOutcome::Finished => return Ok("succeeded"),
        }
    }
}

/// A newer attempt (another worker, after this one's lease expired) owns the report:
/// this attempt's outcome is dropped, and the job is done here.
fn superseded(report: &Report) -> &'static str {
    tracing::warn!(report = report.id.0, attempt = report.attempts, "attempt superseded by a newer one");
    "superseded"
}
