//! A request refused by the rate limiter is counted in `http_rate_limited_total`, by route
//! template and by the limit it ran into.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::app::{TestApp, spawn_adjusted};

/// The value of the series `http_rate_limited_total{route="<route>",limit="<limit>"}`.
async fn rate_limited(app: &TestApp, route: &str, limit: &str) -> u64 {
    let scrape = app.get("/metrics", None).await.text;
    let series = format!("http_rate_limited_total{{route=\"{route}\",limit=\"{limit}\"}} ");
    scrape.lines().find_map(|line| line.strip_prefix(&series)?.trim().parse().ok()).unwrap_or(0)
}

#[tokio::test]
async fn a_refused_request_moves_the_counter_of_its_route_template_and_limit() {
    let app = spawn_adjusted(|s| {
        s.http.rate_limit.general = 2;
        s.http.rate_limit.auth = 1;
        s.http.rate_limit.window_ms = 60_000;
    })
    .await;
    // The recorder is shared by every app of this test binary: compare with what was there.
    let general_before = rate_limited(&app, "/api/user", "all").await;
    let auth_before = rate_limited(&app, "/api/users/login", "auth").await;

    for _ in 0..2 {
        assert_eq!(app.get("/api/user", None).await.status, StatusCode::UNAUTHORIZED);
    }
    app.get("/api/user", None).await.assert_error(StatusCode::TOO_MANY_REQUESTS, "rate_limit");
    assert!(rate_limited(&app, "/api/user", "all").await > general_before);

    let login = json!({"user": {"email": "nobody@example.com", "password": "password123"}});
    // The general budget of this client is spent: a fresh app would be needed for the
    // auth limit alone, so the login is refused by the first limit checked, `all`.
    let refused = app.send(Method::POST, "/api/users/login", None, Some(login)).await;
    refused.assert_error(StatusCode::TOO_MANY_REQUESTS, "rate_limit");
    assert_eq!(rate_limited(&app, "/api/users/login", "auth").await, auth_before);
    assert!(rate_limited(&app, "/api/users/login", "all").await >= 1);
}

#[tokio::test]
async fn the_auth_limit_counts_under_its_own_label() {
    let app = spawn_adjusted(|s| {
        s.http.rate_limit.general = 100;
        s.http.rate_limit.auth = 1;
        s.http.rate_limit.window_ms = 60_000;
    })
    .await;
    let before = rate_limited(&app, "/api/users/login", "auth").await;
    let login = json!({"user": {"email": "nobody@example.com", "password": "password123"}});
    let first = app.send(Method::POST, "/api/users/login", None, Some(login.clone())).await;
    assert_ne!(first.status, StatusCode::TOO_MANY_REQUESTS);
    let refused = app.send(Method::POST, "/api/users/login", None, Some(login)).await;
    refused.assert_error(StatusCode::TOO_MANY_REQUESTS, "rate_limit");
    assert!(rate_limited(&app, "/api/users/login", "auth").await > before);
}
