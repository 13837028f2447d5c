//! The RealWorld example's adapters: repositories of profiles, articles, comments, tags
//! and reports (sea-orm on SQLite and PostgreSQL), the report data source and the report
//! job queue. Removed as a whole from projects generated with `realworld=false`.

mod articles;
mod comments;
mod flags;
mod profiles;
mod report_data;
mod report_queue;
mod reports;

use application::RepoError;
use sea_orm::{DbErr, SqlErr};

pub use articles::{SeaOrmArticleRepository, SeaOrmTagRepository};
pub use comments::SeaOrmCommentRepository;
pub use profiles::SeaOrmProfileRepository;
pub use report_data::SqlReportData;
pub use report_queue::{ApalisReportQueue, ReportStorage};
pub use reports::SeaOrmReportRepository;

/// Error mapping of the example's writes that refer to another row (a comment's article, a
/// favorite's article), beside the platform's `DbResultExt`.
pub(crate) trait MissingParentExt<T> {
    /// A foreign-key violation as `NotFound`: the row referred to was deleted between
    /// the caller's lookup and this write.
    fn missing_parent_is_not_found(self) -> Result<T, RepoError>;
}

impl<T> MissingParentExt<T> for Result<T, DbErr> {
    fn missing_parent_is_not_found(self) -> Result<T, RepoError> {
        self.map_err(|err| match err.sql_err() {
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => RepoError::NotFound,
            _ => crate::db::sql::unexpected(err),
        })
    }
}
