//! Redis stopped mid-test: both processes keep answering from the database, writes
//! stay visible across processes, and caching resumes once Redis is back.

use std::time::Duration;

use infrastructure::testing::TestDb;
use infrastructure::testing_redis::PrivateRedis;
use reqwest::Method;
use serde_json::json;

use super::cluster::{Process, cached_values, unique_prefix};

#[tokio::test]
async fn requests_survive_a_redis_outage_and_caching_resumes() {
    let db = TestDb::postgres().await;
    let mut redis = PrivateRedis::start().await;
    let prefix = unique_prefix();
    let a = Process::start(&db.url, &redis.url(), &prefix).await;
    let b = Process::start(&db.url, &redis.url(), &prefix).await;
    let jake = a.register("jake").await;
    let body = json!({"article": {"title": "Hello", "description": "d", "body": "v0", "tagList": ["x"]}});
    a.write(Method::POST, "/api/articles", &jake, Some(body)).await;
    b.read("/api/articles/hello", None).await;
    b.read("/api/articles/hello", None).await;
    assert!(cached_values(&redis.url(), &prefix).await > 0, "cached before the outage");

    redis.stop();
    for round in 1..=5 {
        let edit = json!({"article": {"body": format!("v{round}")}});
        a.write(Method::PUT, "/api/articles/hello", &jake, Some(edit)).await;
        for p in [&a, &b] {
            assert_eq!(p.read("/api/articles/hello", None).await["article"]["body"], format!("v{round}"));
            assert_eq!(p.read("/api/tags", None).await["tags"], json!(["x"]));
            assert_eq!(p.read("/api/articles?limit=20", None).await["articlesCount"], 1);
            p.read("/api/profiles/jake", Some(&jake)).await;
        }
    }

    redis.restart().await;
    // Caching resumes by itself: poll (bounded) until B's reads land in Redis again.
    let mut resumed = false;
    for _ in 0..100 {
        assert_eq!(b.read("/api/articles/hello", None).await["article"]["body"], "v5");
        if cached_values(&redis.url(), &prefix).await > 0 {
            resumed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(resumed, "no value was cached in Redis after it came back");
    let edit = json!({"article": {"body": "after"}});
    a.write(Method::PUT, "/api/articles/hello", &jake, Some(edit)).await;
    assert_eq!(b.read("/api/articles/hello", None).await["article"]["body"], "after");
}
