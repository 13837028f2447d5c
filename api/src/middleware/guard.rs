//! Guards around the handler: a body size limit, a request timeout and a panic catcher,
//! each answering with the RealWorld JSON error shape.

use std::any::Any;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// The request limits, checked by [`limits`].
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest accepted body, in bytes.
    pub body: usize,
    /// Longest a request may run.
    pub time: Duration,
}

/// Both limits in one middleware (one boxed layer fewer per request than two):
///
/// - a declared `Content-Length` above `body` is refused before the body is read. Bodies
///   without a length (chunked) are bounded by axum's `DefaultBodyLimit`, set to the same
///   value, when an extractor reads them (also a 413 in the same shape);
/// - a request that runs longer than `time` gets a 503, and the handler's future is
///   dropped (its database work is cancelled with it).
pub async fn limits(State(limits): State<Limits>, request: Request, next: Next) -> Response {
    if let Some(refused) = body_too_large(&request, limits.body) {
        return refused;
    }
    match tokio::time::timeout(limits.time, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(timeout_ms = limits.time.as_millis() as u64, "request timed out");
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "request", "timed out").into_response()
        }
    }
}

/// The 413 for a declared `Content-Length` above `limit`, if it is.
fn body_too_large(request: &Request, limit: usize) -> Option<Response> {
    let declared =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    declared.is_some_and(|length| length > limit as u64).then(|| {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "request", format!("is too large (limit {limit} bytes)"))
            .into_response()
    })
}

/// The answer to a handler that panicked: a JSON 500; the panic is logged, the process
/// keeps serving.
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic payload".to_owned());
    ApiError::internal(anyhow::anyhow!("handler panicked: {message}")).into_response()
}
