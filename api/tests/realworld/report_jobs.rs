//! End-to-end report jobs on each queue backend: the real API (with its embedded
//! worker) over HTTP, a real database and a real queue. Each test creates data, requests
//! reports, polls until the worker has produced them, and checks the CSV line by line.

use std::time::{Duration, Instant};

use infrastructure::realworld::{ReportSettings, SECTION};
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::{Value, json};

use crate::app::TestApp;
use crate::app::queues::{Queue, on_queues};
use crate::publish::Publish;

const HEADER: &str = "author_id,username,articles_published,favorites_received,comments_received,followers_gained";

async fn user_id(db: &DatabaseConnection, name: &str) -> i64 {
    let sql = format!("SELECT id FROM users WHERE username = '{name}'");
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.expect("query");
    row.expect("user exists").try_get::<i64>("", "id").expect("id")
}

async fn make_admin(db: &DatabaseConnection, name: &str) {
    let sql = format!("UPDATE users SET is_admin = TRUE WHERE username = '{name}'");
    db.execute_raw(Statement::from_string(db.get_database_backend(), sql)).await.expect("admin granted");
}

async fn ok(app: &TestApp, method: Method, path: &str, token: &str, body: Option<Value>) -> Value {
    let reply = app.send(method, path, Some(token), body).await;
    assert!(reply.status.is_success(), "{path}: {} {}", reply.status, reply.text);
    reply.json
}

/// Requests a report for today (±1 day) and returns its id.
async fn request(app: &TestApp, token: &str, scope: &str) -> i64 {
    let today = chrono::Utc::now().date_naive();
    let (from, to) = (today.pred_opt().expect("yesterday"), today.succ_opt().expect("tomorrow"));
    let body = json!({"report": {"kind": "activity", "scope": scope, "from": from.to_string(), "to": to.to_string()}});
    let reply = app.send(Method::POST, "/api/reports", Some(token), Some(body)).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
    let location = reply.headers["location"].to_str().expect("ascii").to_owned();
    let id = reply.json["report"]["id"].as_i64().expect("id");
    assert_eq!(location, format!("/api/reports/{id}"));
    id
}

/// Polls until the report is final; fails the test if it never gets there.
async fn wait_for(app: &TestApp, token: &str, id: i64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let report = app.get(&format!("/api/reports/{id}"), Some(token)).await.json["report"].clone();
        if report["status"] == "succeeded" || report["status"] == "failed" {
            return report;
        }
        assert!(Instant::now() < deadline, "report {id} not done in time: {report}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn download(app: &TestApp, token: &str, id: i64) -> Vec<String> {
    let reply = app.get(&format!("/api/reports/{id}/download"), Some(token)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let content_type = reply.headers["content-type"].to_str().expect("ascii");
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    reply.text.lines().map(str::to_owned).collect()
}

/// The same download asked for with `Accept-Encoding: gzip` arrives gzip-compressed.
async fn assert_download_is_gzipped(app: &TestApp, token: &str, id: i64) {
    let reply = app
        .client
        .get(format!("{}/api/reports/{id}/download", app.base))
        .header("authorization", format!("Token {token}"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("download");
    assert_eq!(reply.status(), StatusCode::OK);
    assert_eq!(reply.headers().get("content-encoding").map(|v| v.as_bytes()), Some(&b"gzip"[..]));
    let body = reply.bytes().await.expect("body");
    assert_eq!(body.get(..2), Some(&[0x1f, 0x8b][..]), "gzip magic bytes");
}

/// alice: 2 articles, 3 favorites, 2 comments, 2 followers; bob: 1, 1, 0, 1; boss: none.
async fn scenario(app: &TestApp, db: &DatabaseConnection) {
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let boss = app.register("boss").await;
    make_admin(db, "boss").await;
    let a1 = app.publish(&alice, "Alpha one", &["rust", "web"]).await;
    let a2 = app.publish(&alice, "Alpha two", &["rust"]).await;
    let b1 = app.publish(&bob, "Beta one", &["go"]).await;
    for (token, slug) in [(&bob, &a1), (&boss, &a1), (&boss, &a2), (&alice, &b1)] {
        ok(app, Method::POST, &format!("/api/articles/{slug}/favorite"), token, None).await;
    }
    for text in ["first", "second"] {
        let body = json!({"comment": {"body": text}});
        ok(app, Method::POST, &format!("/api/articles/{a1}/comments"), &bob, Some(body)).await;
    }
    for (token, who) in [(&bob, "alice"), (&boss, "alice"), (&alice, "bob")] {
        ok(app, Method::POST, &format!("/api/profiles/{who}/follow"), token, None).await;
    }
    let (alice_id, bob_id) = (user_id(db, "alice").await, user_id(db, "bob").await);

    let own = request(app, &alice, "own").await;
    let report = wait_for(app, &alice, own).await;
    assert_eq!(report["status"], "succeeded", "{report}");
    assert_eq!(report["attempts"], 1);
    assert_eq!(report["progress"], 100, "{report}");
    assert_eq!(report["downloadUrl"], format!("/api/reports/{own}/download").as_str(), "{report}");
    assert_eq!(download(app, &alice, own).await, [HEADER.to_owned(), format!("{alice_id},alice,2,3,2,2")]);
    assert_download_is_gzipped(app, &alice, own).await;
    app.get(&format!("/api/reports/{own}"), Some(&bob)).await.assert_error(StatusCode::NOT_FOUND, "report");

    let site = request(app, &boss, "site").await;
    let report = wait_for(app, &boss, site).await;
    assert_eq!(report["status"], "succeeded", "{report}");
    assert_eq!(
        download(app, &boss, site).await,
        [HEADER.to_owned(), format!("{alice_id},alice,2,3,2,2"), format!("{bob_id},bob,1,1,0,1")]
    );
    let summary = &report["summary"];
    assert_eq!((summary["authors"].as_u64(), summary["favoritesReceived"].as_u64()), (Some(2), Some(4)));
    assert_eq!(summary["topTags"][0], json!({"tag": "rust", "count": 2}));
}

#[tokio::test]
async fn sqlite_queue_with_the_worker_embedded_in_the_api() {
    on_queues(Queue::Sqlite, name_report_queue, scenario).await;
}

#[tokio::test]
async fn postgres_queue_in_the_application_database() {
    on_queues(Queue::Postgres, name_report_queue, scenario).await;
}

#[tokio::test]
async fn redis_queue_under_its_own_key_prefix() {
    on_queues(Queue::Redis, name_report_queue, scenario).await;
}

/// On Redis, the report queue's keys start with the test's prefix, so cleanup finds them.
fn name_report_queue(settings: &mut infrastructure::Settings, unique: &str) {
    let reports = ReportSettings { queue: format!("{unique}-reports"), ..ReportSettings::default() };
    settings.set_section(SECTION, &reports);
}
