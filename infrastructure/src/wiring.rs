//! The composition root: builds pools, adapters and use cases from [`Settings`].
//! Every binary starts here, so there is one place that decides what runs.

use std::sync::Arc;

use application::{Ports, Services};
use sea_orm::DatabaseConnection;

use crate::clock::SystemClock;
use crate::db::{
    self, SeaOrmArticleRepository, SeaOrmCommentRepository, SeaOrmProfileRepository, SeaOrmTagRepository,
    SeaOrmUserRepository,
};
use crate::security::{Argon2Hasher, JwtTokens};
use crate::settings::Settings;

/// Everything a binary needs to serve requests.
pub struct App {
    pub services: Services,
    pub db: DatabaseConnection,
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
    let services = services(db.clone(), settings)?;
    Ok(App { services, db, backends: describe(settings) })
}

/// Wires the use cases on an open database connection.
///
/// # Errors
/// Invalid password-hashing parameters.
pub fn services(db: DatabaseConnection, settings: &Settings) -> anyhow::Result<Services> {
    let ports = Ports {
        users: Arc::new(SeaOrmUserRepository::new(db.clone())),
        profiles: Arc::new(SeaOrmProfileRepository::new(db.clone())),
        articles: Arc::new(SeaOrmArticleRepository::new(db.clone())),
        comments: Arc::new(SeaOrmCommentRepository::new(db.clone())),
        tags: Arc::new(SeaOrmTagRepository::new(db)),
        hasher: Arc::new(Argon2Hasher::new(&settings.auth)?),
        tokens: Arc::new(JwtTokens::new(&settings.auth.jwt_secret, settings.auth.token_ttl_secs)),
        clock: Arc::new(SystemClock),
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
    format!("database={} environment={environment}", db::describe(&settings.database))
}
