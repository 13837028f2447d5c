//! In-memory report records, queue and data source.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use domain::realworld::{DateRange, Report, ReportId, ReportStatus};
use domain::{Timestamp, UserId};

use crate::RepoError;
use crate::realworld::{
    AuthorActivity, NewReportRecord, ReportDataSource, ReportJob, ReportQueue, ReportRepository, ResultLine,
};

#[derive(Default)]
struct State {
    next_id: i64,
    reports: BTreeMap<ReportId, Report>,
    tokens: BTreeMap<ReportId, i64>,
    lines: BTreeMap<(ReportId, i64), String>,
    jobs: Vec<ReportJob>,
    queue_down: bool,
    activity: Vec<AuthorActivity>,
    tags: Vec<(String, u64)>,
    batches: usize,
}

/// Report records, a queue that only records jobs, and canned activity data.
#[derive(Clone, Default)]
pub struct FakeReports {
    state: Arc<Mutex<State>>,
}

impl FakeReports {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Jobs enqueued so far.
    pub fn jobs(&self) -> Vec<ReportJob> {
        self.lock().jobs.clone()
    }

    /// Makes `enqueue` fail (`true`) or work again.
    pub fn set_queue_down(&self, down: bool) {
        self.lock().queue_down = down;
    }

    /// The activity rows the data source returns (any order; sorted by author id).
    pub fn set_activity(&self, mut rows: Vec<AuthorActivity>, tags: Vec<(String, u64)>) {
        rows.sort_by_key(|row| row.author);
        let mut state = self.lock();
        state.activity = rows;
        state.tags = tags;
    }

    /// How many batches the data source has served.
    pub fn batches(&self) -> usize {
        self.lock().batches
    }

    /// Every stored CSV line of `id`, in order.
    pub fn lines(&self, id: ReportId) -> Vec<String> {
        self.lock().lines.range((id, i64::MIN)..=(id, i64::MAX)).map(|(_, line)| line.clone()).collect()
    }

    fn update(&self, id: ReportId, f: impl FnOnce(&mut Report)) -> Result<(), RepoError> {
        let mut state = self.lock();
        let report = state.reports.get_mut(&id).ok_or(RepoError::NotFound)?;
        f(report);
        Ok(())
    }

    fn update_attempt(&self, id: ReportId, attempt: u32, f: impl FnOnce(&mut Report)) -> Result<(), RepoError> {
        let mut state = self.lock();
        match state.reports.get_mut(&id) {
            Some(report) if report.attempts == attempt => {
                f(report);
                Ok(())
            }
            _ => Err(RepoError::Conflict("attempt")),
        }
    }
}

fn is_stale(report: &Report, cutoff: Timestamp) -> bool {
    report.status == ReportStatus::Queued && report.attempts == 0 && report.updated_at < cutoff
}

#[async_trait]
impl ReportRepository for FakeReports {
    async fn create(&self, new: NewReportRecord) -> Result<Report, RepoError> {
        let mut state = self.lock();
        state.next_id += 1;
        let report = Report {
            id: ReportId(state.next_id),
            owner: new.owner,
            kind: new.kind,
            scope: new.scope,
            range: new.range,
            status: ReportStatus::Queued,
            progress: 0,
            attempts: 0,
            error: None,
            summary: None,
            created_at: new.at,
            updated_at: new.at,
            started_at: None,
            finished_at: None,
        };
        state.reports.insert(report.id, report.clone());
        Ok(report)
    }

    async fn find(&self, id: ReportId) -> Result<Option<Report>, RepoError> {
        Ok(self.lock().reports.get(&id).cloned())
    }

    async fn list_by_owner(&self, owner: UserId, limit: u64, offset: u64) -> Result<(Vec<Report>, u64), RepoError> {
        let state = self.lock();
        let mut own: Vec<Report> = state.reports.values().filter(|r| r.owner == owner).cloned().collect();
        own.sort_by_key(|r| std::cmp::Reverse((r.created_at, r.id)));
        let total = own.len() as u64;
        let page = own.into_iter().skip(offset as usize).take(limit as usize).collect();
        Ok((page, total))
    }

    async fn count_pending_by_owner(&self, owner: UserId) -> Result<u64, RepoError> {
        let state = self.lock();
        Ok(state.reports.values().filter(|r| r.owner == owner && !r.status.is_final()).count() as u64)
    }

    async fn start_attempt(&self, id: ReportId, token: Option<i64>, at: Timestamp) -> Result<Report, RepoError> {
        {
            let state = self.lock();
            let report = state.reports.get(&id).ok_or(RepoError::NotFound)?;
            if report.status.is_final() || state.tokens.get(&id).copied() != token {
                return Err(RepoError::Conflict("job"));
            }
        }
        self.update(id, |r| {
            r.status = ReportStatus::Running;
            r.attempts += 1;
            r.progress = 0;
            r.started_at = Some(at);
            r.updated_at = at;
        })?;
        let mut state = self.lock();
        state.lines.retain(|(report, _), _| *report != id);
        state.reports.get(&id).cloned().ok_or(RepoError::NotFound)
    }

