//! Shared set-up of the worker tests: a throwaway database with many active authors,
//! an admin, a site-wide report request, and `worker` processes to run it.

#![allow(dead_code)]

use std::process::{Command, Stdio};

use crate::process::WorkerProcess;
use std::time::{Duration, Instant};

use application::accounts::{Accounts, RegisterInput};
use application::realworld::{RealWorld, RequestReportInput};
use domain::UserId;
use domain::realworld::{Report, ReportId};
use infrastructure::Settings;
use infrastructure::identity::ENV_PREFIX;
use infrastructure::realworld::ReportSettings;
use infrastructure::testing::TestDb;
use sea_orm::{ConnectionTrait, Statement};

pub struct Setup {
    pub db: TestDb,
    pub settings: Settings,
    pub services: RealWorld,
    pub admin: UserId,
    /// Keeps the queue open for enqueueing from the test process.
    pub app: infrastructure::App,
}

/// A SQLite database with `authors` users, each with one article published in 2026,
/// plus an admin, and settings with a 1 s heartbeat and one author per batch.
pub async fn setup(authors: u32) -> Setup {
    let db = TestDb::sqlite().await;
    let mut settings = db.settings();
    settings.jobs.heartbeat_secs = 1;
    let reports = ReportSettings { batch_size: 1, ..ReportSettings::default() };
    settings.set_section(infrastructure::realworld::SECTION, &reports);
    settings.jobs.backoff_base_ms = 10;
    let seed = format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {authors}) \
         INSERT INTO users (username, email, password_hash, created_at, updated_at) \
         SELECT 'author' || i, 'author' || i || '@example.com', 'x', '2026-01-01T00:00:00+00:00', \
         '2026-01-01T00:00:00+00:00' FROM n"
    );
    run(&db, &seed).await;
    run(
        &db,
        "INSERT INTO articles (author_id, slug, title, description, body, favorites_count, created_at, updated_at) \
         SELECT id, 'article-' || id, 't', 'd', 'b', 0, '2026-06-01T12:00:00+00:00', '2026-06-01T12:00:00+00:00' \
         FROM users",
    )
    .await;
    let app = infrastructure::build(&settings).await.expect("wired");
    let accounts = app.features.expect::<Accounts>();
    let services = app.features.expect::<RealWorld>();
    let input = RegisterInput {
        username: Some("boss".to_owned()),
        email: Some("boss@example.com".to_owned()),
        password: Some("password123".to_owned()),
    };
    let admin = accounts.users.register(input).await.expect("registered").user.id;
    accounts.users.set_admin("boss", true).await.expect("granted");
    Setup { db, settings, services, admin, app }
}

async fn run(db: &TestDb, sql: &str) {
    db.db.execute_raw(Statement::from_string(db.db.get_database_backend(), sql.to_owned())).await.expect("seeded");
}

impl Setup {
    /// The `[reports]` section the test runs with.
    pub fn reports(&self) -> ReportSettings {
        ReportSettings::of(&self.settings).expect("valid")
    }

    /// Requests a site-wide report over 2026 (enqueued on the test's queue).
    pub async fn request_site_report(&self) -> ReportId {
        let input = RequestReportInput {
            kind: Some("activity".to_owned()),
            scope: Some("site".to_owned()),
            from: Some("2026-01-01".to_owned()),
            to: Some("2026-12-31".to_owned()),
        };
        self.services.reports.request(self.admin, input).await.expect("requested").id
    }

    pub async fn report(&self, id: ReportId) -> Report {
        self.services.reports.get(self.admin, id).await.expect("report readable")
    }

    /// Polls until `done(report)`; fails the test after `limit`.
    pub async fn wait(&self, id: ReportId, limit: Duration, done: impl Fn(&Report) -> bool) -> Report {
        let deadline = Instant::now() + limit;
        loop {
            let report = self.report(id).await;
            if done(&report) {
                return report;
            }
            assert!(Instant::now() < deadline, "report never reached the expected state: {report:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stored CSV lines of the report.
    pub async fn line_count(&self, id: ReportId) -> i64 {
        let sql = format!("SELECT COUNT(*) AS n FROM report_lines WHERE report_id = {}", id.0);
        let row = self.db.db.query_one_raw(Statement::from_string(self.db.db.get_database_backend(), sql)).await;
        row.expect("query").expect("a row").try_get::<i64>("", "n").expect("count")
    }

    /// Starts a real `worker` process on this test's database and queue.
    pub fn spawn_worker(&self) -> WorkerProcess {
        self.spawn_worker_with(&[])
    }

    /// [`Setup::spawn_worker`] with extra environment variables (settings).
    pub fn spawn_worker_with(&self, env: &[(&str, &str)]) -> WorkerProcess {
        let jobs = &self.settings.jobs;
        let reports = self.reports();
        Command::new(infrastructure::testing::worker_binary())
            .envs(env.iter().copied())
            .current_dir(std::env::temp_dir())
            .env_remove("DATABASE_URL")
            .env_remove("REDIS_URL")
            .env_remove(format!("{ENV_PREFIX}CONFIG"))
            .env(format!("{ENV_PREFIX}DATABASE__URL"), &self.db.url)
            .env(format!("{ENV_PREFIX}JOBS__SQLITE_URL"), &jobs.sqlite_url)
            .env(format!("{ENV_PREFIX}JOBS__HEARTBEAT_SECS"), jobs.heartbeat_secs.to_string())
            .env(format!("{ENV_PREFIX}REPORTS__BATCH_SIZE"), reports.batch_size.to_string())
            .env(format!("{ENV_PREFIX}JOBS__POLL_INTERVAL_MS"), "50")
            .env(format!("{ENV_PREFIX}JOBS__SHUTDOWN_GRACE_SECS"), "60")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("worker binary starts")
            .into()
    }
}
