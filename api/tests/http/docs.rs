//! The OpenAPI document and Swagger UI, and that the document matches the router.

use reqwest::{Method, StatusCode, header};
use serde_json::json;

use crate::app::openapi::{assert_documented, document, operations};
use crate::app::spawn_app;

/// The accounts' operations of the RealWorld spec (endpoints.md), which every project
/// serves; a feature checks its own operations in its own tests.
const ACCOUNTS: &[(&str, &str)] =
    &[("post", "/api/users/login"), ("post", "/api/users"), ("get", "/api/user"), ("put", "/api/user")];

#[tokio::test]
async fn the_served_document_is_openapi_3_1_with_every_account_operation() {
    let app = spawn_app().await;
    let response = app.get("/api-docs/openapi.json", None).await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(response.content_type().starts_with("application/json"), "{}", response.content_type());
    let served = response.json;
    assert!(served["openapi"].as_str().is_some_and(|v| v.starts_with("3.1.")), "{}", served["openapi"]);
    assert_eq!(served, document(), "the served document is the one `api::openapi()` builds");
    assert_documented(&served, ACCOUNTS);
}

#[test]
fn the_token_scheme_is_an_api_key_in_the_authorization_header() {
    let document = document();
    let scheme = &document["components"]["securitySchemes"][api::TOKEN_SCHEME];
    assert_eq!(scheme["type"], "apiKey");
    assert_eq!(scheme["in"], "header");
    assert_eq!(scheme["name"], "Authorization");
    // Auth-only endpoints require it; optional-auth ones also allow anonymous calls.
    assert_eq!(document["paths"]["/api/user"]["get"]["security"], json!([{"Token": []}]));
}

#[test]
fn users_have_a_required_nullable_bio() {
    let document = document();
    let schemas = &document["components"]["schemas"];
    let user_required = schemas["User"]["required"].as_array().cloned().unwrap_or_default();
    assert!(user_required.contains(&json!("bio")) && user_required.contains(&json!("image")), "{user_required:?}");
}

#[tokio::test]
async fn every_documented_operation_is_routed() {
    let app = spawn_app().await;
    let document = document();
    let operations = operations(&document);
    assert!(operations.len() > ACCOUNTS.len(), "health is documented too: {operations:?}");
    for (method, path) in operations {
        let uri = path.replace("{id}", "1").replace("{slug}", "some-slug").replace("{username}", "someone");
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("a method");
        let response = app.send(method.clone(), &uri, None, None).await;
        assert_ne!(response.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}: {}", response.text);
        let route_missing = response.status == StatusCode::NOT_FOUND && response.json["errors"].get("route").is_some();
        assert!(!route_missing, "{method} {uri} is documented but not routed");
    }
}

#[tokio::test]
async fn swagger_ui_is_served_offline_at_docs() {
    let app = spawn_app().await;
    let page = app.get("/docs/", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.content_type().starts_with("text/html"), "{}", page.content_type());
    assert!(page.text.to_lowercase().contains("swagger"));
    let config = app.get("/docs/swagger-initializer.js", None).await;
    assert_eq!(config.status, StatusCode::OK);
    assert!(config.text.contains("/api-docs/openapi.json"), "{}", config.text);
    let redirect = app.get("/docs", None).await;
    assert!(redirect.status.is_redirection(), "{}", redirect.status);
    assert_eq!(redirect.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()), Some("/docs/"));
}