    async fn job_is_current(&self, id: ReportId, token: Option<i64>) -> Result<bool, RepoError> {
        let state = self.lock();
        Ok(state.reports.contains_key(&id) && state.tokens.get(&id).copied() == token)
    }

    async fn stale_queued(&self, cutoff: Timestamp, limit: u64) -> Result<Vec<ReportId>, RepoError> {
        let state = self.lock();
        let mut stale: Vec<&Report> = state.reports.values().filter(|r| is_stale(r, cutoff)).collect();
        stale.sort_by_key(|r| (r.updated_at, r.id));
        Ok(stale.into_iter().take(limit as usize).map(|r| r.id).collect())
    }

    async fn claim_requeue(
        &self,
        id: ReportId,
        cutoff: Timestamp,
        token: i64,
        at: Timestamp,
    ) -> Result<bool, RepoError> {
        let mut state = self.lock();
        match state.reports.get_mut(&id) {
            Some(report) if is_stale(report, cutoff) => {
                report.updated_at = at;
                state.tokens.insert(id, token);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn set_progress(&self, id: ReportId, progress: u8, at: Timestamp) -> Result<(), RepoError> {
        self.update(id, |r| {
            r.progress = progress;
            r.updated_at = at;
        })
    }

    async fn write_lines(&self, id: ReportId, lines: &[ResultLine]) -> Result<(), RepoError> {
        let mut state = self.lock();
        for line in lines {
            state.lines.insert((id, line.seq), line.line.clone());
        }
        Ok(())
    }

    async fn read_lines(&self, id: ReportId, after: i64, limit: u64) -> Result<Vec<ResultLine>, RepoError> {
        let state = self.lock();
        Ok(state
            .lines
            .range((id, after + 1)..=(id, i64::MAX))
            .take(limit as usize)
            .map(|((_, seq), line)| ResultLine { seq: *seq, line: line.clone() })
            .collect())
    }

    async fn succeed(&self, id: ReportId, attempt: u32, summary: String, at: Timestamp) -> Result<(), RepoError> {
        self.update_attempt(id, attempt, |r| {
            r.status = ReportStatus::Succeeded;
            r.progress = 100;
            r.summary = Some(summary);
            r.error = None;
            r.finished_at = Some(at);
            r.updated_at = at;
        })
    }

    async fn record_failure(
        &self,
        id: ReportId,
        attempt: u32,
        error: &str,
        last: bool,
        at: Timestamp,
    ) -> Result<(), RepoError> {
        self.update_attempt(id, attempt, |r| {
            r.status = if last { ReportStatus::Failed } else { ReportStatus::Queued };
            r.error = Some(error.to_owned());
            r.updated_at = at;
            if last {
                r.finished_at = Some(at);
            }
        })
    }

    async fn purge_finished_before(&self, cutoff: Timestamp) -> Result<u64, RepoError> {
        let mut state = self.lock();
        let doomed: Vec<ReportId> =
            state.reports.values().filter(|r| r.status.is_final() && r.created_at < cutoff).map(|r| r.id).collect();
        for id in &doomed {
            state.reports.remove(id);
            state.lines.retain(|(report, _), _| report != id);
        }
        Ok(doomed.len() as u64)
    }
}

#[async_trait]
impl ReportQueue for FakeReports {
    async fn enqueue(&self, job: ReportJob) -> anyhow::Result<()> {
        let mut state = self.lock();
        if state.queue_down {
            anyhow::bail!("queue is down");
        }
        state.jobs.push(job);
        Ok(())
    }
}

#[async_trait]
impl ReportDataSource for FakeReports {
    async fn activity_batch(
        &self,
        only: Option<UserId>,
        _range: DateRange,
        after: i64,
        limit: u64,
    ) -> Result<Vec<AuthorActivity>, RepoError> {
        let mut state = self.lock();
        state.batches += 1;
        Ok(state
            .activity
            .iter()
            .filter(|row| row.author.0 > after && only.is_none_or(|user| user == row.author))
            .take(limit as usize)
            .cloned()
            .collect())
    }

    async fn count_authors(&self, only: Option<UserId>) -> Result<u64, RepoError> {
        Ok(if only.is_some() { 1 } else { self.lock().activity.len() as u64 })
    }

    async fn top_tags(
        &self,
        _only: Option<UserId>,
        _range: DateRange,
        limit: u64,
    ) -> Result<Vec<(String, u64)>, RepoError> {
        Ok(self.lock().tags.iter().take(limit as usize).cloned().collect())
    }
}
