//! Report records, their CSV lines, and the activity data reports are computed from.

use application::RepoError;
use application::realworld::{NewReportRecord, ReportRepository, ResultLine};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use domain::realworld::{DateRange, Report, ReportId, ReportKind, ReportScope, ReportStatus};
use domain::{Timestamp, UserId};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, QueryResult, TransactionTrait, Value};

use crate::db::sql::{DbResultExt, statement};

const COLUMNS: &str = "id, owner_id, kind, scope, range_from, range_to, status, progress, attempts, error, summary, \
    created_at, updated_at, started_at, finished_at";

/// Lines per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits.
const LINES_PER_INSERT: usize = 500;

fn corrupt(what: &str, value: &str) -> DbErr {
    DbErr::Custom(format!("reports row has an unknown {what} {value:?}"))
}

fn report_from_row(row: &QueryResult) -> Result<Report, DbErr> {
    let kind: String = row.try_get("", "kind")?;
    let scope: String = row.try_get("", "scope")?;
    let status: String = row.try_get("", "status")?;
    let time = |column: &str| row.try_get::<DateTime<Utc>>("", column).map(Timestamp::new);
    let optional_time = |column: &str| row.try_get::<Option<DateTime<Utc>>>("", column).map(|t| t.map(Timestamp::new));
    Ok(Report {
        id: ReportId(row.try_get("", "id")?),
        owner: UserId(row.try_get("", "owner_id")?),
        kind: ReportKind::parse(Some(&kind)).map_err(|_| corrupt("kind", &kind))?,
        scope: ReportScope::parse(Some(&scope)).map_err(|_| corrupt("scope", &scope))?,
        range: DateRange::from_trusted(
            row.try_get::<NaiveDate>("", "range_from")?,
            row.try_get::<NaiveDate>("", "range_to")?,
        ),
        status: ReportStatus::parse(&status).map_err(|_| corrupt("status", &status))?,
        progress: u8::try_from(row.try_get::<i32>("", "progress")?.clamp(0, 100)).unwrap_or(0),
        attempts: u32::try_from(row.try_get::<i32>("", "attempts")?).unwrap_or(0),
        error: row.try_get("", "error")?,
        summary: row.try_get("", "summary")?,
        created_at: time("created_at")?,
        updated_at: time("updated_at")?,
        started_at: optional_time("started_at")?,
        finished_at: optional_time("finished_at")?,
    })
}

/// [`ReportRepository`] on sea-orm (SQLite and PostgreSQL).
#[derive(Clone)]
pub struct SeaOrmReportRepository {
    db: DatabaseConnection,
}

impl SeaOrmReportRepository {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    async fn execute(&self, sql: &str, values: Vec<Value>) -> Result<u64, RepoError> {
        let stmt = statement(self.db.get_database_backend(), sql, values);
        Ok(self.db.execute_raw(stmt).await.or_unexpected()?.rows_affected())
    }

    async fn execute_one(&self, sql: &str, values: Vec<Value>) -> Result<(), RepoError> {
        if self.execute(sql, values).await? == 0 { Err(RepoError::NotFound) } else { Ok(()) }
    }

    /// An update guarded by `attempts = attempt`: no row means another attempt owns it.
    async fn execute_for_attempt(&self, sql: &str, values: Vec<Value>) -> Result<(), RepoError> {
        if self.execute(sql, values).await? == 0 { Err(RepoError::Conflict("attempt")) } else { Ok(()) }
    }
}

#[async_trait]
impl ReportRepository for SeaOrmReportRepository {
    async fn create(&self, new: NewReportRecord) -> Result<Report, RepoError> {
        let sql = format!(
            "INSERT INTO reports (owner_id, kind, scope, range_from, range_to, status, progress, attempts, \
             created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'queued', 0, 0, ?, ?) RETURNING {COLUMNS}"
        );
        let at = new.at.as_datetime();
        let values = vec![
            new.owner.0.into(),
            new.kind.as_str().into(),
            new.scope.as_str().into(),
            new.range.from().into(),
            new.range.to().into(),
            at.into(),
            at.into(),
        ];
        let row = self.db.query_one_raw(statement(self.db.get_database_backend(), &sql, values)).await;
        let row = row.or_unexpected()?.ok_or_else(|| anyhow::anyhow!("INSERT ... RETURNING returned no row"))?;
        report_from_row(&row).or_unexpected()
    }

