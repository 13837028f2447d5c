//! Report jobs: requesting, reading and downloading reports (API), and generating them
//! (the worker's job handler calls [`ReportService::run_attempt`]).

use std::sync::Arc;

use domain::realworld::{DateRange, Report, ReportId, ReportKind, ReportScope, ReportStatus};
use domain::{Timestamp, UserId, ValidationErrors};
use serde::Serialize;

use crate::accounts::UserRepository;
use crate::ports::Clock;
use crate::realworld::AuthorActivity;
use crate::realworld::{NewReportRecord, ReportDataSource, ReportJob, ReportQueue, ReportRepository, ResultLine};
use crate::{RepoError, UseCaseError};

/// The CSV header; one line per author follows.
pub const CSV_HEADER: &str =
    "author_id,username,articles_published,favorites_received,comments_received,followers_gained";

/// Limits and sizes of report generation, from settings.
#[derive(Debug, Clone, Copy)]
pub struct ReportPolicy {
    /// Longest date range a report may cover, in days.
    pub max_range_days: u32,
    /// Users examined per query while generating (bounds the worker's memory).
    pub batch_size: u64,
    /// Tags listed in the summary.
    pub top_tags: u64,
    /// Reports one user may have `queued` or `running` at once; 0 is no limit.
    pub max_pending_per_user: u32,
}

impl Default for ReportPolicy {
    fn default() -> Self {
        Self { max_range_days: 366, batch_size: 1000, top_tags: 10, max_pending_per_user: 5 }
    }
}

/// `Retry-After` of a refused report request: a report usually finishes within this,
/// freeing a slot; a hint for clients, not a promise.
pub const PENDING_RETRY_AFTER_SECS: u32 = 30;

/// What `POST /api/reports` carries; every field optional so missing ones are 422s.
#[derive(Debug, Clone, Default)]
pub struct RequestReportInput {
    pub kind: Option<String>,
    pub scope: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A report the caller may download, or why not yet.
#[derive(Debug)]
pub enum Download {
    /// Succeeded: the result lines can be read with [`ReportService::result_lines`].
    Ready(Report),
    /// Queued, running or failed (409).
    NotReady(Report),
}

/// What the worker should do after an attempt.
#[derive(Debug, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// Done (or nothing to do: already final or deleted).
    Finished,
    /// Failed; retry after a backoff. Carries the attempts made so far.
    Retry { attempts: u32 },
    /// Failed for good; the error is stored on the report.
    GaveUp,
}

/// The JSON summary, camelCase like every other API field (the CSV keeps snake_case
/// column names, the usual spelling for spreadsheet headers).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    authors: u64,
    articles_published: u64,
    favorites_received: u64,
    comments_received: u64,
    followers_gained: u64,
    top_tags: Vec<TagCount>,
}

#[derive(Serialize)]
struct TagCount {
    tag: String,
    count: u64,
}

/// Report use cases.
#[derive(Clone)]
pub struct ReportService {
    reports: Arc<dyn ReportRepository>,
    queue: Arc<dyn ReportQueue>,
    data: Arc<dyn ReportDataSource>,
    users: Arc<dyn UserRepository>,
    clock: Arc<dyn Clock>,
    policy: ReportPolicy,
}

impl ReportService {
    pub fn new(
        reports: Arc<dyn ReportRepository>,
        queue: Arc<dyn ReportQueue>,
        data: Arc<dyn ReportDataSource>,
        users: Arc<dyn UserRepository>,
        clock: Arc<dyn Clock>,
        policy: ReportPolicy,
    ) -> Self {
        Self { reports, queue, data, users, clock, policy }
    }

