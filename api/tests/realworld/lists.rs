//! The comment and tag lists, which the RealWorld spec returns whole, are bounded by
//! `realworld.max_comments_per_page` / `realworld.max_tags_per_page` and continue with
//! `nextCursor`.

use std::collections::HashSet;

use infrastructure::realworld::{REALWORLD_SECTION, RealWorldSettings};
use infrastructure::testing::TestDb;
use reqwest::StatusCode;

use crate::app::{TestApp, spawn_with};
use crate::pagination::{self, Pages};
use crate::publish::Publish;

/// Walks a comment or tag list (`field`) in pages of at most `max_page`: comment bodies,
/// or the tags themselves.
async fn walk(app: &TestApp, path: &str, field: &str, max_page: usize) -> Vec<String> {
    fn text(item: &serde_json::Value) -> String {
        match item.as_str() {
            Some(text) => text.to_owned(),
            None => item["body"].as_str().expect("body").to_owned(),
        }
    }
    pagination::walk(app, Pages { path, token: None, field, max_page, item: text }).await
}

async fn spawn_small_pages(db: TestDb, cache: bool) -> TestApp {
    let mut settings = db.settings();
    let pages = RealWorldSettings { max_comments_per_page: 3, max_tags_per_page: 3 };
    settings.set_section(REALWORLD_SECTION, &pages);
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

    for (query, field) in [("limit=0", "limit"), ("limit=", "limit"), ("limit=x", "limit"), ("cursor=nope", "cursor")] {
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

    for (query, field) in
        [("limit=0", "limit"), ("limit=", "limit"), ("limit=-1", "limit"), ("cursor=%21%21", "cursor")]
    {
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
