//! Ports: what the use cases need from the outside world, stated as traits.
//!
//! Each trait documents what an adapter MUST guarantee. Adapters live in
//! `infrastructure`; in-memory fakes for tests live in `crate::fakes`.

mod articles;
mod cache;
mod health;
mod ops;
mod reports;
mod security;
mod users;
mod welcome;

pub use articles::{
    ArticlePage, ArticleRef, ArticleRepository, CommentRef, CommentRepository, NewArticleRecord, TagRepository,
    ViewerFlags,
};
pub use cache::{Cache, CacheError};
pub use health::DependencyProbe;
pub use ops::{PoolMonitor, PoolStatus, WindowCount, WindowCounter};
pub use reports::{
    AuthorActivity, NewReportRecord, ReportDataSource, ReportJob, ReportQueue, ReportRepository, ResultLine,
};
pub use security::{Clock, PasswordHash, PasswordHasher, TokenError, TokenService};
pub use users::{NewUserRecord, ProfileRepository, UserRepository, UserUpdate};
pub use welcome::{WelcomeJob, WelcomeQueue, WelcomeRepository};
