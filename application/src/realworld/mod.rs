//! The RealWorld ("Conduit") example: profiles and follows, articles, favorites, tags,
//! comments and activity reports, with their ports and cached reads. Removed as a whole
//! from projects generated with `realworld=false`.

mod articles;
pub mod cache;
mod comments;
#[cfg(feature = "test-fakes")]
pub mod fakes;
mod feature;
mod ports;
mod profiles;
mod reports;
mod tags;

pub use articles::{ArticleService, CreateArticleInput, UpdateArticleInput};
pub use cache::{CachedArticleRepository, CachedProfileRepository, CachedTagRepository};
pub use comments::{CommentPage, CommentService};
#[cfg(feature = "test-fakes")]
pub use fakes::FakeReportQueue;
pub use feature::{ListLimits, RealWorld, RealWorldPorts, ReportPorts};
pub use ports::{
    ArticlePage, ArticleRef, ArticleRepository, AuthorActivity, CommentRef, CommentRepository, NewArticleRecord,
    NewReportRecord, ProfileRepository, ReportDataSource, ReportJob, ReportQueue, ReportRepository, ResultLine,
    TagRepository, ViewerFlags,
};
pub use profiles::ProfileService;
pub use reports::{AttemptOutcome, CSV_HEADER, Download, ReportPolicy, ReportService, RequestReportInput};
pub use tags::{TagPage, TagService};
