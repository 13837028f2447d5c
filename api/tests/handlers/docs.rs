//! The OpenAPI document and Swagger UI, and that the document matches the router.

use axum::http::{Method, StatusCode, header};
use serde_json::{Value, json};

use crate::support::TestApp;

/// The accounts' operations of the RealWorld spec (endpoints.md), which every project
/// serves; the example's are checked in `docs_realworld.rs`.
const ACCOUNTS: &[(&str, &str)] =
    &[("post", "/api/users/login"), ("post", "/api/users"), ("get", "/api/user"), ("put", "/api/user")];

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

pub fn document() -> Value {
    serde_json::to_value(api::openapi()).expect("the document serializes")
}

/// `(method, path)` of every operation in the document.
pub fn operations(document: &Value) -> Vec<(String, String)> {
    let paths = document["paths"].as_object().expect("a paths object");
    paths
        .iter()
        .flat_map(|(path, item)| {
            METHODS.iter().filter(|m| item.get(**m).is_some()).map(move |m| ((*m).to_owned(), path.clone()))
        })
        .collect()
}

#[tokio::test]
async fn the_served_document_is_openapi_3_1_with_every_account_operation() {
    let app = TestApp::new();
    let response = app.get("/api-docs/openapi.json", None).await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(response.content_type().starts_with("application/json"), "{}", response.content_type());
    let served = response.json();
    assert!(served["openapi"].as_str().is_some_and(|v| v.starts_with("3.1.")), "{}", served["openapi"]);
    assert_eq!(served, document(), "the served document is the one `api::openapi()` builds");
    assert_documented(&served, ACCOUNTS);
}

/// Fails unless every `(method, path)` of `expected` is an operation of `document`.
pub fn assert_documented(document: &Value, expected: &[(&str, &str)]) {
    let documented = operations(document);
    for &(method, path) in expected {
        assert!(documented.contains(&(method.to_owned(), path.to_owned())), "{method} {path} is not documented");
    }
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
    let app = TestApp::new();
    let document = document();
    let operations = operations(&document);
    assert!(operations.len() > ACCOUNTS.len(), "health is documented too: {operations:?}");
    for (method, path) in operations {
        let uri = path.replace("{id}", "1").replace("{slug}", "some-slug").replace("{username}", "someone");
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("a method");
        let response = app.call(method.clone(), &uri, None, None).await;
        assert_ne!(response.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}: {}", response.text);
        let route_missing =
            response.status == StatusCode::NOT_FOUND && response.json()["errors"].get("route").is_some();
        assert!(!route_missing, "{method} {uri} is documented but not routed");
    }
}

#[tokio::test]
async fn swagger_ui_is_served_offline_at_docs() {
    let app = TestApp::new();
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
