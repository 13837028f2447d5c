//! The HTTP layer of the service: axum routes, extractors, error mapping and OpenAPI.
//!
//! [`router`] builds the whole application from an [`AppState`]; the binary's startup
//! code only adds the server, middleware and shutdown around it. Tests drive the router
//! directly with in-memory services.

pub mod accounts;
pub mod dto;
pub mod error;
pub mod extract;
pub mod features;
pub mod metrics;
pub mod middleware;
mod openapi;
//{% if realworld %} The RealWorld example's routes, bodies and OpenAPI.
pub mod realworld;
//{% endif %} Routes of the platform, startup and state.
pub mod routes;
pub mod startup;
mod state;

use axum::Router;
use utoipa_swagger_ui::SwaggerUi;

pub use error::{ApiError, ErrorBody};
pub use openapi::TOKEN_SCHEME;
pub use state::{AppState, Ops};

/// Where the OpenAPI document is served.
pub const OPENAPI_PATH: &str = "/api-docs/openapi.json";
/// Where Swagger UI is served (assets are vendored: works offline).
pub const DOCS_PATH: &str = "/docs";

/// The complete application: RealWorld endpoints under `/api`, `GET /health`, `GET /ready`,
/// `/admin/db-pool-status`, `/metrics` (when a metrics handle is set), the OpenAPI document
/// and Swagger UI, and JSON answers for unknown routes (404) and unsupported methods (405).
pub fn router(state: AppState) -> Router {
    let (routes, document) = routes::documented_routes().split_for_parts();
    routes
        .merge(routes::ops::undocumented_routes(&state))
        .merge(SwaggerUi::new(DOCS_PATH).url(OPENAPI_PATH, document))
        .fallback(routes::health::route_not_found)
        // Applies to the method routers registered so far, so it must come after every
        // route is in place.
        .method_not_allowed_fallback(routes::health::method_not_allowed)
        .with_state(state)
}

/// The OpenAPI 3.1 document of every documented route, without building a server.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes::documented_routes().into_openapi()
}
