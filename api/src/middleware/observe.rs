//! Per-request timing: `X-Process-Time`, the slow-request WARN, and the HTTP metrics
//! (`http_request_duration_seconds`, `http_requests_in_flight`).
//!
//! Runs after routing (added with `Router::layer`), so the route template from
//! [`MatchedPath`] is known: labels and logs say `/api/articles/{slug}`, never the raw
//! path, which keeps the number of metric series bounded.

use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

/// The route label of requests no route matched.
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// What the timing middleware needs to know.
#[derive(Debug, Clone, Copy)]
pub struct ObserveConfig {
    /// Requests at least this slow are logged at WARN; zero turns the log off.
    pub slow_request: Duration,
    /// Record the HTTP metrics.
    pub metrics: bool,
}

/// Decrements the in-flight gauge however the request ends (even when its future is
/// dropped by a timeout or a client disconnect).
struct InFlight;

impl InFlight {
    fn start() -> Self {
        metrics::gauge!("http_requests_in_flight").increment(1.0);
        Self
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        metrics::gauge!("http_requests_in_flight").decrement(1.0);
    }
}

/// Seconds with microsecond precision, e.g. `0.000153`.
pub fn process_time(elapsed: Duration) -> String {
    format!("{}.{:06}", elapsed.as_secs(), elapsed.subsec_micros())
}

pub async fn observe(State(config): State<ObserveConfig>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().map(|path| path.as_str().to_owned());
    let request_id = request
        .headers()
        .get(super::request_id::HEADER)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let in_flight = config.metrics.then(InFlight::start);
    let mut response = next.run(request).await;
    drop(in_flight);
    let elapsed = started.elapsed();
    if let Ok(value) = HeaderValue::from_str(&process_time(elapsed)) {
        response.headers_mut().insert("x-process-time", value);
    }
    let route = route.as_deref().unwrap_or(UNMATCHED_ROUTE);
    let status = response.status().as_u16();
    if config.metrics {
        metrics::histogram!(
            "http_request_duration_seconds",
            "method" => method.to_string(),
            "route" => route.to_owned(),
            "status" => status.to_string(),
        )
        .record(elapsed.as_secs_f64());
    }
    if !config.slow_request.is_zero() && elapsed >= config.slow_request {
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
        assert_eq!(process_time(Duration::from_nanos(153_400)), "0.000153");
        assert_eq!(process_time(Duration::from_millis(2_500)), "2.500000");
    }
}
