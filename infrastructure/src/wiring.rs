//! The composition root: builds pools, adapters and use cases from [`Settings`].
//! Every binary starts here, so there is one place that decides what runs.

use std::sync::Arc;

use application::ports::{DependencyProbe, PoolMonitor, ReportQueue};
use application::usecases::ReportPorts;
use application::{Ports, Services};
use redis::aio::ConnectionManager;
use sea_orm::DatabaseConnection;

use crate::clock::SystemClock;
use crate::db::{
    self, SeaOrmArticleRepository, SeaOrmCommentRepository, SeaOrmProfileRepository, SeaOrmReportRepository,
    SeaOrmTagRepository, SeaOrmUserRepository, SqlReportData,
};
use crate::jobs::{ApalisReportQueue, QueueProbe, ReportStorage};
use crate::probes::{DatabaseProbe, RedisProbe};
use crate::security::{Argon2Hasher, JwtTokens};
use crate::settings::Settings;

/// Everything a binary needs to serve requests.
pub struct App {
    pub services: Services,
    pub db: DatabaseConnection,
    /// The process's shared Redis connection, when Redis is configured.
    pub redis: Option<ConnectionManager>,
    /// What `/ready` checks: every dependency this process was wired with.
    pub probes: Vec<Arc<dyn DependencyProbe>>,
    /// The database pool's state, for `/admin/db-pool-status` and the pool gauges.
    pub pool: Arc<dyn PoolMonitor>,
    /// The report job queue (the worker consumes it).
    pub jobs: ReportStorage,
    /// One line saying which backends are in use, for the start-up log.
    pub backends: String,
}

/// Connects to the database, migrates it when configured to, and wires the use cases.
///
/// # Errors
/// The database cannot be reached or migrated, or a setting is unusable.
pub async fn build(settings: &Settings) -> anyhow::Result<App> {
    let db = db::connect(&settings.database).await?;
    if settings.database.migrate_on_start {
        db::run_migrations(&db).await?;
    }
    let redis = crate::redis::connect(&settings.redis)?;
    let jobs = ReportStorage::open(settings, &db).await?;
    let queue = Arc::new(ApalisReportQueue::new(jobs.clone()));
    let services = services_with(db.clone(), settings, redis.as_ref(), queue)?;
    let mut probes: Vec<Arc<dyn DependencyProbe>> =
        vec![Arc::new(DatabaseProbe::new(db.clone())), Arc::new(QueueProbe::new(jobs.clone()))];
    if let Some(redis) = &redis {
        probes.push(Arc::new(RedisProbe::new(redis.clone())));
    }
    let pool = Arc::new(db::SqlxPoolMonitor::new(db.clone()));
    Ok(App { services, db, redis, probes, pool, jobs, backends: describe(settings) })
}

/// Wires the use cases on an open database connection and a report queue, with its own
/// Redis connection when one is configured (for tests and tools; binaries use [`build`]).
///
/// # Errors
/// Invalid password-hashing parameters or Redis URL.
pub fn services(db: DatabaseConnection, settings: &Settings, queue: Arc<dyn ReportQueue>) -> anyhow::Result<Services> {
    let redis = crate::redis::connect(&settings.redis)?;
    services_with(db, settings, redis.as_ref(), queue)
}

/// Wires the use cases on an open database connection, the process's Redis connection
/// and a report queue; the read cache decorates the repositories unless it is turned off.
///
/// # Errors
/// Invalid password-hashing parameters.
pub fn services_with(
    db: DatabaseConnection,
    settings: &Settings,
    redis: Option<&ConnectionManager>,
    queue: Arc<dyn ReportQueue>,
) -> anyhow::Result<Services> {
    let mut ports = Ports {
        users: Arc::new(SeaOrmUserRepository::new(db.clone())),
        profiles: Arc::new(SeaOrmProfileRepository::new(db.clone())),
        articles: Arc::new(SeaOrmArticleRepository::new(db.clone())),
        comments: Arc::new(SeaOrmCommentRepository::new(db.clone())),
        tags: Arc::new(SeaOrmTagRepository::new(db.clone())),
        hasher: Arc::new(Argon2Hasher::new(&settings.auth)?),
        tokens: Arc::new(JwtTokens::new(&settings.auth.jwt_secret, settings.auth.token_ttl_secs)),
        clock: Arc::new(SystemClock),
        reports: ReportPorts {
            records: Arc::new(SeaOrmReportRepository::new(db.clone())),
            queue,
            data: Arc::new(SqlReportData::new(db)),
            policy: settings.jobs.policy(),
        },
    };
    if let Some(caching) = crate::cache::build(settings, redis) {
        ports = caching.wrap(ports, settings.cache.policy());
    }
    Ok(Services::new(ports))
}

/// Applies pending migrations and returns (for `api migrate`).
///
/// # Errors
/// The database cannot be reached or a migration fails.
pub async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let db = db::connect(&settings.database).await?;
    db::run_migrations(&db).await?;
    db.close().await?;
    Ok(())
}

fn describe(settings: &Settings) -> String {
    let environment = format!("{:?}", settings.environment()).to_lowercase();
    let redis = if settings.redis.url.is_some() { "on" } else { "off" };
    let cache = crate::cache::describe(settings);
    let jobs = format!("{:?}", settings.jobs.backend.resolve(settings.database.is_postgres())).to_lowercase();
    format!(
        "database={} redis={redis} cache={cache} jobs={jobs} environment={environment}",
        db::describe(&settings.database)
    )
}
