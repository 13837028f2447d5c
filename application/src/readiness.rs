//! The readiness check both binaries serve on `/ready`: every [`DependencyProbe`] runs
//! concurrently, each bounded by a timeout, and the process is ready unless a
//! *required* dependency fails. A failing optional one is `degraded`.
//!
//! [`Drain`] is the process's own entry in that list: from the moment shutdown begins it
//! fails, so `/ready` answers 503 while every other route is still served and load
//! balancers take the instance out of rotation before its listener closes.
//!
//! The error text of a failed probe is logged at WARN here and never returned: `/ready`
//! is unauthenticated, and a driver error can name hosts, users or paths.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures::future::{Either, join_all, select};

use crate::ports::DependencyProbe;

/// One dependency's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// The probe passed.
    Ok,
    /// An optional dependency failed or timed out: served without it.
    Degraded,
    /// A required dependency failed or timed out: not ready.
    Failed,
}

/// One probe's result.
#[derive(Debug, Clone)]
pub struct Checked {
    pub name: &'static str,
    pub health: Health,
    pub elapsed: Duration,
}

/// Every probe's result, in the order of the probes.
#[derive(Debug, Clone, Default)]
pub struct Readiness {
    pub checks: Vec<Checked>,
}

impl Readiness {
    /// No required dependency failed.
    pub fn ready(&self) -> bool {
        self.checks.iter().all(|check| check.health != Health::Failed)
    }

    /// Ready, but an optional dependency is away.
    pub fn degraded(&self) -> bool {
        self.ready() && self.checks.iter().any(|check| check.health == Health::Degraded)
    }

    /// Not ready because the process is shutting down ([`Drain`] failed).
    pub fn draining(&self) -> bool {
        self.checks.iter().any(|check| check.name == Drain::NAME && check.health == Health::Failed)
    }
}

/// The shutdown flag as a required readiness probe: passes until [`Drain::start`], fails
/// from then on. Clones share the flag: the server keeps one to flip, the probe list
/// another.
#[derive(Debug, Clone, Default)]
pub struct Drain(Arc<AtomicBool>);

impl Drain {
    /// The probe's name in readiness reports.
    pub const NAME: &'static str = "shutdown";

    /// Marks the process as shutting down: readiness fails from now on.
    pub fn start(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`Drain::start`] was called.
    pub fn is_draining(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

#[async_trait::async_trait]
impl DependencyProbe for Drain {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    async fn check(&self) -> anyhow::Result<()> {
        anyhow::ensure!(!self.is_draining(), "draining: shutdown in progress");
        Ok(())
    }
}

/// Runs every probe concurrently, each bounded by `timeout`.
///
/// This crate has no async runtime, so the caller passes its timer (`tokio::time::sleep`).
pub async fn check_all<S, F>(probes: &[Arc<dyn DependencyProbe>], timeout: Duration, sleep: S) -> Readiness
where
    S: Fn(Duration) -> F,
    F: Future<Output = ()>,
{
    let runs = probes.iter().map(|probe| {
        let deadline = sleep(timeout);
        async move {
            let started = Instant::now();
            let outcome = match select(Box::pin(probe.check()), Box::pin(deadline)).await {
                Either::Left((Ok(()), _)) => Ok(()),
                Either::Left((Err(e), _)) => Err(format!("{e:#}")),
                Either::Right(((), _)) => Err(format!("timed out after {timeout:?}")),
            };
            let elapsed = started.elapsed();
            let health = match outcome {
                Ok(()) => Health::Ok,
                Err(error) => {
                    let required = probe.required();
                    tracing::warn!(dependency = probe.name(), required, error = %error, "readiness check failed");
                    if required { Health::Failed } else { Health::Degraded }
                }
            };
            Checked { name: probe.name(), health, elapsed }
        }
    });
    Readiness { checks: join_all(runs).await }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Probe {
        name: &'static str,
        required: bool,
        passes: bool,
        hangs: bool,
    }

    #[async_trait::async_trait]
    impl DependencyProbe for Probe {
        fn name(&self) -> &'static str {
            self.name
        }
        fn required(&self) -> bool {
            self.required
        }
        async fn check(&self) -> anyhow::Result<()> {
            if self.hangs {
                std::future::pending::<()>().await;
            }
            anyhow::ensure!(self.passes, "secret connection detail");
            Ok(())
        }
    }

    fn probe(name: &'static str, required: bool, passes: bool) -> Arc<dyn DependencyProbe> {
        Arc::new(Probe { name, required, passes, hangs: false })
    }

    async fn run(probes: &[Arc<dyn DependencyProbe>]) -> Readiness {
        check_all(probes, Duration::from_millis(50), tokio::time::sleep).await
    }

    fn health(readiness: &Readiness, name: &str) -> Health {
        readiness.checks.iter().find(|c| c.name == name).map(|c| c.health).expect("checked")
    }

    #[tokio::test]
    async fn an_optional_dependency_that_fails_degrades_but_keeps_the_process_ready() {
        let readiness = run(&[probe("database", true, true), probe("redis", false, false)]).await;
        assert!(readiness.ready() && readiness.degraded(), "{readiness:?}");
        assert_eq!(health(&readiness, "redis"), Health::Degraded);
        assert_eq!(health(&readiness, "database"), Health::Ok);
    }

    #[tokio::test]
    async fn a_required_dependency_that_fails_makes_the_process_not_ready() {
        let readiness = run(&[probe("database", true, false), probe("redis", false, true)]).await;
        assert!(!readiness.ready(), "{readiness:?}");
        assert_eq!(health(&readiness, "database"), Health::Failed);
    }

    #[tokio::test]
    async fn a_started_drain_makes_the_process_not_ready_and_says_why() {
        let drain = Drain::default();
        let probes: Vec<Arc<dyn DependencyProbe>> = vec![Arc::new(drain.clone()), probe("database", true, true)];
        let before = run(&probes).await;
        assert!(before.ready() && !before.draining(), "{before:?}");
        drain.start();
        let after = run(&probes).await;
        assert!(!after.ready() && after.draining(), "{after:?}");
        assert_eq!(health(&after, "database"), Health::Ok);
    }

    #[tokio::test]
    async fn a_hung_probe_is_cut_off_by_the_timeout_and_counts_as_failed() {
        let hung: Arc<dyn DependencyProbe> =
            Arc::new(Probe { name: "queue", required: true, passes: true, hangs: true });
        let readiness = run(&[hung, probe("database", true, true)]).await;
        assert_eq!(health(&readiness, "queue"), Health::Failed);
        assert_eq!(health(&readiness, "database"), Health::Ok);
    }
}