    /// Validates the request, stores the report as `queued` and enqueues its job.
    ///
    /// # Errors
    /// `Validation` (kind, scope, from, to), `Forbidden("report")` for a site-wide report
    /// requested by a non-admin, `TooMany` (subject `report`) when the user already has
    /// `max_pending_per_user` reports queued or running, `Unexpected` when storage or the
    /// queue fail (the report is then marked failed, so it never stays queued without a
    /// job). The quota is checked before the insert, not in the same statement: requests
    /// racing each other may overshoot it by their number, never without bound.
    #[tracing::instrument(skip_all, fields(user = user.0))]
    pub async fn request(&self, user: UserId, input: RequestReportInput) -> Result<Report, UseCaseError> {
        let mut errors = ValidationErrors::new();
        let kind = errors.check(ReportKind::parse(input.kind.as_deref()));
        let scope = errors.check(ReportScope::parse(input.scope.as_deref()));
        let range = match DateRange::parse(input.from.as_deref(), input.to.as_deref(), self.policy.max_range_days) {
            Ok(range) => Some(range),
            Err(range_errors) => {
                for (field, messages) in range_errors.fields() {
                    for message in messages {
                        errors.push(domain::FieldError::new(field, message.clone()));
                    }
                }
                None
            }
        };
        let (Some(kind), Some(scope), Some(range)) = (kind, scope, range) else {
            return Err(UseCaseError::Validation(errors));
        };
        if scope == ReportScope::Site && !self.users.is_admin(user).await? {
            return Err(UseCaseError::Forbidden("report"));
        }
        let limit = self.policy.max_pending_per_user;
        if limit > 0 && self.reports.count_pending_by_owner(user).await? >= u64::from(limit) {
            return Err(UseCaseError::TooMany {
                subject: "report",
                message: format!("too many reports queued or running (at most {limit}), retry later"),
                retry_after_secs: PENDING_RETRY_AFTER_SECS,
            });
        }
        let report =
            self.reports.create(NewReportRecord { owner: user, kind, scope, range, at: self.clock.now() }).await?;
        if let Err(e) = self.queue.enqueue(ReportJob::new(report.id.0)).await {
            let _ = self.reports.record_failure(report.id, 0, "could not be queued", true, self.clock.now()).await;
            return Err(UseCaseError::Unexpected(e.context("enqueueing a report job")));
        }
        Ok(report)
    }

    /// # Errors
    /// `NotFound("report")`, also for another user's report unless `viewer` is an admin.
    #[tracing::instrument(level = "debug", name = "reports.get", skip_all)]
    pub async fn get(&self, viewer: UserId, id: ReportId) -> Result<Report, UseCaseError> {
        let report = self.reports.find(id).await?.ok_or(UseCaseError::NotFound("report"))?;
        if report.owner != viewer && !self.users.is_admin(viewer).await? {
            return Err(UseCaseError::NotFound("report"));
        }
        Ok(report)
    }

    /// The caller's own reports, newest first, and their total.
    ///
    /// # Errors
    /// `Unexpected` only.
    #[tracing::instrument(level = "debug", name = "reports.list", skip_all)]
    pub async fn list(&self, viewer: UserId, limit: u64, offset: u64) -> Result<(Vec<Report>, u64), UseCaseError> {
        Ok(self.reports.list_by_owner(viewer, limit, offset).await?)
    }

    /// # Errors
    /// As for [`ReportService::get`].
    #[tracing::instrument(level = "debug", name = "reports.download", skip_all)]
    pub async fn download(&self, viewer: UserId, id: ReportId) -> Result<Download, UseCaseError> {
        let report = self.get(viewer, id).await?;
        Ok(if report.status == ReportStatus::Succeeded { Download::Ready(report) } else { Download::NotReady(report) })
    }

    /// A page of a succeeded report's CSV lines (after [`ReportService::download`]
    /// checked access), `seq > after`.
    ///
    /// # Errors
    /// `Unexpected` only.
    #[tracing::instrument(level = "debug", name = "reports.result_lines", skip_all)]
    pub async fn result_lines(&self, id: ReportId, after: i64, limit: u64) -> Result<Vec<ResultLine>, UseCaseError> {
        Ok(self.reports.read_lines(id, after, limit).await?)
    }

    /// Deletes finished reports created before `cutoff`; returns how many.
    ///
    /// # Errors
    /// `Unexpected` only.
    #[tracing::instrument(level = "debug", name = "reports.purge_before", skip_all)]
    pub async fn purge_before(&self, cutoff: Timestamp) -> Result<u64, UseCaseError> {
        Ok(self.reports.purge_finished_before(cutoff).await?)
    }

