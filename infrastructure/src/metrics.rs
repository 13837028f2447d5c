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
    // Present from the first scrape (at 0), so `rate()` and the alert rules see a series
    // before the first failure, with or without Redis configured.
    for component in REDIS_COMPONENTS {
        metrics::counter!(REDIS_ERRORS, "component" => component).increment(0);
    }
    application::cache::export_counters();
}

/// `redis_errors_total{component}`: Redis commands that failed or timed out.
pub const REDIS_ERRORS: &str = "redis_errors_total";

/// The users of Redis that count their failures in [`REDIS_ERRORS`].
const REDIS_COMPONENTS: [&str; 2] = ["cache", "rate_limit"];

/// Counts one failed or timed-out Redis command of `component` (`cache`, `rate_limit`).
pub fn redis_error(component: &'static str) {
    metrics::counter!(REDIS_ERRORS, "component" => component).increment(1);
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

    #[test]
    fn redis_errors_are_exported_from_the_start_and_counted_per_component() {
        let handle = super::install().expect("recorder");
        let scrape = handle.render();
        for component in super::REDIS_COMPONENTS {
            let series = format!("redis_errors_total{{component=\"{component}\"}}");
            assert!(scrape.contains(&series), "{series} missing before any failure: {scrape}");
        }
        assert!(scrape.contains("cache_errors_total{view=\""), "cache counters missing: {scrape}");
        super::redis_error("cache");
        let counted = handle.render().lines().any(|line| {
            line.strip_prefix("redis_errors_total{component=\"cache\"} ")
                .and_then(|n| n.parse::<u64>().ok())
                .is_some_and(|n| n >= 1)
        });
        assert!(counted, "{}", handle.render());
    }
}
