//! The database platform: connection pools, the one ordered list of every feature's
//! migrations, query metrics and SQL helpers for SQLite (the embedded default) and
//! PostgreSQL (production). Each feature's entities, migrations and repositories live in
//! its own folder (`crate::accounts`, ...).

pub mod migrations;
mod pool;
pub mod query_metrics;
pub mod sql;

use std::str::FromStr;

use anyhow::Context;
use sea_orm::sqlx::pool::PoolOptions;
use sea_orm::sqlx::postgres::PgConnectOptions;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::sqlx::{Database, Postgres, Sqlite};
use sea_orm::{DatabaseConnection, SqlxPostgresConnector, SqlxSqliteConnector};
use sea_orm_migration::MigratorTrait;

pub use migrations::Migrator;
pub use pool::SqlxPoolMonitor;

use crate::settings::DatabaseSettings;

/// Opens a pool for the configured database.
///
/// PostgreSQL: every connection gets `statement_timeout = database.statement_timeout_ms`,
/// so one slow statement cannot hold a pool connection for long.
///
/// SQLite: the file and its folder are created if missing; WAL lets readers run
/// beside the writer, `synchronous=FULL` makes every commit durable even across a
/// power loss, foreign keys are enforced, and a busy timeout queues writers instead
/// of failing them.
///
/// # Errors
/// An unparsable URL, or a database that cannot be reached within the acquire timeout.
pub async fn connect(settings: &DatabaseSettings) -> anyhow::Result<DatabaseConnection> {
    if settings.is_sqlite() {
        let options = SqliteConnectOptions::from_str(&settings.url)
            .with_context(|| format!("invalid database.url {:?}", settings.url))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(settings.acquire_timeout())
            .statement_cache_capacity(settings.statement_cache_capacity);
        if let Some(dir) = options.get_filename().parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create database folder {}", dir.display()))?;
        }
        let pool =
            pool_options::<Sqlite>(settings).connect_with(options).await.context("cannot open the SQLite database")?;
        let mut db = SqlxSqliteConnector::from_sqlx_sqlite_pool(pool);
        query_metrics::instrument(&mut db);
        Ok(db)
    } else {
        let mut options = PgConnectOptions::from_str(&settings.url)
            .context("invalid database.url")?
            .statement_cache_capacity(settings.statement_cache_capacity);
        if settings.statement_timeout_ms > 0 {
            // A start-up parameter, so it holds for every connection of the pool from its
            // first statement, with no extra round trip per connection.
            options = options.options([("statement_timeout", settings.statement_timeout_ms.to_string())]);
        }
        let pool =
            pool_options::<Postgres>(settings).connect_with(options).await.context("cannot connect to PostgreSQL")?;
        let mut db = SqlxPostgresConnector::from_sqlx_postgres_pool(pool);
        query_metrics::instrument(&mut db);
        Ok(db)
    }
}

/// The pool settings shared by both databases.
fn pool_options<DB: Database>(settings: &DatabaseSettings) -> PoolOptions<DB> {
    PoolOptions::new()
        .max_connections(settings.max_connections)
        .min_connections(settings.min_connections)
        .acquire_timeout(settings.acquire_timeout())
        .idle_timeout(Some(settings.idle_timeout()))
        .max_lifetime(Some(settings.max_lifetime()))
}

/// Applies every pending migration.
///
/// # Errors
/// A migration that fails; the database keeps the migrations applied before it.
pub async fn run_migrations(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.context("database migration failed")
}

/// A short description of where a database URL points, without credentials.
pub fn describe(settings: &DatabaseSettings) -> String {
    if settings.is_sqlite() {
        let path = settings.url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
        format!("sqlite ({})", path.split('?').next().unwrap_or(path))
    } else {
        let host = settings.url.rsplit('@').next().unwrap_or("?");
        let host = host.trim_start_matches("postgres://").trim_start_matches("postgresql://");
        format!("postgres ({})", host.split('?').next().unwrap_or(host))
    }
}
