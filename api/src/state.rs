//! The state every handler can reach: the use cases plus the operational handles
//! (readiness probes, pool monitor, metrics) that only the composition root knows.

use std::sync::Arc;

use application::Services;
use application::ports::{DependencyProbe, PoolMonitor};
use metrics_exporter_prometheus::PrometheusHandle;

/// Cheap to clone (a few `Arc`s). Build with [`AppState::new`] and the `with_*` methods;
/// what is not set is simply not served (no pool status, no `/metrics`).
#[derive(Clone)]
pub struct AppState {
    pub services: Services,
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
    /// The use cases with no operational extras.
    pub fn new(services: Services) -> Self {
        Self { services, ops: Arc::new(Ops::default()) }
    }

    /// With the operational handles.
    pub fn with_ops(mut self, ops: Ops) -> Self {
        self.ops = Arc::new(ops);
        self
    }
}
