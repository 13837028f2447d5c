//! The backlog gauges against real queue backends: while the one worker slot is taken by
//! a job that keeps failing (and waits a long backoff), the other jobs stay queued and
//! `/metrics` shows them and the age of the oldest; once a healthy worker has run them,
//! the queue reads empty.

mod process;

use application::accounts::{Accounts, RegisterInput};
use infrastructure::jobs::JobsBackend;
use infrastructure::testing::TestDb;
use process::eventually;

/// The value of the sample `name{queue="<queue>"}` in a Prometheus text scrape.
fn gauge(scrape: &str, name: &str, queue: &str) -> Option<f64> {
    let series = format!("{name}{{queue=\"{queue}\"}} ");
    scrape.lines().find_map(|line| line.strip_prefix(&series)?.trim().parse().ok())
}

async fn backlog_is_exported_while_jobs_wait_and_clears_once_they_ran(db: TestDb, backend: JobsBackend) {
    let metrics = infrastructure::metrics::install().expect("recorder installed");
    let mut settings = db.settings();
    settings.jobs.backend = backend;
    if backend == JobsBackend::Redis {
        settings.redis.url = Some(infrastructure::testing::redis_url());
    }
    // Unique: the recorder is shared by the tests of this binary, and on Redis the queue
    // name is the key prefix on a shared server.
    let queue = format!("backlog-{:08x}", rand::random::<u32>());
    settings.jobs.welcome_queue = queue.clone();
    settings.jobs.heartbeat_secs = 1;
    settings.jobs.stats_interval_secs = 1;
    settings.jobs.requeue_after_secs = 0;
    settings.jobs.shutdown_grace_secs = 0;
    let app = infrastructure::build(&settings).await.expect("wired");
    let accounts = app.features.expect::<Accounts>();
    for name in ["ann", "bob", "cid"] {
        let input = RegisterInput {
            username: Some(name.to_owned()),
            email: Some(format!("{name}@example.com")),
            password: Some("password123".to_owned()),
        };
        accounts.users.register(input).await.expect("registered");
    }

    // One slot, held by a job whose attempt fails and then waits ten minutes to retry.
    let mut stuck = settings.clone();
    stuck.jobs.concurrency = 1;
    stuck.jobs.fail_with = Some("injected failure".to_owned());
    stuck.jobs.max_attempts = 100;
    stuck.jobs.backoff_base_ms = 600_000;
    let worker = worker::spawn(app.features.clone(), app.jobs.clone(), stuck);
    eventually("a backlog with an old queued job", || async {
        let scrape = metrics.render();
        let queued = gauge(&scrape, "jobs_queued", &queue).unwrap_or_default();
        let running = gauge(&scrape, "jobs_running", &queue).unwrap_or_default();
        let age = gauge(&scrape, "jobs_oldest_queued_age_seconds", &queue).unwrap_or_default();
        queued >= 1.0 && running >= 1.0 && age > 0.0
    })
    .await;
    let scrape = metrics.render();
    assert_eq!(gauge(&scrape, "jobs_failed", &queue), Some(0.0), "{scrape}");
    worker.stop().await.expect("worker stops");

    // A healthy worker takes the queued jobs and, once the stopped worker's heartbeat has
    // lapsed, the one it held.
    let worker = worker::spawn(app.features.clone(), app.jobs.clone(), settings.clone());
    eventually("an empty queue", || async {
        let scrape = metrics.render();
        gauge(&scrape, "jobs_queued", &queue) == Some(0.0)
            && gauge(&scrape, "jobs_running", &queue) == Some(0.0)
            && gauge(&scrape, "jobs_oldest_queued_age_seconds", &queue) == Some(0.0)
    })
    .await;
    worker.stop().await.expect("worker stops");
}

async fn on_the_database_queue(db: TestDb) {
    let backend = if db.url.starts_with("postgres") { JobsBackend::Postgres } else { JobsBackend::Sqlite };
    backlog_is_exported_while_jobs_wait_and_clears_once_they_ran(db, backend).await;
}

infrastructure::on_both_databases!(on_the_database_queue);

#[tokio::test]
async fn on_the_redis_queue() {
    backlog_is_exported_while_jobs_wait_and_clears_once_they_ran(TestDb::sqlite().await, JobsBackend::Redis).await;
}
