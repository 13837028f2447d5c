//! Report endpoints over the in-memory fakes: status codes, error shapes, access rules
//! and the streamed CSV.

use application::fakes::Fakes;
use application::realworld::{AuthorActivity, ReportJob};
use axum::http::{Method, StatusCode, header};
use domain::UserId;
use serde_json::{Value, json};

use crate::support::TestApp;

fn request(scope: &str, from: &str, to: &str) -> Value {
    json!({"report": {"kind": "activity", "scope": scope, "from": from, "to": to}})
}

async fn post(app: &TestApp, token: &str, body: Value) -> crate::support::TestResponse {
    app.call(Method::POST, "/api/reports", Some(token), Some(body)).await
}

/// Runs the queued job of report `id` as a worker would.
async fn generate(fakes: &Fakes, id: i64) {
    let services = fakes.realworld();
    let report = services.reports.begin_attempt(ReportJob::new(id), 3).await.expect("begun").expect("runs");
    services.reports.generate(&report).await.expect("generated");
}

#[tokio::test]
async fn a_request_is_accepted_with_a_location_and_a_queued_report() {
    let fakes = Fakes::new();
    let app = TestApp::on(&fakes);
    let token = app.register("alice").await;
    let response = post(&app, &token, request("own", "2026-01-01", "2026-03-31")).await;
    assert_eq!(response.status, StatusCode::ACCEPTED, "{}", response.text);
    let id = response.json()["report"]["id"].as_i64().expect("an id");
    assert_eq!(response.headers[header::LOCATION], format!("/api/reports/{id}").as_str());
    assert_eq!(response.json()["report"]["status"], "queued");
    assert_eq!(fakes.reports.jobs(), [ReportJob::new(id)]);
}

#[tokio::test]
async fn invalid_requests_are_422_naming_each_field() {
    let app = TestApp::new();
    let token = app.register("alice").await;
    let reversed = post(&app, &token, request("own", "2026-03-01", "2026-01-01")).await;
    reversed.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "to", "must not be before from");
    let too_long = post(&app, &token, request("own", "2020-01-01", "2026-01-01")).await;
    too_long.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "to", "range must not exceed 366 days");
    let unknown = json!({"report": {"kind": "sales", "scope": "planet", "from": "2026-01-01", "to": "2026-01-02"}});
    let response = post(&app, &token, unknown).await;
    response.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "kind", "must be one of: activity");
    response.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "scope", "must be one of: own, site");
    let missing = post(&app, &token, json!({"report": {}})).await;
    missing.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "from", "can't be blank");
    let not_json = app.send(Method::POST, "/api/reports", &[("content-type", "application/json")], "{").await;
    assert_eq!(not_json.status, StatusCode::UNAUTHORIZED, "no token comes first: {}", not_json.text);
}

#[tokio::test]
async fn site_reports_are_403_for_non_admins_and_accepted_for_admins() {
    let fakes = Fakes::new();
    let app = TestApp::on(&fakes);
    let token = app.register("alice").await;
    let boss = app.register("boss").await;
    fakes.accounts().users.set_admin("boss", true).await.expect("granted");
    post(&app, &token, request("site", "2026-01-01", "2026-01-31")).await.assert_error(
        StatusCode::FORBIDDEN,
        "report",
        "forbidden",
    );
    assert_eq!(post(&app, &boss, request("site", "2026-01-01", "2026-01-31")).await.status, StatusCode::ACCEPTED);
}

#[tokio::test]
async fn another_users_report_is_404_and_admins_may_read_it() {
    let fakes = Fakes::new();
    let app = TestApp::on(&fakes);
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let boss = app.register("boss").await;
    fakes.accounts().users.set_admin("boss", true).await.expect("granted");
    let id = post(&app, &alice, request("own", "2026-01-01", "2026-01-31")).await.json()["report"]["id"].clone();
    let path = format!("/api/reports/{id}");
    app.get(&path, Some(&bob)).await.assert_error(StatusCode::NOT_FOUND, "report", "not found");
    app.get(&format!("{path}/download"), Some(&bob)).await.assert_error(StatusCode::NOT_FOUND, "report", "not found");
    assert_eq!(app.get(&path, Some(&boss)).await.status, StatusCode::OK);
    app.get("/api/reports/999", Some(&alice)).await.assert_error(StatusCode::NOT_FOUND, "report", "not found");
    app.get("/api/reports/abc", Some(&alice)).await.assert_error(StatusCode::NOT_FOUND, "report", "not found");
    app.get(&path, None).await.assert_error(StatusCode::UNAUTHORIZED, "token", "is missing");
}

#[tokio::test]
async fn download_is_409_until_ready_then_the_csv_with_the_summary_in_the_status() {
    let fakes = Fakes::new();
    let app = TestApp::on(&fakes);
    let alice = app.register("alice").await;
    let id = post(&app, &alice, request("own", "2026-01-01", "2026-01-31")).await.json()["report"]["id"]
        .as_i64()
        .expect("id");
    let download = format!("/api/reports/{id}/download");
    app.get(&download, Some(&alice)).await.assert_error(
        StatusCode::CONFLICT,
        "report",
        "is not ready (status: queued)",
    );
    let (reports, _) = fakes.realworld().reports.list(UserId(1), 1, 0).await.expect("listed");
    let owner = reports[0].owner;
    let row = AuthorActivity {
        author: owner,
        username: "alice".to_owned(),
        articles: 3,
        favorites: 2,
        comments: 1,
        followers: 4,
    };
    fakes.reports.set_activity(vec![row], vec![("rust".to_owned(), 2)]);
    generate(&fakes, id).await;
    let csv = app.get(&download, Some(&alice)).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.content_type().starts_with("text/csv"), "{}", csv.content_type());
    assert_eq!(
        csv.text,
        format!(
            "author_id,username,articles_published,favorites_received,comments_received,followers_gained\n\
             {},alice,3,2,1,4\n",
            owner.0
        )
    );
    let status = app.get(&format!("/api/reports/{id}"), Some(&alice)).await.json();
    assert_eq!(status["report"]["status"], "succeeded");
    assert_eq!(status["report"]["progress"], 100);
    assert_eq!(status["report"]["summary"]["topTags"][0]["tag"], "rust");
    assert_eq!(status["report"]["downloadUrl"], download.as_str());
}

#[tokio::test]
async fn the_list_holds_only_the_callers_reports_newest_first_and_paginates() {
    let fakes = Fakes::new();
    let app = TestApp::on(&fakes);
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let response = post(&app, &alice, request("own", "2026-01-01", "2026-01-31")).await;
        ids.push(response.json()["report"]["id"].as_i64().expect("id"));
        fakes.clock.advance_millis(5);
    }
    post(&app, &bob, request("own", "2026-01-01", "2026-01-31")).await;
    let page = app.get("/api/reports?limit=2&offset=0", Some(&alice)).await.json();
    assert_eq!(page["reportsCount"], 3);
    let listed: Vec<_> = page["reports"].as_array().expect("array").iter().map(|r| r["id"].as_i64()).collect();
    assert_eq!(listed, [Some(ids[2]), Some(ids[1])]);
    app.get("/api/reports?limit=x", Some(&alice)).await.assert_error_status(StatusCode::UNPROCESSABLE_ENTITY, "limit");
}

#[tokio::test]
async fn the_endpoints_are_in_the_openapi_document() {
    let document = serde_json::to_value(api::openapi()).expect("serializable");
    for path in ["/api/reports", "/api/reports/{id}", "/api/reports/{id}/download"] {
        assert!(document["paths"][path].is_object(), "{path} missing");
    }
}
