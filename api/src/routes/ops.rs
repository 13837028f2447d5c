//! Operational endpoints: readiness, database pool status, Prometheus metrics, and the
//! debug routes that exist only when `http.debug_routes` is on.

use std::collections::BTreeMap;
use std::time::Duration;

use application::readiness::{self, Health};
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{AdminUser, ApiQuery};

/// One dependency's result.
#[derive(Debug, Serialize, ToSchema)]
pub struct Check {
    /// `ok`; `degraded` when an optional dependency (Redis as cache or rate-limit store)
    /// fails and requests are served without it; `error` when a required one fails.
    #[schema(example = "ok")]
    pub status: &'static str,
    /// How long the check took, in milliseconds.
    pub latency_ms: f64,
    /// What backs it (e.g. `in-memory`); never an error text, which is logged instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadyResponse {
    /// `ok` when every dependency is usable, `degraded` when only optional ones fail,
    /// `unavailable` when a required one (database, job queue) fails, `draining` once
    /// shutdown has begun (the `shutdown` check; other routes are still served).
    #[schema(example = "ok")]
    pub status: &'static str,
    /// Per dependency (`database`, `cache`/`redis`, `queue`, ...).
    pub checks: BTreeMap<String, Check>,
}

/// How long one dependency's probe may take before it counts as failed.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// Readiness: every dependency is checked concurrently, each bounded by its own timeout;
/// 503 only when a dependency requests cannot be served without fails, or from the moment
/// shutdown begins (`server.drain_delay_secs` before the listener closes).
#[utoipa::path(
    get,
    path = "/ready",
    tag = "health",
    responses(
        (status = 200, description = "Every required dependency is usable (optional ones may be `degraded`)", body = ReadyResponse),
        (status = 503, description = "A required dependency is not (named in `checks`), or the process is shutting down (`draining`)", body = ReadyResponse),
    )
)]
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<ReadyResponse>) {
    let readiness = readiness::check_all(&state.ops.probes, PROBE_TIMEOUT, tokio::time::sleep).await;
    let mut checks = BTreeMap::new();
    for check in &readiness.checks {
        let status = match check.health {
            Health::Ok => "ok",
            Health::Degraded => "degraded",
            Health::Failed => "error",
        };
        checks.insert(check.name.to_owned(), Check { status, latency_ms: millis(check.elapsed), detail: None });
    }
    // Without Redis the cache lives in this process: always usable, named so every
    // report lists the cache.
    if !checks.contains_key("redis") && !checks.contains_key("cache") {
        checks.insert("cache".to_owned(), Check { status: "ok", latency_ms: 0.0, detail: Some("in-memory".into()) });
    }
    let (code, status) = if readiness.draining() {
        (StatusCode::SERVICE_UNAVAILABLE, "draining")
    } else if !readiness.ready() {
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
    } else if readiness.degraded() {
        (StatusCode::OK, "degraded")
    } else {
        (StatusCode::OK, "ok")
    };
    (code, Json(ReadyResponse { status, checks }))
}

fn millis(elapsed: Duration) -> f64 {
    (elapsed.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PoolStatusResponse {
    /// `ok`, or `warning` when no connection is idle (the next query may wait).
    #[schema(example = "ok")]
    pub status: &'static str,
    pub size: u32,
    pub idle: u32,
    pub in_use: u32,
    pub max_connections: u32,
    pub min_connections: u32,
    pub acquire_timeout_secs: f64,
}

/// The database connection pool right now (admins only).
#[utoipa::path(
    get,
    path = "/admin/db-pool-status",
    tag = "admin",
    security(("Token" = [])),
    responses(
        (status = 200, description = "Pool state", body = PoolStatusResponse),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No pool is wired (handler tests)", body = ErrorBody),
    )
)]
pub async fn db_pool_status(
    State(state): State<AppState>,
    _admin: AdminUser,
) -> Result<Json<PoolStatusResponse>, ApiError> {
    let pool = state.ops.pool.as_ref().ok_or_else(|| ApiError::not_found("pool"))?.status();
    Ok(Json(PoolStatusResponse {
        status: if pool.idle == 0 { "warning" } else { "ok" },
        size: pool.size,
        idle: pool.idle,
        in_use: pool.in_use,
        max_connections: pool.max,
        min_connections: pool.min,
        acquire_timeout_secs: pool.acquire_timeout.as_secs_f64(),
    }))
}

/// Prometheus text format.
async fn metrics(State(state): State<AppState>) -> Response {
    match &state.ops.metrics {
        Some(handle) => {
            let body = crate::metrics::render(handle, state.ops.pool.as_deref());
            ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body).into_response()
        }
        None => ApiError::not_found("route").into_response(),
    }
}

async fn debug_panic() -> &'static str {
    panic!("debug route asked to panic")
}

#[derive(serde::Deserialize)]
struct SleepQuery {
    ms: u64,
}

async fn debug_sleep(ApiQuery(query): ApiQuery<SleepQuery>) -> &'static str {
    tokio::time::sleep(Duration::from_millis(query.ms.min(60_000))).await;
    "done"
}

/// Routes outside the OpenAPI document: `/metrics` (when enabled) and the debug routes.
pub(crate) fn undocumented_routes(state: &AppState) -> Router<AppState> {
    let mut router = Router::new();
    if state.ops.metrics.is_some() {
        router = router.route("/metrics", get(metrics));
    }
    if state.ops.debug_routes {
        router = router.route("/debug/panic", get(debug_panic)).route("/debug/sleep", get(debug_sleep));
    }
    router
}
