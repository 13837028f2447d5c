//! The OpenAPI document's fixed parts: title, tags and the `Token` security scheme.
//!
//! Paths and schemas are not listed here: `routes::documented_routes` adds them from the
//! handlers' `#[utoipa::path]` annotations.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// Name of the security scheme handlers refer to in `security(("Token" = []))`.
pub const TOKEN_SCHEME: &str = "Token";

#[derive(OpenApi)]
#[openapi(
    info(
        //{% if realworld %} The RealWorld example's title.
        title = "RealWorld (Conduit) API",
        //{% endif %} Errors have one shape everywhere.
        description = "Errors always have the shape `{\"errors\": {\"field\": [\"message\"]}}`."
    ),
    modifiers(&TokenScheme, &ServiceTitle),
    tags(
        (name = "users", description = "Registration, login and the current user"),
        (name = "health", description = "Liveness and readiness"),
        (name = "admin", description = "Operational endpoints for admins"),
        //{% if realworld %} The RealWorld example's resources.
        (name = "profiles", description = "Public profiles and following"),
        (name = "articles", description = "Articles and the feed"),
        (name = "favorites", description = "Favorite articles"),
        (name = "comments", description = "Comments on articles"),
        (name = "tags", description = "Tags in use"),
        (name = "reports", description = "Activity reports, generated in the background"),
        //{% endif %} (Every tag is listed above.)
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
