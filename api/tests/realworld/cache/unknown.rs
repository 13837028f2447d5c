//! Reads of things that do not exist leave nothing in Redis: a made-up slug must not
//! cost a key (before this test, each one left a namespace stamp for a day), while a
//! real article read still gets its stamp and its cached value.

use infrastructure::testing::{TestDb, redis_url};
use reqwest::Method;
use serde_json::json;

use super::cluster::{Process, unique_prefix};

/// Every key under `prefix` (SCAN is fine in a test), with its TTL in seconds.
async fn keys(redis_url: &str, prefix: &str) -> Vec<(String, i64)> {
    let client = redis::Client::open(redis_url).expect("redis url");
    let mut connection = client.get_multiplexed_async_connection().await.expect("redis connection");
    let (mut cursor, mut out) = (0u64, Vec::new());
    loop {
        let (next, found): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(format!("{prefix}:*"))
            .arg("COUNT")
            .arg(1000)
            .query_async(&mut connection)
            .await
            .expect("scan");
        for key in found {
            let ttl: i64 = redis::cmd("TTL").arg(&key).query_async(&mut connection).await.expect("ttl");
            out.push((key, ttl));
        }
        if next == 0 {
            return out;
        }
        cursor = next;
    }
}

#[tokio::test]
async fn reading_an_unknown_slug_leaves_no_key_in_redis() {
    let db = TestDb::postgres().await;
    let (redis, prefix) = (redis_url(), unique_prefix());
    let p = Process::start(&db.url, &redis, &prefix).await;
    let jake = p.register("jake").await;
    let body = json!({"article": {"title": "Real one", "description": "d", "body": "b", "tagList": []}});
    p.write(Method::POST, "/api/articles", &jake, Some(body)).await;

    for round in 0..3 {
        for path in ["/api/articles/made-up-slug", "/api/articles/made-up-slug/comments"] {
            assert_eq!(p.status(path).await, 404, "{path}, round {round}");
        }
        assert_eq!(p.send(Method::GET, "/api/articles/made-up-slug", Some(&jake), None).await.status, 404);
    }
    let left: Vec<_> =
        keys(&redis, &prefix).await.into_iter().filter(|(key, _)| key.contains("made-up-slug")).collect();
    assert!(left.is_empty(), "an unknown slug left keys behind: {left:?}");

    // The control: a real article whose stamp has expired (deleted here) is cached again
    // on its next read, with the stamp its key depends on.
    let client = redis::Client::open(redis.as_str()).expect("redis url");
    let mut raw = client.get_multiplexed_async_connection().await.expect("redis connection");
    let _: i64 =
        redis::cmd("DEL").arg(format!("{prefix}:s:article:real-one")).query_async(&mut raw).await.expect("del");
    p.get("/api/articles/real-one", None).await;
    p.get("/api/articles/real-one", None).await;
    let real: Vec<_> = keys(&redis, &prefix).await.into_iter().filter(|(key, _)| key.contains("real-one")).collect();
    assert!(real.iter().any(|(key, _)| key.contains(":v:article:real-one@")), "the article is cached: {real:?}");
    assert!(real.iter().any(|(key, _)| key.ends_with(":s:article:real-one")), "its stamp is stored: {real:?}");
}