    async fn find(&self, id: ReportId) -> Result<Option<Report>, RepoError> {
        let sql = format!("SELECT {COLUMNS} FROM reports WHERE id = ?");
        let row = self.db.query_one_raw(statement(self.db.get_database_backend(), &sql, vec![id.0.into()])).await;
        row.or_unexpected()?.map(|row| report_from_row(&row)).transpose().or_unexpected()
    }

    async fn list_by_owner(&self, owner: UserId, limit: u64, offset: u64) -> Result<(Vec<Report>, u64), RepoError> {
        let backend = self.db.get_database_backend();
        let sql = format!(
            "SELECT {COLUMNS} FROM reports WHERE owner_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?"
        );
        let values = vec![owner.0.into(), clamp(limit).into(), clamp(offset).into()];
        let rows = self.db.query_all_raw(statement(backend, &sql, values)).await.or_unexpected()?;
        let reports = rows.iter().map(report_from_row).collect::<Result<Vec<_>, _>>().or_unexpected()?;
        let count = "SELECT COUNT(*) AS total FROM reports WHERE owner_id = ?";
        let row = self.db.query_one_raw(statement(backend, count, vec![owner.0.into()])).await.or_unexpected()?;
        let total = row.map(|r| r.try_get::<i64>("", "total")).transpose().or_unexpected()?.unwrap_or(0);
        Ok((reports, u64::try_from(total).unwrap_or(0)))
    }

    async fn start_attempt(&self, id: ReportId, token: Option<i64>, at: Timestamp) -> Result<Report, RepoError> {
        let txn = self.db.begin().await.or_unexpected()?;
        let backend = txn.get_database_backend();
        // The token check is part of the update: a job the sweep superseded in between
        // cannot start an attempt.
        let update = "UPDATE reports SET status = 'running', attempts = attempts + 1, progress = 0, started_at = ?, \
                      updated_at = ? WHERE id = ? AND job_token IS NOT DISTINCT FROM ? \
                      AND status NOT IN ('succeeded', 'failed')";
        let values = vec![at.as_datetime().into(), at.as_datetime().into(), id.0.into(), token.into()];
        if txn.execute_raw(statement(backend, update, values)).await.or_unexpected()?.rows_affected() == 0 {
            let exists = "SELECT id FROM reports WHERE id = ?";
            let row = txn.query_one_raw(statement(backend, exists, vec![id.0.into()])).await.or_unexpected()?;
            return Err(if row.is_some() { RepoError::Conflict("job") } else { RepoError::NotFound });
        }
        // What an earlier, interrupted attempt wrote is discarded with the attempt.
        let clear = "DELETE FROM report_lines WHERE report_id = ?";
        txn.execute_raw(statement(backend, clear, vec![id.0.into()])).await.or_unexpected()?;
        let sql = format!("SELECT {COLUMNS} FROM reports WHERE id = ?");
        let row = txn.query_one_raw(statement(backend, &sql, vec![id.0.into()])).await.or_unexpected()?;
        let report = report_from_row(&row.ok_or(RepoError::NotFound)?).or_unexpected()?;
        txn.commit().await.or_unexpected()?;
        Ok(report)
    }

    async fn job_is_current(&self, id: ReportId, token: Option<i64>) -> Result<bool, RepoError> {
        let sql = "SELECT id FROM reports WHERE id = ? AND job_token IS NOT DISTINCT FROM ?";
        let row =
            self.db.query_one_raw(statement(self.db.get_database_backend(), sql, vec![id.0.into(), token.into()]));
        Ok(row.await.or_unexpected()?.is_some())
    }

    async fn stale_queued(&self, cutoff: Timestamp, limit: u64) -> Result<Vec<ReportId>, RepoError> {
        let sql = "SELECT id FROM reports WHERE status = 'queued' AND attempts = 0 AND updated_at < ? \
                   ORDER BY updated_at, id LIMIT ?";
        let values = vec![cutoff.as_datetime().into(), clamp(limit).into()];
        let rows = self.db.query_all_raw(statement(self.db.get_database_backend(), sql, values)).await;
        rows.or_unexpected()?
            .iter()
            .map(|row| row.try_get::<i64>("", "id").map(ReportId))
            .collect::<Result<_, DbErr>>()
            .or_unexpected()
    }

