//! Per-request timing: `X-Process-Time`, the slow-request WARN, and the HTTP metrics
//! (`http_request_duration_seconds`, `http_requests_in_flight`).
//!
//! Runs after routing (added with `Router::layer`), so the route template from
//! [`MatchedPath`] is known: labels and logs say `/api/articles/{slug}`, never the raw
//! path, which keeps the number of metric series bounded.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use metrics::{Gauge, Histogram};

/// The route label of requests no route matched.
pub const UNMATCHED_ROUTE: &str = "unmatched";

const PROCESS_TIME: HeaderName = HeaderName::from_static("x-process-time");

/// Most `(route, method, status)` histogram handles kept; past it (only reachable with
/// unusual methods or statuses), series are looked up in the recorder on every request.
const MAX_CACHED_SERIES: usize = 1024;

/// What the timing middleware needs to know.
#[derive(Debug, Clone, Copy)]
pub struct ObserveConfig {
    /// Requests at least this slow are logged at WARN; zero turns the log off.
    pub slow_request: Duration,
    /// Record the HTTP metrics.
    pub metrics: bool,
}

/// The middleware's state: its configuration and the metric handles, resolved once.
///
/// `metrics::histogram!` with owned labels builds three `String`s and a key, hashes it and
/// looks it up in the recorder on every call; the handles here are looked up once per
/// series and then only cloned out of a read-locked map keyed by the route template.
/// Built after the recorder is installed (start-up installs it first), like every handle.
pub struct Observe {
    config: ObserveConfig,
    in_flight: Gauge,
    durations: RwLock<Durations>,
}

#[derive(Default)]
struct Durations {
    /// Route template -> `(method, status, handle)`; a route sees few of those.
    by_route: HashMap<Box<str>, Vec<(Method, u16, Histogram)>>,
    len: usize,
}

impl Observe {
    pub fn new(config: ObserveConfig) -> Self {
        Self { config, in_flight: metrics::gauge!("http_requests_in_flight"), durations: RwLock::default() }
    }

    /// The `http_request_duration_seconds` handle of one series.
    fn duration(&self, method: &Method, route: &str, status: u16) -> Histogram {
        let find = |durations: &Durations| {
            durations.by_route.get(route).and_then(|series| {
                series.iter().find(|(m, s, _)| m == method && *s == status).map(|(_, _, handle)| handle.clone())
            })
        };
        // A poisoned lock only means a panic between two map operations; the map is intact.
        if let Some(handle) = find(&self.durations.read().unwrap_or_else(PoisonError::into_inner)) {
            return handle;
        }
        let handle = metrics::histogram!(
            "http_request_duration_seconds",
            "method" => method.to_string(),
            "route" => route.to_owned(),
            "status" => status.to_string(),
        );
        let mut durations = self.durations.write().unwrap_or_else(PoisonError::into_inner);
        if durations.len < MAX_CACHED_SERIES && find(&durations).is_none() {
            durations.by_route.entry(route.into()).or_default().push((method.clone(), status, handle.clone()));
            durations.len += 1;
        }
        handle
    }
}

/// Decrements the in-flight gauge however the request ends (even when its future is
/// dropped by a timeout or a client disconnect).
struct InFlight<'a>(&'a Gauge);

impl<'a> InFlight<'a> {
    fn start(gauge: &'a Gauge) -> Self {
        gauge.increment(1.0);
        Self(gauge)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.decrement(1.0);
    }
}

/// Seconds with microsecond precision, e.g. `0.000153`, formatted without allocating a
/// `String` first.
pub fn process_time(elapsed: Duration) -> Option<HeaderValue> {
    let mut buffer = [0u8; 32];
    let mut rest = &mut buffer[..];
    write!(rest, "{}.{:06}", elapsed.as_secs(), elapsed.subsec_micros()).ok()?;
    let written = 32 - rest.len();
    HeaderValue::from_bytes(&buffer[..written]).ok()
}

pub async fn observe(State(observe): State<Arc<Observe>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let config = observe.config;
    let method = request.method().clone();
    // An `Arc<str>` inside: cloning it does not copy the template.
    let route = request.extensions().get::<MatchedPath>().cloned();
    let slow_log = !config.slow_request.is_zero();
    let request_id = if slow_log { request.headers().get(super::request_id::HEADER).cloned() } else { None };
    let in_flight = config.metrics.then(|| InFlight::start(&observe.in_flight));
    let mut response = next.run(request).await;
    drop(in_flight);
    let elapsed = started.elapsed();
    if let Some(value) = process_time(elapsed) {
        response.headers_mut().insert(PROCESS_TIME, value);
    }
    let route = route.as_ref().map_or(UNMATCHED_ROUTE, MatchedPath::as_str);
    let status = response.status().as_u16();
    if config.metrics {
        observe.duration(&method, route, status).record(elapsed.as_secs_f64());
    }
    if slow_log && elapsed >= config.slow_request {
        let request_id = request_id.as_ref().and_then(|id| id.to_str().ok()).unwrap_or_default();
        tracing::warn!(
            method = %method,
            route,
            status,
            duration_ms = elapsed.as_secs_f64() * 1000.0,
            request_id = %request_id,
            "slow request"
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_time_is_seconds_with_six_decimals() {
        assert_eq!(process_time(Duration::from_nanos(153_400)), Some(HeaderValue::from_static("0.000153")));
        assert_eq!(process_time(Duration::from_millis(2_500)), Some(HeaderValue::from_static("2.500000")));
        assert_eq!(
            process_time(Duration::from_secs(u64::MAX)),
            Some(HeaderValue::from_static("18446744073709551615.000000"))
        );
    }

    #[test]
    fn a_series_handle_is_looked_up_once_and_reused() {
        let observe = Observe::new(ObserveConfig { slow_request: Duration::ZERO, metrics: true });
        observe.duration(&Method::GET, "/a", 200).record(0.001);
        observe.duration(&Method::GET, "/a", 200).record(0.001);
        observe.duration(&Method::POST, "/a", 200).record(0.001);
        observe.duration(&Method::GET, "/a", 404).record(0.001);
        observe.duration(&Method::GET, "/b", 200).record(0.001);
        let durations = observe.durations.read().expect("not poisoned");
        assert_eq!(durations.len, 4);
        assert_eq!(durations.by_route.get("/a").map(Vec::len), Some(3));
    }
}
