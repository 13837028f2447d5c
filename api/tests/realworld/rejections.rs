//! Bad input and missing permissions on the RealWorld example over real HTTP: always a
//! JSON error in the RealWorld shape with the right status, never a 500 or a plain-text
//! rejection.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::app::spawn_app;
use crate::publish::Publish;

#[tokio::test]
async fn article_validation_errors_are_422_with_field_messages() {
    let app = spawn_app().await;
    let token = app.register("writer").await;
    let blank = json!({"article": {"title": " ", "description": "d", "body": "b"}});
    let reply = app.send(Method::POST, "/api/articles", Some(&token), Some(blank)).await;
    assert_eq!(reply.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "title"), "can't be blank");
}

#[tokio::test]
async fn an_optional_auth_route_refuses_a_bad_token() {
    let app = spawn_app().await;
    // Refused, not served anonymously.
    assert_eq!(app.get("/api/articles", Some("garbage")).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn other_users_resources_are_403() {
    let app = spawn_app().await;
    let owner = app.register("owner").await;
    let other = app.register("other").await;
    let slug = app.publish(&owner, "Mine", &[]).await;
    let edit = json!({"article": {"body": "hijacked"}});
    let reply = app.send(Method::PUT, &format!("/api/articles/{slug}"), Some(&other), Some(edit)).await;
    assert_eq!(reply.assert_error(StatusCode::FORBIDDEN, "article"), "forbidden");
    let reply = app.send(Method::DELETE, &format!("/api/articles/{slug}"), Some(&other), None).await;
    assert_eq!(reply.assert_error(StatusCode::FORBIDDEN, "article"), "forbidden");
    let comment = json!({"comment": {"body": "mine"}});
    let reply = app.send(Method::POST, &format!("/api/articles/{slug}/comments"), Some(&owner), Some(comment)).await;
    let id = reply.json["comment"]["id"].as_i64().expect("id");
    let reply = app.send(Method::DELETE, &format!("/api/articles/{slug}/comments/{id}"), Some(&other), None).await;
    assert_eq!(reply.assert_error(StatusCode::FORBIDDEN, "comment"), "forbidden");
}

#[tokio::test]
async fn missing_resources_are_404() {
    let app = spawn_app().await;
    let token = app.register("reader").await;
    assert_eq!(app.get("/api/articles/nope", None).await.assert_error(StatusCode::NOT_FOUND, "article"), "not found");
    assert_eq!(app.get("/api/profiles/nobody", None).await.assert_error(StatusCode::NOT_FOUND, "profile"), "not found");
    let reply = app.send(Method::POST, "/api/articles/nope/favorite", Some(&token), None).await;
    reply.assert_error(StatusCode::NOT_FOUND, "article");
    let slug = app.publish(&token, "Here", &[]).await;
    let reply = app.send(Method::DELETE, &format!("/api/articles/{slug}/comments/999"), Some(&token), None).await;
    reply.assert_error(StatusCode::NOT_FOUND, "comment");
    let reply = app.send(Method::DELETE, &format!("/api/articles/{slug}/comments/abc"), Some(&token), None).await;
    assert!(reply.status.is_client_error() && reply.json["errors"].is_object(), "{}", reply.text);
    let reply = app.send(Method::PATCH, "/api/tags", None, None).await;
    reply.assert_error(StatusCode::METHOD_NOT_ALLOWED, "method");
}

#[tokio::test]
async fn malformed_article_requests_never_get_plain_text_or_500() {
    let app = spawn_app().await;
    let token = app.register("sender").await;
    let raw = |body: &'static str, content_type: &'static str| {
        app.client
            .post(format!("{}/api/articles", app.base))
            .header("Authorization", format!("Token {token}"))
            .header("Content-Type", content_type)
            .body(body)
    };
    let cases = [
        (raw("{not json", "application/json"), StatusCode::BAD_REQUEST),
        (raw(r#"{"article": {"title": 5}}"#, "application/json"), StatusCode::UNPROCESSABLE_ENTITY),
        (raw(r#"{"article": {"tagList": "x"}}"#, "application/json"), StatusCode::UNPROCESSABLE_ENTITY),
        (raw(r#"{"nothing": 1}"#, "application/json"), StatusCode::UNPROCESSABLE_ENTITY),
        (raw("title=x", "application/x-www-form-urlencoded"), StatusCode::UNSUPPORTED_MEDIA_TYPE),
    ];
    for (request, status) in cases {
        let reply = app.reply(request).await;
        reply.assert_error(status, "request");
    }
    for query in ["limit=-1", "limit=abc", "offset=x", "limit=1e9999"] {
        let reply = app.get(&format!("/api/articles?{query}"), None).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {}", reply.text);
        assert!(reply.json["errors"].is_object(), "{query}: {}", reply.text);
    }
    let reply = app.get("/api/articles?limit=1000", None).await;
    assert_eq!(reply.status, StatusCode::OK, "an over-large limit is capped, not refused");
}
