//! The welcome job in the worker against a real database and queue: failing attempts
//! are retried, then given up (counted in `jobs_total`), and the recovery sweep of a
//! healthy worker welcomes the account afterwards.

mod process;

use application::accounts::RegisterInput;
use infrastructure::testing::TestDb;
use process::eventually;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

async fn welcomed(db: &DatabaseConnection, name: &str) -> bool {
    let sql = format!("SELECT CAST(welcomed_at AS TEXT) AS at FROM users WHERE username = '{name}'");
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.expect("query");
    row.expect("user exists").try_get::<Option<String>>("", "at").expect("column").is_some()
}

#[tokio::test]
async fn failing_attempts_are_retried_then_given_up_and_the_sweep_welcomes_the_account_later() {
    let metrics = infrastructure::metrics::install().expect("recorder installed");
    let db = TestDb::sqlite().await;
    let mut settings = db.settings();
    settings.jobs.welcome_queue = "welcome-retries".to_owned();
    let app = infrastructure::build(&settings).await.expect("wired");

    let mut failing = settings.clone();
    failing.jobs.fail_with = Some("injected failure".to_owned());
    failing.jobs.max_attempts = 3;
    failing.jobs.backoff_base_ms = 10;
    failing.jobs.requeue_after_secs = 0;
    let worker = worker::spawn(app.features.clone(), app.jobs.clone(), failing);
    let input = RegisterInput {
        username: Some("jake".to_owned()),
        email: Some("jake@example.com".to_owned()),
        password: Some("password123".to_owned()),
    };
    app.features.expect::<application::accounts::Accounts>().users.register(input).await.expect("registered");
    let failed = r#"jobs_total{queue="welcome-retries",outcome="failed"} 1"#;
    eventually("giving up", || async { metrics.render().contains(failed) }).await;
    worker.stop().await.expect("worker stops cleanly");
    let text = metrics.render();
    assert!(text.contains(r#"jobs_total{queue="welcome-retries",outcome="retried"} 2"#), "{text}");
    assert!(!welcomed(&db.db, "jake").await, "given up: not welcomed");

    let mut healthy = settings.clone();
    healthy.jobs.requeue_after_secs = 1;
    healthy.jobs.requeue_interval_secs = 1;
    let worker = worker::spawn(app.features.clone(), app.jobs.clone(), healthy);
    eventually("the sweep's welcome", || welcomed(&db.db, "jake")).await;
    worker.stop().await.expect("worker stops cleanly");
    let succeeded = r#"jobs_total{queue="welcome-retries",outcome="succeeded"} 1"#;
    assert!(metrics.render().contains(succeeded), "{}", metrics.render());
}
