//! The `[jobs]` settings section: which queue backend runs the background jobs, and how.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::settings::SettingsError;

/// Where jobs are queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobsBackend {
    /// The default: the SQLite queue file with a SQLite database, [`PRODUCTION_BACKEND`]
    /// with a PostgreSQL one. Resolved when the settings are loaded.
    Auto,
    /// A SQLite file of its own (`jobs.sqlite_url`): the embedded default.
    Sqlite,
    /// The application's PostgreSQL database (apalis tables in the `apalis` schema).
    Postgres,
    /// The Redis server at `redis.url`.
    Redis,
}

/// The queue `jobs.backend = "auto"` picks when the database is PostgreSQL (production),
/// chosen when the project was generated (`cargo generate ... --define queue=...`).{% if false %}
pub const PRODUCTION_BACKEND: JobsBackend = JobsBackend::Postgres;
//{% endif %}{{ nl }}pub const PRODUCTION_BACKEND: JobsBackend = JobsBackend::{{ queue_variant }};

impl JobsBackend {
    /// The concrete backend: `Auto` becomes [`PRODUCTION_BACKEND`] with a PostgreSQL
    /// database and `Sqlite` otherwise; the others stay as they are.
    #[must_use]
    pub fn resolve(self, postgres_database: bool) -> Self {
        match self {
            Self::Auto if postgres_database => PRODUCTION_BACKEND,
            Self::Auto => Self::Sqlite,
            other => other,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JobsSettings {
    pub backend: JobsBackend,
    /// The queue file for `backend = "sqlite"`. Never the application database: the
    /// queue runs SQLite with `synchronous=OFF`.
    pub sqlite_url: String,
    /// Queue of the welcome job; with Redis, the prefix of every key the queue uses.
    pub welcome_queue: String,
    /// Run a worker inside the API process (the embedded mode). Production sets this
    /// to false and runs `worker` processes.
    pub embedded_worker: bool,
    /// Jobs one worker process runs at once.
    pub concurrency: usize,
    /// Attempts per job (including any cut short by a crash), the first included.
    pub max_attempts: u32,
    /// Delay before the first retry; doubled for each further one.
    pub backoff_base_ms: u64,
    /// Upper bound for one attempt; a slower attempt fails (and may be retried).
    pub job_timeout_secs: u64,
    /// After SIGTERM, how long the running job may take to finish before the process
    /// exits anyway (the job then goes back to the queue when its lease expires).
    pub shutdown_grace_secs: u64,
    /// Worker heartbeat. A job whose worker missed two beats is handed to another
    /// worker, so a crashed worker's job restarts after about twice this.
    pub heartbeat_secs: u64,
    /// How often an idle worker looks for new jobs.
    pub poll_interval_ms: u64,
    /// Recovery sweep: work whose job has not started this long after it was
    /// (re)queued (an account not welcomed this long after it registered, ...) has lost
    /// its job and is enqueued again, by every worker at start and every
    /// `requeue_interval_secs`. Keep it well above the normal queue wait; a job that was
    /// merely slow is harmless (each job type makes a second run a no-op). 0 turns the
    /// sweep off.
    pub requeue_after_secs: u64,
    /// How often each worker runs the recovery sweep.
    pub requeue_interval_secs: u64,
    /// TCP port of the standalone `worker` binary's Prometheus endpoint (`GET /metrics`);
    /// none (the default) serves nothing. The API exports job metrics on its own `/metrics`.
    pub metrics_port: Option<u16>,
    /// Address the worker's metrics endpoint binds to.
    pub metrics_host: String,
    /// TESTING ONLY: every attempt fails with this message, to exercise retries.
    pub fail_with: Option<String>,
    /// How often each worker reads its queues' backlog (the `jobs_queued`, `jobs_running`,
    /// `jobs_failed` and `jobs_oldest_queued_age_seconds` gauges); 0 turns it off.
    pub stats_interval_secs: u64,
}

impl Default for JobsSettings {
    fn default() -> Self {
        Self {
            backend: JobsBackend::Auto,
            sqlite_url: "sqlite://data/jobs.sqlite".to_owned(),
            welcome_queue: "welcome".to_owned(),
            embedded_worker: true,
            concurrency: 2,
            max_attempts: 3,
            backoff_base_ms: 1000,
            job_timeout_secs: 600,
            shutdown_grace_secs: 30,
            heartbeat_secs: 30,
            poll_interval_ms: 500,
            requeue_after_secs: 300,
            requeue_interval_secs: 60,
            metrics_port: None,
            metrics_host: "127.0.0.1".to_owned(),
            fail_with: None,
            stats_interval_secs: 15,
        }
    }
}

fn invalid(setting: &'static str, problem: &str) -> SettingsError {
    SettingsError::Invalid { setting, problem: problem.to_owned() }
}

impl JobsSettings {
    /// # Errors
    /// The first unusable jobs setting, by name.
    pub fn validate(&self, has_postgres: bool, has_redis: bool) -> Result<(), SettingsError> {
        match self.backend.resolve(has_postgres) {
            JobsBackend::Sqlite if !self.sqlite_url.starts_with("sqlite:") => {
                return Err(invalid("jobs.sqlite_url", "must start with sqlite:"));
            }
            JobsBackend::Postgres if !has_postgres => {
                return Err(invalid("jobs.backend", "postgres needs database.url to be a PostgreSQL URL"));
            }
            JobsBackend::Redis if !has_redis => {
                let problem = match self.backend {
                    JobsBackend::Auto => {
                        "auto picks the redis queue for a PostgreSQL database: set redis.url, or jobs.backend"
                    }
                    _ => "redis needs redis.url",
                };
                return Err(invalid("jobs.backend", problem));
            }
            _ => {}
        }
        let at_least_one: &[(&'static str, u64)] = &[
            ("jobs.requeue_interval_secs", self.requeue_interval_secs),
            ("jobs.concurrency", self.concurrency as u64),
            ("jobs.max_attempts", u64::from(self.max_attempts)),
            ("jobs.job_timeout_secs", self.job_timeout_secs),
            ("jobs.heartbeat_secs", self.heartbeat_secs),
            ("jobs.poll_interval_ms", self.poll_interval_ms),
        ];
        if let Some((name, _)) = at_least_one.iter().find(|(_, value)| *value == 0) {
            return Err(invalid(name, "must be at least 1"));
        }
        if self.metrics_host.parse::<std::net::IpAddr>().is_err() {
            return Err(invalid("jobs.metrics_host", "must be an IP address"));
        }
        if self.welcome_queue.trim().is_empty() {
            return Err(invalid("jobs.welcome_queue", "must not be empty"));
        }
        Ok(())
    }

    pub fn heartbeat(&self) -> Duration {
        Duration::from_secs(self.heartbeat_secs)
    }

    pub fn poll_interval(&self) -> Duration {
        Duration::from_millis(self.poll_interval_ms)
    }

    pub fn job_timeout(&self) -> Duration {
        Duration::from_secs(self.job_timeout_secs)
    }

    /// The recovery sweep's age threshold; `None` when the sweep is off.
    pub fn requeue_after(&self) -> Option<Duration> {
        (self.requeue_after_secs > 0).then(|| Duration::from_secs(self.requeue_after_secs))
    }

    pub fn requeue_interval(&self) -> Duration {
        Duration::from_secs(self.requeue_interval_secs)
    }

    /// How often the backlog gauges are sampled; `None` when off.
    pub fn stats_interval(&self) -> Option<Duration> {
        (self.stats_interval_secs > 0).then(|| Duration::from_secs(self.stats_interval_secs))
    }

    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_secs)
    }

    /// The delay before retrying after `attempts` failed attempts: base, 2x base, 4x ...
    pub fn backoff(&self, attempts: u32) -> Duration {
        let factor = 1_u64 << attempts.saturating_sub(1).min(16);
        Duration::from_millis(self.backoff_base_ms.saturating_mul(factor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_per_attempt() {
        let jobs = JobsSettings { backoff_base_ms: 100, ..Default::default() };
        let delays: Vec<_> = (1..=4).map(|n| jobs.backoff(n).as_millis()).collect();
        assert_eq!(delays, [100, 200, 400, 800]);
    }

    #[test]
    fn auto_is_the_sqlite_file_for_sqlite_and_the_generated_choice_for_postgres() {
        assert_eq!(JobsSettings::default().backend, JobsBackend::Auto);
        assert_eq!(JobsBackend::Auto.resolve(false), JobsBackend::Sqlite);
        assert_eq!(JobsBackend::Auto.resolve(true), PRODUCTION_BACKEND);
        assert_ne!(PRODUCTION_BACKEND, JobsBackend::Auto);
        for explicit in [JobsBackend::Sqlite, JobsBackend::Postgres, JobsBackend::Redis] {
            assert_eq!(explicit.resolve(true), explicit);
            assert_eq!(explicit.resolve(false), explicit);
        }
    }

    #[test]
    fn auto_names_itself_when_its_redis_choice_lacks_redis() {
        let auto = JobsSettings::default();
        let result = auto.validate(true, false);
        if PRODUCTION_BACKEND == JobsBackend::Redis {
            assert!(result.expect_err("no redis").to_string().contains("auto picks the redis queue"));
        } else {
            assert!(result.is_ok(), "{result:?}");
        }
    }

    #[test]
    fn backends_need_their_server() {
        let redis = JobsSettings { backend: JobsBackend::Redis, ..Default::default() };
        assert!(redis.validate(false, false).is_err());
        assert!(redis.validate(false, true).is_ok());
        let postgres = JobsSettings { backend: JobsBackend::Postgres, ..Default::default() };
        assert!(postgres.validate(false, true).expect_err("no postgres").to_string().contains("jobs.backend"));
    }

    #[test]
    fn zero_concurrency_is_refused_by_name() {
        let jobs = JobsSettings { concurrency: 0, ..Default::default() };
        assert!(jobs.validate(false, false).expect_err("zero").to_string().contains("jobs.concurrency"));
    }

    #[test]
    fn the_sweep_can_be_turned_off_and_the_metrics_host_must_be_an_address() {
        assert_eq!(JobsSettings::default().requeue_after(), Some(Duration::from_secs(300)));
        assert_eq!(JobsSettings { requeue_after_secs: 0, ..Default::default() }.requeue_after(), None);
        let zero = JobsSettings { requeue_interval_secs: 0, ..Default::default() };
        assert!(zero.validate(false, false).expect_err("zero").to_string().contains("jobs.requeue_interval_secs"));
        let host = JobsSettings { metrics_host: "localhost:9000".to_owned(), ..Default::default() };
        assert!(host.validate(false, false).expect_err("not an IP").to_string().contains("jobs.metrics_host"));
        assert!(JobsSettings { metrics_port: Some(9100), ..Default::default() }.validate(false, false).is_ok());
    }
}
