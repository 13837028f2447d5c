//! Runs an end-to-end job scenario against the real API (with its embedded worker) on
//! each queue backend: SQLite file, the PostgreSQL application database, Redis under a
//! key prefix of the test's own (removed afterwards). Used by the welcome job's tests
//! and by the example's report jobs.

use infrastructure::Settings;
use infrastructure::jobs::JobsBackend;
use infrastructure::testing::{TestDb, redis_url};
use sea_orm::DatabaseConnection;

use super::{TestApp, spawn_with};

/// The queue backend a scenario runs on.
#[derive(Debug, Clone, Copy)]
pub enum Queue {
    Sqlite,
    Postgres,
    Redis,
}

/// Starts the API with its worker on `queue`, runs `scenario` against it and its
/// database, then stops it cleanly (worker included) and removes the test's Redis keys.
pub async fn on_queue(queue: Queue, scenario: impl AsyncFnOnce(&TestApp, &DatabaseConnection)) {
    on_queues(queue, |_, _| {}, scenario).await;
}

/// As [`on_queue`], for a feature with queues of its own: on Redis, `name_queues` gives them
/// names starting with the test's unique prefix (its second argument), so that the
/// cleanup finds their keys too.
pub async fn on_queues(
    queue: Queue,
    name_queues: impl FnOnce(&mut Settings, &str),
    scenario: impl AsyncFnOnce(&TestApp, &DatabaseConnection),
) {
    let db = match queue {
        Queue::Postgres => TestDb::postgres().await,
        Queue::Sqlite | Queue::Redis => TestDb::sqlite().await,
    };
    let (conn, mut settings) = (db.db.clone(), db.settings());
    let mut prefix = None;
    match queue {
        Queue::Sqlite => assert_eq!(settings.jobs.backend, JobsBackend::Sqlite),
        Queue::Postgres => settings.jobs.backend = JobsBackend::Postgres,
        Queue::Redis => {
            let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
            let unique = format!("test-jobs-{}-{nanos}", std::process::id());
            settings.redis.url = Some(redis_url());
            settings.jobs.backend = JobsBackend::Redis;
            settings.jobs.welcome_queue = format!("{unique}-welcome");
            // Every key the test creates starts with `unique`.
            name_queues(&mut settings, &unique);
            prefix = Some(unique);
        }
    }
    let app = spawn_with(db, &settings).await;
    scenario(&app, &conn).await;
    app.stop().await.expect("clean shutdown, worker included");
    if let Some(prefix) = prefix {
        delete_keys(&format!("{prefix}*")).await;
    }
}

/// Removes this test's queue keys (never anything else on the shared server).
async fn delete_keys(pattern: &str) {
    let client = redis::Client::open(redis_url()).expect("redis url");
    let mut conn = client.get_multiplexed_async_connection().await.expect("redis");
    let keys: Vec<String> = redis::cmd("KEYS").arg(pattern).query_async(&mut conn).await.expect("keys");
    if !keys.is_empty() {
        let _: () = redis::cmd("DEL").arg(&keys).query_async(&mut conn).await.expect("deleted");
    }
}
