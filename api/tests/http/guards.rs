//! Panic guard, timeout, body limit and rate limits: each a JSON error, and the server
//! keeps serving.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::app::{TestApp, spawn_adjusted, spawn_app};
use crate::servers::PrivateRedis;

#[tokio::test]
async fn a_panicking_handler_is_a_json_500_and_the_server_keeps_serving() {
    let app = spawn_adjusted(|s| s.http.debug_routes = true).await;
    let reply = app.get("/debug/panic", None).await;
    assert_eq!(reply.assert_error(StatusCode::INTERNAL_SERVER_ERROR, "server"), "internal error");
    assert!(!reply.text.contains("panic"), "the panic message is not leaked: {}", reply.text);
    assert_eq!(app.get("/health", None).await.status, StatusCode::OK);
    assert_eq!(app.get("/debug/panic", None).await.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(app.get(LIMITED, None).await.status, SERVED);
}

#[tokio::test]
async fn debug_routes_do_not_exist_by_default() {
    let app = spawn_app().await;
    app.get("/debug/panic", None).await.assert_error(StatusCode::NOT_FOUND, "route");
}

#[tokio::test]
async fn a_request_running_past_the_timeout_is_a_json_503() {
    let app = spawn_adjusted(|s| {
        s.http.debug_routes = true;
        s.http.request_timeout_secs = 1;
    })
    .await;
    let reply = app.get("/debug/sleep?ms=5000", None).await;
    assert_eq!(reply.assert_error(StatusCode::SERVICE_UNAVAILABLE, "request"), "timed out");
    assert_eq!(app.get("/debug/sleep?ms=1", None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_json_413_whether_its_length_is_declared_or_not() {
    let app = spawn_adjusted(|s| s.http.body_limit_bytes = 1024).await;
    let big = json!({"user": {"username": "x".repeat(2000), "email": "a@b.c", "password": "password123"}});
    let declared = app.send(Method::POST, "/api/users", None, Some(big.clone())).await;
    let message = declared.assert_error(StatusCode::PAYLOAD_TOO_LARGE, "request");
    assert_eq!(message, "is too large (limit 1024 bytes)");
    // A chunked body has no Content-Length: the extractor's limit catches it.
    let response = chunked_post(&app.base, "/api/users", &big.to_string()).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(response.contains(r#"{"errors":{"request":["#), "{response}");
    app.register("small").await;
}

/// A raw HTTP/1.1 POST with a chunked body (no Content-Length); returns the raw response.
async fn chunked_post(base: &str, path: &str, body: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(base.trim_start_matches("http://")).await.expect("connect");
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\
         Connection: close\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    response
}

/// A route under the general limit; anonymous calls reach its handler, which answers 401.
const LIMITED: &str = "/api/user";
/// What [`LIMITED`] answers when the limiter lets the request through.
const SERVED: StatusCode = StatusCode::UNAUTHORIZED;

async fn burst(app: &TestApp, path: &str, n: usize) -> Vec<StatusCode> {
    let mut statuses = Vec::new();
    for _ in 0..n {
        statuses.push(app.get(path, None).await.status);
    }
    statuses
}

#[tokio::test]
async fn over_the_limit_is_a_429_with_retry_after_and_the_next_window_is_served() {
    let app = spawn_adjusted(|s| {
        s.http.rate_limit.general = 3;
        s.http.rate_limit.window_ms = 1500;
    })
    .await;
    let statuses = burst(&app, LIMITED, 3).await;
    assert!(statuses.iter().all(|s| *s == SERVED), "{statuses:?}");
    let limited = app.get(LIMITED, None).await;
    assert_eq!(limited.assert_error(StatusCode::TOO_MANY_REQUESTS, "rate_limit"), "too many requests, retry later");
    let retry_after: u64 = limited.headers["retry-after"].to_str().expect("ascii").parse().expect("seconds");
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    // Exempt routes are served while the client is limited.
    for path in ["/health", "/ready", "/metrics", "/api-docs/openapi.json"] {
        assert_eq!(app.get(path, None).await.status, StatusCode::OK, "{path}");
    }
    tokio::time::sleep(Duration::from_secs(retry_after)).await;
    assert_eq!(app.get(LIMITED, None).await.status, SERVED, "a new window after Retry-After");
}

#[tokio::test]
async fn login_and_registration_have_a_stricter_limit() {
    let app = spawn_adjusted(|s| {
        s.http.rate_limit.auth = 2;
        s.http.rate_limit.general = 100;
    })
    .await;
    let login = json!({"user": {"email": "nobody@example.com", "password": "password123"}});
    for _ in 0..2 {
        let reply = app.send(Method::POST, "/api/users/login", None, Some(login.clone())).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.text);
    }
    let limited = app.send(Method::POST, "/api/users/login", None, Some(login)).await;
    limited.assert_error(StatusCode::TOO_MANY_REQUESTS, "rate_limit");
    assert!(limited.headers.contains_key("retry-after"));
    let body = json!({"user": {"username": "u", "email": "u@example.com", "password": "password123"}});
    app.send(Method::POST, "/api/users", None, Some(body))
        .await
        .assert_error(StatusCode::TOO_MANY_REQUESTS, "rate_limit");
    assert_eq!(app.get(LIMITED, None).await.status, SERVED, "other routes keep the general limit");
}

#[tokio::test]
async fn with_redis_the_limit_is_shared_by_instances_and_fails_open_when_redis_is_down() {
    let redis = PrivateRedis::start();
    let adjust = |s: &mut infrastructure::Settings| {
        s.redis.url = Some(redis.url());
        s.http.rate_limit.general = 4;
        s.http.rate_limit.window_ms = 60_000;
    };
    let first = spawn_adjusted(adjust).await;
    let second = spawn_adjusted(adjust).await;
    assert_eq!(burst(&first, LIMITED, 2).await, [SERVED; 2]);
    assert_eq!(burst(&second, LIMITED, 2).await, [SERVED; 2]);
    assert_eq!(first.get(LIMITED, None).await.status, StatusCode::TOO_MANY_REQUESTS, "4 hits over both instances");
    assert_eq!(second.get(LIMITED, None).await.status, StatusCode::TOO_MANY_REQUESTS);

    redis.stop();
    // Counting falls back to each instance; the second has not seen a local hit yet.
    assert_eq!(second.get(LIMITED, None).await.status, SERVED, "fail open");
}