    /// Deletes finished reports older than `age`; returns how many.
    ///
    /// # Errors
    /// `Unexpected` only.
    #[tracing::instrument(level = "debug", name = "reports.purge_older_than", skip_all)]
    pub async fn purge_older_than(&self, age: chrono::Duration) -> Result<u64, UseCaseError> {
        let cutoff = Timestamp::new(self.clock.now().as_datetime() - age);
        self.purge_before(cutoff).await
    }

    /// Starts an attempt for `job`, unless the report is gone, final, owned by another
    /// job (the recovery sweep re-enqueued it: see [`ReportService::requeue_stale`]), or
    /// has used its `max_attempts` (an attempt interrupted by a crash counts): then it is
    /// marked failed. `None` means there is nothing for this job to do.
    ///
    /// # Errors
    /// `Unexpected` when storage fails (the job should be retried by the queue).
    #[tracing::instrument(skip_all, fields(report = job.report_id))]
    pub async fn begin_attempt(&self, job: ReportJob, max_attempts: u32) -> Result<Option<Report>, UseCaseError> {
        let id = ReportId(job.report_id);
        let Some(report) = self.reports.find(id).await? else { return Ok(None) };
        if report.status.is_final() {
            return Ok(None);
        }
        if !self.reports.job_is_current(id, job.token).await? {
            tracing::info!(report = id.0, "duplicate job: the report belongs to a re-enqueued job");
            return Ok(None);
        }
        if report.attempts >= max_attempts {
            let error = report.error.clone().unwrap_or_else(|| "interrupted (worker stopped or crashed)".to_owned());
            let message = format!("gave up after {} attempts: {error}", report.attempts);
            self.reports.record_failure(id, report.attempts, &message, true, self.clock.now()).await?;
            return Ok(None);
        }
        match self.reports.start_attempt(id, job.token, self.clock.now()).await {
            Ok(report) => Ok(Some(report)),
            // Re-enqueued (or finished) between the checks above and the start.
            Err(RepoError::Conflict(_)) => Ok(None),
            Err(e) => Err(UseCaseError::from_repo("report")(e)),
        }
    }

    /// The recovery sweep: re-enqueues reports still `queued` that never started and
    /// were (re)queued more than `age` ago, at most `limit` per call. Such a report lost
    /// its job (the process died between storing the report and enqueueing it, or the
    /// queue lost it). Each is claimed with a new job token first, so concurrent sweeps
    /// enqueue it once, and the original job, if it was only slow, becomes a no-op.
    /// Returns how many were re-enqueued.
    ///
    /// # Errors
    /// `Unexpected` when storage or the queue fail (reports claimed but not enqueued are
    /// claimed again by a sweep after another `age`).
    #[tracing::instrument(level = "debug", name = "reports.requeue_stale", skip_all)]
    pub async fn requeue_stale(&self, age: chrono::Duration, limit: u64) -> Result<u64, UseCaseError> {
        let now = self.clock.now();
        let cutoff = Timestamp::new(now.as_datetime() - age);
        let mut requeued = 0;
        for id in self.reports.stale_queued(cutoff, limit).await? {
            let token = rand::random::<i64>();
            if !self.reports.claim_requeue(id, cutoff, token, now).await? {
                continue;
            }
            let job = ReportJob { report_id: id.0, token: Some(token) };
            self.queue.enqueue(job).await.map_err(|e| UseCaseError::Unexpected(e.context("re-enqueueing a report")))?;
            tracing::warn!(report = id.0, "report had no job: re-enqueued");
            requeued += 1;
        }
        Ok(requeued)
    }

    /// Records a failed attempt: final when `report` used its last attempt.
    ///
    /// # Errors
    /// `Conflict("attempt")` when a newer attempt has taken over (nothing recorded),
    /// `Unexpected` when storage fails.
    #[tracing::instrument(level = "debug", name = "reports.fail_attempt", skip_all)]
    pub async fn fail_attempt(
        &self,
        report: &Report,
        error: &str,
        max_attempts: u32,
    ) -> Result<AttemptOutcome, UseCaseError> {
        let last = report.attempts >= max_attempts;
        self.reports.record_failure(report.id, report.attempts, error, last, self.clock.now()).await?;
        Ok(if last { AttemptOutcome::GaveUp } else { AttemptOutcome::Retry { attempts: report.attempts } })
    }

