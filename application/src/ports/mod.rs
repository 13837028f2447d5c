//! Ports: what the use cases need from the outside world, stated as traits.
//!
//! Each trait documents what an adapter MUST guarantee. Adapters live in
//! `infrastructure`; in-memory fakes for tests live in `crate::fakes`.

//{% if realworld %} The RealWorld example's ports.
mod articles;
mod profiles;
mod reports;
//{% endif %} The ports every project has.
mod cache;
mod health;
mod ops;
mod security;
mod users;
mod welcome;

//{% if realworld %} The RealWorld example's ports.
pub use articles::{
    ArticlePage, ArticleRef, ArticleRepository, CommentRef, CommentRepository, NewArticleRecord, TagRepository,
    ViewerFlags,
};
pub use profiles::ProfileRepository;
pub use reports::{
    AuthorActivity, NewReportRecord, ReportDataSource, ReportJob, ReportQueue, ReportRepository, ResultLine,
};
//{% endif %} The ports every project has.
pub use cache::{Cache, CacheError};
pub use health::DependencyProbe;
pub use ops::{PoolMonitor, PoolStatus, WindowCount, WindowCounter};
pub use security::{Clock, PasswordHash, PasswordHasher, TokenError, TokenService};
pub use users::{NewUserRecord, UserRepository, UserUpdate};
pub use welcome::{WelcomeJob, WelcomeQueue, WelcomeRepository};
