//! Articles, the feed, favorites and tags, following the Hurl suite.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::app::spawn_app;
use crate::publish::Publish;

#[tokio::test]
async fn creating_an_article_returns_201_with_every_field() {
    let app = spawn_app().await;
    let token = app.register("author").await;
    let body =
        json!({"article": {"title": "Test Article", "description": "desc", "body": "text", "tagList": ["d", "t"]}});
    let response = app.send(Method::POST, "/api/articles", Some(&token), Some(body)).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text);
    let article = &response.json["article"];
    assert_eq!(article["slug"], "test-article");
    assert_eq!(article["title"], "Test Article");
    assert_eq!(article["description"], "desc");
    assert_eq!(article["body"], "text");
    assert_eq!(article["tagList"], json!(["d", "t"]));
    assert_eq!(article["favorited"], false);
    assert_eq!(article["favoritesCount"], 0);
    assert_eq!(article["author"]["username"], "author");
    assert_eq!(article["author"]["following"], false);
    let created = article["createdAt"].as_str().unwrap_or_default();
    assert_eq!(created.len(), "2016-02-18T03:22:56.637Z".len(), "{created}");
    assert!(created.ends_with('Z'), "{created}");
}

#[tokio::test]
async fn blank_or_whitespace_article_fields_are_a_422_per_field() {
    let app = spawn_app().await;
    let token = app.register("author").await;
    for field in ["title", "description", "body"] {
        let mut article = json!({"title": "t", "description": "d", "body": "b"});
        article[field] = json!("");
        let response = app.send(Method::POST, "/api/articles", Some(&token), Some(json!({ "article": article }))).await;
        response.assert_error_is(StatusCode::UNPROCESSABLE_ENTITY, field, "can't be blank");
    }
    let spaces = json!({"article": {"title": " ", "description": "d", "body": "b"}});
    let response = app.send(Method::POST, "/api/articles", Some(&token), Some(spaces)).await;
    response.assert_error_is(StatusCode::UNPROCESSABLE_ENTITY, "title", "can't be blank");
}

#[tokio::test]
async fn lists_leave_out_the_body_but_single_articles_have_it() {
    let app = spawn_app().await;
    let token = app.register("author").await;
    let slug = app.publish(&token, "Listed", &["x"]).await;
    let list = app.get("/api/articles", None).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    assert_eq!(list.json["articlesCount"], 1);
    let first = &list.json["articles"][0];
    assert!(first.get("body").is_none(), "{first}");
    assert_eq!(first["slug"], slug.as_str());
    assert_eq!(app.get(&format!("/api/articles/{slug}"), None).await.json["article"]["body"], "the body");
}

#[tokio::test]
async fn lists_filter_by_author_tag_and_favorited_and_paginate() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let first = app.publish(&alice, "First", &["rust"]).await;
    let second = app.publish(&alice, "Second", &[]).await;
    app.publish(&bob, "Third", &["rust"]).await;
    app.send(Method::POST, &format!("/api/articles/{first}/favorite"), Some(&bob), None).await;

    let count = |response: &crate::app::Reply| response.json["articlesCount"].clone();
    assert_eq!(count(&app.get("/api/articles?author=alice", None).await), 2);
    assert_eq!(count(&app.get("/api/articles?tag=rust", None).await), 2);
    assert_eq!(count(&app.get("/api/articles?favorited=bob", None).await), 1);
    assert_eq!(count(&app.get("/api/articles?author=", None).await), 3, "an empty filter is no filter");

    // Newest first.
    let page = app.get("/api/articles?author=alice&limit=1", None).await;
    assert_eq!(page.json["articles"].as_array().map(Vec::len), Some(1));
    assert_eq!(page.json["articlesCount"], 2);
    assert_eq!(page.json["articles"][0]["slug"], second.as_str());
    let next = app.get("/api/articles?author=alice&limit=1&offset=1", None).await;
    assert_eq!(next.json["articles"][0]["slug"], first.as_str());
}

#[tokio::test]
async fn the_feed_has_followed_authors_only_and_is_not_an_article() {
    let app = spawn_app().await;
    let reader = app.register("reader").await;
    let celeb = app.register("celeb").await;
    let other = app.register("other").await;
    let empty = app.get("/api/articles/feed", Some(&reader)).await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.text);
    assert_eq!(empty.json, json!({"articles": [], "articlesCount": 0, "nextCursor": null}));

    app.send(Method::POST, "/api/profiles/celeb/follow", Some(&reader), None).await;
    app.publish(&celeb, "Celeb One", &[]).await;
    app.publish(&celeb, "Celeb Two", &[]).await;
    app.publish(&other, "Unfollowed", &[]).await;
    let feed = app.get("/api/articles/feed", Some(&reader)).await;
    assert_eq!(feed.json["articlesCount"], 2);
    let first = &feed.json["articles"][0];
    assert_eq!(first["author"]["username"], "celeb");
    assert_eq!(first["author"]["following"], true);
    assert!(first.get("body").is_none());
    let limited = app.get("/api/articles/feed?limit=1&offset=1", Some(&reader)).await;
    assert_eq!(limited.json["articles"].as_array().map(Vec::len), Some(1));
    assert_eq!(limited.json["articlesCount"], 2);
}

