//! Report records, their CSV lines, and the activity data reports are computed from.

use application::RepoError;
use application::realworld::{NewReportRecord, ReportRepository, ResultLine};
use async_trait::async_trait;
use domain::realworld::{DateRange, Report, ReportId, ReportKind, ReportScope, ReportStatus};
use domain::{Timestamp, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait, Value,
};

use crate::db::sql::DbResultExt;

/// The `reports` table (`m20261122_000003_create_reports`, `job_token` from `..._000004`).
mod records {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "reports")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub owner_id: i64,
        pub kind: String,
        pub scope: String,
        pub range_from: Date,
        pub range_to: Date,
        pub status: String,
        pub progress: i32,
        pub attempts: i32,
        pub error: Option<String>,
        pub summary: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub started_at: Option<DateTimeUtc>,
        pub finished_at: Option<DateTimeUtc>,
        pub job_token: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `report_lines` table: one row per CSV line, keyed by (report, line number).
mod lines {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "report_lines")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub report_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i64,
        pub line: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

use lines::Column as Line;
use records::Column as R;

/// Lines per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits.
const LINES_PER_INSERT: usize = 500;

/// Statuses a report never leaves.
const FINISHED: [&str; 2] = ["succeeded", "failed"];

fn corrupt(what: &str, value: &str) -> DbErr {
    DbErr::Custom(format!("reports row has an unknown {what} {value:?}"))
}

impl TryFrom<records::Model> for Report {
    type Error = DbErr;

    fn try_from(row: records::Model) -> Result<Self, DbErr> {
        Ok(Report {
            id: ReportId(row.id),
            owner: UserId(row.owner_id),
            kind: ReportKind::parse(Some(&row.kind)).map_err(|_| corrupt("kind", &row.kind))?,
            scope: ReportScope::parse(Some(&row.scope)).map_err(|_| corrupt("scope", &row.scope))?,
            range: DateRange::from_trusted(row.range_from, row.range_to),
            status: ReportStatus::parse(&row.status).map_err(|_| corrupt("status", &row.status))?,
            progress: u8::try_from(row.progress.clamp(0, 100)).unwrap_or(0),
            attempts: u32::try_from(row.attempts).unwrap_or(0),
            error: row.error,
            summary: row.summary,
            created_at: Timestamp::new(row.created_at),
            updated_at: Timestamp::new(row.updated_at),
            started_at: row.started_at.map(Timestamp::new),
            finished_at: row.finished_at.map(Timestamp::new),
        })
    }
}

/// `job_token IS NOT DISTINCT FROM token`: the job the report expects (`None` for the
/// one enqueued with the request, until the recovery sweep gives it a token).
fn token_is(token: Option<i64>) -> SimpleExpr {
    match token {
        Some(token) => R::JobToken.eq(token),
        None => R::JobToken.is_null(),
    }
}

/// A bound `NULL` of the column's type (PostgreSQL wants it typed).
fn null_text() -> Expr {
    Expr::value(Value::String(None))
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

    /// Runs a guarded update of one report; how many rows it changed.
    async fn update(&self, id: ReportId, set: Vec<(R, Expr)>, guard: Option<SimpleExpr>) -> Result<u64, RepoError> {
        let mut update = records::Entity::update_many().filter(R::Id.eq(id.0));
        for (column, value) in set {
            update = update.col_expr(column, value);
        }
        if let Some(guard) = guard {
            update = update.filter(guard);
        }
        Ok(update.exec(&self.db).await.or_unexpected()?.rows_affected)
    }

    /// An update guarded by `attempts = attempt`: no row means another attempt owns it.
    async fn update_for_attempt(&self, id: ReportId, attempt: u32, set: Vec<(R, Expr)>) -> Result<(), RepoError> {
        let guard = R::Attempts.eq(i64::from(attempt));
        if self.update(id, set, Some(guard)).await? == 0 { Err(RepoError::Conflict("attempt")) } else { Ok(()) }
    }
}

#[async_trait]
impl ReportRepository for SeaOrmReportRepository {
    #[tracing::instrument(level = "debug", name = "ReportRepository.create", skip_all)]
    async fn create(&self, new: NewReportRecord) -> Result<Report, RepoError> {
        let at = new.at.as_datetime();
        let row = records::ActiveModel {
            owner_id: Set(new.owner.0),
            kind: Set(new.kind.as_str().to_owned()),
            scope: Set(new.scope.as_str().to_owned()),
            range_from: Set(new.range.from()),
            range_to: Set(new.range.to()),
            status: Set("queued".to_owned()),
            progress: Set(0),
            attempts: Set(0),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        };
        Report::try_from(row.insert(&self.db).await.or_unexpected()?).or_unexpected()
    }

