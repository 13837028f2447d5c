//! The composition root: builds pools, adapters and use cases from [`Settings`].
//! Every binary starts here, so there is one place that decides what runs.

use std::sync::Arc;

use application::accounts::WelcomeQueue;
use application::ports::{DependencyProbe, PoolMonitor};
//{% if realworld %} The RealWorld example's ports and adapters.
use crate::realworld::ApalisReportQueue;
use crate::realworld::{
    SeaOrmArticleRepository, SeaOrmCommentRepository, SeaOrmProfileRepository, SeaOrmReportRepository,
    SeaOrmTagRepository, SqlReportData,
};
use application::realworld::ReportQueue;
use application::services::ReportPorts;
//{% endif %} The ports and adapters of every project.
use application::services::WelcomePorts;
use application::{Ports, Services};
use redis::aio::ConnectionManager;
use sea_orm::DatabaseConnection;

use crate::accounts::{SeaOrmUserRepository, SeaOrmWelcomeRepository};
use crate::clock::SystemClock;
use crate::db;
use crate::jobs::{ApalisQueue, Queues};
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
    /// The job queues (the worker consumes them).
    pub jobs: Queues,
    /// One line saying which backends are in use, for the start-up log.
    pub backends: String,
}

/// The queues the use cases enqueue into, as ports.
#[derive(Clone)]
pub struct JobQueues {
    //{% if realworld %} The RealWorld example's report jobs.
    pub reports: Arc<dyn ReportQueue>,
    //{% endif %} The welcome job.
    pub welcome: Arc<dyn WelcomeQueue>,
}

impl JobQueues {
    /// The ports of the process's apalis queues.
    pub fn apalis(queues: &Queues) -> Self {
        Self {
            //{% if realworld %} The RealWorld example's report jobs.
            reports: Arc::new(ApalisReportQueue::new(queues.reports.clone())),
            //{% endif %} The welcome job.
            welcome: Arc::new(ApalisQueue::new(queues.welcome.clone())),
        }
    }
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
    let jobs = Queues::open(settings, &db).await?;
    let services = services_with(db.clone(), settings, redis.as_ref(), JobQueues::apalis(&jobs))?;
    let mut probes: Vec<Arc<dyn DependencyProbe>> =
        vec![Arc::new(DatabaseProbe::new(db.clone())), Arc::new(jobs.probe())];
    if let Some(redis) = &redis {
        probes.push(Arc::new(RedisProbe::new(redis.clone())));
    }
    let pool = Arc::new(db::SqlxPoolMonitor::new(db.clone()));
    Ok(App { services, db, redis, probes, pool, jobs, backends: describe(settings) })
}

/// Wires the use cases on an open database connection and job queues, with its own
/// Redis connection when one is configured (for tests and tools; binaries use [`build`]).
///
/// # Errors
/// Invalid password-hashing parameters or Redis URL.
pub fn services(db: DatabaseConnection, settings: &Settings, queues: impl Into<JobQueues>) -> anyhow::Result<Services> {
    let redis = crate::redis::connect(&settings.redis)?;
    services_with(db, settings, redis.as_ref(), queues)
}

/// Wires the use cases on an open database connection, the process's Redis connection
/// and job queues; the read cache decorates the repositories unless it is turned off.
///
/// # Errors
/// Invalid password-hashing parameters.
pub fn services_with(
    db: DatabaseConnection,
    settings: &Settings,
    redis: Option<&ConnectionManager>,
    queues: impl Into<JobQueues>,
) -> anyhow::Result<Services> {
    let queues = queues.into();
    let mut ports = Ports {
        users: Arc::new(SeaOrmUserRepository::new(db.clone())),
        //{% if realworld %} The RealWorld example's repositories and report jobs.
        profiles: Arc::new(SeaOrmProfileRepository::new(db.clone())),
        articles: Arc::new(SeaOrmArticleRepository::new(db.clone())),
        comments: Arc::new(SeaOrmCommentRepository::new(db.clone())),
        tags: Arc::new(SeaOrmTagRepository::new(db.clone())),
        reports: ReportPorts {
            records: Arc::new(SeaOrmReportRepository::new(db.clone())),
            queue: queues.reports,
            data: Arc::new(SqlReportData::new(db.clone())),
            policy: settings.jobs.policy(),
        },
        //{% endif %} Security, time and the welcome job.
        hasher: Arc::new(Argon2Hasher::new(&settings.auth)?),
        tokens: Arc::new(JwtTokens::new(&settings.auth.jwt_secret, settings.auth.token_ttl_secs)),
        clock: Arc::new(SystemClock),
        welcome: WelcomePorts { records: Arc::new(SeaOrmWelcomeRepository::new(db)), queue: queues.welcome },
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
