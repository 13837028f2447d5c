//! Load shedding: at most `server.max_in_flight_requests` requests run at once, and one
//! over the cap is answered `503` with `Retry-After` at once instead of waiting in a queue.
//!
//! A queue in front of a saturated server only adds latency: every queued request is
//! answered late or times out, and the client has no signal to back off or go to another
//! instance. Refusing at once keeps the latency of the admitted requests and tells load
//! balancers and clients to retry elsewhere.
//!
//! tower's `GlobalConcurrencyLimitLayer` holds one semaphore for the whole router (the
//! per-service `ConcurrencyLimitLayer` would give each route its own), and `load_shed`
//! turns "no permit free" into an error instead of a wait. The probes and the scrape
//! (`/health`, `/ready`, `/metrics`) are outside the cap: an orchestrator must still see a
//! busy instance alive (a failed liveness probe would restart it and make the overload
//! worse), and the metrics of an overload are the ones worth reading.

use axum::Router;
use axum::body::Body;
use axum::error_handling::HandleErrorLayer;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::{BoxError, ServiceBuilder};

use crate::error::ApiError;

/// Paths served whatever the load.
pub const UNLIMITED: [&str; 3] = ["/health", "/ready", "/metrics"];

/// `Retry-After` of a shed request: in-flight requests finish in well under a second
/// unless something else is wrong.
pub const RETRY_AFTER_SECS: u32 = 1;

/// `router` with at most `max_in_flight` requests running at once (0 = no cap), the
/// [`UNLIMITED`] paths exempt. Applied outermost, so a shed request costs no middleware.
pub fn layer(router: Router, max_in_flight: usize) -> Router {
    if max_in_flight == 0 {
        return router;
    }
    let limited = ServiceBuilder::new()
        .layer(HandleErrorLayer::new(shed))
        .load_shed()
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(max_in_flight))
        .service(router.clone());
    // `route_service` refuses a `Router` itself; as a plain service it is routed by the
    // inner router as usual.
    let unlimited = router.into_service::<Body>();
    UNLIMITED
        .iter()
        .fold(Router::new(), |outer, path| outer.route_service(path, unlimited.clone()))
        .fallback_service(limited)
}

/// The answer to a request over the cap (the only error `load_shed` produces here; the
/// router itself is infallible).
async fn shed(error: BoxError) -> Response {
    if !error.is::<tower::load_shed::error::Overloaded>() {
        return ApiError::internal(anyhow::anyhow!("load shedding layer: {error}")).into_response();
    }
    crate::metrics::request_shed();
    let mut response =
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "server", "is overloaded, retry later").into_response();
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
    response
}
