//! The state every handler can reach: every wired feature's use cases, the token
//! verifier, and the operational handles (readiness probes, pool monitor, metrics) that
//! only the composition root knows. Handlers take their feature's use cases as a
//! sub-state (`State<RealWorld>`), through the `FromRef` impl next to the feature's routes.

use std::sync::Arc;

use application::ports::{DependencyProbe, PoolMonitor, TokenService};
use application::{Features, Platform};
use metrics_exporter_prometheus::PrometheusHandle;

/// Cheap to clone (a few `Arc`s). Build with [`AppState::new`] and the `with_*` methods;
/// what is not set is simply not served (no pool status, no `/metrics`).
#[derive(Clone)]
pub struct AppState {
    pub features: Features,
    /// Verifies the `Authorization` token of every authenticated request.
    pub tokens: Arc<dyn TokenService>,
    pub ops: Arc<Ops>,
}

/// Operational handles, all optional so handler tests only wire the use cases.
#[derive(Clone, Default)]
pub struct Ops {
    /// What `/ready` checks, concurrently.
    pub probes: Vec<Arc<dyn DependencyProbe>>,
    /// Source of `/admin/db-pool-status` and the pool gauges.
    pub pool: Option<Arc<dyn PoolMonitor>>,
    /// Renders `/metrics`; `None` leaves the route out.
    pub metrics: Option<PrometheusHandle>,
    /// Adds `/debug/panic` and `/debug/sleep` (tests of the panic guard and timeout).
    pub debug_routes: bool,
}

impl AppState {
    /// The features' use cases with no operational extras.
    pub fn new(features: Features, platform: &Platform) -> Self {
        Self { features, tokens: platform.tokens.clone(), ops: Arc::new(Ops::default()) }
    }

    /// With the operational handles.
    pub fn with_ops(mut self, ops: Ops) -> Self {
        self.ops = Arc::new(ops);
        self
    }
}
