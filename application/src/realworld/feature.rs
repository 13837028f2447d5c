//! The RealWorld example's entry point: its ports in, its use cases out.

use std::sync::Arc;

use super::{
    ArticleRepository, ArticleService, CachedArticleRepository, CachedProfileRepository, CachedTagRepository,
    CommentRepository, CommentService, ProfileRepository, ProfileService, ReportDataSource, ReportPolicy, ReportQueue,
    ReportRepository, ReportService, TagRepository, TagService,
};
use crate::Platform;
use crate::accounts::Accounts;

/// The adapters the example needs.
#[derive(Clone)]
pub struct RealWorldPorts {
    pub profiles: Arc<dyn ProfileRepository>,
    pub articles: Arc<dyn ArticleRepository>,
    pub comments: Arc<dyn CommentRepository>,
    pub tags: Arc<dyn TagRepository>,
    pub reports: ReportPorts,
    pub lists: ListLimits,
}

/// The largest page of the lists that RealWorld returns whole (comments, tags); longer
/// lists continue with a cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListLimits {
    pub max_comments: u32,
    pub max_tags: u32,
}

impl Default for ListLimits {
    fn default() -> Self {
        Self { max_comments: 100, max_tags: 200 }
    }
}

/// The ports and limits of the report jobs.
#[derive(Clone)]
pub struct ReportPorts {
    pub records: Arc<dyn ReportRepository>,
    pub queue: Arc<dyn ReportQueue>,
    pub data: Arc<dyn ReportDataSource>,
    pub policy: ReportPolicy,
}

/// The example's use cases, cheap to clone.
#[derive(Clone)]
pub struct RealWorld {
    pub profiles: ProfileService,
    pub articles: ArticleService,
    pub comments: CommentService,
    pub tags: TagService,
    pub reports: ReportService,
}

impl RealWorld {
    /// The use cases, reading through the cache when the platform has one; reports read
    /// the accounts' users (the admin flag).
    pub fn new(ports: RealWorldPorts, accounts: &Accounts, platform: &Platform) -> Self {
        let RealWorldPorts { mut profiles, mut articles, comments, mut tags, reports, lists } = ports;
        if let Some(caching) = &platform.caching {
            let policy = platform.cache_policy;
            profiles = Arc::new(CachedProfileRepository::new(profiles, caching.clone(), policy));
            articles = Arc::new(CachedArticleRepository::new(articles, caching.clone(), policy));
            tags = Arc::new(CachedTagRepository::new(tags, caching.clone(), policy));
        }
        let clock = platform.clock.clone();
        Self {
            profiles: ProfileService::new(profiles),
            articles: ArticleService::new(articles.clone(), clock.clone()),
            comments: CommentService::new(articles, comments, clock.clone(), lists),
            tags: TagService::new(tags, lists),
            reports: ReportService::new(
                reports.records,
                reports.queue,
                reports.data,
                accounts.user_records.clone(),
                clock,
                reports.policy,
            ),
        }
    }
}
