//! Readiness probes for the dependencies wired in [`crate::wiring`].

use std::time::Duration;

use anyhow::Context;
use application::ports::DependencyProbe;
use async_trait::async_trait;
use redis::aio::ConnectionManager;
use sea_orm::DatabaseConnection;

/// How long a database probe may take before the database counts as unusable.
const DATABASE_TIMEOUT: Duration = Duration::from_secs(2);

/// Runs a trivial query through the pool (so an exhausted pool shows up too).
pub struct DatabaseProbe {
    db: DatabaseConnection,
}

impl DatabaseProbe {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[async_trait]
impl DependencyProbe for DatabaseProbe {
    fn name(&self) -> &'static str {
        "database"
    }

    async fn check(&self) -> anyhow::Result<()> {
        tokio::time::timeout(DATABASE_TIMEOUT, self.db.ping()).await.context("timed out")??;
        Ok(())
    }
}

/// `PING` on the shared connection (bounded by the Redis command timeout).
///
/// Optional: the cache and the rate limiter are the users of this connection, and both
/// fall back when Redis is away (the cache to the database, the limiter to counting
/// per instance), so a Redis outage degrades `/ready` rather than failing it. When Redis is the
/// job queue (`jobs.backend = redis`), enqueueing needs it: that is the queue probe's
/// job (`queue`, required), which `PING`s the same server.
pub struct RedisProbe {
    redis: ConnectionManager,
}

impl RedisProbe {
    pub fn new(redis: ConnectionManager) -> Self {
        Self { redis }
    }
}

#[async_trait]
impl DependencyProbe for RedisProbe {
    fn name(&self) -> &'static str {
        "redis"
    }

    fn required(&self) -> bool {
        false
    }

    async fn check(&self) -> anyhow::Result<()> {
        crate::redis::ping(&self.redis).await
    }
}