    #[tracing::instrument(level = "debug", name = "ReportRepository.find", skip_all)]
    async fn find(&self, id: ReportId) -> Result<Option<Report>, RepoError> {
        let row = records::Entity::find_by_id(id.0).one(&self.db).await.or_unexpected()?;
        row.map(Report::try_from).transpose().or_unexpected()
    }

    #[tracing::instrument(level = "debug", name = "ReportRepository.list_by_owner", skip_all)]
    async fn list_by_owner(&self, owner: UserId, limit: u64, offset: u64) -> Result<(Vec<Report>, u64), RepoError> {
        let mine = records::Entity::find().filter(R::OwnerId.eq(owner.0));
        let rows = mine
            .clone()
            .order_by_desc(R::CreatedAt)
            .order_by_desc(R::Id)
            .limit(limit)
            .offset(offset)
            .all(&self.db)
            .await
            .or_unexpected()?;
        let reports = rows.into_iter().map(Report::try_from).collect::<Result<Vec<_>, _>>().or_unexpected()?;
        let total = mine.count(&self.db).await.or_unexpected()?;
        Ok((reports, total))
    }

    #[tracing::instrument(level = "debug", name = "ReportRepository.count_pending_by_owner", skip_all)]
    async fn count_pending_by_owner(&self, owner: UserId) -> Result<u64, RepoError> {
        records::Entity::find()
            .filter(R::OwnerId.eq(owner.0))
            .filter(R::Status.is_in([ReportStatus::Queued.as_str(), ReportStatus::Running.as_str()]))
            .count(&self.db)
            .await
            .or_unexpected()
    }

    #[tracing::instrument(level = "debug", name = "ReportRepository.start_attempt", skip_all)]
    async fn start_attempt(&self, id: ReportId, token: Option<i64>, at: Timestamp) -> Result<Report, RepoError> {
        let txn = self.db.begin().await.or_unexpected()?;
        let at = at.as_datetime();
        // The token check is part of the update: a job the sweep superseded in between
        // cannot start an attempt.
        let started = records::Entity::update_many()
            .col_expr(R::Status, Expr::value("running"))
            .col_expr(R::Attempts, Expr::col(R::Attempts).add(1))
            .col_expr(R::Progress, Expr::value(0))
            .col_expr(R::StartedAt, Expr::value(at))
            .col_expr(R::UpdatedAt, Expr::value(at))
            .filter(R::Id.eq(id.0))
            .filter(token_is(token))
            .filter(R::Status.is_not_in(FINISHED))
            .exec(&txn)
            .await
            .or_unexpected()?;
        if started.rows_affected == 0 {
            let exists = records::Entity::find_by_id(id.0).select_only().column(R::Id).into_tuple::<i64>();
            let exists = exists.one(&txn).await.or_unexpected()?.is_some();
            return Err(if exists { RepoError::Conflict("job") } else { RepoError::NotFound });
        }
        // What an earlier, interrupted attempt wrote is discarded with the attempt.
        lines::Entity::delete_many().filter(Line::ReportId.eq(id.0)).exec(&txn).await.or_unexpected()?;
        let row = records::Entity::find_by_id(id.0).one(&txn).await.or_unexpected()?;
        let report = Report::try_from(row.ok_or(RepoError::NotFound)?).or_unexpected()?;
        txn.commit().await.or_unexpected()?;
        Ok(report)
    }

    #[tracing::instrument(level = "debug", name = "ReportRepository.job_is_current", skip_all)]
    async fn job_is_current(&self, id: ReportId, token: Option<i64>) -> Result<bool, RepoError> {
        let current = records::Entity::find_by_id(id.0).filter(token_is(token)).select_only().column(R::Id);
        Ok(current.into_tuple::<i64>().one(&self.db).await.or_unexpected()?.is_some())
    }

    #[tracing::instrument(level = "debug", name = "ReportRepository.stale_queued", skip_all)]
    async fn stale_queued(&self, cutoff: Timestamp, limit: u64) -> Result<Vec<ReportId>, RepoError> {
        let ids = records::Entity::find()
            .select_only()
            .column(R::Id)
            .filter(R::Status.eq("queued"))
            .filter(R::Attempts.eq(0))
            .filter(R::UpdatedAt.lt(cutoff.as_datetime()))
            .order_by_asc(R::UpdatedAt)
            .order_by_asc(R::Id)
            .limit(limit)
            .into_tuple::<i64>()
            .all(&self.db)
            .await
            .or_unexpected()?;
        Ok(ids.into_iter().map(ReportId).collect())
    }

