//! The process-wide Prometheus recorder, shared by both binaries: the API serves it on
//! `/metrics`, the standalone worker on `jobs.metrics_port`.

use std::sync::OnceLock;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};

pub use metrics_exporter_prometheus::PrometheusHandle;

/// Histogram buckets (seconds) for every `*_duration_seconds` metric: 1 ms to 10 s.
const DURATION_BUCKETS: &[f64] = &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

static HANDLE: OnceLock<Result<PrometheusHandle, String>> = OnceLock::new();

/// `service_info{service="<name>",version="<crate version>"} 1`: the Prometheus "info"
/// pattern, so every scrape says which service (named after the project) it came from.
fn describe_service() {
    let labels = [("service", crate::identity::SERVICE_NAME), ("version", env!("CARGO_PKG_VERSION"))];
    metrics::gauge!("service_info", &labels).set(1.0);
}

/// Installs the process-wide recorder on first call and returns its handle; later calls
/// (several apps started in one test process) share it.
///
/// # Errors
/// Another recorder was installed by someone else first.
pub fn install() -> anyhow::Result<PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_duration_seconds".to_owned()), DURATION_BUCKETS)
                .map_err(|e| e.to_string())?
                .install_recorder()
                .map_err(|e| e.to_string())
                .inspect(|_| describe_service())
        })
        .clone()
        .map_err(|e| anyhow::anyhow!("cannot install the metrics recorder: {e}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_scrape_names_the_service() {
        let handle = super::install().expect("recorder");
        let expected = format!("service_info{{service=\"{}\",version=\"", crate::identity::SERVICE_NAME);
        assert!(handle.render().contains(&expected), "{}", handle.render());
    }
}
