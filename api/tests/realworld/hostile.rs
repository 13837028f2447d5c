//! Hostile input to the RealWorld example over real HTTP: control characters in articles,
//! comments, filters and path parameters, and oversized tag lists. Always a JSON error in
//! the RealWorld shape, never a 500.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::app::{TestApp, spawn_on};
use crate::publish::Publish;
use infrastructure::testing::TestDb;

#[tokio::test]
async fn control_characters_are_refused_on_sqlite() {
    control_characters_are_refused(spawn_on(TestDb::sqlite().await).await).await;
}

#[tokio::test]
async fn control_characters_are_refused_on_postgres() {
    control_characters_are_refused(spawn_on(TestDb::postgres().await).await).await;
}

async fn control_characters_are_refused(app: TestApp) {
    let token = app.register("jake").await;
    let article = |title: &str, body: &str, tag: &str| json!({"article": {"title": title, "description": "d\ne", "body": body, "tagList": [tag]}});
    let reply = app.send(Method::POST, "/api/articles", Some(&token), Some(article("t\u{1}", "b", "x"))).await;
    reply.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "title");
    let reply = app.send(Method::POST, "/api/articles", Some(&token), Some(article("t", "b\u{0}", "x"))).await;
    reply.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "body");
    let reply = app.send(Method::POST, "/api/articles", Some(&token), Some(article("t", "b", "x\u{0}"))).await;
    reply.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "tagList");
    let reply = app.send(Method::POST, "/api/articles", Some(&token), Some(article("t", "b\n\tc", "x"))).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let slug = reply.json["article"]["slug"].as_str().expect("slug").to_owned();
    let comments = format!("/api/articles/{slug}/comments");
    let comment = json!({"comment": {"body": "a\u{0}b"}});
    let reply = app.send(Method::POST, &comments, Some(&token), Some(comment)).await;
    reply.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "body");
    let comment = json!({"comment": {"body": "line one\nline two"}});
    assert_eq!(app.send(Method::POST, &comments, Some(&token), Some(comment)).await.status, StatusCode::CREATED);

    // Query parameters: 422 naming the parameter.
    for (query, field) in [("tag=%00", "tag"), ("author=a%00b", "author"), ("favorited=%1F", "favorited")] {
        let reply = app.get(&format!("/api/articles?{query}"), None).await;
        reply.assert_error(StatusCode::UNPROCESSABLE_ENTITY, field);
    }
    let reply = app.get("/api/articles/feed?limit=1%00", Some(&token)).await;
    reply.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "limit");
    // Path parameters: nothing can be found under such a name.
    for path in ["/api/articles/a%00b", "/api/profiles/a%00b", "/api/articles/a%00b/comments"] {
        let reply = app.get(path, None).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}: {}", reply.text);
        assert!(reply.json["errors"].is_object(), "{path}: {}", reply.text);
    }
    let reply = app.send(Method::POST, "/api/profiles/a%00b/follow", Some(&token), None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.text);
}

#[tokio::test]
async fn a_huge_tag_list_is_refused_as_too_many_before_any_tag_is_looked_at() {
    let app = crate::app::spawn_app().await;
    let token = app.register("tagger").await;
    // 50,000 tags (well under the body limit), one of them blank: the count is the first
    // rule checked, so the answer is "too many", whatever the tags are.
    let mut tags: Vec<String> = (0..50_000).map(|i| format!("tag{i}")).collect();
    tags[2] = String::new();
    let body = json!({"article": {"title": "t", "description": "d", "body": "b", "tagList": tags}});
    let reply = app.send(Method::POST, "/api/articles", Some(&token), Some(body)).await;
    let message = reply.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "tagList");
    assert!(message.contains("too many"), "{message}");
    let update = json!({"article": {"tagList": vec!["same"; 50_000]}});
    let slug = app.publish(&token, "Tagged", &["a"]).await;
    let reply = app.send(Method::PUT, &format!("/api/articles/{slug}"), Some(&token), Some(update)).await;
    let message = reply.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "tagList");
    assert!(message.contains("too many"), "{message}");
}
