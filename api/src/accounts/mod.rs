//! Accounts over HTTP: registration, login and the current user (routes, bodies, OpenAPI).

pub mod dto;
pub(crate) mod routes;

use application::accounts::Accounts;
use axum::extract::FromRef;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes as documented;

use crate::AppState;

/// The accounts routes, with their OpenAPI operations.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(documented!(routes::register))
        .routes(documented!(routes::login))
        .routes(documented!(routes::current_user, routes::update_user))
}

/// The accounts handlers' sub-state.
impl FromRef<AppState> for Accounts {
    fn from_ref(state: &AppState) -> Self {
        state.features.expect()
    }
}
