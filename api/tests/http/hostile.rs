//! Hostile input over real HTTP: control characters, oversized lists, a saturated or slow
//! database. Always a JSON error in the RealWorld shape, never a 500.

use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use serde_json::{Value, json};

use crate::app::{TestApp, spawn_on, spawn_with};
use infrastructure::testing::TestDb;

#[tokio::test]
async fn control_characters_are_refused_on_sqlite() {
    control_characters_are_refused(spawn_on(TestDb::sqlite().await).await).await;
}

#[tokio::test]
async fn control_characters_are_refused_on_postgres() {
    control_characters_are_refused(spawn_on(TestDb::postgres().await).await).await;
}

fn user(username: &str, email: &str) -> Value {
    json!({"user": {"username": username, "email": email, "password": "password123"}})
}

async fn control_characters_are_refused(app: TestApp) {
    let token = app.register("jake").await;
    // JSON bodies: 422 naming the field.
    let reply = app.send(Method::POST, "/api/users", None, Some(user("a\u{0}b", "ab@example.com"))).await;
    reply.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "username");
    let reply = app.send(Method::POST, "/api/users", None, Some(user("ab", "a\u{0}b@example.com"))).await;
    reply.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "email");
    let login = json!({"user": {"email": "ja\u{0}ke@example.com", "password": "password123"}});
    let reply = app.send(Method::POST, "/api/users/login", None, Some(login)).await;
    reply.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "email");
    let login = json!({"user": {"email": "jake@example.com\u{1b}", "password": "password123"}});
    let reply = app.send(Method::POST, "/api/users/login", None, Some(login)).await;
    reply.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "email");
    let bio = json!({"user": {"bio": "nul \u{0} here"}});
    let reply = app.send(Method::PUT, "/api/user", Some(&token), Some(bio)).await;
    reply.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "bio");
    let image = json!({"user": {"image": "https://example.com/\u{7}.png"}});
    let reply = app.send(Method::PUT, "/api/user", Some(&token), Some(image)).await;
    reply.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "image");
    // Multi-line fields keep newlines and tabs.
    let bio = json!({"user": {"bio": "two\nlines\r\nand\ta tab"}});
    let reply = app.send(Method::PUT, "/api/user", Some(&token), Some(bio)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.json["user"]["bio"], "two\nlines\r\nand\ta tab");
}

/// A login for an unknown user: one read of `users` (then a 401), on every project.
fn login(name: &str) -> Value {
    json!({"user": {"email": format!("{name}@example.com"), "password": "password123"}})
}

/// Holds an exclusive lock on `users` in a transaction of the test's own connection, so
/// the app's statements on it wait; returns once one of them is waiting.
async fn lock_users(conn: &DatabaseConnection) -> sea_orm::DatabaseTransaction {
    let txn = conn.begin().await.expect("begin");
    txn.execute_unprepared("LOCK TABLE users IN ACCESS EXCLUSIVE MODE").await.expect("lock users");
    txn
}

async fn wait_for_lock_waiter(conn: &DatabaseConnection) {
    let sql = "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'";
    for _ in 0..400 {
        let statement = sea_orm::Statement::from_string(conn.get_database_backend(), sql.to_owned());
        let row = conn.query_one_raw(statement).await.expect("query").expect("row");
        if row.try_get_by_index::<i64>(0).expect("count") > 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no statement of the app ever waited for the lock");
}

#[tokio::test]
async fn an_exhausted_pool_is_503_with_retry_after_on_postgres() {
    let db = TestDb::postgres().await;
    let conn = db.db.clone();
    let mut settings = db.settings();
    settings.database.max_connections = 1;
    settings.database.acquire_timeout_secs = 1;
    settings.http.rate_limit.enabled = false;
    let app = spawn_with(db, &settings).await;
    let lock = lock_users(&conn).await;
    // The one pooled connection waits for the lock...
    let held = {
        let request = app.client.post(format!("{}/api/users/login", app.base)).json(&login("holder"));
        tokio::spawn(async move {
            let response = request.send().await.expect("answered");
            (response.status(), response.text().await.unwrap_or_default())
        })
    };
    wait_for_lock_waiter(&conn).await;
    // ...so the next request finds no connection within the acquire timeout.
    let reply = app.send(Method::POST, "/api/users/login", None, Some(login("waiter"))).await;
    let message = reply.assert_error(StatusCode::SERVICE_UNAVAILABLE, "server").to_owned();
    assert!(!message.contains("pool") && !message.contains("sqlx"), "no internals: {message}");
    assert_eq!(reply.headers.get("retry-after").and_then(|v| v.to_str().ok()), Some("1"), "{:?}", reply.headers);
    lock.rollback().await.expect("release the lock");
    // The holder itself may have needed a second connection meanwhile: a 503 too, never a 500.
    let (status, text) = held.await.expect("joined");
    assert!(matches!(status, StatusCode::UNAUTHORIZED | StatusCode::SERVICE_UNAVAILABLE), "{status}: {text}");
    let reply = app.send(Method::POST, "/api/users/login", None, Some(login("waiter"))).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "recovered: {}", reply.text);
}

#[tokio::test]
async fn a_statement_past_the_statement_timeout_is_503_on_postgres() {
    let db = TestDb::postgres().await;
    let conn = db.db.clone();
    let mut settings = db.settings();
    settings.database.statement_timeout_ms = 300;
    // Without the statement timeout the request timeout would answer, under `request`.
    settings.http.request_timeout_secs = 10;
    settings.http.rate_limit.enabled = false;
    let app = spawn_with(db, &settings).await;
    let lock = lock_users(&conn).await;
    let reply = app.send(Method::POST, "/api/users/login", None, Some(login("blocked"))).await;
    assert_eq!(reply.assert_error(StatusCode::SERVICE_UNAVAILABLE, "server"), "took too long, retry later");
    assert!(reply.headers.contains_key("retry-after"), "{:?}", reply.headers);
    lock.rollback().await.expect("release the lock");
    let reply = app.send(Method::POST, "/api/users/login", None, Some(login("blocked"))).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "recovered: {}", reply.text);
}

#[tokio::test]
async fn a_client_sending_its_header_slowly_is_disconnected() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let db = TestDb::sqlite().await;
    let mut settings = db.settings();
    settings.server.header_read_timeout_secs = 1;
    let app = spawn_with(db, &settings).await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let stream = tokio::net::TcpStream::connect(&addr).await.expect("connected");
    let (mut read, mut write) = stream.into_split();
    // Whatever the server sends (nothing, or a 408), the test waits for it to hang up.
    let closed = tokio::spawn(async move {
        let mut sink = Vec::new();
        let _ = read.read_to_end(&mut sink).await;
        String::from_utf8_lossy(&sink).into_owned()
    });
    write.write_all(b"GET /health HTTP/1.1\r\nHost: test\r\n").await.expect("request line");
    // One header line every 200 ms, the header never finished: at most 30 s of them.
    for _ in 0..150 {
        if closed.is_finished() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        if write.write_all(b"X-Slow: 1\r\n").await.is_err() {
            break;
        }
    }
    assert!(closed.is_finished(), "the server still holds a connection whose header never ends");
    let answer = closed.await.expect("reader joined");
    assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 408"), "{answer}");
    // A client that sends its request at once is served as before.
    assert_eq!(app.get("/health", None).await.status, StatusCode::OK);
}
