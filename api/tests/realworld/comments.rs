//! Comments on articles, following the Hurl suite.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::app::{TestApp, spawn_app};
use crate::publish::Publish;

async fn comment(app: &TestApp, token: &str, slug: &str, body: &str) -> i64 {
    let request = json!({"comment": {"body": body}});
    let response = app.send(Method::POST, &format!("/api/articles/{slug}/comments"), Some(token), Some(request)).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text);
    response.json["comment"]["id"].as_i64().expect("an integer id")
}

#[tokio::test]
async fn comments_are_created_listed_and_deleted() {
    let app = spawn_app().await;
    let token = app.register("author").await;
    let slug = app.publish(&token, "Discussed", &[]).await;
    let request = json!({"comment": {"body": "Nice"}});
    let created = app.send(Method::POST, &format!("/api/articles/{slug}/comments"), Some(&token), Some(request)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let body = created.json;
    assert_eq!(body["comment"]["body"], "Nice");
    assert_eq!(body["comment"]["author"]["username"], "author");
    assert!(body["comment"]["createdAt"].as_str().is_some_and(|t| t.ends_with('Z')));
    let id = body["comment"]["id"].as_i64().expect("an integer id");
    let second = comment(&app, &token, &slug, "Second").await;

    let listed = app.get(&format!("/api/articles/{slug}/comments"), None).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.json["comments"].as_array().map(Vec::len), Some(2));

    let deleted = app.send(Method::DELETE, &format!("/api/articles/{slug}/comments/{id}"), Some(&token), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert!(deleted.text.is_empty());
    let remaining = app.get(&format!("/api/articles/{slug}/comments"), Some(&token)).await.json;
    assert_eq!(remaining["comments"].as_array().map(Vec::len), Some(1));
    assert_eq!(remaining["comments"][0]["id"], second);
}

#[tokio::test]
async fn a_blank_comment_is_a_422() {
    let app = spawn_app().await;
    let token = app.register("author").await;
    let slug = app.publish(&token, "Discussed", &[]).await;
    let request = json!({"comment": {"body": ""}});
    app.send(Method::POST, &format!("/api/articles/{slug}/comments"), Some(&token), Some(request))
        .await
        .assert_error_is(StatusCode::UNPROCESSABLE_ENTITY, "body", "can't be blank");
}

/// The document's `maxLength` counts the body as sent: a body one character over it is
/// refused even when that character is whitespace the server would trim (found by the
/// fuzzer: a leading tab plus 10,000 characters was stored).
#[tokio::test]
async fn a_comment_over_the_length_limit_is_a_422_even_when_the_excess_is_whitespace() {
    let app = spawn_app().await;
    let token = app.register("author").await;
    let slug = app.publish(&token, "Discussed", &[]).await;
    let path = format!("/api/articles/{slug}/comments");
    for body in [format!("\t{}", "x".repeat(10_000)), format!("{} ", "x".repeat(10_000)), "x".repeat(10_001)] {
        app.send(Method::POST, &path, Some(&token), Some(json!({"comment": {"body": body}}))).await.assert_error_is(
            StatusCode::UNPROCESSABLE_ENTITY,
            "body",
            "is too long (maximum is 10000 characters)",
        );
    }
    comment(&app, &token, &slug, &format!(" {} ", "x".repeat(9_998))).await;
}

#[tokio::test]
async fn only_the_comment_author_may_delete_it() {
    let app = spawn_app().await;
    let author = app.register("author").await;
    let other = app.register("other").await;
    let slug = app.publish(&author, "Discussed", &[]).await;
    let id = comment(&app, &author, &slug, "mine").await;
    let uri = format!("/api/articles/{slug}/comments/{id}");
    app.send(Method::DELETE, &uri, Some(&other), None).await.assert_error_is(
        StatusCode::FORBIDDEN,
        "comment",
        "forbidden",
    );
    let survivors = app.get(&format!("/api/articles/{slug}/comments"), None).await.json;
    assert_eq!(survivors["comments"][0]["body"], "mine");
}

#[tokio::test]
async fn unknown_articles_and_comments_are_a_404() {
    let app = spawn_app().await;
    let token = app.register("author").await;
    let slug = app.publish(&token, "Discussed", &[]).await;
    app.get("/api/articles/missing/comments", None).await.assert_error_is(
        StatusCode::NOT_FOUND,
        "article",
        "not found",
    );
    app.send(Method::DELETE, "/api/articles/missing/comments/99999", Some(&token), None).await.assert_error_is(
        StatusCode::NOT_FOUND,
        "article",
        "not found",
    );
    let uri = format!("/api/articles/{slug}/comments/99999");
    app.send(Method::DELETE, &uri, Some(&token), None).await.assert_error_is(
        StatusCode::NOT_FOUND,
        "comment",
        "not found",
    );
    // An id that is not an integer names no comment either: JSON 404, not a plain-text 400.
    let uri = format!("/api/articles/{slug}/comments/abc");
    app.send(Method::DELETE, &uri, Some(&token), None).await.assert_error_is(
        StatusCode::NOT_FOUND,
        "comment",
        "not found",
    );
}
