//! The comment and tag lists, which the RealWorld spec returns whole, are bounded by
//! `pagination.max_comments` / `pagination.max_tags` and continue with `nextCursor`.

use std::collections::HashSet;

use infrastructure::testing::TestDb;
use reqwest::StatusCode;

use crate::app::{TestApp, spawn_with};
use crate::publish::Publish;

/// Walks `path` (which has a query string) page by page, returning the pages' items as
/// `key` of each element of `field` (or the element itself when it is a string).
async fn walk(app: &TestApp, path: &str, field: &str, max_page: usize) -> Vec<String> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let url = match &cursor {
            Some(c) => format!("{path}&cursor={c}"),
            None => path.to_owned(),
        };
        let reply = app.get(&url, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let page = reply.json[field].as_array().unwrap_or_else(|| panic!("{field} in {}", reply.text));
        assert!(page.len() <= max_page, "page of {} > {max_page}: {}", page.len(), reply.text);
        items.extend(page.iter().map(|item| match item.as_str() {
            Some(text) => text.to_owned(),
            None => item["body"].as_str().expect("body").to_owned(),
        }));
        match reply.json["nextCursor"].as_str() {
            Some(next) => {
                assert!(!page.is_empty(), "a cursor is only given after a non-empty page");
                cursor = Some(next.to_owned());
            }
            None => {
                assert!(reply.json["nextCursor"].is_null(), "{}", reply.text);
                return items;
            }
        }
    }
    panic!("pagination did not end");
}

async fn spawn_small_pages(db: TestDb, cache: bool) -> TestApp {
    let mut settings = db.settings();
    settings.pagination.max_comments = 3;
    settings.pagination.max_tags = 3;
    settings.cache.enabled = cache;
    spawn_with(db, &settings).await
}

async fn comments_are_bounded_and_paged(app: TestApp) {
    let token = app.register("talker").await;
    let slug = app.publish(&token, "Busy thread", &[]).await;
    let path = format!("/api/articles/{slug}/comments");
    let mut bodies = Vec::new();
    for i in 0..8 {
        let body = format!("comment {i}");
        let comment = serde_json::json!({"comment": {"body": body}});
        let reply = app.send(reqwest::Method::POST, &path, Some(&token), Some(comment)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        bodies.push(body);
    }

    let first = app.get(&path, None).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.json["comments"].as_array().map(Vec::len), Some(3), "bounded: {}", first.text);
    assert!(first.json["nextCursor"].is_string(), "{}", first.text);
    let asked_for_more = app.get(&format!("{path}?limit=1000"), None).await;
    assert_eq!(asked_for_more.json["comments"].as_array().map(Vec::len), Some(3), "limit is clamped");

    let seen = walk(&app, &format!("{path}?limit=3"), "comments", 3).await;
    assert_eq!(seen, bodies, "every comment once, oldest first");
    let smaller = walk(&app, &format!("{path}?limit=2"), "comments", 2).await;
    assert_eq!(smaller, bodies);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 8);

    for (query, field) in [("limit=0", "limit"), ("limit=x", "limit"), ("cursor=nope", "cursor")] {
        app.get(&format!("{path}?{query}"), None).await.assert_error(StatusCode::UNPROCESSABLE_ENTITY, field);
    }
}

#[tokio::test]
async fn comments_come_in_bounded_pages_with_a_cursor_on_sqlite() {
    comments_are_bounded_and_paged(spawn_small_pages(TestDb::sqlite().await, true).await).await;
}

#[tokio::test]
async fn comments_come_in_bounded_pages_with_a_cursor_on_postgres() {
    comments_are_bounded_and_paged(spawn_small_pages(TestDb::postgres().await, true).await).await;
}

async fn tags_are_bounded_and_paged(app: TestApp) {
    let token = app.register("tagger").await;
    // Upper and lower case and a non-ASCII letter: the order is code point order on every
    // backend, whatever the database's collation.
    app.publish(&token, "First", &["b", "Z", "a", "é"]).await;
    app.publish(&token, "Second", &["c", "a", "M", "d"]).await;
    let expected = ["M", "Z", "a", "b", "c", "d", "é"];

    let first = app.get("/api/tags", None).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.json["tags"], serde_json::json!(["M", "Z", "a"]), "bounded: {}", first.text);
    assert!(first.json["nextCursor"].is_string(), "{}", first.text);

    let seen = walk(&app, "/api/tags?limit=3", "tags", 3).await;
    assert_eq!(seen, expected, "every tag once, in order");
    let smaller = walk(&app, "/api/tags?limit=2", "tags", 2).await;
    assert_eq!(smaller, expected);

    for (query, field) in [("limit=0", "limit"), ("limit=-1", "limit"), ("cursor=%21%21", "cursor")] {
        app.get(&format!("/api/tags?{query}"), None).await.assert_error(StatusCode::UNPROCESSABLE_ENTITY, field);
    }
}

#[tokio::test]
async fn tags_come_in_bounded_pages_with_a_cursor_on_sqlite() {
    tags_are_bounded_and_paged(spawn_small_pages(TestDb::sqlite().await, false).await).await;
}

#[tokio::test]
async fn tags_come_in_bounded_pages_with_a_cursor_on_postgres() {
    tags_are_bounded_and_paged(spawn_small_pages(TestDb::postgres().await, false).await).await;
}

#[tokio::test]
async fn cached_tags_page_like_stored_ones_on_postgres() {
    tags_are_bounded_and_paged(spawn_small_pages(TestDb::postgres().await, true).await).await;
}
