//! The composition root: builds pools, adapters and use cases from [`Settings`].
//! Every binary starts here, so there is one place that decides what runs.

use std::any::{Any, TypeId, type_name};
use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Context as _;
use application::ports::{DependencyProbe, PoolMonitor};
use application::{Features, FeaturesBuilder, Platform};
use redis::aio::ConnectionManager;
use sea_orm::DatabaseConnection;

use crate::clock::SystemClock;
use crate::db;
use crate::db::migrations::FeatureSchema;
use crate::jobs::Queues;
use crate::probes::{DatabaseProbe, RedisProbe};
use crate::security::{Argon2Hasher, JwtTokens};
use crate::settings::{Settings, SettingsSection};

/// Everything a binary needs to serve requests.
pub struct App {
    /// Every feature's use cases.
    pub features: Features,
    /// The ports shared by the features (the HTTP layer verifies tokens with them).
    pub platform: Platform,
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

/// The queue ports the features enqueue into: the process's apalis queues, or ports
/// given one by one (tests and tools, e.g. in-memory queues).
#[derive(Clone, Default)]
pub struct JobQueues {
    apalis: Option<Queues>,
    given: HashMap<TypeId, Arc<dyn Any + Send + Sync>>,
}

impl JobQueues {
    /// The ports of the process's apalis queues.
    pub fn apalis(queues: &Queues) -> Self {
        Self { apalis: Some(queues.clone()), given: HashMap::new() }
    }

    /// Uses `port` for the queue port `P` (e.g. `dyn WelcomeQueue`).
    #[must_use]
    pub fn with<P: ?Sized + Send + Sync + 'static>(mut self, port: Arc<P>) -> Self {
        self.given.insert(TypeId::of::<Arc<P>>(), Arc::new(port));
        self
    }

    /// The queue port `P`: the one given, else `apalis` on the process's queues.
    ///
    /// # Errors
    /// Neither was set up.
    pub fn port<P: ?Sized + Send + Sync + 'static>(
        &self,
        apalis: impl FnOnce(&Queues) -> Arc<P>,
    ) -> anyhow::Result<Arc<P>> {
        if let Some(port) = self.given.get(&TypeId::of::<Arc<P>>()).and_then(|p| p.downcast_ref::<Arc<P>>()) {
            return Ok(port.clone());
        }
        self.apalis.as_ref().map(apalis).with_context(|| format!("no queue wired for {}", type_name::<P>()))
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
    let Wired { features, platform } = wire(db.clone(), settings, redis.as_ref(), JobQueues::apalis(&jobs))?;
    let mut probes: Vec<Arc<dyn DependencyProbe>> =
        vec![Arc::new(DatabaseProbe::new(db.clone())), Arc::new(jobs.probe())];
    if let Some(redis) = &redis {
        probes.push(Arc::new(RedisProbe::new(redis.clone())));
    }
    let pool = Arc::new(db::SqlxPoolMonitor::new(db.clone()));
    Ok(App { features, platform, db, redis, probes, pool, jobs, backends: describe(settings) })
}

/// What a feature's wiring may use: the database, the settings, the shared ports and the
/// job queues.
pub struct Wiring<'a> {
    pub db: &'a DatabaseConnection,
    pub settings: &'a Settings,
    pub platform: &'a Platform,
    pub queues: &'a JobQueues,
    /// The process's Redis connection, when one is configured.
    pub redis: Option<&'a ConnectionManager>,
}

/// A feature's entry point in this crate: builds its adapters and use cases and
/// registers them.
pub type Wire = fn(&Wiring<'_>, &mut FeaturesBuilder) -> anyhow::Result<()>;

/// A feature's entry points in this crate.
pub struct Feature {
    /// Puts its use cases on the database, the queues and the shared ports.
    pub wire: Wire,
    /// Its own settings sections, if it has any.
    pub settings: &'static [&'static SettingsSection],
    /// Its entities' migrations and tables, if it has any.
    pub schema: Option<&'static FeatureSchema>,
}

/// Every feature, in dependency order (the one list of features in this crate).
const FEATURES: &[Feature] = &[
    crate::accounts::FEATURE,
    //{% if realworld %} The RealWorld example.
    crate::realworld::FEATURE,
    //{% endif %} (Every feature is listed above.)
];

/// The features' schemas, merged into one ordered migration list by `db::migrations`.
pub(crate) fn schemas() -> impl Iterator<Item = &'static FeatureSchema> {
    FEATURES.iter().filter_map(|feature| feature.schema)
}

/// The features' settings sections (part of `Settings::default()` and its checks).
pub(crate) fn settings_sections() -> impl Iterator<Item = &'static SettingsSection> {
    FEATURES.iter().flat_map(|feature| feature.settings.iter().copied())
}

/// The wired features and the ports they share.
pub struct Wired {
    pub features: Features,
    pub platform: Platform,
}

/// Wires every feature on an open database connection and job queues, with its own
/// Redis connection when one is configured (for tests and tools; binaries use [`build`]).
///
/// # Errors
/// Invalid password-hashing parameters or Redis URL.
pub fn services(db: DatabaseConnection, settings: &Settings, queues: impl Into<JobQueues>) -> anyhow::Result<Features> {
    let redis = crate::redis::connect(&settings.redis)?;
    Ok(wire(db, settings, redis.as_ref(), queues)?.features)
}

/// Wires every feature on an open database connection, the process's Redis connection
/// and job queues; the read cache decorates the repositories unless it is turned off.
///
/// # Errors
/// Invalid password-hashing parameters.
pub fn wire(
    db: DatabaseConnection,
    settings: &Settings,
    redis: Option<&ConnectionManager>,
    queues: impl Into<JobQueues>,
) -> anyhow::Result<Wired> {
    let platform = Platform {
        hasher: Arc::new(Argon2Hasher::new(&settings.auth)?),
        tokens: Arc::new(JwtTokens::new(&settings.auth.jwt_secret, settings.auth.token_ttl_secs)),
        clock: Arc::new(SystemClock),
        caching: crate::cache::build(settings, redis),
        cache_policy: settings.cache.policy(),
    };
    let features = features_on(&db, settings, &platform, redis, queues)?;
    Ok(Wired { features, platform })
}

/// Wires every feature on an open database connection with the given shared ports (tests
/// use fakes of the hasher, tokens and clock: `testing::TestServices`).
///
/// # Errors
/// A feature's settings section is unusable, or one of its queues is not wired.
pub fn features_on(
    db: &DatabaseConnection,
    settings: &Settings,
    platform: &Platform,
    redis: Option<&ConnectionManager>,
    queues: impl Into<JobQueues>,
) -> anyhow::Result<Features> {
    let queues = queues.into();
    let wiring = Wiring { db, settings, platform, queues: &queues, redis };
    let mut features = FeaturesBuilder::default();
    for feature in FEATURES {
        (feature.wire)(&wiring, &mut features)?;
    }
    Ok(features.build())
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
