//! The composition root: builds pools, adapters and use cases from [`Settings`].
//! Every binary starts here, so there is one place that decides what runs.

use std::sync::Arc;

use application::ports::DependencyProbe;
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
    let services = services(db.clone(), settings, Arc::new(ApalisReportQueue::new(jobs.clone())))?;
    let mut probes: Vec<Arc<dyn DependencyProbe>> =
        vec![Arc::new(DatabaseProbe::new(db.clone())), Arc::new(QueueProbe::new(jobs.clone()))];
    if let Some(redis) = &redis {
        probes.push(Arc::new(RedisProbe::new(redis.clone())));
    }
    Ok(App { services, db, redis, probes, jobs, backends: describe(settings) })
}

/// Wires the use cases on an open database connection and a report queue.
///
/// # Errors
/// Invalid password-hashing parameters.
pub fn services(
    db: DatabaseConnection,
    settings: &Settings,
    queue: Arc<dyn application::ports::ReportQueue>,
) -> anyhow::Result<Services> {
    let ports = Ports {
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
    let jobs = format!("{:?}", settings.jobs.backend).to_lowercase();
    format!("database={} redis={redis} jobs={jobs} environment={environment}", db::describe(&settings.database))
}
