//! The job queues on apalis 1.0: SQLite (own file, the embedded default), PostgreSQL
//! (the application's database, `apalis` schema) or Redis, chosen by `jobs.backend`.
//! Every job type has its own queue on the one backend ([`Queues`]); the API enqueues
//! through [`ApalisQueue`] (the queue ports) and the worker consumes the same storages.

mod envelope;
mod settings;
mod stats;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use apalis::prelude::TaskSink;
use apalis_postgres::PostgresStorage;
use apalis_redis::RedisStorage;
use apalis_sqlite::{SqliteConnectOptions, SqlitePool, SqliteStorage};
use application::accounts::{WelcomeJob, WelcomeQueue};
use application::ports::DependencyProbe;
use async_trait::async_trait;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use sea_orm::DatabaseConnection;
use sea_orm::sqlx::PgPool;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use envelope::Envelope;
pub use settings::{JobsBackend, JobsSettings, PRODUCTION_BACKEND};
pub use stats::QueueStats;

use crate::settings::Settings;

/// How long a queue operation (enqueue, probe) may take.
const QUEUE_TIMEOUT: Duration = Duration::from_secs(5);

/// The queue storage of jobs of type `T`, for the configured backend. Cheap to clone.
pub enum JobStorage<T> {
    Sqlite(SqliteStorage<T>),
    Postgres(PostgresStorage<T>),
    Redis(RedisStorage<T>),
}

impl<T> Clone for JobStorage<T> {
    fn clone(&self) -> Self {
        match self {
            Self::Sqlite(storage) => Self::Sqlite(storage.clone()),
            Self::Postgres(storage) => Self::Postgres(storage.clone()),
            Self::Redis(storage) => Self::Redis(storage.clone()),
        }
    }
}

/// The process's queue backend connection; every job type gets its own named queue on it
/// through [`Queues::storage`]. Cheap to clone.
#[derive(Clone)]
pub struct Queues {
    backend: Backend,
    jobs: JobsSettings,
}

/// The connection every queue of the process shares.
#[derive(Clone)]
enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
    Redis(ConnectionManager),
}

/// Runs apalis's SQLite migrations, retrying a few times: unlike PostgreSQL's, sqlx's
/// SQLite migrator takes no lock, so two processes starting together on one queue file
/// can collide on `_sqlx_migrations` (the loser sees a unique violation). Once the winner
/// has finished, the migrations are applied and a retry is a no-op.
async fn setup_sqlite(pool: &SqlitePool) -> anyhow::Result<()> {
    const ATTEMPTS: u32 = 5;
    let mut attempt = 1;
    loop {
        match SqliteStorage::<()>::setup(pool).await {
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

impl Backend {
    /// Opens (and sets up) the backend: creates the SQLite queue file and apalis's
    /// tables, or apalis's schema on PostgreSQL; Redis needs no setup.
    async fn open(settings: &Settings, db: &DatabaseConnection) -> anyhow::Result<Self> {
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
                Ok(Self::Sqlite(pool))
            }
            JobsBackend::Postgres => {
                let pool = db.get_postgres_connection_pool().clone();
                PostgresStorage::<()>::setup(&pool).await.context("cannot set up the PostgreSQL job queue")?;
                Ok(Self::Postgres(pool))
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
                Ok(Self::Redis(manager))
            }
        }
    }

    /// The storage of the queue named `queue` (with Redis: its key prefix).
    fn storage<T>(&self, jobs: &JobsSettings, queue: &str) -> JobStorage<T> {
        match self {
            Self::Sqlite(pool) => {
                let config =
                    apalis_sqlite::Config::default().queue(queue).heartbeat_interval(jobs.heartbeat()).batch_size(1);
                JobStorage::Sqlite(SqliteStorage::new(pool).with_config(config))
            }
            Self::Postgres(pool) => {
                let config =
                    apalis_postgres::Config::default().queue(queue).heartbeat_interval(jobs.heartbeat()).batch_size(1);
                JobStorage::Postgres(PostgresStorage::new(pool).with_config(config))
            }
            Self::Redis(manager) => {
                let config =
                    apalis_redis::Config::default().queue(queue).heartbeat_interval(jobs.heartbeat()).batch_size(1);
                JobStorage::Redis(RedisStorage::new(manager.clone()).with_config(config))
            }
        }
    }
}

impl Queues {
    /// Opens (and sets up) the configured backend.
    ///
    /// # Errors
    /// The queue backend cannot be reached or set up.
    pub async fn open(settings: &Settings, db: &DatabaseConnection) -> anyhow::Result<Self> {
        let backend = Backend::open(settings, db).await?;
        Ok(Self { backend, jobs: settings.jobs.clone() })
    }

    /// The storage of the queue named `queue` (a feature's `jobs.*_queue` setting), for
    /// jobs of type `T`. The API enqueues and the worker consumes through storages of the
    /// same name.
    pub fn storage<T>(&self, queue: &str) -> JobStorage<T> {
        self.backend.storage(&self.jobs, queue)
    }

    /// `sqlite`, `postgres` or `redis`.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
            Backend::Redis(_) => "redis",
        }
    }

    /// The readiness probe of the queue backend.
    pub fn probe(&self) -> QueueProbe {
        QueueProbe { backend: self.backend.clone() }
    }
}

impl<T> JobStorage<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + Unpin + 'static,
{
    async fn push(&self, job: T) -> anyhow::Result<()> {
        match self.clone() {
            Self::Sqlite(mut storage) => storage.push(job).await.map_err(|e| anyhow::anyhow!("{e}")),
            Self::Postgres(mut storage) => storage.push(job).await.map_err(|e| anyhow::anyhow!("{e}")),
            Self::Redis(mut storage) => storage.push(job).await.map_err(|e| anyhow::anyhow!("{e}")),
        }
    }
}

/// The queue ports on apalis: one durable push per job, bounded by a timeout. Each job
/// travels in an [`Envelope`] with the trace context it was enqueued in.
pub struct ApalisQueue<T> {
    storage: JobStorage<Envelope<T>>,
}

impl<T> ApalisQueue<T> {
    pub fn new(storage: JobStorage<Envelope<T>>) -> Self {
        Self { storage }
    }
}

impl<T> ApalisQueue<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + Unpin + 'static,
{
    pub(crate) async fn enqueue_job(&self, job: T) -> anyhow::Result<()> {
        tokio::time::timeout(QUEUE_TIMEOUT, self.storage.push(Envelope::new(job))).await.context("enqueue timed out")?
    }
}

#[async_trait]
impl WelcomeQueue for ApalisQueue<WelcomeJob> {
    async fn enqueue(&self, job: WelcomeJob) -> anyhow::Result<()> {
        self.enqueue_job(job).await
    }
}

/// Readiness of the job queue (name `queue`): a trivial query or `PING`.
pub struct QueueProbe {
    backend: Backend,
}

#[async_trait]
impl DependencyProbe for QueueProbe {
    fn name(&self) -> &'static str {
        "queue"
    }

    async fn check(&self) -> anyhow::Result<()> {
        let check = async {
            match &self.backend {
                Backend::Sqlite(pool) => {
                    sea_orm::sqlx::query("SELECT 1").execute(pool).await?;
                }
                Backend::Postgres(pool) => {
                    sea_orm::sqlx::query("SELECT 1").execute(pool).await?;
                }
                Backend::Redis(manager) => {
                    let mut connection = manager.clone();
                    let _: String = redis::cmd("PING").query_async(&mut connection).await?;
                }
            }
            anyhow::Ok(())
        };
        tokio::time::timeout(QUEUE_TIMEOUT, check).await.context("timed out")?
    }
}
