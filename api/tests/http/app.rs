//! `spawn_app`: starts the real server on port 0 against a throwaway database.

use api::startup::Application;
use infrastructure::testing::TestDb;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
    /// The database lives as long as the first server on it; a second server on the
    /// same database ([`spawn_again`]) holds none.
    _db: Option<TestDb>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub json: Value,
    pub text: String,
}

impl Reply {
    /// Asserts the RealWorld error shape: `{"errors": {field: [message, ...]}}`.
    pub fn assert_error(&self, status: StatusCode, field: &str) -> &str {
        assert_eq!(self.status, status, "{}", self.text);
        let content_type = self.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
        assert!(content_type.starts_with("application/json"), "content type {content_type:?} for {}", self.text);
        self.json["errors"][field][0].as_str().unwrap_or_else(|| panic!("no errors.{field}[0] in {}", self.text))
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_on(TestDb::sqlite().await).await
}

pub async fn spawn_on(db: TestDb) -> TestApp {
    let settings = db.settings();
    spawn_with(db, &settings).await
}

/// Starts the app on `db` with custom settings (which should point at `db`).
pub async fn spawn_with(db: TestDb, settings: &infrastructure::Settings) -> TestApp {
    let mut app = spawn_again(settings).await;
    app._db = Some(db);
    app
}

/// Another server on the database of `settings`, as after a restart: it sees everything
/// the first one accepted.
pub async fn spawn_again(settings: &infrastructure::Settings) -> TestApp {
    let app = Application::build(settings).await.expect("application builds");
    let addr = app.local_addr().expect("bound address");
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    TestApp {
        base: format!("http://{addr}"),
        client: reqwest::Client::new(),
        stop: Some(stop),
        server: Some(server),
        _db: None,
    }
}

impl TestApp {
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

    pub async fn reply(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body read");
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply { status, headers, json, text }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.send(Method::GET, path, token, None).await
    }

    /// Registers `name` (password `password123`) and returns the token.
    pub async fn register(&self, name: &str) -> String {
        let body =
            json!({"user": {"username": name, "email": format!("{name}@example.com"), "password": "password123"}});
        let reply = self.send(Method::POST, "/api/users", None, Some(body)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        reply.json["user"]["token"].as_str().expect("token").to_owned()
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
