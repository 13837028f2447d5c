//! The harness of every API test target: [`spawn_app`] starts the real application on
//! 127.0.0.1:0 against a throwaway database (SQLite; PostgreSQL with
//! `TestDb::postgres()`, on the server of `TEST_DATABASE_URL`) and the tests talk to it
//! over real HTTP with reqwest, as a client would.
//!
//! A target includes it with `#[path = "../app/mod.rs"] mod app;`. Helpers for users and
//! tokens are in `users.rs` and `tokens.rs`, the OpenAPI document's in `openapi.rs`, the
//! job queues' in `queues.rs`. A feature's own helpers (publishing an article, say) live
//! with that feature's tests, so that they go with it.

pub mod openapi;
pub mod queues;
pub mod tokens;
pub mod users;

use std::ops::Deref;

use api::startup::Application;
use infrastructure::Settings;
use infrastructure::testing::TestDb;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A client of one running API: its base URL, and the JWT secret it signs tokens with
/// (for the token helpers). [`TestApp`] derefs to it; so do the separate `api` processes
/// of the cache tests.
pub struct Client {
    pub base: String,
    pub client: reqwest::Client,
    pub jwt_secret: String,
}

/// A server started in the test process, with its client.
pub struct TestApp {
    api: Client,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
    /// The database lives as long as the first server on it; a second server on the
    /// same database ([`spawn_again`]) holds none.
    db: Option<TestDb>,
}

/// A response with its body read, for assertions.
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    /// The body as JSON, `Null` when it is not JSON.
    pub json: Value,
    pub text: String,
}

impl Reply {
    /// Asserts the RealWorld error shape, `{"errors": {field: [message, ...]}}`, with
    /// `status` and a JSON content type; returns the first message about `field`.
    #[track_caller]
    pub fn assert_error(&self, status: StatusCode, field: &str) -> &str {
        assert_eq!(self.status, status, "{}", self.text);
        let content_type = self.content_type();
        assert!(content_type.starts_with("application/json"), "content type {content_type:?} for {}", self.text);
        self.json["errors"][field][0].as_str().unwrap_or_else(|| panic!("no errors.{field}[0] in {}", self.text))
    }

    /// Asserts the error shape with `status` and exactly `message` about `field`.
    #[track_caller]
    pub fn assert_error_is(&self, status: StatusCode, field: &str, message: &str) {
        self.assert_error(status, field);
        assert_eq!(self.json["errors"][field], serde_json::json!([message]), "{}", self.text);
    }

    pub fn content_type(&self) -> &str {
        self.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default()
    }
}

/// The app on a fresh SQLite database.
pub async fn spawn_app() -> TestApp {
    spawn_on(TestDb::sqlite().await).await
}

/// The app on `db` with its test settings.
pub async fn spawn_on(db: TestDb) -> TestApp {
    let settings = db.settings();
    spawn_with(db, &settings).await
}

/// The app on a fresh SQLite database, its test settings adjusted by `adjust`.
pub async fn spawn_adjusted(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_db_adjusted(TestDb::sqlite().await, adjust).await
}

/// The app on `db`, its test settings adjusted by `adjust`.
pub async fn spawn_db_adjusted(db: TestDb, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let mut settings = db.settings();
    adjust(&mut settings);
    spawn_with(db, &settings).await
}

/// Starts the app on `db` with custom settings (which should point at `db`).
pub async fn spawn_with(db: TestDb, settings: &Settings) -> TestApp {
    let mut app = spawn_again(settings).await;
    app.db = Some(db);
    app
}

/// Another server on the database of `settings`, as after a restart: it sees everything
/// the first one accepted.
pub async fn spawn_again(settings: &Settings) -> TestApp {
    let app = Application::build(settings).await.expect("application builds");
    let addr = app.local_addr().expect("bound address");
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    TestApp {
        api: Client::new(format!("http://{addr}"), &settings.auth.jwt_secret),
        stop: Some(stop),
        server: Some(server),
        db: None,
    }
}

impl Client {
    /// A client that shows every answer as sent: redirects are not followed.
    pub fn new(base: String, jwt_secret: &str) -> Self {
        let client =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("a reqwest client");
        Self { base, client, jwt_secret: jwt_secret.to_owned() }
    }

    /// Sends `body` as JSON (if any) with `Authorization: Token <token>` (if any).
    pub async fn send(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Reply {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.header("Authorization", format!("Token {token}"));
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.reply(request).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.send(Method::GET, path, token, None).await
    }

    /// Sends a raw request: the body as given, and only the headers given.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: impl Into<reqwest::Body>,
    ) -> Reply {
        let mut request = self.client.request(method, format!("{}{path}", self.base)).body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.reply(request).await
    }

    /// Sends a request built on [`Client::client`] and reads the reply.
    pub async fn reply(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body read");
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply { status, headers, json, text }
    }
}

impl Deref for TestApp {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.api
    }
}

impl TestApp {
    /// The test's own connection to the app's database (not a second server's).
    pub fn db(&self) -> &TestDb {
        self.db.as_ref().expect("the first server on its database holds it")
    }

    /// Triggers the graceful shutdown and returns how the server ended.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.server.take().expect("server task").await.expect("server task joined")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}
