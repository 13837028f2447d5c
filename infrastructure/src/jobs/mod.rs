//! The report job queue on apalis 1.0: SQLite (own file, the embedded default),
//! PostgreSQL (the application's database, `apalis` schema) or Redis, chosen by
//! `jobs.backend`. The API enqueues through [`ApalisReportQueue`] (the
//! [`ReportQueue`] port); the worker consumes the same [`ReportStorage`].

mod settings;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use apalis::prelude::TaskSink;
use apalis_postgres::PostgresStorage;
use apalis_redis::RedisStorage;
use apalis_sqlite::{SqliteConnectOptions, SqlitePool, SqliteStorage};
use application::ports::{DependencyProbe, ReportJob, ReportQueue};
use async_trait::async_trait;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use sea_orm::DatabaseConnection;

pub use settings::{JobsBackend, JobsSettings, PRODUCTION_BACKEND};

use crate::settings::Settings;

/// How long a queue operation (enqueue, probe) may take.
const QUEUE_TIMEOUT: Duration = Duration::from_secs(5);

/// The queue storage of report jobs, for the configured backend. Cheap to clone.
#[derive(Clone)]
pub enum ReportStorage {
    Sqlite(SqliteStorage<ReportJob>),
    Postgres(PostgresStorage<ReportJob>),
    Redis(RedisStorage<ReportJob>),
}

/// Runs apalis's SQLite migrations, retrying a few times: unlike PostgreSQL's, sqlx's
/// SQLite migrator takes no lock, so two processes starting together on one queue file
/// can collide on `_sqlx_migrations` (the loser sees a unique violation). Once the winner
/// has finished, the migrations are applied and a retry is a no-op.
async fn setup_sqlite(pool: &SqlitePool) -> anyhow::Result<()> {
    const ATTEMPTS: u32 = 5;
    let mut attempt = 1;
    loop {
        match SqliteStorage::setup(pool).await {
            Ok(()) => return Ok(()),
            Err(e) if attempt < ATTEMPTS => {
                tracing::warn!(attempt, "SQLite job queue setup failed, retrying: {e}");
                tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
                attempt += 1;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

impl ReportStorage {
    /// Opens (and sets up) the queue: creates the SQLite queue file and apalis's tables,
    /// or apalis's schema on PostgreSQL; Redis needs no setup.
    ///
    /// # Errors
    /// The queue cannot be reached or set up.
    pub async fn open(settings: &Settings, db: &DatabaseConnection) -> anyhow::Result<Self> {
        let jobs = &settings.jobs;
        match jobs.backend.resolve(settings.database.is_postgres()) {
            JobsBackend::Sqlite | JobsBackend::Auto => {
                let options = SqliteConnectOptions::from_str(&jobs.sqlite_url)
                    .with_context(|| format!("invalid jobs.sqlite_url {:?}", jobs.sqlite_url))?
                    .create_if_missing(true)
                    .busy_timeout(Duration::from_secs(5));
                if let Some(dir) = options.get_filename().parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("cannot create the job queue folder {}", dir.display()))?;
                }
                let pool = SqlitePool::connect_with(options).await.context("cannot open the SQLite job queue")?;
                setup_sqlite(&pool).await.context("cannot set up the SQLite job queue")?;
                let config = apalis_sqlite::Config::default()
                    .queue(&jobs.queue)
                    .heartbeat_interval(jobs.heartbeat())
                    .batch_size(1);
                Ok(Self::Sqlite(SqliteStorage::new(&pool).with_config(config)))
            }
            JobsBackend::Postgres => {
                let pool = db.get_postgres_connection_pool().clone();
                PostgresStorage::setup(&pool).await.context("cannot set up the PostgreSQL job queue")?;
                let config = apalis_postgres::Config::default()
                    .queue(&jobs.queue)
                    .heartbeat_interval(jobs.heartbeat())
                    .batch_size(1);
                Ok(Self::Postgres(PostgresStorage::new(&pool).with_config(config)))
            }
            JobsBackend::Redis => {
                let url = settings.redis.url.as_deref().context("jobs.backend = redis needs redis.url")?;
                let client = redis::Client::open(url).context("redis.url")?;
                // Its own connection: queue scripts may legitimately take longer than
                // the cache's tight command timeout.
                let config = ConnectionManagerConfig::new()
                    .set_response_timeout(Some(QUEUE_TIMEOUT))
                    .set_connection_timeout(Some(settings.redis.connect_timeout()));
                let manager = ConnectionManager::new_lazy_with_config(client, config).context("redis connection")?;
                let config = apalis_redis::Config::default()
                    .queue(&jobs.queue)
                    .heartbeat_interval(jobs.heartbeat())
                    .batch_size(1);
                Ok(Self::Redis(RedisStorage::new(manager).with_config(config)))
            }
        }
    }

    /// `sqlite`, `postgres` or `redis`.
    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
            Self::Redis(_) => "redis",
        }
    }

    async fn push(&self, job: ReportJob) -> anyhow::Result<()> {
        match self.clone() {
            Self::Sqlite(mut storage) => storage.push(job).await.map_err(|e| anyhow::anyhow!("{e}")),
            Self::Postgres(mut storage) => storage.push(job).await.map_err(|e| anyhow::anyhow!("{e}")),
            Self::Redis(mut storage) => storage.push(job).await.map_err(|e| anyhow::anyhow!("{e}")),
        }
    }
}

/// [`ReportQueue`] on apalis: one durable push per job.
#[derive(Clone)]
pub struct ApalisReportQueue {
    storage: ReportStorage,
}

impl ApalisReportQueue {
    pub fn new(storage: ReportStorage) -> Self {
        Self { storage }
    }
}

#[async_trait]
impl ReportQueue for ApalisReportQueue {
    async fn enqueue(&self, job: ReportJob) -> anyhow::Result<()> {
        tokio::time::timeout(QUEUE_TIMEOUT, self.storage.push(job)).await.context("enqueue timed out")?
    }
}

/// Readiness of the job queue (name `queue`): a trivial query or `PING`.
pub struct QueueProbe {
    storage: ReportStorage,
}

impl QueueProbe {
    pub fn new(storage: ReportStorage) -> Self {
        Self { storage }
    }
}

#[async_trait]
impl DependencyProbe for QueueProbe {
    fn name(&self) -> &'static str {
        "queue"
    }

    async fn check(&self) -> anyhow::Result<()> {
        let check = async {
            match &self.storage {
                ReportStorage::Sqlite(storage) => {
                    sea_orm::sqlx::query("SELECT 1").execute(storage.pool()).await?;
                }
                ReportStorage::Postgres(storage) => {
                    sea_orm::sqlx::query("SELECT 1").execute(storage.pool()).await?;
                }
                ReportStorage::Redis(storage) => {
                    let mut connection = storage.clone().get_connection().clone();
                    let _: String = redis::cmd("PING").query_async(&mut connection).await?;
                }
            }
            anyhow::Ok(())
        };
        tokio::time::timeout(QUEUE_TIMEOUT, check).await.context("timed out")?
    }
}
