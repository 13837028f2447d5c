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
    //{% if realworld %} The RealWorld example's articles are validated the same way.
    let token = app.register("writer").await;
    let blank = json!({"article": {"title": " ", "description": "d", "body": "b"}});
    let reply = app.send(Method::POST, "/api/articles", Some(&token), Some(blank)).await;
    assert_eq!(reply.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "title"), "can't be blank");
    //{% endif %} Every field error names its field.
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
    //{% if realworld %} An optional-auth route with a bad token is refused, not served anonymously.
    assert_eq!(app.get("/api/articles", Some("garbage")).await.status, StatusCode::UNAUTHORIZED);
    //{% endif %} A protected route refuses a bad token.
    app.get("/api/user", Some("garbage")).await.assert_error(StatusCode::UNAUTHORIZED, "token");
}

//{% if realworld %} The RealWorld example's ownership rules.
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

//{% endif %} Unknown routes and resources.
#[tokio::test]
async fn missing_things_are_404() {
    let app = spawn_app().await;
    assert_eq!(app.get("/api/no-such-route", None).await.assert_error(StatusCode::NOT_FOUND, "route"), "not found");
    let reply = app.send(Method::PATCH, "/api/users", None, None).await;
    reply.assert_error(StatusCode::METHOD_NOT_ALLOWED, "method");
    //{% if realworld %} The RealWorld example's resources.
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
    //{% endif %} Every miss is a JSON error.
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

//{% if realworld %} The RealWorld example's bodies and query strings.
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
//{% endif %} (Test modules end here.)
