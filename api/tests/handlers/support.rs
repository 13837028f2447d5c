//! A test harness around `api::router` and the application's in-memory fakes.

use std::sync::Arc;

use api::AppState;
use application::fakes::Fakes;
use application::ports::{TokenClaims, TokenError, TokenService};
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use serde_json::{Value, json};
use tower::ServiceExt;

/// A token the test token service reports as expired (the fakes cannot produce one).
pub const EXPIRED_TOKEN: &str = "expired-token";

/// The fakes' tokens, plus one that is well formed but expired.
struct TokensWithExpiry(Arc<dyn TokenService>);

impl TokenService for TokensWithExpiry {
    fn issue(&self, claims: TokenClaims) -> anyhow::Result<String> {
        self.0.issue(claims)
    }

    fn verify(&self, token: &str) -> Result<TokenClaims, TokenError> {
        if token == EXPIRED_TOKEN { Err(TokenError::Expired) } else { self.0.verify(token) }
    }
}

pub struct TestApp {
    router: Router,
}

/// A response with its body read, for assertions.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("body is not JSON ({e}): {:?}", self.text))
    }

    pub fn content_type(&self) -> &str {
        self.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    /// Asserts the status and RealWorld's error shape with exactly this message on `field`.
    #[track_caller]
    pub fn assert_error(&self, status: StatusCode, field: &str, message: &str) {
        assert_eq!(self.status, status, "body: {}", self.text);
        assert!(self.content_type().starts_with("application/json"), "content type {:?}", self.content_type());
        assert_eq!(self.json()["errors"][field], json!([message]), "body: {}", self.text);
    }

    /// The first message about `field`, for errors whose wording comes from serde.
    pub fn error_message(&self, field: &str) -> String {
        self.json()["errors"][field][0].as_str().unwrap_or_default().to_owned()
    }
}

impl TestApp {
    pub fn new() -> Self {
        Self::on(&Fakes::new())
    }

    /// The router over `fakes`, which the test keeps to inspect or drive them.
    pub fn on(fakes: &Fakes) -> Self {
        let mut state = AppState::new(fakes.features(), &fakes.platform());
        state.tokens = Arc::new(TokensWithExpiry(state.tokens.clone()));
        Self { router: api::router(state) }
    }

    /// Sends a raw request: the body as given, `Content-Type` only if `content_type`.
    pub async fn send(
        &self,
        method: Method,
        uri: &str,
        headers: &[(&str, &str)],
        body: impl Into<Body>,
    ) -> TestResponse {
        let mut request = Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(body.into()).expect("a valid request");
        let response = self.router.clone().oneshot(request).await.expect("the router never fails");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("a readable body");
        TestResponse { status, headers, text: String::from_utf8(bytes.to_vec()).expect("a UTF-8 body") }
    }

    /// Sends `body` as JSON (if any) with `Authorization: Token <token>` (if any).
    pub async fn call(&self, method: Method, uri: &str, token: Option<&str>, body: Option<Value>) -> TestResponse {
        let auth = token.map(|t| format!("Token {t}"));
        let mut headers = Vec::new();
        if let Some(auth) = &auth {
            headers.push(("authorization", auth.as_str()));
        }
        match body {
            Some(body) => {
                headers.push(("content-type", "application/json"));
                self.send(method, uri, &headers, body.to_string()).await
            }
            None => self.send(method, uri, &headers, Body::empty()).await,
        }
    }

    pub async fn get(&self, uri: &str, token: Option<&str>) -> TestResponse {
        self.call(Method::GET, uri, token, None).await
    }

    /// Registers `name` (`name@test.com`, `password123`) and returns its token.
    pub async fn register(&self, name: &str) -> String {
        let body = json!({"user": {"username": name, "email": format!("{name}@test.com"), "password": "password123"}});
        let response = self.call(Method::POST, "/api/users", None, Some(body)).await;
        assert_eq!(response.status, StatusCode::CREATED, "register {name}: {}", response.text);
        response.json()["user"]["token"].as_str().expect("a token").to_owned()
    }
}

impl TestResponse {
    /// Asserts the status and that the error is about `field`, whatever the wording.
    #[track_caller]
    pub fn assert_error_status(&self, status: StatusCode, field: &str) {
        assert_eq!(self.status, status, "body: {}", self.text);
        assert!(self.content_type().starts_with("application/json"), "content type {:?}", self.content_type());
        let messages = self.json()["errors"][field].as_array().map(Vec::len).unwrap_or_default();
        assert_eq!(messages, 1, "one message about {field}: {}", self.text);
    }
}
