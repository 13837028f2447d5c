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

pub use articles::{SeaOrmArticleRepository, SeaOrmTagRepository};
pub use comments::SeaOrmCommentRepository;
pub use profiles::SeaOrmProfileRepository;
pub use report_data::SqlReportData;
pub use report_queue::{ApalisReportQueue, ReportStorage};
pub use reports::SeaOrmReportRepository;
