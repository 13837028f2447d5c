//! The OpenAPI document's fixed parts: title, the platform's and the accounts' tags, and
//! the `Token` security scheme.
//!
//! Paths and schemas are not listed here: `routes::documented_routes` adds them from the
//! handlers' `#[utoipa::path]` annotations, and each feature's routes bring their own
//! tags (see `realworld::routes`).

use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// Name of the security scheme handlers refer to in `security(("Token" = []))`.
pub const TOKEN_SCHEME: &str = "Token";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "HTTP API",
        description = "Errors always have the shape `{\"errors\": {\"field\": [\"message\"]}}`."
    ),
    modifiers(&TokenScheme, &ServiceTitle),
    tags(
        (name = "users", description = "Registration, login and the current user"),
        (name = "health", description = "Liveness and readiness"),
        (name = "admin", description = "Operational endpoints for admins"),
    )
)]
pub(crate) struct ApiDoc;

/// Prefixes the title with the service's name, defined once in `application::identity`.
struct ServiceTitle;

impl Modify for ServiceTitle {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi.info.title = format!("{}: {}", application::identity::SERVICE_NAME, openapi.info.title);
    }
}

/// Declares RealWorld's auth: `Authorization: Token <jwt>`. An apiKey scheme, not
/// `http`/`bearer`, because the RealWorld scheme word is `Token`, which Swagger UI's
/// bearer support cannot send; users paste `Token <jwt>` into the UI instead.
struct TokenScheme;

impl Modify for TokenScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            TOKEN_SCHEME,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "`Token <jwt>` as returned by login or registration (`Bearer <jwt>` is accepted too)",
            ))),
        );
    }
}
