//! `/ready`, `/admin/db-pool-status` and `/metrics`.

use std::time::Duration;

use infrastructure::testing::TestDb;
use reqwest::StatusCode;

use crate::app::{Reply, TestApp, spawn_adjusted, spawn_app, spawn_with};
use crate::servers::{PrivatePostgres, PrivateRedis};

/// Polls `/ready` until it answers `status` (dependencies take a moment to come back).
async fn ready_becomes(app: &TestApp, status: StatusCode) -> Reply {
    for _ in 0..100 {
        let reply = app.get("/ready", None).await;
        if reply.status == status {
            return reply;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("/ready never answered {status}: {}", app.get("/ready", None).await.text);
}

#[tokio::test]
async fn ready_names_each_dependency_with_its_latency() {
    let app = spawn_app().await;
    let reply = app.get("/ready", None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.json["status"], "ok");
    for name in ["database", "cache"] {
        assert_eq!(reply.json["checks"][name]["status"], "ok", "{}", reply.text);
        assert!(reply.json["checks"][name]["latency_ms"].is_number(), "{}", reply.text);
    }
}

#[tokio::test]
async fn ready_is_503_naming_postgres_while_it_is_down_and_200_after_restart() {
    let postgres = PrivatePostgres::start();
    let mut settings = infrastructure::testing::settings(postgres.url());
    settings.database.acquire_timeout_secs = 1;
    // The TestDb only satisfies spawn_with; the private cluster is the real database.
    let app = spawn_with(TestDb::sqlite().await, &settings).await;
    assert_eq!(app.get("/ready", None).await.status, StatusCode::OK);

    postgres.stop();
    let down = ready_becomes(&app, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(down.json["status"], "unavailable");
    assert_eq!(down.json["checks"]["database"]["status"], "error", "{}", down.text);
    // The cause is logged, never shown: the endpoint needs no credentials.
    assert!(down.json["checks"]["database"].get("detail").is_none(), "{}", down.text);
    assert!(!down.text.to_lowercase().contains("connect"), "error text leaked: {}", down.text);
    assert_eq!(down.json["checks"]["cache"]["status"], "ok");

    postgres.restart();
    let up = ready_becomes(&app, StatusCode::OK).await;
    assert_eq!(up.json["checks"]["database"]["status"], "ok");
}

/// Polls `/ready` until the `redis` check answers `status`.
async fn redis_becomes(app: &TestApp, status: &str) -> Reply {
    for _ in 0..100 {
        let reply = app.get("/ready", None).await;
        if reply.json["checks"]["redis"]["status"] == status {
            return reply;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("redis never became {status}: {}", app.get("/ready", None).await.text);
}

#[tokio::test]
async fn ready_stays_200_with_redis_degraded_while_it_is_down_and_ok_after_restart() {
    let redis = PrivateRedis::start();
    let app = spawn_adjusted(|s| s.redis.url = Some(redis.url())).await;
    let up = redis_becomes(&app, "ok").await;
    assert_eq!(up.status, StatusCode::OK, "{}", up.text);

    redis.stop();
    let down = redis_becomes(&app, "degraded").await;
    assert_eq!(down.status, StatusCode::OK, "{}", down.text);
    assert_eq!(down.json["status"], "degraded", "{}", down.text);
    assert_eq!(down.json["checks"]["database"]["status"], "ok");

    redis.restart();
    let back = redis_becomes(&app, "ok").await;
    assert_eq!(back.json["status"], "ok", "{}", back.text);
}

#[tokio::test]
async fn ready_is_200_with_redis_degraded_and_no_error_text_when_redis_was_never_reachable() {
    // A loopback port nothing listens on: bound, then released.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bound").local_addr().expect("address").port();
    let app = spawn_adjusted(|s| s.redis.url = Some(format!("redis://127.0.0.1:{closed}"))).await;
    let reply = app.get("/ready", None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.json["status"], "degraded", "{}", reply.text);
    assert_eq!(reply.json["checks"]["redis"]["status"], "degraded", "{}", reply.text);
    assert!(reply.json["checks"]["redis"].get("detail").is_none(), "{}", reply.text);
    assert!(
        !reply.text.contains(&closed.to_string()) && !reply.text.contains("refused"),
        "error text leaked: {}",
        reply.text
    );
    // Requests are still served: the cache and the rate limiter fall back.
    let token = app.register("degraded").await;
    assert_eq!(app.get("/api/user", Some(&token)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn pool_status_is_for_admins_only_and_reports_the_pool() {
    let db = TestDb::sqlite().await;
    let settings = db.settings();
    let app = spawn_with(db, &settings).await;
    app.get("/admin/db-pool-status", None).await.assert_error(StatusCode::UNAUTHORIZED, "token");
    let token = app.register("operator").await;
    app.get("/admin/db-pool-status", Some(&token)).await.assert_error(StatusCode::FORBIDDEN, "admin");

    let wired = infrastructure::build(&settings).await.expect("second connection to the same database");
    wired.features.expect::<application::accounts::Accounts>().users.set_admin("operator", true).await.expect("grant");
    let reply = app.get("/admin/db-pool-status", Some(&token)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let status = &reply.json;
    assert_eq!(status["max_connections"], settings.database.max_connections);
    assert_eq!(status["min_connections"], settings.database.min_connections);
    assert_eq!(status["acquire_timeout_secs"], settings.database.acquire_timeout_secs as f64);
    let (size, idle, in_use) = (
        status["size"].as_u64().expect("size"),
        status["idle"].as_u64().expect("idle"),
        status["in_use"].as_u64().expect("in use"),
    );
    assert_eq!(size, idle + in_use, "{}", reply.text);
    assert!(size >= 1 && size <= u64::from(settings.database.max_connections), "{}", reply.text);
    let expected = if idle == 0 { "warning" } else { "ok" };
    assert_eq!(status["status"], expected, "{}", reply.text);
}

#[tokio::test]
async fn metrics_use_route_templates_and_cover_http_database_pool_and_process() {
    let app = spawn_app().await;
    let token = app.register("metrics-user").await;
    assert_eq!(app.get("/api/user", Some(&token)).await.status, StatusCode::OK);
    assert_eq!(app.get("/api/user", None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/not/a/route-7f3a", None).await.status, StatusCode::NOT_FOUND);

    let reply = app.get("/metrics", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.headers["content-type"].to_str().expect("ascii").starts_with("text/plain"));
    let text = &reply.text;
    for expected in [
        "# TYPE http_request_duration_seconds histogram",
        r#"http_request_duration_seconds_bucket{method="GET",route="/api/user",status="200",le="#,
        r#"http_request_duration_seconds_count{method="GET",route="/api/user",status="401"}"#,
        r#"http_request_duration_seconds_count{method="POST",route="/api/users",status="201"}"#,
        r#"route="unmatched",status="404""#,
        "# TYPE http_requests_in_flight gauge",
        "# TYPE db_query_duration_seconds histogram",
        r#"db_query_duration_seconds_count{operation="insert_users"}"#,
        r#"db_query_duration_seconds_count{operation="select_users"}"#,
        r#"db_pool_connections{state="idle"}"#,
        r#"db_pool_connections{state="in_use"}"#,
        "db_pool_size ",
        "process_resident_memory_bytes ",
        "process_cpu_seconds_total ",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    assert!(!text.contains("route-7f3a"), "raw paths never become labels");
}

#[tokio::test]
async fn metrics_can_be_turned_off() {
    let app = spawn_adjusted(|s| s.http.metrics = false).await;
    app.get("/metrics", None).await.assert_error(StatusCode::NOT_FOUND, "route");
}
