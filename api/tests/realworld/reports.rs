//! The per-user report quota over real HTTP: one request past
//! `reports.max_pending_per_user` is a 429 in the RealWorld error shape.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::app::spawn_with;
use infrastructure::realworld::{ReportSettings, SECTION};
use infrastructure::testing::TestDb;

#[tokio::test]
async fn a_user_over_the_pending_report_quota_gets_429_with_retry_after() {
    let db = TestDb::sqlite().await;
    let mut settings = db.settings();
    let reports = ReportSettings { max_pending_per_user: 2, ..ReportSettings::default() };
    settings.set_section(SECTION, &reports);
    // No worker: the accepted reports stay queued, so the count is deterministic.
    settings.jobs.embedded_worker = false;
    let app = spawn_with(db, &settings).await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let report =
        || Some(json!({"report": {"kind": "activity", "scope": "own", "from": "2026-01-01", "to": "2026-01-31"}}));

    for _ in 0..2 {
        let accepted = app.send(Method::POST, "/api/reports", Some(&alice), report()).await;
        assert_eq!(accepted.status, StatusCode::ACCEPTED, "{}", accepted.text);
    }
    let refused = app.send(Method::POST, "/api/reports", Some(&alice), report()).await;
    let message = refused.assert_error(StatusCode::TOO_MANY_REQUESTS, "report");
    assert!(message.contains("at most 2"), "{message}");
    let retry_after = refused.headers.get("retry-after").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(retry_after.parse::<u32>().is_ok_and(|secs| secs > 0), "Retry-After {retry_after:?}");

    let listed = app.get("/api/reports", Some(&alice)).await;
    assert_eq!(listed.json["reportsCount"], 2, "the refused request stored nothing: {}", listed.text);
    let other = app.send(Method::POST, "/api/reports", Some(&bob), report()).await;
    assert_eq!(other.status, StatusCode::ACCEPTED, "another user's quota: {}", other.text);
}
