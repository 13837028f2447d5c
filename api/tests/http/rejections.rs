//! Every way a request can be refused answers in RealWorld's JSON error shape with the
//! right status, never a 500 or a plain-text rejection: bodies, tokens, routes, methods.

use reqwest::{Method, StatusCode, header};
use serde_json::json;

use crate::app::spawn_app;

/// A raw request: path, headers, body; the status and what the message about `request`
/// contains.
type Case = (&'static str, &'static [(&'static str, &'static str)], &'static str, StatusCode, &'static str);

const JSON: &[(&str, &str)] = &[("content-type", "application/json")];

#[tokio::test]
async fn malformed_requests_are_a_json_4xx_naming_what_is_wrong() {
    let app = spawn_app().await;
    let cases: [Case; 8] = [
        ("/api/users", JSON, r#"{"user": {"#, StatusCode::BAD_REQUEST, "is not valid JSON"),
        ("/api/users", JSON, "{not json", StatusCode::BAD_REQUEST, "is not valid JSON"),
        (
            "/api/users",
            JSON,
            r#"{"user": {"username": "jake", "email": 42, "password": "password123"}}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "user.email",
        ),
        ("/api/users", JSON, r#"{"user": {"username": 5}}"#, StatusCode::UNPROCESSABLE_ENTITY, "user"),
        ("/api/users", JSON, r#"{"user": "x"}"#, StatusCode::UNPROCESSABLE_ENTITY, "user"),
        ("/api/users/login", JSON, r#"{"email": "a@b.c"}"#, StatusCode::UNPROCESSABLE_ENTITY, "user"),
        ("/api/users", &[], r#"{"user": {}}"#, StatusCode::UNSUPPORTED_MEDIA_TYPE, ""),
        (
            "/api/users",
            &[("content-type", "application/x-www-form-urlencoded")],
            "username=x",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "",
        ),
    ];
    for (path, headers, body, status, wanted) in cases {
        let reply = app.raw(Method::POST, path, headers, body).await;
        let message = reply.assert_error(status, "request");
        assert!(message.contains(wanted), "{body}: {message}");
    }
}

#[tokio::test]
async fn endpoints_requiring_auth_say_the_token_is_missing() {
    let app = spawn_app().await;
    for method in [Method::GET, Method::PUT] {
        // Auth is checked before the body: a client without a token learns that first.
        let reply = app.send(method.clone(), "/api/user", None, Some(json!({"user": {"bio": "x"}}))).await;
        reply.assert_error_is(StatusCode::UNAUTHORIZED, "token", "is missing");
    }
}

#[tokio::test]
async fn a_bad_token_is_invalid_and_an_expired_one_says_so() {
    let app = spawn_app().await;
    let token = app.register("jake").await;
    app.get("/api/user", Some("garbage")).await.assert_error_is(StatusCode::UNAUTHORIZED, "token", "is invalid");
    let expired = app.expired(&token);
    app.get("/api/user", Some(&expired)).await.assert_error_is(StatusCode::UNAUTHORIZED, "token", "has expired");
    for authorization in ["Basic dXNlcjpwYXNz", "Token"] {
        let reply = app.raw(Method::GET, "/api/user", &[("authorization", authorization)], "").await;
        reply.assert_error_is(StatusCode::UNAUTHORIZED, "token", "is invalid");
    }
    assert_eq!(app.get("/api/user", Some(&token)).await.status, StatusCode::OK, "the token itself is fine");
}

#[tokio::test]
async fn a_token_of_an_unknown_user_is_invalid() {
    let app = spawn_app().await;
    let token = app.of_unknown_user(&app.register("jake").await);
    app.get("/api/user", Some(&token)).await.assert_error_is(StatusCode::UNAUTHORIZED, "token", "is invalid");
}

#[tokio::test]
async fn the_bearer_scheme_is_accepted_too() {
    let app = spawn_app().await;
    let auth = format!("Bearer {}", app.register("jake").await);
    let reply = app.raw(Method::GET, "/api/user", &[("authorization", auth.as_str())], "").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.json["user"]["username"], "jake");
}

#[tokio::test]
async fn unknown_routes_are_a_json_404() {
    let app = spawn_app().await;
    for path in ["/nope", "/api", "/api/no-such-route", "/api/articles/a/b/c/d", "/api/users/login/extra"] {
        app.get(path, None).await.assert_error_is(StatusCode::NOT_FOUND, "route", "not found");
    }
}

#[tokio::test]
async fn a_known_path_with_a_wrong_method_is_a_json_405_with_allow() {
    let app = spawn_app().await;
    let reply = app.send(Method::PATCH, "/api/user", None, None).await;
    reply.assert_error_is(StatusCode::METHOD_NOT_ALLOWED, "method", "not allowed");
    let allow = reply.headers.get(header::ALLOW).and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(allow.contains("GET") && allow.contains("PUT"), "allow: {allow:?}");
    for method in [Method::DELETE, Method::PATCH] {
        let reply = app.send(method, "/api/users", None, None).await;
        reply.assert_error_is(StatusCode::METHOD_NOT_ALLOWED, "method", "not allowed");
    }
}

#[tokio::test]
async fn health_is_ok_without_touching_anything() {
    let app = spawn_app().await;
    let reply = app.get("/health", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json, json!({"status": "ok"}));
}

/// serde would read an array as a struct (field by field, and `[]` as "every optional
/// field absent"): `{"user": []}` would be an empty update answered 200. The document says
/// object, so the server refuses it, at the top level and under the wrapper alike.
#[tokio::test]
async fn an_array_in_place_of_an_object_is_422() {
    let app = spawn_app().await;
    let auth = format!("Token {}", app.register("jake").await);
    let headers = [("content-type", "application/json"), ("authorization", auth.as_str())];
    let cases = [
        (Method::PUT, "/api/user", r#"{"user": []}"#),
        (Method::PUT, "/api/user", r#"[{"bio": "x"}]"#),
        (Method::POST, "/api/users", r#"{"user": ["jane", "jane@example.com", "password123"]}"#),
        (Method::POST, "/api/users/login", r#"[{"email": "jake@example.com", "password": "password123"}]"#),
    ];
    for (method, path, body) in cases {
        let reply = app.raw(method, path, &headers, body).await;
        let message = reply.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "request");
        assert!(message.contains("invalid type: sequence"), "{body}: {message}");
    }
}