    #[tracing::instrument(level = "debug", name = "ReportRepository.claim_requeue", skip_all)]
    async fn claim_requeue(
        &self,
        id: ReportId,
        cutoff: Timestamp,
        token: i64,
        at: Timestamp,
    ) -> Result<bool, RepoError> {
        let set = vec![(R::JobToken, Expr::value(token)), (R::UpdatedAt, Expr::value(at.as_datetime()))];
        let guard = R::Status.eq("queued").and(R::Attempts.eq(0)).and(R::UpdatedAt.lt(cutoff.as_datetime()));
        Ok(self.update(id, set, Some(guard)).await? == 1)
    }

    #[tracing::instrument(level = "debug", name = "ReportRepository.set_progress", skip_all)]
    async fn set_progress(&self, id: ReportId, progress: u8, at: Timestamp) -> Result<(), RepoError> {
        let set = vec![(R::Progress, Expr::value(i32::from(progress))), (R::UpdatedAt, Expr::value(at.as_datetime()))];
        if self.update(id, set, None).await? == 0 { Err(RepoError::NotFound) } else { Ok(()) }
    }

    #[tracing::instrument(level = "debug", name = "ReportRepository.write_lines", skip_all)]
    async fn write_lines(&self, id: ReportId, lines: &[ResultLine]) -> Result<(), RepoError> {
        for chunk in lines.chunks(LINES_PER_INSERT) {
            let rows = chunk.iter().map(|l| lines::ActiveModel {
                report_id: Set(id.0),
                seq: Set(l.seq),
                line: Set(l.line.clone()),
            });
            // A retried write of the same attempt replaces its lines.
            let upsert = OnConflict::columns([Line::ReportId, Line::Seq]).update_column(Line::Line).to_owned();
            lines::Entity::insert_many(rows)
                .on_conflict(upsert)
                .exec_without_returning(&self.db)
                .await
                .or_unexpected()?;
        }
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "ReportRepository.read_lines", skip_all)]
    async fn read_lines(&self, id: ReportId, after: i64, limit: u64) -> Result<Vec<ResultLine>, RepoError> {
        let rows = lines::Entity::find()
            .filter(Line::ReportId.eq(id.0))
            .filter(Line::Seq.gt(after))
            .order_by_asc(Line::Seq)
            .limit(limit)
            .all(&self.db)
            .await
            .or_unexpected()?;
        Ok(rows.into_iter().map(|row| ResultLine { seq: row.seq, line: row.line }).collect())
    }

    #[tracing::instrument(level = "debug", name = "ReportRepository.succeed", skip_all)]
    async fn succeed(&self, id: ReportId, attempt: u32, summary: String, at: Timestamp) -> Result<(), RepoError> {
        let at = at.as_datetime();
        let set = vec![
            (R::Status, Expr::value("succeeded")),
            (R::Progress, Expr::value(100)),
            (R::Summary, Expr::value(summary)),
            (R::Error, null_text()),
            (R::FinishedAt, Expr::value(at)),
            (R::UpdatedAt, Expr::value(at)),
        ];
        self.update_for_attempt(id, attempt, set).await
    }

    #[tracing::instrument(level = "debug", name = "ReportRepository.record_failure", skip_all)]
    async fn record_failure(
        &self,
        id: ReportId,
        attempt: u32,
        error: &str,
        last: bool,
        at: Timestamp,
    ) -> Result<(), RepoError> {
        let (status, finished) = if last { ("failed", Some(at.as_datetime())) } else { ("queued", None) };
        let set = vec![
            (R::Status, Expr::value(status)),
            (R::Error, Expr::value(error)),
            (R::FinishedAt, Expr::value(finished)),
            (R::UpdatedAt, Expr::value(at.as_datetime())),
        ];
        self.update_for_attempt(id, attempt, set).await
    }

    #[tracing::instrument(level = "debug", name = "ReportRepository.purge_finished_before", skip_all)]
    async fn purge_finished_before(&self, cutoff: Timestamp) -> Result<u64, RepoError> {
        // Lines go with their report (ON DELETE CASCADE).
        let purged = records::Entity::delete_many()
            .filter(R::CreatedAt.lt(cutoff.as_datetime()))
            .filter(R::Status.is_in(FINISHED))
            .exec(&self.db)
            .await
            .or_unexpected()?;
        Ok(purged.rows_affected)
    }
}
