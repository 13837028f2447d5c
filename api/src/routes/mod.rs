//! The platform's handlers (health, readiness, operations) and the routing table that
//! merges every feature's routes (listed in [`crate::features`]).
//!
//! Handlers stay thin: extract, call one use case, shape the response. Routes are
//! registered through utoipa-axum so the OpenAPI document is generated from the same
//! annotated handlers the router serves, and the two cannot drift apart.

pub mod health;
pub mod ops;

use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::openapi::ApiDoc;

/// Every documented route (accounts and RealWorld's under `/api`, plus `/health`) with
/// its OpenAPI operations. One `routes!` call per path: utoipa-axum merges the methods
/// of a path.
pub(crate) fn documented_routes() -> OpenApiRouter<AppState> {
    let platform = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::health))
        .routes(routes!(ops::ready))
        .routes(routes!(ops::db_pool_status));
    let mut router =
        crate::features::FEATURES.iter().fold(platform, |router, feature| router.merge((feature.routes)()));
    crate::openapi::add_common_responses(router.get_openapi_mut());
    router
}
