//! The Prometheus recorder and what is sampled when `/metrics` is scraped.
//!
//! Everything in the process records through the `metrics` facade (HTTP middleware, the
//! database callback, cache decorators, job handlers); one recorder per process collects
//! it and [`render`] turns it into the Prometheus text format. Gauges that describe a
//! state rather than events (pool connections, process memory and CPU) are read at
//! scrape time, so they are never stale.

use application::ports::PoolMonitor;
use metrics_exporter_prometheus::PrometheusHandle;

// The recorder itself is installed by the composition root with
// `infrastructure::metrics::install`, shared with the `worker` binary.

/// Samples the state gauges, then renders every metric in the Prometheus text format.
pub fn render(handle: &PrometheusHandle, pool: Option<&dyn PoolMonitor>) -> String {
    if let Some(pool) = pool {
        let status = pool.status();
        metrics::gauge!("db_pool_connections", "state" => "idle").set(f64::from(status.idle));
        metrics::gauge!("db_pool_connections", "state" => "in_use").set(f64::from(status.in_use));
        metrics::gauge!("db_pool_size").set(f64::from(status.size));
        metrics::gauge!("db_pool_max_connections").set(f64::from(status.max));
    }
    let process = process::sample();
    if let Some(rss) = process.resident_bytes {
        metrics::gauge!("process_resident_memory_bytes").set(rss as f64);
    }
    if let Some(cpu) = process.cpu_seconds {
        // Exported as a gauge: `metrics` counters are integers, CPU time is fractional. The
        // value only grows, so `rate()` works on it as on the usual counter.
        metrics::gauge!("process_cpu_seconds_total").set(cpu);
    }
    if let Some(fds) = process.open_fds {
        metrics::gauge!("process_open_fds").set(fds as f64);
    }
    // Histograms are drained into their buckets by upkeep; no listener task runs it here.
    handle.run_upkeep();
    handle.render()
}

/// `http_rate_limited_total{route,limit}`: requests refused with 429 by the rate limiter,
/// by route template and by the limit they ran into (`all`: the general one, `auth`: the
/// login and registration one).
pub const RATE_LIMITED: &str = "http_rate_limited_total";

/// Counts one request refused by the limit `bucket` (`all`, `auth`) on `route`.
pub fn rate_limited(route: &str, bucket: &'static str) {
    metrics::counter!(RATE_LIMITED, "route" => route.to_owned(), "limit" => bucket).increment(1);
}

/// The login and registration routes' series at 0, from start-up: `rate()` and the
/// dashboard then see the metric before the first refusal (the general limit's series
/// appear with the first route refused, as the route is known only then).
pub fn export_rate_limited() {
    for route in ["/api/users/login", "/api/users"] {
        metrics::counter!(RATE_LIMITED, "route" => route, "limit" => "auth").increment(0);
    }
}

/// Process statistics from `/proc/self` (Linux); `None` elsewhere.
mod process {
    /// What could be read.
    #[derive(Debug, Default)]
    pub struct Sample {
        pub resident_bytes: Option<u64>,
        pub cpu_seconds: Option<f64>,
        pub open_fds: Option<usize>,
    }

    /// Clock ticks per second in `/proc/<pid>/stat`: `USER_HZ`, fixed at 100 by the
    /// kernel's ABI on every architecture Linux reports it for.
    const USER_HZ: f64 = 100.0;

    pub fn sample() -> Sample {
        Sample { resident_bytes: resident_bytes(), cpu_seconds: cpu_seconds(), open_fds: open_fds() }
    }

    fn resident_bytes() -> Option<u64> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib * 1024)
    }

    fn cpu_seconds() -> Option<f64> {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        // The command name (field 2) may contain spaces; fields are counted after its ')'.
        let rest = stat.rsplit_once(')')?.1;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after ')'.
        let utime: f64 = fields.get(11)?.parse().ok()?;
        let stime: f64 = fields.get(12)?.parse().ok()?;
        Some((utime + stime) / USER_HZ)
    }

    fn open_fds() -> Option<usize> {
        Some(std::fs::read_dir("/proc/self/fd").ok()?.count())
    }

    #[cfg(test)]
    mod tests {
        #[test]
        #[cfg(target_os = "linux")]
        fn a_running_process_has_memory_and_cpu_time() {
            let sample = super::sample();
            assert!(sample.resident_bytes.is_some_and(|b| b > 0), "{sample:?}");
            assert!(sample.cpu_seconds.is_some_and(|s| s >= 0.0), "{sample:?}");
            assert!(sample.open_fds.is_some_and(|n| n > 0), "{sample:?}");
        }
    }
}

/// `http_requests_shed_total`: requests answered 503 at once because
/// `server.max_in_flight_requests` were already running.
pub const REQUESTS_SHED: &str = "http_requests_shed_total";

/// Puts [`REQUESTS_SHED`] on the first scrape (at 0), so `rate()` and alerts have a
/// series before the first overload.
pub fn export_shed_counter() {
    metrics::counter!(REQUESTS_SHED).increment(0);
}

/// Counts one shed request.
pub fn request_shed() {
    metrics::counter!(REQUESTS_SHED).increment(1);
}
