//! Bad input and missing permissions over real HTTP: always a JSON error in the
//! RealWorld shape with the right status, never a 500 or a plain-text rejection.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::app::spawn_app;

#[tokio::test]
async fn validation_errors_are_422_with_field_messages() {
    let app = spawn_app().await;
    let reply = app.send(Method::POST, "/api/users", None, Some(json!({"user": {}}))).await;
    assert_eq!(reply.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "username"), "can't be blank");
    assert_eq!(reply.json["errors"]["email"][0], "can't be blank");
    assert_eq!(reply.json["errors"]["password"][0], "can't be blank");
    let short = json!({"user": {"username": "a", "email": "a@b.c", "password": "short"}});
    let reply = app.send(Method::POST, "/api/users", None, Some(short)).await;
    assert!(reply.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "password").contains("minimum is 8"));
}

#[tokio::test]
async fn duplicates_are_409_naming_the_field() {
    let app = spawn_app().await;
    app.register("jake").await;
    let same = json!({"user": {"username": "jake", "email": "new@example.com", "password": "password123"}});
    let reply = app.send(Method::POST, "/api/users", None, Some(same)).await;
    assert_eq!(reply.assert_error(StatusCode::CONFLICT, "username"), "has already been taken");
}

#[tokio::test]
async fn tokens_are_checked() {
    let app = spawn_app().await;
    assert_eq!(app.get("/api/user", None).await.assert_error(StatusCode::UNAUTHORIZED, "token"), "is missing");
    assert_eq!(
        app.get("/api/user", Some("garbage")).await.assert_error(StatusCode::UNAUTHORIZED, "token"),
        "is invalid"
    );
    let wrong = json!({"user": {"email": "nobody@example.com", "password": "password123"}});
    let reply = app.send(Method::POST, "/api/users/login", None, Some(wrong)).await;
    assert_eq!(reply.assert_error(StatusCode::UNAUTHORIZED, "credentials"), "invalid");
    app.get("/api/user", Some("garbage")).await.assert_error(StatusCode::UNAUTHORIZED, "token");
}

#[tokio::test]
async fn missing_things_are_404() {
    let app = spawn_app().await;
    assert_eq!(app.get("/api/no-such-route", None).await.assert_error(StatusCode::NOT_FOUND, "route"), "not found");
    let reply = app.send(Method::PATCH, "/api/users", None, None).await;
    reply.assert_error(StatusCode::METHOD_NOT_ALLOWED, "method");
}

#[tokio::test]
async fn malformed_requests_never_get_plain_text_or_500() {
    let app = spawn_app().await;
    let raw = |body: &'static str, content_type: &'static str| {
        app.client.post(format!("{}/api/users", app.base)).header("Content-Type", content_type).body(body)
    };
    let cases = [
        (raw("{not json", "application/json"), StatusCode::BAD_REQUEST),
        (raw(r#"{"user": {"username": 5}}"#, "application/json"), StatusCode::UNPROCESSABLE_ENTITY),
        (raw(r#"{"user": "x"}"#, "application/json"), StatusCode::UNPROCESSABLE_ENTITY),
        (raw(r#"{"nothing": 1}"#, "application/json"), StatusCode::UNPROCESSABLE_ENTITY),
        (raw("username=x", "application/x-www-form-urlencoded"), StatusCode::UNSUPPORTED_MEDIA_TYPE),
    ];
    for (request, status) in cases {
        let reply = app.reply(request).await;
        reply.assert_error(status, "request");
    }
}

/// serde would read an array as a struct (field by field, and `[]` as "every optional
/// field absent"): `{"user": []}` would be an empty update answered 200. The document says
/// object, so the server refuses it, at the top level and under the wrapper alike.
#[tokio::test]
async fn an_array_in_place_of_an_object_is_422() {
    let app = spawn_app().await;
    let token = app.register("jake").await;
    let raw = |method: Method, path: &str, body: &'static str| {
        app.client
            .request(method, format!("{}{path}", app.base))
            .header("Content-Type", "application/json")
            .header("Authorization", format!("Token {token}"))
            .body(body)
    };
    let cases = [
        raw(Method::PUT, "/api/user", r#"{"user": []}"#),
        raw(Method::PUT, "/api/user", r#"[{"bio": "x"}]"#),
        raw(Method::POST, "/api/users", r#"{"user": ["jane", "jane@example.com", "password123"]}"#),
        raw(Method::POST, "/api/users/login", r#"[{"email": "jake@example.com", "password": "password123"}]"#),
    ];
    for request in cases {
        let reply = app.reply(request).await;
        assert!(reply.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "request").contains("invalid type: sequence"));
    }
}