    /// Generates `report` (started by [`ReportService::begin_attempt`]): streams the
    /// authors in keyset batches, writes one CSV line per active author, then the
    /// summary. Memory holds one batch at a time; lines are numbered, so a retry that
    /// restarts rewrites the same lines instead of adding to them.
    ///
    /// # Errors
    /// `Conflict("attempt")` when a newer attempt took over meanwhile (this one's
    /// outcome is discarded), `Unexpected` when reading data or writing results fails.
    #[tracing::instrument(skip_all, fields(report = report.id.0))]
    pub async fn generate(&self, report: &Report) -> Result<(), UseCaseError> {
        let only = match report.scope {
            ReportScope::Own => Some(report.owner),
            ReportScope::Site => None,
        };
        let total = self.data.count_authors(only).await?.max(1);
        let mut examined = 0_u64;
        let mut after = 0_i64;
        let mut seq = 1_i64;
        self.reports.write_lines(report.id, &[ResultLine { seq, line: CSV_HEADER.to_owned() }]).await?;
        let mut summary = Summary {
            authors: 0,
            articles_published: 0,
            favorites_received: 0,
            comments_received: 0,
            followers_gained: 0,
            top_tags: Vec::new(),
        };
        let mut progress = 0_u8;
        loop {
            let batch = self.data.activity_batch(only, report.range, after, self.policy.batch_size).await?;
            let Some(last) = batch.last() else { break };
            after = last.author.0;
            examined += batch.len() as u64;
            let mut lines = Vec::with_capacity(batch.len());
            for row in batch.iter().filter(|row| only.is_some() || is_active(row)) {
                seq += 1;
                summary.authors += 1;
                summary.articles_published += row.articles;
                summary.favorites_received += row.favorites;
                summary.comments_received += row.comments;
                summary.followers_gained += row.followers;
                lines.push(ResultLine { seq, line: csv_line(row) });
            }
            self.reports.write_lines(report.id, &lines).await?;
            let now = u8::try_from((examined * 100 / total).min(99)).unwrap_or(99);
            if now > progress {
                progress = now;
                self.reports.set_progress(report.id, progress, self.clock.now()).await?;
            }
            if (batch.len() as u64) < self.policy.batch_size {
                break;
            }
        }
        let tags = self.data.top_tags(only, report.range, self.policy.top_tags).await?;
        summary.top_tags = tags.into_iter().map(|(tag, count)| TagCount { tag, count }).collect();
        let summary = serde_json::to_string(&summary).map_err(|e| UseCaseError::Unexpected(e.into()))?;
        self.reports.succeed(report.id, report.attempts, summary, self.clock.now()).await?;
        Ok(())
    }
}

fn is_active(row: &AuthorActivity) -> bool {
    row.articles + row.favorites + row.comments + row.followers > 0
}

fn csv_line(row: &AuthorActivity) -> String {
    format!(
        "{},{},{},{},{},{}",
        row.author.0,
        csv_field(&row.username),
        row.articles,
        row.favorites,
        row.comments,
        row.followers
    )
}

/// Quotes a field holding a comma, quote or line break (RFC 4180).
fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, name: &str, counts: [u64; 4]) -> AuthorActivity {
        let [articles, favorites, comments, followers] = counts;
        AuthorActivity { author: UserId(id), username: name.to_owned(), articles, favorites, comments, followers }
    }

    #[test]
    fn csv_lines_quote_names_holding_commas_or_quotes() {
        assert_eq!(csv_line(&row(10, "ann", [2, 5, 1, 0])), "10,ann,2,5,1,0");
        assert_eq!(csv_line(&row(12, "o,dd", [1, 0, 0, 3])), "12,\"o,dd\",1,0,0,3");
        assert_eq!(csv_line(&row(13, "say \"hi\"", [0, 0, 0, 0])), "13,\"say \"\"hi\"\"\",0,0,0,0");
    }

    #[test]
    fn an_author_is_active_with_any_count_above_zero() {
        assert!(!is_active(&row(1, "idle", [0, 0, 0, 0])));
        assert!(is_active(&row(2, "fan", [0, 0, 0, 1])));
    }
}
