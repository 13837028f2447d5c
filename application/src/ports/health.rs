//! Readiness: the dependencies the service needs to do useful work.

use async_trait::async_trait;

/// One dependency (database, cache, job queue) that a readiness check can probe.
#[async_trait]
pub trait DependencyProbe: Send + Sync {
    /// A short, stable name for reports and metrics, e.g. `"database"`.
    fn name(&self) -> &'static str;

    /// Succeeds when the dependency is usable right now.
    ///
    /// # Errors
    /// The dependency is unreachable or failing. Adapters MUST return within a bounded
    /// time (their own timeout), so one hung dependency cannot hang the whole check.
    async fn check(&self) -> anyhow::Result<()>;
}
