//! Every way a request can be refused answers in RealWorld's JSON error shape.

use axum::http::{Method, StatusCode, header};
use serde_json::json;

use crate::support::{EXPIRED_TOKEN, TestApp};

#[tokio::test]
async fn malformed_json_is_a_400_about_the_body() {
    let app = TestApp::new();
    let response = app.send(Method::POST, "/api/users", &[("content-type", "application/json")], r#"{"user": {"#).await;
    response.assert_error_status(StatusCode::BAD_REQUEST, "request");
    assert!(response.error_message("request").starts_with("is not valid JSON"), "{}", response.text);
}

#[tokio::test]
async fn a_value_of_the_wrong_type_is_a_422_naming_its_path() {
    let app = TestApp::new();
    let body = json!({"user": {"username": "jake", "email": 42, "password": "password123"}});
    let response = app.call(Method::POST, "/api/users", None, Some(body)).await;
    response.assert_error_status(StatusCode::UNPROCESSABLE_ENTITY, "request");
    assert!(response.error_message("request").contains("user.email"), "{}", response.text);
}

#[tokio::test]
async fn a_missing_wrapper_object_is_a_422() {
    let app = TestApp::new();
    let response = app.call(Method::POST, "/api/users/login", None, Some(json!({"email": "a@b.c"}))).await;
    response.assert_error_status(StatusCode::UNPROCESSABLE_ENTITY, "request");
    assert!(response.error_message("request").contains("user"), "{}", response.text);
}

#[tokio::test]
async fn a_body_without_json_content_type_is_a_415() {
    let app = TestApp::new();
    let response = app.send(Method::POST, "/api/users", &[], r#"{"user": {}}"#).await;
    response.assert_error_status(StatusCode::UNSUPPORTED_MEDIA_TYPE, "request");
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413() {
    let app = TestApp::new();
    let huge = format!(r#"{{"user": {{"bio": "{}"}}}}"#, "a".repeat(3 * 1024 * 1024));
    let response = app.send(Method::POST, "/api/users", &[("content-type", "application/json")], huge).await;
    response.assert_error(StatusCode::PAYLOAD_TOO_LARGE, "request", "is too large");
}

#[tokio::test]
async fn endpoints_requiring_auth_say_the_token_is_missing() {
    let app = TestApp::new();
    let cases = [(Method::GET, "/api/user"), (Method::PUT, "/api/user")];
    for (method, uri) in cases {
        // Auth is checked before the body: a client without a token learns that first.
        let response = app.call(method.clone(), uri, None, Some(json!({"user": {"bio": "x"}}))).await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{method} {uri}: {}", response.text);
        response.assert_error(StatusCode::UNAUTHORIZED, "token", "is missing");
    }
}

#[tokio::test]
async fn a_bad_token_is_invalid_and_an_expired_one_says_so() {
    let app = TestApp::new();
    app.get("/api/user", Some("garbage")).await.assert_error(StatusCode::UNAUTHORIZED, "token", "is invalid");
    app.get("/api/user", Some(EXPIRED_TOKEN)).await.assert_error(StatusCode::UNAUTHORIZED, "token", "has expired");
    let basic = app.send(Method::GET, "/api/user", &[("authorization", "Basic dXNlcjpwYXNz")], "").await;
    basic.assert_error(StatusCode::UNAUTHORIZED, "token", "is invalid");
    let bare = app.send(Method::GET, "/api/user", &[("authorization", "Token")], "").await;
    bare.assert_error(StatusCode::UNAUTHORIZED, "token", "is invalid");
}

#[tokio::test]
async fn a_token_of_a_deleted_user_is_invalid() {
    let app = TestApp::new();
    // The fakes sign `token-<id>`; no user 999 exists.
    app.get("/api/user", Some("token-999")).await.assert_error(StatusCode::UNAUTHORIZED, "token", "is invalid");
}

#[tokio::test]
async fn the_bearer_scheme_is_accepted_too() {
    let app = TestApp::new();
    let token = app.register("jake").await;
    let auth = format!("Bearer {token}");
    let response = app.send(Method::GET, "/api/user", &[("authorization", auth.as_str())], "").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text);
    assert_eq!(response.json()["user"]["username"], "jake");
}

#[tokio::test]
async fn unknown_routes_are_a_json_404() {
    let app = TestApp::new();
    for uri in ["/nope", "/api", "/api/articles/a/b/c/d", "/api/users/login/extra"] {
        app.get(uri, None).await.assert_error(StatusCode::NOT_FOUND, "route", "not found");
    }
}

#[tokio::test]
async fn a_known_path_with_a_wrong_method_is_a_json_405_with_allow() {
    let app = TestApp::new();
    let response = app.call(Method::PATCH, "/api/user", None, None).await;
    response.assert_error(StatusCode::METHOD_NOT_ALLOWED, "method", "not allowed");
    let allow = response.headers.get(header::ALLOW).and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(allow.contains("GET") && allow.contains("PUT"), "allow: {allow:?}");
    app.call(Method::DELETE, "/api/users", None, None).await.assert_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method",
        "not allowed",
    );
}

#[tokio::test]
async fn health_is_ok_without_touching_anything() {
    let app = TestApp::new();
    let response = app.get("/health", None).await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.json(), json!({"status": "ok"}));
}
