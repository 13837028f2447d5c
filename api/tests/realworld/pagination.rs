//! Keyset pagination (`cursor` / `nextCursor`) and the random article.

use std::collections::HashSet;

use infrastructure::testing::TestDb;
use reqwest::StatusCode;

use crate::app::{TestApp, spawn_app, spawn_on};
use crate::publish::Publish;

/// One list page as the walk reads it: the path (with its query string), the viewer, the
/// array field of the body, and how to name each item.
pub(crate) struct Pages<'a> {
    pub path: &'a str,
    pub token: Option<&'a str>,
    pub field: &'a str,
    /// The largest page allowed; a longer one fails the walk.
    pub max_page: usize,
    pub item: fn(&serde_json::Value) -> String,
}

/// The `slug` of an article in a list.
pub(crate) fn slug(article: &serde_json::Value) -> String {
    article["slug"].as_str().expect("slug").to_owned()
}

/// Walks a list page by page with `nextCursor` (shared by every cursor-paged list: the
/// article lists here, comments and tags in `lists.rs`), returning every item in order.
pub(crate) async fn walk(app: &TestApp, pages: Pages<'_>) -> Vec<String> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..1000 {
        let url = match &cursor {
            Some(c) => format!("{}&cursor={c}", pages.path),
            None => pages.path.to_owned(),
        };
        let reply = app.get(&url, pages.token).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let page = reply.json[pages.field].as_array().unwrap_or_else(|| panic!("{} in {}", pages.field, reply.text));
        assert!(page.len() <= pages.max_page, "page of {} > {}: {}", page.len(), pages.max_page, reply.text);
        items.extend(page.iter().map(pages.item));
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

async fn every_article_exactly_once_while_articles_are_inserted(app: TestApp) {
    let token = app.register("writer").await;
    let mut originals = Vec::new();
    for i in 0..23 {
        originals.push(app.publish(&token, &format!("Original {i}"), &[]).await);
    }
    let writer = {
        let (base, token) = (app.base.clone(), token.clone());
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            for i in 0..20 {
                let body = serde_json::json!({"article": {"title": format!("Concurrent {i}"), "description": "d", "body": "b"}});
                let response = client
                    .post(format!("{base}/api/articles"))
                    .header("Authorization", format!("Token {token}"))
                    .json(&body)
                    .send()
                    .await
                    .expect("sent");
                assert_eq!(response.status(), StatusCode::CREATED);
            }
        })
    };
    let seen =
        walk(&app, Pages { path: "/api/articles?limit=2", token: None, field: "articles", max_page: 2, item: slug })
            .await;
    writer.await.expect("writer finished");

    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no article twice: {seen:?}");
    for slug in &originals {
        assert!(unique.contains(slug), "{slug} missing from {seen:?}");
    }
    // Newest first: the originals come in reverse publication order.
    let order: Vec<&String> = seen.iter().filter(|s| originals.contains(s)).collect();
    let expected: Vec<&String> = originals.iter().rev().collect();
    assert_eq!(order, expected);

    // The feed pages the same way.
    let reader = app.register("reader").await;
    let follow = app.send(reqwest::Method::POST, "/api/profiles/writer/follow", Some(&reader), None).await;
    assert_eq!(follow.status, StatusCode::OK);
    let feed = walk(
        &app,
        Pages { path: "/api/articles/feed?limit=7", token: Some(&reader), field: "articles", max_page: 7, item: slug },
    )
    .await;
    assert_eq!(feed.len(), 43);
    assert_eq!(feed.iter().collect::<HashSet<_>>().len(), 43);
}

#[tokio::test]
async fn cursor_pages_return_every_article_once_while_new_ones_arrive_on_sqlite() {
    every_article_exactly_once_while_articles_are_inserted(spawn_app().await).await;
}

#[tokio::test]
async fn cursor_pages_return_every_article_once_while_new_ones_arrive_on_postgres() {
    every_article_exactly_once_while_articles_are_inserted(spawn_on(TestDb::postgres().await).await).await;
}

