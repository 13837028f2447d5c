//! Bad input and missing tokens on the RealWorld example's endpoints, over real HTTP:
//! auth on every protected route, optional auth, bodies, pagination, query strings and
//! path segments. Always a JSON error in the RealWorld shape, never a 500 or plain text.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::app::spawn_app;

#[tokio::test]
async fn realworld_endpoints_requiring_auth_say_the_token_is_missing() {
    let app = spawn_app().await;
    let cases = [
        (Method::GET, "/api/articles/feed"),
        (Method::POST, "/api/articles"),
        (Method::PUT, "/api/articles/some-slug"),
        (Method::DELETE, "/api/articles/some-slug"),
        (Method::POST, "/api/articles/some-slug/favorite"),
        (Method::DELETE, "/api/articles/some-slug/favorite"),
        (Method::POST, "/api/articles/some-slug/comments"),
        (Method::DELETE, "/api/articles/some-slug/comments/1"),
        (Method::POST, "/api/profiles/someone/follow"),
        (Method::DELETE, "/api/profiles/someone/follow"),
    ];
    for (method, uri) in cases {
        let response = app.send(method.clone(), uri, None, Some(json!({"article": {"body": "x"}}))).await;
        response.assert_error_is(StatusCode::UNAUTHORIZED, "token", "is missing");
    }
}

#[tokio::test]
async fn a_wrong_method_on_tags_is_a_json_405() {
    let app = spawn_app().await;
    for method in [Method::DELETE, Method::PATCH] {
        let reply = app.send(method, "/api/tags", None, None).await;
        reply.assert_error_is(StatusCode::METHOD_NOT_ALLOWED, "method", "not allowed");
    }
}

#[tokio::test]
async fn optional_auth_still_refuses_an_invalid_token() {
    let app = spawn_app().await;
    assert_eq!(app.get("/api/articles", None).await.status, StatusCode::OK);
    app.get("/api/articles", Some("garbage")).await.assert_error_is(StatusCode::UNAUTHORIZED, "token", "is invalid");
    app.get("/api/profiles/anyone", Some("garbage")).await.assert_error_is(
        StatusCode::UNAUTHORIZED,
        "token",
        "is invalid",
    );
}

#[tokio::test]
async fn bad_pagination_is_a_422_naming_the_parameter() {
    let app = spawn_app().await;
    let response = app.get("/api/articles?limit=abc&offset=-1", None).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", response.text);
    assert!(response.json["errors"]["limit"].is_array());
    assert!(response.json["errors"]["offset"].is_array());
    let token = app.register("jake").await;
    let feed = app.get("/api/articles/feed?limit=-5", Some(&token)).await;
    assert_eq!(feed.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", feed.text);
    assert!(feed.json["errors"]["limit"].is_array());
}

#[tokio::test]
async fn a_malformed_query_string_is_json_too() {
    let app = spawn_app().await;
    let response = app.get("/api/articles?tag=a&tag=b", None).await;
    response.assert_error(StatusCode::BAD_REQUEST, "query");
}

#[tokio::test]
async fn a_path_segment_that_is_not_utf8_is_json_too() {
    let app = spawn_app().await;
    let response = app.get("/api/articles/%FF%FE", None).await;
    response.assert_error(StatusCode::BAD_REQUEST, "path");
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
