//! The per-account login throttle over HTTP: after `max_failures` failed logins for one
//! e-mail, further attempts are refused with 429 and `Retry-After`, the right password
//! included (it is not even checked), until the window ends; a success clears the count.

use infrastructure::testing::{TestDb, redis_url};
use reqwest::StatusCode;

use crate::app::{Reply, TestApp, spawn_with};

const MAX_FAILURES: u32 = 3;

async fn spawn(window_secs: u64, redis: Option<String>) -> TestApp {
    let db = TestDb::sqlite().await;
    let mut settings = db.settings();
    settings.http.login_throttle.max_failures = MAX_FAILURES;
    settings.http.login_throttle.window_secs = window_secs;
    // Only the per-account throttle answers 429 here, not the per-IP limit.
    settings.http.rate_limit.enabled = false;
    if let Some(url) = redis {
        settings.redis.url = Some(url);
        settings.cache.enabled = false;
    }
    spawn_with(db, &settings).await
}

/// The failed logins that use up `email`'s budget.
async fn fail_until_throttled(app: &TestApp, email: &str) {
    for attempt in 1..=MAX_FAILURES {
        let reply = app.login(email, "wrong-password").await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "attempt {attempt}: {}", reply.text);
    }
}

fn assert_throttled(reply: &Reply, window_secs: u64) {
    let message = reply.assert_error(StatusCode::TOO_MANY_REQUESTS, "credentials");
    assert!(message.contains("too many failed logins"), "{message}");
    let retry_after: u64 = reply.headers["retry-after"].to_str().expect("ascii").parse().expect("whole seconds");
    assert!((1..=window_secs).contains(&retry_after), "Retry-After {retry_after}");
}

#[tokio::test]
async fn failed_logins_throttle_the_account_even_for_the_right_password() {
    let app = spawn(300, None).await;
    app.register("jake").await;
    app.register("rose").await;
    // The e-mail is normalised: failures in any case count for the same account.
    fail_until_throttled(&app, "JAKE@example.com").await;
    assert_throttled(&app.login("jake@example.com", "password123").await, 300);
    assert_throttled(&app.login("jake@example.com", "wrong-password").await, 300);
    // Another account is not affected.
    assert_eq!(app.login("rose@example.com", "password123").await.status, StatusCode::OK);
    // Unknown e-mails are throttled like known ones (the answer reveals nothing).
    fail_until_throttled(&app, "nobody@example.com").await;
    assert_throttled(&app.login("nobody@example.com", "whatever1").await, 300);
}

#[tokio::test]
async fn a_successful_login_clears_the_failures() {
    let app = spawn(300, None).await;
    app.register("jake").await;
    for _ in 1..MAX_FAILURES {
        assert_eq!(app.login("jake@example.com", "wrong-password").await.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(app.login("jake@example.com", "password123").await.status, StatusCode::OK);
    // A full budget again.
    fail_until_throttled(&app, "jake@example.com").await;
    assert_throttled(&app.login("jake@example.com", "password123").await, 300);
}

#[tokio::test]
async fn the_account_can_log_in_again_once_the_window_has_passed() {
    let app = spawn(1, None).await;
    app.register("jake").await;
    fail_until_throttled(&app, "jake@example.com").await;
    assert_throttled(&app.login("jake@example.com", "password123").await, 1);
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    assert_eq!(app.login("jake@example.com", "password123").await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_throttle_counts_in_redis_when_redis_is_configured() {
    let url = redis_url();
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let name = format!("throttled-{}-{nanos}", std::process::id());
    let email = format!("{name}@example.com");
    let app = spawn(300, Some(url.clone())).await;
    app.register(&name).await;
    fail_until_throttled(&app, &email).await;
    assert_throttled(&app.login(&email, "password123").await, 300);

    // The count lives in Redis (shared by every instance), under the service's prefix.
    let client = redis::Client::open(url).expect("redis url");
    let mut conn = client.get_multiplexed_async_connection().await.expect("redis");
    let pattern = format!("*loginthrottle:login:{email}");
    let keys: Vec<String> = redis::cmd("KEYS").arg(&pattern).query_async(&mut conn).await.expect("keys");
    assert_eq!(keys.len(), 1, "{keys:?}");
    let count: u64 = redis::cmd("GET").arg(&keys[0]).query_async(&mut conn).await.expect("count");
    assert_eq!(count, u64::from(MAX_FAILURES) + 1);
    let _: () = redis::cmd("DEL").arg(&keys).query_async(&mut conn).await.expect("deleted");
    assert_eq!(app.login(&email, "password123").await.status, StatusCode::OK, "the count was only in Redis");
}
