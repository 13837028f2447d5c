//! The end-to-end welcome job on each queue backend: registration over HTTP on the real
//! API (with its embedded worker), a real database and a real queue; the test polls the
//! account until the worker has welcomed it, and checks the job metrics.

use std::time::{Duration, Instant};

use infrastructure::testing::TestDb;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

use crate::app::queues::{Queue, on_queue};
use crate::app::{TestApp, spawn_with};

/// Polls until `name` is welcomed; fails the test if it never is.
async fn wait_until_welcomed(db: &DatabaseConnection, name: &str) {
    let sql = format!("SELECT CAST(welcomed_at AS TEXT) AS at FROM users WHERE username = '{name}'");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql.clone())).await;
        let row = row.expect("query").expect("user exists");
        if row.try_get::<Option<String>>("", "at").expect("column").is_some() {
            return;
        }
        assert!(Instant::now() < deadline, "{name} not welcomed in time");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Registers two accounts and waits until the worker has welcomed both.
async fn scenario(app: &TestApp, db: &DatabaseConnection) {
    app.register("alice").await;
    app.register("bob").await;
    wait_until_welcomed(db, "alice").await;
    wait_until_welcomed(db, "bob").await;
}

#[tokio::test]
async fn sqlite_queue_with_the_worker_embedded_in_the_api() {
    on_queue(Queue::Sqlite, scenario).await;
}

#[tokio::test]
async fn postgres_queue_in_the_application_database() {
    on_queue(Queue::Postgres, scenario).await;
}

#[tokio::test]
async fn redis_queue_under_its_own_key_prefix() {
    on_queue(Queue::Redis, scenario).await;
}

/// A registration whose job never reached the queue is found by the recovery sweep.
#[tokio::test]
async fn an_account_whose_job_was_lost_is_welcomed_by_the_sweep() {
    let db = TestDb::sqlite().await;
    let (conn, mut settings) = (db.db.clone(), db.settings());
    // Registered while no queue was running, long before the sweep's age threshold.
    let sql = "INSERT INTO users (username, email, password_hash, is_admin, created_at, updated_at) \
               VALUES ('lost', 'lost@example.com', 'x', FALSE, '2020-01-01 00:00:00+00:00', '2020-01-01 00:00:00+00:00')";
    conn.execute_raw(Statement::from_string(conn.get_database_backend(), sql)).await.expect("inserted");
    settings.jobs.requeue_after_secs = 60;
    let app = spawn_with(db, &settings).await;
    wait_until_welcomed(&conn, "lost").await;
    app.stop().await.expect("clean shutdown, worker included");
}
