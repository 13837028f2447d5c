//! Every feature's use cases, assembled from their ports by the composition root.

use std::sync::Arc;

//{% if realworld %} The RealWorld example's ports.
use crate::realworld::{
    ArticleRepository, ArticleService, CommentRepository, CommentService, ProfileRepository, ProfileService,
    ReportDataSource, ReportPolicy, ReportQueue, ReportRepository, ReportService, TagRepository, TagService,
};
//{% endif %} The ports every project has.
use crate::accounts::{UserRepository, UserService, WelcomeQueue, WelcomeRepository, WelcomeService};
use crate::ports::{Clock, PasswordHasher, TokenService};

/// Every port the use cases need, as built by the composition root.
#[derive(Clone)]
pub struct Ports {
    pub users: Arc<dyn UserRepository>,
    //{% if realworld %} The RealWorld example's repositories and report jobs.
    pub profiles: Arc<dyn ProfileRepository>,
    pub articles: Arc<dyn ArticleRepository>,
    pub comments: Arc<dyn CommentRepository>,
    pub tags: Arc<dyn TagRepository>,
    pub reports: ReportPorts,
    //{% endif %} Security, time and the welcome job, used by every project.
    pub hasher: Arc<dyn PasswordHasher>,
    pub tokens: Arc<dyn TokenService>,
    pub clock: Arc<dyn Clock>,
    pub welcome: WelcomePorts,
}

/// The ports of the welcome job.
#[derive(Clone)]
pub struct WelcomePorts {
    pub records: Arc<dyn WelcomeRepository>,
    pub queue: Arc<dyn WelcomeQueue>,
}

//{% if realworld %} The ports and limits of the RealWorld example's report jobs.
#[derive(Clone)]
pub struct ReportPorts {
    pub records: Arc<dyn ReportRepository>,
    pub queue: Arc<dyn ReportQueue>,
    pub data: Arc<dyn ReportDataSource>,
    pub policy: ReportPolicy,
}

//{% endif %} All use cases, cheap to clone (every field is a handful of `Arc`s).
#[derive(Clone)]
pub struct Services {
    pub users: UserService,
    pub welcome: WelcomeService,
    //{% if realworld %} The RealWorld example's use cases.
    pub profiles: ProfileService,
    pub articles: ArticleService,
    pub comments: CommentService,
    pub tags: TagService,
    pub reports: ReportService,
    //{% endif %} Token verification, for the HTTP layer's auth extractor.
    pub tokens: Arc<dyn TokenService>,
}

impl Services {
    pub fn new(ports: Ports) -> Self {
        let welcome = WelcomeService::new(ports.welcome.records, ports.welcome.queue, ports.clock.clone());
        Self {
            users: UserService::new(ports.users.clone(), ports.hasher.clone(), ports.tokens.clone(), welcome.clone()),
            welcome,
            //{% if realworld %} The RealWorld example's use cases.
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
            //{% endif %} Shared with the HTTP layer's auth extractor.
            tokens: ports.tokens,
        }
    }
}