    async fn claim_requeue(
        &self,
        id: ReportId,
        cutoff: Timestamp,
        token: i64,
        at: Timestamp,
    ) -> Result<bool, RepoError> {
        let sql = "UPDATE reports SET job_token = ?, updated_at = ? \
                   WHERE id = ? AND status = 'queued' AND attempts = 0 AND updated_at < ?";
        let values = vec![token.into(), at.as_datetime().into(), id.0.into(), cutoff.as_datetime().into()];
        Ok(self.execute(sql, values).await? == 1)
    }

    async fn set_progress(&self, id: ReportId, progress: u8, at: Timestamp) -> Result<(), RepoError> {
        let sql = "UPDATE reports SET progress = ?, updated_at = ? WHERE id = ?";
        self.execute_one(sql, vec![i32::from(progress).into(), at.as_datetime().into(), id.0.into()]).await
    }

    async fn write_lines(&self, id: ReportId, lines: &[ResultLine]) -> Result<(), RepoError> {
        for chunk in lines.chunks(LINES_PER_INSERT) {
            let sql = format!(
                "INSERT INTO report_lines (report_id, seq, line) VALUES {} \
                 ON CONFLICT (report_id, seq) DO UPDATE SET line = excluded.line",
                vec!["(?, ?, ?)"; chunk.len()].join(", ")
            );
            let values = chunk
                .iter()
                .flat_map(|l| [Value::from(id.0), Value::from(l.seq), Value::from(l.line.clone())])
                .collect();
            self.execute(&sql, values).await?;
        }
        Ok(())
    }

    async fn read_lines(&self, id: ReportId, after: i64, limit: u64) -> Result<Vec<ResultLine>, RepoError> {
        let sql = "SELECT seq, line FROM report_lines WHERE report_id = ? AND seq > ? ORDER BY seq LIMIT ?";
        let values = vec![id.0.into(), after.into(), clamp(limit).into()];
        let rows = self.db.query_all_raw(statement(self.db.get_database_backend(), sql, values)).await;
        rows.or_unexpected()?
            .iter()
            .map(|row| Ok(ResultLine { seq: row.try_get("", "seq")?, line: row.try_get("", "line")? }))
            .collect::<Result<_, DbErr>>()
            .or_unexpected()
    }

    async fn succeed(&self, id: ReportId, attempt: u32, summary: String, at: Timestamp) -> Result<(), RepoError> {
        let sql = "UPDATE reports SET status = 'succeeded', progress = 100, summary = ?, error = NULL, \
                   finished_at = ?, updated_at = ? WHERE id = ? AND attempts = ?";
        let at = at.as_datetime();
        let values = vec![summary.into(), at.into(), at.into(), id.0.into(), i64::from(attempt).into()];
        self.execute_for_attempt(sql, values).await
    }

    async fn record_failure(
        &self,
        id: ReportId,
        attempt: u32,
        error: &str,
        last: bool,
        at: Timestamp,
    ) -> Result<(), RepoError> {
        let (status, finished) = if last { ("failed", Some(at.as_datetime())) } else { ("queued", None) };
        let sql = "UPDATE reports SET status = ?, error = ?, finished_at = ?, updated_at = ? \
                   WHERE id = ? AND attempts = ?";
        let values = vec![
            status.into(),
            error.into(),
            finished.into(),
            at.as_datetime().into(),
            id.0.into(),
            i64::from(attempt).into(),
        ];
        self.execute_for_attempt(sql, values).await
    }

    async fn purge_finished_before(&self, cutoff: Timestamp) -> Result<u64, RepoError> {
        // Lines go with their report (ON DELETE CASCADE).
        let sql = "DELETE FROM reports WHERE created_at < ? AND status IN ('succeeded', 'failed')";
        self.execute(sql, vec![cutoff.as_datetime().into()]).await
    }
}

/// Limits and offsets arrive as `u64`; both databases take a signed 64-bit integer.
fn clamp(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
