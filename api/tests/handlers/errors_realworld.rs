//! Error answers of the RealWorld example's endpoints: auth on every protected route,
//! optional auth, pagination, query strings and path segments.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::TestApp;

#[tokio::test]
async fn realworld_endpoints_requiring_auth_say_the_token_is_missing() {
    let app = TestApp::new();
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
        let response = app.call(method.clone(), uri, None, Some(json!({"article": {"body": "x"}}))).await;
        response.assert_error(StatusCode::UNAUTHORIZED, "token", "is missing");
    }
}

#[tokio::test]
async fn a_wrong_method_on_tags_is_a_json_405() {
    let app = TestApp::new();
    app.call(Method::DELETE, "/api/tags", None, None).await.assert_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method",
        "not allowed",
    );
}

#[tokio::test]
async fn optional_auth_still_refuses_an_invalid_token() {
    let app = TestApp::new();
    assert_eq!(app.get("/api/articles", None).await.status, StatusCode::OK);
    app.get("/api/articles", Some("garbage")).await.assert_error(StatusCode::UNAUTHORIZED, "token", "is invalid");
    app.get("/api/profiles/anyone", Some("garbage")).await.assert_error(
        StatusCode::UNAUTHORIZED,
        "token",
        "is invalid",
    );
}

#[tokio::test]
async fn bad_pagination_is_a_422_naming_the_parameter() {
    let app = TestApp::new();
    let response = app.get("/api/articles?limit=abc&offset=-1", None).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", response.text);
    assert!(response.json()["errors"]["limit"].is_array());
    assert!(response.json()["errors"]["offset"].is_array());
    let token = app.register("jake").await;
    let feed = app.get("/api/articles/feed?limit=-5", Some(&token)).await;
    assert_eq!(feed.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", feed.text);
    assert!(feed.json()["errors"]["limit"].is_array());
}

#[tokio::test]
async fn a_malformed_query_string_is_json_too() {
    let app = TestApp::new();
    let response = app.get("/api/articles?tag=a&tag=b", None).await;
    response.assert_error_status(StatusCode::BAD_REQUEST, "query");
}

#[tokio::test]
async fn a_path_segment_that_is_not_utf8_is_json_too() {
    let app = TestApp::new();
    let response = app.get("/api/articles/%FF%FE", None).await;
    response.assert_error_status(StatusCode::BAD_REQUEST, "path");
}
