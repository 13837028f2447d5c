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

/// Adds the answers that the middleware and the extractors give on any operation, so the
/// document lists every status a client can get (the handlers list their own):
///
/// - `429` on `/api/...` (the per-IP rate limits, `http.rate_limit`), with `Retry-After`;
/// - `503` everywhere (request timeout, pool exhaustion, statement timeout), with
///   `Retry-After` where the database is the cause;
/// - with a JSON body: `400` (not JSON), `413` (too large), `415` (not
///   `application/json`) and `422` (wrong types, control characters);
/// - with query parameters: `400` (malformed query string) and `422` (bad values,
///   control characters);
/// - with path parameters: `400` (a segment that is not valid percent-encoded UTF-8) and
///   `404` (nothing has that name, e.g. one with control characters).
///
/// A status an operation already documents keeps the handler's description.
pub(crate) fn add_common_responses(document: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::ParameterIn;

    for (path, item) in &mut document.paths.paths {
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            let parameters_in = |place: ParameterIn| {
                operation.parameters.iter().flatten().any(|parameter| match parameter {
                    utoipa::openapi::RefOr::T(parameter) => parameter.parameter_in == place,
                    utoipa::openapi::RefOr::Ref(_) => false,
                })
            };
            let (query, in_path) = (parameters_in(ParameterIn::Query), parameters_in(ParameterIn::Path));
            let body = operation.request_body.is_some();
            let mut add = |status: &str, description: &str, retry_after: bool| {
                operation
                    .responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| error_response(description, retry_after).into());
            };
            if body {
                add("400", "The body is not valid JSON", false);
                add("413", "The body is larger than `http.body_limit_bytes`", false);
                add("415", "The body is not sent as `application/json`", false);
                add("422", "A field has the wrong type, is invalid or holds control characters", false);
            }
            if query {
                add("400", "The query string cannot be read", false);
                add("422", "A query parameter is invalid or holds control characters", false);
            }
            if in_path {
                add("400", "A path segment cannot be read", false);
                add("404", "Nothing has that name", false);
            }
            if path.starts_with("/api/") {
                add(
                    "429",
                    "Too many requests from this client (`http.rate_limit`); `Retry-After` says when to try again",
                    true,
                );
            }
            add(
                "503",
                "Overloaded or too slow (request timeout, no free database connection, statement timeout); retry later, after `Retry-After` when given",
                true,
            );
        }
    }
}

/// A response in the error shape, optionally with `Retry-After` (seconds).
fn error_response(description: &str, retry_after: bool) -> utoipa::openapi::Response {
    use utoipa::openapi::{ContentBuilder, HeaderBuilder, Ref, ResponseBuilder, Type};

    let mut response = ResponseBuilder::new()
        .description(description)
        .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build());
    if retry_after {
        let seconds = utoipa::openapi::ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0));
        response = response.header(
            "Retry-After",
            HeaderBuilder::new().schema(Some(seconds)).description(Some("Seconds to wait before retrying")).build(),
        );
    }
    response.build()
}