#[tokio::test]
async fn update_keeps_absent_fields_and_tags_and_refuses_null_tags() {
    let app = spawn_app().await;
    let token = app.register("author").await;
    let slug = app.publish(&token, "Editable", &["a", "b"]).await;
    let uri = format!("/api/articles/{slug}");
    let edited = app.send(Method::PUT, &uri, Some(&token), Some(json!({"article": {"body": "new body"}}))).await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.text);
    assert_eq!(edited.json["article"]["body"], "new body");
    assert_eq!(edited.json["article"]["tagList"], json!(["a", "b"]));
    assert_eq!(edited.json["article"]["title"], "Editable");

    let null_tags = app.send(Method::PUT, &uri, Some(&token), Some(json!({"article": {"tagList": null}}))).await;
    assert_eq!(null_tags.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", null_tags.text);
    assert!(null_tags.json["errors"]["tagList"].is_array());
    let null_title = app.send(Method::PUT, &uri, Some(&token), Some(json!({"article": {"title": null}}))).await;
    null_title.assert_error_is(StatusCode::UNPROCESSABLE_ENTITY, "title", "can't be blank");

    let no_tags = app.send(Method::PUT, &uri, Some(&token), Some(json!({"article": {"tagList": []}}))).await;
    assert_eq!(no_tags.json["article"]["tagList"], json!([]));

    let renamed = app.send(Method::PUT, &uri, Some(&token), Some(json!({"article": {"title": "Renamed"}}))).await;
    assert_eq!(renamed.json["article"]["slug"], "renamed");
    assert_eq!(app.get("/api/articles/renamed", None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn only_the_author_may_edit_or_delete_an_article() {
    let app = spawn_app().await;
    let author = app.register("author").await;
    let intruder = app.register("intruder").await;
    let slug = app.publish(&author, "Mine", &[]).await;
    let uri = format!("/api/articles/{slug}");
    app.send(Method::PUT, &uri, Some(&intruder), Some(json!({"article": {"body": "hijacked"}}))).await.assert_error_is(
        StatusCode::FORBIDDEN,
        "article",
        "forbidden",
    );
    app.send(Method::DELETE, &uri, Some(&intruder), None).await.assert_error_is(
        StatusCode::FORBIDDEN,
        "article",
        "forbidden",
    );
    let deleted = app.send(Method::DELETE, &uri, Some(&author), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert!(deleted.text.is_empty());
    app.get(&uri, None).await.assert_error_is(StatusCode::NOT_FOUND, "article", "not found");
}

#[tokio::test]
async fn unknown_slugs_are_a_404_for_every_operation() {
    let app = spawn_app().await;
    let token = app.register("author").await;
    app.get("/api/articles/missing", None).await.assert_error_is(StatusCode::NOT_FOUND, "article", "not found");
    let cases: [(Method, &str, Option<Value>); 5] = [
        (Method::PUT, "/api/articles/missing", Some(json!({"article": {"body": "x"}}))),
        (Method::DELETE, "/api/articles/missing", None),
        (Method::POST, "/api/articles/missing/favorite", None),
        (Method::DELETE, "/api/articles/missing/favorite", None),
        (Method::POST, "/api/articles/missing/comments", Some(json!({"comment": {"body": "x"}}))),
    ];
    for (method, uri, body) in cases {
        app.send(method, uri, Some(&token), body).await.assert_error_is(StatusCode::NOT_FOUND, "article", "not found");
    }
}

#[tokio::test]
async fn favoriting_counts_for_the_caller_and_can_be_undone() {
    let app = spawn_app().await;
    let token = app.register("fan").await;
    let slug = app.publish(&token, "Liked", &[]).await;
    let liked = app.send(Method::POST, &format!("/api/articles/{slug}/favorite"), Some(&token), None).await;
    assert_eq!(liked.status, StatusCode::OK, "{}", liked.text);
    assert_eq!(liked.json["article"]["favorited"], true);
    assert_eq!(liked.json["article"]["favoritesCount"], 1);
    assert_eq!(liked.json["article"]["body"], "the body");
    let anonymous = app.get(&format!("/api/articles/{slug}"), None).await;
    assert_eq!(anonymous.json["article"]["favorited"], false);
    let unliked = app.send(Method::DELETE, &format!("/api/articles/{slug}/favorite"), Some(&token), None).await;
    assert_eq!(unliked.json["article"]["favorited"], false);
    assert_eq!(unliked.json["article"]["favoritesCount"], 0);
}

#[tokio::test]
async fn tags_lists_every_tag_in_use() {
    let app = spawn_app().await;
    let token = app.register("author").await;
    assert_eq!(app.get("/api/tags", None).await.json, json!({"tags": [], "nextCursor": null}));
    app.publish(&token, "Tagged", &["h", "t"]).await;
    let tags = app.get("/api/tags", None).await.json["tags"].clone();
    assert_eq!(tags, json!(["h", "t"]));
}
