//! The production HTTP layer, assembled in one place by [`layers`].
//!
//! Applied with `Router::layer`, so it wraps every route and the JSON 404/405 fallbacks,
//! and runs after routing (the route template is known to metrics and logs). From the
//! outside in: compression, request id, request span (traces, and the ids of every log
//! line), CORS, security headers, timing and metrics,
//! rate limit, body limit, timeout, panic guard, then the handler.

pub mod compression;
pub mod guard;
pub mod load_shed;
pub mod observe;
pub mod rate_limit;
pub mod request_id;
pub mod security_headers;
pub mod trace;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::{from_fn, from_fn_with_state};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};

pub use observe::ObserveConfig;
pub use rate_limit::RateLimiter;

/// What the layers are configured with (from `http.*` settings, resolved by start-up).
pub struct HttpLayerConfig {
    pub observe: ObserveConfig,
    pub request_timeout: std::time::Duration,
    pub body_limit: usize,
    pub compression_min_bytes: u16,
    pub cors_origins: Vec<String>,
    /// `None` turns rate limiting off.
    pub rate_limiter: Option<Arc<RateLimiter>>,
}

/// Wraps `router` in the whole stack, listed from the outside in.
///
/// One `Router::layer` call with one `ServiceBuilder`: axum boxes every route once per
/// `Router::layer` call and clones that box chain on every request, so adding the twelve
/// layers one by one cost a dozen allocations per layer crossed (see docs/benchmarks.md).
pub fn layers(router: Router, config: HttpLayerConfig) -> Router {
    let [nosniff, frame_options, referrer_policy, csp] = security_headers::layers();
    let stack = ServiceBuilder::new()
        // Outermost: its response body (with the encoder state inline) is large, and every
        // layer outside it would move it once more.
        .layer(compression::layer(config.compression_min_bytes))
        .map_request(request_id::sanitize)
        .layer(SetRequestIdLayer::new(request_id::HEADER, request_id::MakeId))
        .layer(PropagateRequestIdLayer::new(request_id::HEADER))
        // Inside the request id (which it records), outside everything that logs.
        .layer(from_fn(trace::request_span))
        .option_layer(cors(&config.cors_origins))
        .layer(nosniff)
        .layer(frame_options)
        .layer(referrer_policy)
        .layer(csp)
        .layer(from_fn_with_state(Arc::new(observe::Observe::new(config.observe)), observe::observe))
        .option_layer(config.rate_limiter.map(|limiter| from_fn_with_state(limiter, rate_limit::rate_limit)))
        .layer(DefaultBodyLimit::max(config.body_limit))
        .layer(from_fn_with_state(
            guard::Limits { body: config.body_limit, time: config.request_timeout },
            guard::limits,
        ))
        .layer(CatchPanicLayer::custom(guard::panic_response));
    router.layer(stack)
}

/// CORS for the configured origins; none configured means no CORS headers at all
/// (browsers then allow same-origin calls only).
fn cors(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let allow_origin = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()))
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow_origin)
            .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE, Method::OPTIONS])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                request_id::HEADER,
                HeaderName::from_static(trace::TRACEPARENT),
            ])
            .expose_headers([
                request_id::HEADER,
                header::RETRY_AFTER,
                HeaderName::from_static("x-process-time"),
                HeaderName::from_static(trace::TRACEPARENT),
            ])
            .max_age(std::time::Duration::from_secs(3600)),
    )
}
