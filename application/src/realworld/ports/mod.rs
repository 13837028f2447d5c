//! The RealWorld example's ports: what an adapter MUST guarantee is stated on each trait.

mod articles;
mod profiles;
mod reports;

pub use articles::{
    ArticlePage, ArticleRef, ArticleRepository, CommentRef, CommentRepository, NewArticleRecord, TagRepository,
    ViewerFlags,
};
pub use profiles::ProfileRepository;
pub use reports::{
    AuthorActivity, NewReportRecord, ReportDataSource, ReportJob, ReportQueue, ReportRepository, ResultLine,
};
