//! Reports: their records, the data they are computed from, and the job queue that
//! hands them to a worker.

use async_trait::async_trait;
use domain::realworld::{DateRange, Report, ReportId, ReportKind, ReportScope};
use domain::{Timestamp, UserId};
use serde::{Deserialize, Serialize};

use crate::RepoError;

/// The payload of a report job: the id, and the token of a job re-enqueued by the
/// recovery sweep; the worker reads everything else from the report record, so a job
/// never carries stale or large data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportJob {
    pub report_id: i64,
    /// `None` for the job enqueued with the request. The sweep gives the report a new
    /// token and enqueues a job carrying it; from then on only that job may start the
    /// report, so an original job that was merely slow becomes a harmless no-op.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<i64>,
}

impl ReportJob {
    /// The job enqueued with the request.
    pub fn new(report_id: i64) -> Self {
        Self { report_id, token: None }
    }
}

/// Hands report jobs to workers.
#[async_trait]
pub trait ReportQueue: Send + Sync {
    /// Durably enqueues `job`; when this returns `Ok` the job survives a crash of this
    /// process and will be delivered to a worker at least once.
    ///
    /// # Errors
    /// The queue is unreachable; the job may or may not have been enqueued.
    async fn enqueue(&self, job: ReportJob) -> anyhow::Result<()>;
}

/// A new report record.
#[derive(Debug, Clone)]
pub struct NewReportRecord {
    pub owner: UserId,
    pub kind: ReportKind,
    pub scope: ReportScope,
    pub range: DateRange,
    pub at: Timestamp,
}

/// One line of a report's CSV result, numbered from 1 in output order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultLine {
    pub seq: i64,
    pub line: String,
}

/// Report records and their results, in the application database.
#[async_trait]
pub trait ReportRepository: Send + Sync {
    /// Stores a new report with status `queued`, progress 0 and no attempts.
    async fn create(&self, new: NewReportRecord) -> Result<Report, RepoError>;

    async fn find(&self, id: ReportId) -> Result<Option<Report>, RepoError>;

    /// `owner`'s reports, newest first (`created_at`, then id), and their total count.
    async fn list_by_owner(&self, owner: UserId, limit: u64, offset: u64) -> Result<(Vec<Report>, u64), RepoError>;

    /// How many of `owner`'s reports are `queued` or `running`. MUST be one count query
    /// (it runs on every report request, to enforce the per-user quota).
    async fn count_pending_by_owner(&self, owner: UserId) -> Result<u64, RepoError>;

    /// Starts a generation attempt for the job holding `token`: status `running`,
    /// `attempts + 1`, progress 0, `started_at = at`; deletes any result lines a previous
    /// attempt left, so the new attempt overwrites rather than appends. Returns the
    /// updated report. MUST map an unknown id to `NotFound`, and MUST return
    /// `Conflict("job")` (changing nothing) when the report's job token is not `token`
    /// (`None` matches only `None`) or the report is final, checked in the same
    /// statement as the update: a superseded job must never start an attempt.
    async fn start_attempt(&self, id: ReportId, token: Option<i64>, at: Timestamp) -> Result<Report, RepoError>;

    /// Whether `token` is the report's current job token (`None` matches only `None`);
    /// `false` for an unknown report.
    async fn job_is_current(&self, id: ReportId, token: Option<i64>) -> Result<bool, RepoError>;

    /// Reports still `queued` that never started (`attempts = 0`) and were last
    /// (re)queued before `cutoff` (`updated_at`), oldest first, at most `limit`.
    async fn stale_queued(&self, cutoff: Timestamp, limit: u64) -> Result<Vec<ReportId>, RepoError>;

    /// Claims a stale report for re-enqueueing: sets its job token to `token` and
    /// `updated_at = at`, only if it is still queued, never started and last (re)queued
    /// before `cutoff`. Returns whether it was claimed. MUST be one conditional update,
    /// so that of several workers sweeping at once exactly one claims each report.
    async fn claim_requeue(
        &self,
        id: ReportId,
        cutoff: Timestamp,
        token: i64,
        at: Timestamp,
    ) -> Result<bool, RepoError>;

    async fn set_progress(&self, id: ReportId, progress: u8, at: Timestamp) -> Result<(), RepoError>;

    /// Appends result lines. MUST be idempotent per `(id, seq)`: writing a line with a
    /// sequence number that exists replaces it, never duplicates it.
    async fn write_lines(&self, id: ReportId, lines: &[ResultLine]) -> Result<(), RepoError>;

    /// Result lines with `seq > after`, in order, at most `limit`.
    async fn read_lines(&self, id: ReportId, after: i64, limit: u64) -> Result<Vec<ResultLine>, RepoError>;

    /// Status `succeeded`, progress 100, the summary stored, the error cleared, if the
    /// report is still at attempt number `attempt`. MUST return `Conflict("attempt")`
    /// (and change nothing) when a newer attempt has started meanwhile: a worker that
    /// lost its lease must not overwrite the outcome of the one that took over.
    async fn succeed(&self, id: ReportId, attempt: u32, summary: String, at: Timestamp) -> Result<(), RepoError>;

    /// Records why attempt number `attempt` failed. `last = true`: status `failed` for
    /// good; otherwise status `queued` again, waiting for the retry. MUST return
    /// `Conflict("attempt")` (and change nothing) when the report has moved on to
    /// another attempt.
    async fn record_failure(
        &self,
        id: ReportId,
        attempt: u32,
        error: &str,
        last: bool,
        at: Timestamp,
    ) -> Result<(), RepoError>;

    /// Deletes reports (and their results) created before `cutoff` whose status is
    /// final; returns how many.
    async fn purge_finished_before(&self, cutoff: Timestamp) -> Result<u64, RepoError>;
}

/// One author's activity in the report's range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorActivity {
    pub author: UserId,
    pub username: String,
    pub articles: u64,
    pub favorites: u64,
    pub comments: u64,
    pub followers: u64,
}

/// The data activity reports are computed from.
#[async_trait]
pub trait ReportDataSource: Send + Sync {
    /// Activity of the users with id greater than `after` (keyset iteration), ascending
    /// by id, at most `limit` users examined; `only` restricts to one user. Returns the
    /// users examined (even those without activity, so the caller can advance the
    /// key) — adapters MUST NOT load more than `limit` users at once.
    async fn activity_batch(
        &self,
        only: Option<UserId>,
        range: DateRange,
        after: i64,
        limit: u64,
    ) -> Result<Vec<AuthorActivity>, RepoError>;

    /// How many users an iteration will examine (for progress), for `only` or everyone.
    async fn count_authors(&self, only: Option<UserId>) -> Result<u64, RepoError>;

    /// The `limit` most used tags on articles published in the range (by `only`, if
    /// set), most used first, ties by name.
    async fn top_tags(
        &self,
        only: Option<UserId>,
        range: DateRange,
        limit: u64,
    ) -> Result<Vec<(String, u64)>, RepoError>;
}
