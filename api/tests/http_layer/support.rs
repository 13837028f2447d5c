//! Starting the app with adjusted `http.*` settings.

use infrastructure::Settings;
use infrastructure::testing::TestDb;

use crate::app::{TestApp, spawn_with};

/// The app on a fresh SQLite database, settings adjusted by `adjust`.
pub async fn spawn_adjusted(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_db_adjusted(TestDb::sqlite().await, adjust).await
}

pub async fn spawn_db_adjusted(db: TestDb, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let mut settings = db.settings();
    adjust(&mut settings);
    spawn_with(db, &settings).await
}
