//! Test support (feature `testing`): a fresh, migrated database per test, either a
//! temporary SQLite file or a new database on the PostgreSQL server named by
//! `TEST_DATABASE_URL` (dropped when the test ends), settings for tests, and the use
//! cases wired on such a database with fakes of the slow or external ports
//! ([`TestServices`]).
//!
//! Shared by this crate's adapter tests and the API's black-box tests. Panics instead
//! of returning errors: a test that cannot get its database must fail loudly.
#![allow(clippy::missing_panics_doc)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::db;
use crate::identity::SERVICE_NAME;
use crate::jobs::JobsBackend;
use crate::settings::{AuthSettings, DatabaseSettings, Settings};
use sea_orm::{ConnectionTrait, DatabaseConnection};

mod services;
pub use services::TestServices;

pub struct TestDb {
    pub db: DatabaseConnection,
    pub url: String,
    pub statements: Arc<AtomicUsize>,
    postgres: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
    /// Holds this test's own SQLite job queue file.
    jobs_dir: tempfile::TempDir,
}

fn unique_name() -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("t_{}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst), nanos % 1_000_000_000)
}

/// `postgres://u@h:p/admin?x` -> `postgres://u@h:p/name?x`
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let root = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

/// The service binary (named after the project) as Cargo built it for the running
/// integration test: the test executable is `target/<profile>/deps/<test>-<hash>`, the
/// binaries of its package are in `target/<profile>`.
pub fn service_binary() -> std::path::PathBuf {
    workspace_binary(SERVICE_NAME)
}

/// The worker binary (`<service>-worker`), see [`service_binary`].
pub fn worker_binary() -> std::path::PathBuf {
    workspace_binary(&format!("{SERVICE_NAME}-worker"))
}

fn workspace_binary(name: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("the test executable's path");
    let dir = exe.parent().and_then(std::path::Path::parent).expect("target/<profile>/deps");
    let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(path.is_file(), "{} not found: integration tests of its package build it", path.display());
    path
}

pub fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| {
        panic!(
            "TEST_DATABASE_URL is not set. PostgreSQL tests need a server: run `bash scripts/test.sh`, which starts \
             a throwaway one, or set TEST_DATABASE_URL=postgres://user@host:port/postgres"
        )
    })
}

/// The Redis server for tests (`TEST_REDIS_URL`). Tests sharing it MUST keep to their
/// own keys (e.g. a unique prefix) and never flush the whole server.
pub fn redis_url() -> String {
    std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| {
        panic!(
            "TEST_REDIS_URL is not set. Redis tests need a server: run `bash scripts/test.sh`, which starts a \
             throwaway one, or set TEST_REDIS_URL=redis://host:port"
        )
    })
}

pub fn database_settings(url: String) -> DatabaseSettings {
    DatabaseSettings { url, max_connections: 5, min_connections: 0, ..Default::default() }
}

/// Settings for wiring services in tests: cheap password hashing, a test secret, and a
/// job queue that needs nothing but the database (the PostgreSQL queue with PostgreSQL,
/// else the SQLite file), whatever production queue the project was generated with.
pub fn settings(url: String) -> Settings {
    let database = database_settings(url);
    let backend = if database.is_postgres() { JobsBackend::Postgres } else { JobsBackend::Sqlite };
    let mut settings = Settings {
        // Port 0: a free port, never a default one another process may hold.
        server: crate::settings::ServerSettings { port: 0, drain_delay_secs: 0, ..Default::default() },
        database,
        auth: AuthSettings {
            jwt_secret: "test-secret-that-is-long-enough-0123456789".to_owned(),
            argon2_memory_kib: 64,
            argon2_iterations: 1,
            ..Default::default()
        },
        ..Default::default()
    };
    settings.jobs.backend = backend;
    settings
}

impl TestDb {
    /// The first column of the first row of `sql` as an integer (`COUNT(*)`, `MAX(id)`).
    pub async fn scalar(&self, sql: &str) -> i64 {
        let statement = sea_orm::Statement::from_string(self.db.get_database_backend(), sql.to_owned());
        let row = self.db.query_one_raw(statement).await.expect("query").expect("one row");
        row.try_get_by_index::<i64>(0).expect("an integer")
    }

    /// Settings pointing at this database (cheap hashing, a test secret, port 0), with a
    /// job queue file of its own, so parallel tests never take each other's jobs.
    pub fn settings(&self) -> Settings {
        let mut settings = settings(self.url.clone());
        settings.server.port = 0;
        // The SQLite queue on every database, as before `auto`: tests that want another
        // queue set `jobs.backend` themselves.
        settings.jobs.backend = JobsBackend::Sqlite;
        settings.jobs.sqlite_url = format!("sqlite://{}/jobs.sqlite", self.jobs_dir.path().display());
        settings.jobs.poll_interval_ms = 50;
        settings
    }

    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/test.db", dir.path().display());
        Self::open(url, None, Some(dir)).await
    }

    pub async fn postgres() -> Self {
        let admin = admin_url();
        let name = unique_name();
        let admin_db = db::connect(&database_settings(admin.clone())).await.expect("connect to TEST_DATABASE_URL");
        admin_db.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
        admin_db.close().await.expect("close admin connection");
        Self::open(with_database(&admin, &name), Some((admin, name)), None).await
    }

    async fn open(url: String, postgres: Option<(String, String)>, dir: Option<tempfile::TempDir>) -> Self {
        let mut db = db::connect(&database_settings(url.clone())).await.expect("connect to test database");
        db::run_migrations(&db).await.expect("migrate test database");
        let statements = Arc::new(AtomicUsize::new(0));
        let counter = statements.clone();
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        let jobs_dir = tempfile::tempdir().expect("temp dir for the job queue");
        Self { db, url, statements, postgres, _dir: dir, jobs_dir }
    }

    /// Runs `f` and returns how many SQL statements it executed.
    pub async fn count_statements<F, T>(&self, f: F) -> (usize, T)
    where
        F: std::future::Future<Output = T>,
    {
        let before = self.statements.load(Ordering::SeqCst);
        let out = f.await;
        (self.statements.load(Ordering::SeqCst) - before, out)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin, name)) = self.postgres.take() else { return };
        // Drop is synchronous: drop the database from a helper thread with its own
        // runtime. The pool is not closed first: its connections belong to the test's
        // runtime, which is blocked here; FORCE ends them on the server side instead.
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
            runtime.block_on(async move {
                if let Ok(admin_db) = db::connect(&database_settings(admin)).await {
                    let _ = admin_db.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                    let _ = admin_db.close().await;
                }
            });
        })
        .join();
    }
}

/// Declares one test per backend, `name::sqlite` and `name::postgres`, each calling
/// `async fn name(db: TestDb)`. Use as `infrastructure::on_both_databases!(a, b);`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    super::$name(::infrastructure::testing::TestDb::sqlite().await).await;
                }

                #[tokio::test]
                async fn postgres() {
                    super::$name(::infrastructure::testing::TestDb::postgres().await).await;
                }
            }
        )*
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_is_swapped_in_urls() {
        assert_eq!(super::with_database("postgres://p@h:5/postgres", "x"), "postgres://p@h:5/x");
        assert_eq!(
            super::with_database("postgres://p@h:5/postgres?sslmode=disable", "x"),
            "postgres://p@h:5/x?sslmode=disable"
        );
    }
}
