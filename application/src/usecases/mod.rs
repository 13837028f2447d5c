//! Use cases, one method per API operation, grouped by the resource they act on.

mod articles;
mod comments;
mod profiles;
mod reports;
mod tags;
mod users;

use std::sync::Arc;

use crate::ports::{
    ArticleRepository, Clock, CommentRepository, PasswordHasher, ProfileRepository, ReportDataSource, ReportQueue,
    ReportRepository, TagRepository, TokenService, UserRepository,
};

pub use articles::{ArticleService, CreateArticleInput, UpdateArticleInput};
pub use comments::CommentService;
pub use profiles::ProfileService;
pub use reports::{AttemptOutcome, CSV_HEADER, Download, ReportPolicy, ReportService, RequestReportInput};
pub use tags::TagService;
pub use users::{AuthenticatedUser, LoginInput, RegisterInput, UpdateUserInput, UserService};

/// Every port the use cases need, as built by the composition root.
#[derive(Clone)]
pub struct Ports {
    pub users: Arc<dyn UserRepository>,
    pub profiles: Arc<dyn ProfileRepository>,
    pub articles: Arc<dyn ArticleRepository>,
    pub comments: Arc<dyn CommentRepository>,
    pub tags: Arc<dyn TagRepository>,
    pub hasher: Arc<dyn PasswordHasher>,
    pub tokens: Arc<dyn TokenService>,
    pub clock: Arc<dyn Clock>,
    pub reports: ReportPorts,
}

/// The ports and limits of report jobs.
#[derive(Clone)]
pub struct ReportPorts {
    pub records: Arc<dyn ReportRepository>,
    pub queue: Arc<dyn ReportQueue>,
    pub data: Arc<dyn ReportDataSource>,
    pub policy: ReportPolicy,
}

/// All use cases, cheap to clone (every field is a handful of `Arc`s).
#[derive(Clone)]
pub struct Services {
    pub users: UserService,
    pub profiles: ProfileService,
    pub articles: ArticleService,
    pub comments: CommentService,
    pub tags: TagService,
    pub reports: ReportService,
    pub tokens: Arc<dyn TokenService>,
}

impl Services {
    pub fn new(ports: Ports) -> Self {
        Self {
            users: UserService::new(ports.users.clone(), ports.hasher.clone(), ports.tokens.clone()),
            profiles: ProfileService::new(ports.profiles.clone()),
            articles: ArticleService::new(ports.articles.clone(), ports.clock.clone()),
            comments: CommentService::new(ports.articles.clone(), ports.comments.clone(), ports.clock.clone()),
            tags: TagService::new(ports.tags.clone()),
            reports: ReportService::new(
                ports.reports.records,
                ports.reports.queue,
                ports.reports.data,
                ports.users.clone(),
                ports.clock.clone(),
                ports.reports.policy,
            ),
            tokens: ports.tokens,
        }
    }
}
