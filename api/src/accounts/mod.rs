//! Accounts over HTTP: registration, login and the current user (routes, bodies, OpenAPI).

mod admin;
pub mod dto;
pub(crate) mod routes;

use application::accounts::Accounts;
use axum::extract::FromRef;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes as documented;

use crate::AppState;
use crate::features::{Feature, FeatureCommand};

/// The accounts feature's entry point: its routes and the `admin` subcommand.
pub const FEATURE: Feature =
    Feature { routes, command: Some(FeatureCommand { define: admin::command, run: admin::run }) };

/// The accounts routes, with their OpenAPI operations.
fn routes() -> OpenApiRouter<AppState> {
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
