//! The standalone worker binary (`<service>-worker`), as production runs it: a separate
//! process takes the welcome job a registration enqueued, records it, exports its job
//! metrics and the service's name on `jobs.metrics_port`, answers `/health` and `/ready`
//! there, and exits 0 on SIGTERM.
//! Kept in every generated project (the report-job tests are the RealWorld example's).

mod process;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use application::accounts::RegisterInput;
use infrastructure::identity::{ENV_PREFIX, SERVICE_NAME};
use infrastructure::testing::TestDb;
use process::{WorkerProcess, eventually, free_port, get};

#[tokio::test]
async fn the_worker_process_runs_the_welcome_job_exports_metrics_answers_probes_and_stops_cleanly_on_sigterm() {
    let db = TestDb::sqlite().await;
    let settings = db.settings();
    // The API side: services and queues, but no worker in this process.
    let app = infrastructure::build(&settings).await.expect("wired");
    let input = RegisterInput {
        username: Some("ann".to_owned()),
        email: Some("ann@example.com".to_owned()),
        password: Some("password123".to_owned()),
    };
    app.features.expect::<application::accounts::Accounts>().users.register(input).await.expect("registered");
    let welcomed = "SELECT COUNT(*) FROM users WHERE username = 'ann' AND welcomed_at IS NOT NULL";
    assert_eq!(db.scalar(welcomed).await, 0, "nothing in this process runs jobs");

    let port = free_port();
    let mut worker = WorkerProcess::from(
        Command::new(infrastructure::testing::worker_binary())
            .current_dir(std::env::temp_dir())
            .env_remove("DATABASE_URL")
            .env_remove("REDIS_URL")
            .env_remove(format!("{ENV_PREFIX}CONFIG"))
            .env(format!("{ENV_PREFIX}DATABASE__URL"), &db.url)
            .env(format!("{ENV_PREFIX}JOBS__SQLITE_URL"), &settings.jobs.sqlite_url)
            .env(format!("{ENV_PREFIX}JOBS__POLL_INTERVAL_MS"), "50")
            .env(format!("{ENV_PREFIX}JOBS__METRICS_PORT"), port.to_string())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("worker binary starts"),
    );

    eventually("the worker process's welcome", || async { db.scalar(welcomed).await == 1 }).await;
    let succeeded = format!("jobs_total{{queue=\"{}\",outcome=\"succeeded\"}} 1", settings.jobs.welcome_queue);
    let service = format!("service_info{{service=\"{SERVICE_NAME}\",version=\"");
    let deadline = Instant::now() + Duration::from_secs(30);
    let scrape = loop {
        let scrape = get(port, "/metrics").await.unwrap_or_default();
        if scrape.contains(&succeeded) {
            break scrape;
        }
        assert!(Instant::now() < deadline, "no {succeeded} in the worker's /metrics: {scrape}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(scrape.contains(&service), "{scrape}");

    // The orchestrator's probes on the same port: alive, and ready once wired to its
    // database and queue (the body names each, without error text).
    let health = get(port, "/health").await.expect("/health answers");
    assert!(health.starts_with("HTTP/1.1 200 OK") && health.ends_with(r#"{"status":"ok"}"#), "{health}");
    let ready = get(port, "/ready").await.expect("/ready answers");
    assert!(ready.starts_with("HTTP/1.1 200 OK") && ready.contains(r#""status":"ready""#), "{ready}");
    assert!(ready.contains(r#""database":"ok""#), "{ready}");

    let pid = worker.id().to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs");
    assert!(sent.success(), "SIGTERM sent");
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = worker.try_wait().expect("worker status") {
            break status;
        }
        assert!(Instant::now() < deadline, "the worker did not exit within 15 s of SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "exit status after SIGTERM: {status}");
}
