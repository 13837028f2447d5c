//! Readiness: the dependencies the service needs to do useful work.

use async_trait::async_trait;

/// One dependency (database, cache, job queue) that a readiness check can probe.
#[async_trait]
pub trait DependencyProbe: Send + Sync {
    /// A short, stable name for reports and metrics, e.g. `"database"`.
    fn name(&self) -> &'static str;

    /// Whether requests cannot be served without this dependency. A required
    /// dependency that fails makes the process not ready (`/ready` 503); an optional one
    /// (a cache, the rate limiter's store: both fall back when it is away) is reported as
    /// `degraded` and the process stays ready. Adapters MUST answer `false` only when
    /// every caller of the dependency has a fallback.
    fn required(&self) -> bool {
        true
    }

    /// Succeeds when the dependency is usable right now.
    ///
    /// # Errors
    /// The dependency is unreachable or failing. Adapters MUST return within a bounded
    /// time (their own timeout), so one hung dependency cannot hang the whole check.
    async fn check(&self) -> anyhow::Result<()>;
}
