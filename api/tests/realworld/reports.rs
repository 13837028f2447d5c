//! The report endpoints over real HTTP without a worker (the reports stay queued, so
//! every answer is deterministic): status codes, error shapes, access rules and the
//! per-user quota. The jobs themselves run in `report_jobs.rs`.

use infrastructure::realworld::{ReportSettings, SECTION};
use infrastructure::testing::TestDb;
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

use crate::app::{Reply, TestApp, spawn_with};

/// The app with no worker and at most `max_pending` pending reports per user.
async fn spawn_without_worker(max_pending: u32) -> TestApp {
    let db = TestDb::sqlite().await;
    let mut settings = db.settings();
    let reports = ReportSettings { max_pending_per_user: max_pending, ..ReportSettings::default() };
    settings.set_section(SECTION, &reports);
    settings.jobs.embedded_worker = false;
    spawn_with(db, &settings).await
}

fn request(scope: &str, from: &str, to: &str) -> Value {
    json!({"report": {"kind": "activity", "scope": scope, "from": from, "to": to}})
}

async fn post(app: &TestApp, token: &str, body: Value) -> Reply {
    app.send(Method::POST, "/api/reports", Some(token), Some(body)).await
}

/// Requests an own report for January 2026 and returns its id.
async fn accepted(app: &TestApp, token: &str) -> i64 {
    let reply = post(app, token, request("own", "2026-01-01", "2026-01-31")).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
    reply.json["report"]["id"].as_i64().expect("an id")
}

#[tokio::test]
async fn a_request_is_accepted_with_a_location_and_a_queued_report() {
    let app = spawn_without_worker(10).await;
    let token = app.register("alice").await;
    let reply = post(&app, &token, request("own", "2026-01-01", "2026-03-31")).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
    let id = reply.json["report"]["id"].as_i64().expect("an id");
    assert_eq!(reply.headers[header::LOCATION], format!("/api/reports/{id}").as_str());
    assert_eq!(reply.json["report"]["status"], "queued");
    let status = app.get(&format!("/api/reports/{id}"), Some(&token)).await;
    assert_eq!((status.status, status.json["report"]["status"].as_str()), (StatusCode::OK, Some("queued")));
}

#[tokio::test]
async fn invalid_requests_are_422_naming_each_field() {
    let app = spawn_without_worker(10).await;
    let token = app.register("alice").await;
    let reversed = post(&app, &token, request("own", "2026-03-01", "2026-01-01")).await;
    reversed.assert_error_is(StatusCode::UNPROCESSABLE_ENTITY, "to", "must not be before from");
    let too_long = post(&app, &token, request("own", "2020-01-01", "2026-01-01")).await;
    too_long.assert_error_is(StatusCode::UNPROCESSABLE_ENTITY, "to", "range must not exceed 366 days");
    let unknown = json!({"report": {"kind": "sales", "scope": "planet", "from": "2026-01-01", "to": "2026-01-02"}});
    let reply = post(&app, &token, unknown).await;
    reply.assert_error_is(StatusCode::UNPROCESSABLE_ENTITY, "kind", "must be one of: activity");
    reply.assert_error_is(StatusCode::UNPROCESSABLE_ENTITY, "scope", "must be one of: own, site");
    let missing = post(&app, &token, json!({"report": {}})).await;
    missing.assert_error_is(StatusCode::UNPROCESSABLE_ENTITY, "from", "can't be blank");
    let not_json = app.raw(Method::POST, "/api/reports", &[("content-type", "application/json")], "{").await;
    assert_eq!(not_json.status, StatusCode::UNAUTHORIZED, "no token comes first: {}", not_json.text);
}

#[tokio::test]
async fn site_reports_are_403_for_non_admins_and_accepted_for_admins() {
    let app = spawn_without_worker(10).await;
    let token = app.register("alice").await;
    let boss = app.register("boss").await;
    app.make_admin("boss").await;
    let site = || request("site", "2026-01-01", "2026-01-31");
    post(&app, &token, site()).await.assert_error_is(StatusCode::FORBIDDEN, "report", "forbidden");
    assert_eq!(post(&app, &boss, site()).await.status, StatusCode::ACCEPTED);
}

#[tokio::test]
async fn another_users_report_is_404_and_admins_may_read_it() {
    let app = spawn_without_worker(10).await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let boss = app.register("boss").await;
    app.make_admin("boss").await;
    let path = format!("/api/reports/{}", accepted(&app, &alice).await);
    app.get(&path, Some(&bob)).await.assert_error_is(StatusCode::NOT_FOUND, "report", "not found");
    let download = format!("{path}/download");
    app.get(&download, Some(&bob)).await.assert_error_is(StatusCode::NOT_FOUND, "report", "not found");
    assert_eq!(app.get(&path, Some(&boss)).await.status, StatusCode::OK);
    app.get("/api/reports/999", Some(&alice)).await.assert_error_is(StatusCode::NOT_FOUND, "report", "not found");
    app.get("/api/reports/abc", Some(&alice)).await.assert_error_is(StatusCode::NOT_FOUND, "report", "not found");
    app.get(&path, None).await.assert_error_is(StatusCode::UNAUTHORIZED, "token", "is missing");
}

#[tokio::test]
async fn download_is_409_until_the_report_is_ready() {
    let app = spawn_without_worker(10).await;
    let alice = app.register("alice").await;
    let download = format!("/api/reports/{}/download", accepted(&app, &alice).await);
    let reply = app.get(&download, Some(&alice)).await;
    reply.assert_error_is(StatusCode::CONFLICT, "report", "is not ready (status: queued)");
}

#[tokio::test]
async fn the_list_holds_only_the_callers_reports_newest_first_and_paginates() {
    let app = spawn_without_worker(10).await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(accepted(&app, &alice).await);
    }
    accepted(&app, &bob).await;
    let page = app.get("/api/reports?limit=2&offset=0", Some(&alice)).await.json;
    assert_eq!(page["reportsCount"], 3);
    let listed: Vec<_> = page["reports"].as_array().expect("array").iter().map(|r| r["id"].as_i64()).collect();
    assert_eq!(listed, [Some(ids[2]), Some(ids[1])]);
    app.get("/api/reports?limit=x", Some(&alice)).await.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "limit");
}

#[tokio::test]
async fn a_user_over_the_pending_report_quota_gets_429_with_retry_after() {
    let app = spawn_without_worker(2).await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    for _ in 0..2 {
        accepted(&app, &alice).await;
    }
    let refused = post(&app, &alice, request("own", "2026-01-01", "2026-01-31")).await;
    let message = refused.assert_error(StatusCode::TOO_MANY_REQUESTS, "report");
    assert!(message.contains("at most 2"), "{message}");
    let retry_after = refused.headers.get("retry-after").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(retry_after.parse::<u32>().is_ok_and(|secs| secs > 0), "Retry-After {retry_after:?}");

    let listed = app.get("/api/reports", Some(&alice)).await;
    assert_eq!(listed.json["reportsCount"], 2, "the refused request stored nothing: {}", listed.text);
    accepted(&app, &bob).await;
}
