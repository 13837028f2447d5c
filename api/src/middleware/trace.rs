//! The request span: one per request, named after the route template
//! (`GET /api/articles/{slug}`), the child of the caller's span when a W3C `traceparent`
//! came in, answered with the request's own `traceparent` when traces are exported.
//!
//! Every log line written while the request runs is inside this span, so it carries the
//! span's `request_id` and `trace_id` fields (JSON: under `span`/`spans`; text: in the
//! `request{...}` prefix), the ERROR line of a 500 included.

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument as _;
use tracing::field::Empty;

use super::request_id;

pub const TRACEPARENT: &str = "traceparent";

pub async fn request_span(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().map(|path| path.as_str().to_owned());
    let name = match &route {
        Some(route) => format!("{method} {route}"),
        None => method.to_string(),
    };
    let request_id = request.headers().get(&request_id::HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let span = tracing::info_span!(
        "request",
        otel.name = %name,
        otel.kind = "server",
        request_id = %request_id,
        trace_id = Empty,
        http.request.method = %method,
        http.route = route.as_deref().unwrap_or_default(),
        http.response.status_code = Empty,
        otel.status_code = Empty,
    );
    let headers = request.headers();
    if let Some(trace_id) =
        infrastructure::telemetry::continue_trace(&span, |key| headers.get(key).and_then(|value| value.to_str().ok()))
    {
        span.record("trace_id", trace_id);
    }
    let mut response = next.run(request).instrument(span.clone()).await;
    let status = response.status();
    span.record("http.response.status_code", status.as_u16());
    if status.is_server_error() {
        span.record("otel.status_code", "ERROR");
    }
    if let Some(value) = infrastructure::telemetry::traceparent(&span).and_then(|v| HeaderValue::from_str(&v).ok()) {
        response.headers_mut().insert(TRACEPARENT, value);
    }
    response
}