#[tokio::test]
async fn the_last_page_has_no_next_cursor_and_offset_paging_still_works() {
    let app = spawn_app().await;
    let token = app.register("author").await;
    for i in 0..4 {
        app.publish(&token, &format!("Article {i}"), &[]).await;
    }
    let full = app.get("/api/articles?limit=4", None).await;
    assert_eq!(full.json["articles"].as_array().map(Vec::len), Some(4));
    assert!(full.json["nextCursor"].is_null(), "exactly full last page: {}", full.text);
    let first = app.get("/api/articles?limit=3", None).await;
    assert_eq!(first.json["articlesCount"], 4);
    let cursor = first.json["nextCursor"].as_str().expect("more to come").to_owned();
    let rest = app.get(&format!("/api/articles?limit=3&cursor={cursor}"), None).await;
    assert_eq!(rest.json["articles"].as_array().map(Vec::len), Some(1));
    assert_eq!(rest.json["articlesCount"], 4, "the count is of all matches");
    let offset = app.get("/api/articles?limit=3&offset=3", None).await;
    assert_eq!(offset.json["articles"][0]["slug"], rest.json["articles"][0]["slug"]);
}

#[tokio::test]
async fn an_empty_or_too_large_limit_or_offset_is_a_422_and_an_empty_cursor_is_no_cursor() {
    let app = spawn_app().await;
    let token = app.register("blank").await;
    for path in ["/api/articles", "/api/articles/feed", "/api/reports"] {
        for field in ["limit", "offset"] {
            // Empty, and one past the document's int64 maximum.
            for value in ["", "9223372036854775808"] {
                let reply = app.get(&format!("{path}?{field}={value}"), Some(&token)).await;
                assert_eq!(
                    reply.assert_error(StatusCode::UNPROCESSABLE_ENTITY, field),
                    "must be a non-negative integer"
                );
            }
        }
    }
    for path in ["/api/articles?cursor=", "/api/articles/feed?cursor=", "/api/tags?cursor="] {
        assert_eq!(
            app.get(path, Some(&token)).await.status,
            StatusCode::OK,
            "{path}: the document allows an empty cursor"
        );
    }
}

#[tokio::test]
async fn a_bad_cursor_is_a_422_on_cursor() {
    let app = spawn_app().await;
    for bad in ["garbage!", "bm9wZQ", "MTIzLmFiYw"] {
        let reply = app.get(&format!("/api/articles?cursor={bad}"), None).await;
        assert_eq!(reply.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "cursor"), "is invalid", "{bad}");
    }
    let token = app.register("feeder").await;
    app.get("/api/articles/feed?cursor=nope", Some(&token))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "cursor");
    // A valid cursor with an offset: the two do not combine.
    let valid = "MTcwMDAwMDAwMDAwMC4x";
    app.get(&format!("/api/articles?cursor={valid}&offset=2"), None)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "offset");
}

#[tokio::test]
async fn random_is_404_without_articles_and_one_of_them_otherwise_on_sqlite() {
    random_picks_an_existing_article(spawn_app().await).await;
}

#[tokio::test]
async fn random_is_404_without_articles_and_one_of_them_otherwise_on_postgres() {
    random_picks_an_existing_article(spawn_on(TestDb::postgres().await).await).await;
}

async fn random_picks_an_existing_article(app: TestApp) {
    app.get("/api/articles/random", None).await.assert_error(StatusCode::NOT_FOUND, "article");
    let token = app.register("rand").await;
    let mut slugs = HashSet::new();
    for i in 0..3 {
        slugs.insert(app.publish(&token, &format!("Pick {i}"), &[]).await);
    }
    for _ in 0..10 {
        let reply = app.get("/api/articles/random", Some(&token)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let slug = reply.json["article"]["slug"].as_str().expect("slug");
        assert!(slugs.contains(slug), "{slug}");
        assert!(reply.json["article"]["body"].is_string(), "a single article has its body");
    }
}
