//! Every write that changes a cached view, made through process A and read at once
//! through process B, which had the old view cached (in memory and in Redis).

use infrastructure::testing::{TestDb, redis_url};
use reqwest::Method;
use serde_json::{Value, json};

use super::cluster::{Process, cached_values, unique_prefix};

fn article(title: &str, tags: &[&str]) -> Value {
    json!({"article": {"title": title, "description": "about it", "body": "first body", "tagList": tags}})
}

/// Reads `path` twice through `p` so the view is certainly cached there.
async fn warm(p: &Process, path: &str, token: Option<&str>) -> Value {
    p.read(path, token).await;
    p.read(path, token).await
}

fn tags(body: &Value) -> Vec<String> {
    body["tags"].as_array().expect("tags").iter().map(|t| t.as_str().unwrap_or_default().to_owned()).collect()
}

#[tokio::test]
async fn every_write_through_one_process_is_read_at_once_through_the_other() {
    let db = TestDb::postgres().await;
    let (redis, prefix) = (redis_url(), unique_prefix());
    let a = Process::start(&db.url, &redis, &prefix).await;
    let b = Process::start(&db.url, &redis, &prefix).await;
    let jake = a.register("jake").await;
    let fan = a.register("fan").await;

    // Article create: the list, the count and the tags move on B.
    let before = warm(&b, "/api/articles?limit=20", None).await;
    assert_eq!(before["articlesCount"], 0);
    assert!(tags(&warm(&b, "/api/tags", None).await).is_empty());
    a.write(Method::POST, "/api/articles", &jake, Some(article("Hello", &["rust"]))).await;
    let list = b.read("/api/articles?limit=20", None).await;
    assert_eq!((list["articlesCount"].clone(), list["articles"][0]["slug"].clone()), (json!(1), json!("hello")));
    assert_eq!(tags(&b.read("/api/tags", None).await), ["rust"]);
    assert!(cached_values(&redis, &prefix).await > 0, "B's reads were cached in Redis");

    // Article update: body, then a new title that moves the slug.
    warm(&b, "/api/articles/hello", None).await;
    let edit = json!({"article": {"body": "second body"}});
    a.write(Method::PUT, "/api/articles/hello", &jake, Some(edit)).await;
    assert_eq!(b.read("/api/articles/hello", None).await["article"]["body"], "second body");
    let rename = json!({"article": {"title": "Renamed"}});
    a.write(Method::PUT, "/api/articles/hello", &jake, Some(rename)).await;
    assert_eq!(b.status("/api/articles/hello").await, 404);
    assert_eq!(b.read("/api/articles/renamed", None).await["article"]["title"], "Renamed");
    assert_eq!(b.read("/api/articles?limit=20", None).await["articles"][0]["slug"], "renamed");

    // Favorite and unfavorite: the shared count, and the flag for the fan only.
    warm(&b, "/api/articles/renamed", None).await;
    a.write(Method::POST, "/api/articles/renamed/favorite", &fan, None).await;
    assert_eq!(b.read("/api/articles/renamed", None).await["article"]["favoritesCount"], 1);
    assert_eq!(b.read("/api/articles/renamed", Some(&fan)).await["article"]["favorited"], true);
    assert_eq!(b.read("/api/articles/renamed", Some(&jake)).await["article"]["favorited"], false);
    assert_eq!(b.read("/api/articles?limit=20", None).await["articles"][0]["favoritesCount"], 1);
    a.write(Method::DELETE, "/api/articles/renamed/favorite", &fan, None).await;
    assert_eq!(b.read("/api/articles/renamed", Some(&fan)).await["article"]["favoritesCount"], 0);
    assert_eq!(b.read("/api/articles/renamed", Some(&fan)).await["article"]["favorited"], false);
    assert_eq!(b.read("/api/articles?limit=20", None).await["articles"][0]["favoritesCount"], 0);

    // Follow and unfollow: `following` for the follower, never for anyone else.
    warm(&b, "/api/profiles/jake", Some(&fan)).await;
    a.write(Method::POST, "/api/profiles/jake/follow", &fan, None).await;
    assert_eq!(b.read("/api/profiles/jake", Some(&fan)).await["profile"]["following"], true);
    assert_eq!(b.read("/api/profiles/jake", None).await["profile"]["following"], false);
    assert_eq!(b.read("/api/articles/renamed", Some(&fan)).await["article"]["author"]["following"], true);
    assert_eq!(b.read("/api/articles?limit=20", Some(&fan)).await["articles"][0]["author"]["following"], true);
    a.write(Method::DELETE, "/api/profiles/jake/follow", &fan, None).await;
    assert_eq!(b.read("/api/profiles/jake", Some(&fan)).await["profile"]["following"], false);
    assert_eq!(b.read("/api/articles/renamed", Some(&fan)).await["article"]["author"]["following"], false);

    // Bio, image and username: profiles, articles and lists embed them.
    warm(&b, "/api/articles/renamed", None).await;
    warm(&b, "/api/articles?limit=20", None).await;
    let bio = json!({"user": {"bio": "new bio", "image": "https://example.com/jake.png"}});
    a.write(Method::PUT, "/api/user", &jake, Some(bio)).await;
    assert_eq!(b.read("/api/profiles/jake", None).await["profile"]["bio"], "new bio");
    let author = b.read("/api/articles/renamed", None).await["article"]["author"].clone();
    assert_eq!(
        (author["bio"].clone(), author["image"].clone()),
        (json!("new bio"), json!("https://example.com/jake.png"))
    );
    assert_eq!(b.read("/api/articles?limit=20", None).await["articles"][0]["author"]["bio"], "new bio");
    let rename = json!({"user": {"username": "jacob"}});
    a.write(Method::PUT, "/api/user", &jake, Some(rename)).await;
    assert_eq!(b.status("/api/profiles/jake").await, 404);
    assert_eq!(b.read("/api/profiles/jacob", None).await["profile"]["bio"], "new bio");
    assert_eq!(b.read("/api/articles/renamed", None).await["article"]["author"]["username"], "jacob");
    assert_eq!(b.read("/api/articles?limit=20", None).await["articles"][0]["author"]["username"], "jacob");

    // Tags appearing and disappearing with an edit of the tag list.
    warm(&b, "/api/tags", None).await;
    let retag = json!({"article": {"tagList": ["go"]}});
    a.write(Method::PUT, "/api/articles/renamed", &jake, Some(retag)).await;
    assert_eq!(tags(&b.read("/api/tags", None).await), ["go"]);
    assert_eq!(b.read("/api/articles/renamed", None).await["article"]["tagList"], json!(["go"]));

    // Article delete: gone from the article view, the list and the tags.
    warm(&b, "/api/articles/renamed", None).await;
    warm(&b, "/api/tags", None).await;
    a.write(Method::DELETE, "/api/articles/renamed", &jake, None).await;
    assert_eq!(b.status("/api/articles/renamed").await, 404);
    assert_eq!(b.read("/api/articles?limit=20", None).await["articlesCount"], 0);
    assert!(tags(&b.read("/api/tags", None).await).is_empty());
}
