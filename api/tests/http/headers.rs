//! Headers every response carries, compression negotiation, CORS.

use reqwest::StatusCode;
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING};

use crate::app::{spawn_adjusted, spawn_app};

/// Large JSON (the OpenAPI document, tens of KiB) and a tiny one (`/health`).
const LARGE: &str = "/api-docs/openapi.json";
const SMALL: &str = "/health";

#[tokio::test]
async fn large_bodies_are_compressed_with_the_encoding_the_client_accepts() {
    let app = spawn_app().await;
    let plain = app.reply(app.client.get(format!("{}{LARGE}", app.base))).await;
    assert!(plain.text.len() >= 1024, "the document is large: {}", plain.text.len());

    let gzip =
        app.client.get(format!("{}{LARGE}", app.base)).header(ACCEPT_ENCODING, "gzip").send().await.expect("sent");
    assert_eq!(gzip.headers()[CONTENT_ENCODING], "gzip");
    let bytes = gzip.bytes().await.expect("body");
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "gzip magic number");
    assert!(bytes.len() < plain.text.len(), "{} compressed vs {} plain", bytes.len(), plain.text.len());

    let br = app.client.get(format!("{}{LARGE}", app.base)).header(ACCEPT_ENCODING, "br").send().await.expect("sent");
    assert_eq!(br.headers()[CONTENT_ENCODING], "br");
    let bytes = br.bytes().await.expect("body");
    assert!(bytes.len() < plain.text.len(), "{} compressed vs {} plain", bytes.len(), plain.text.len());
}

#[tokio::test]
async fn small_bodies_and_clients_without_accept_encoding_get_plain_bodies() {
    let app = spawn_app().await;
    let small =
        app.client.get(format!("{}{SMALL}", app.base)).header(ACCEPT_ENCODING, "gzip, br").send().await.expect("sent");
    assert_eq!(small.status(), StatusCode::OK);
    assert!(small.headers().get(CONTENT_ENCODING).is_none(), "{:?}", small.headers());
    assert_eq!(small.text().await.expect("body"), r#"{"status":"ok"}"#);

    let large = app.reply(app.client.get(format!("{}{LARGE}", app.base))).await;
    assert!(large.headers.get(CONTENT_ENCODING).is_none(), "{:?}", large.headers);
    assert_eq!(large.json["openapi"].as_str().map(|v| v.starts_with("3.")), Some(true));
}

#[tokio::test]
async fn every_response_has_request_id_process_time_and_security_headers() {
    let app = spawn_app().await;
    for path in ["/health", "/api/user", "/no/such/route"] {
        let reply = app.get(path, None).await;
        let id = reply.headers["x-request-id"].to_str().expect("ascii");
        assert_eq!(id.len(), 36, "a generated UUID: {id}");
        let time = reply.headers["x-process-time"].to_str().expect("ascii");
        let (seconds, micros) = time.split_once('.').expect("seconds.micros");
        assert!(seconds.parse::<u64>().is_ok() && micros.len() == 6 && micros.parse::<u32>().is_ok(), "{time}");
        assert_eq!(reply.headers["x-content-type-options"], "nosniff");
        assert_eq!(reply.headers["x-frame-options"], "DENY");
        assert!(reply.headers.contains_key("referrer-policy"));
        assert!(reply.headers["content-security-policy"].to_str().expect("ascii").contains("default-src 'self'"));
    }
}

#[tokio::test]
async fn a_request_id_from_the_client_is_kept_and_a_bad_one_replaced() {
    let app = spawn_app().await;
    let kept = app.reply(app.client.get(format!("{}/health", app.base)).header("x-request-id", "abc-123")).await;
    assert_eq!(kept.headers["x-request-id"], "abc-123");
    let long = "x".repeat(500);
    let replaced = app.reply(app.client.get(format!("{}/health", app.base)).header("x-request-id", &long)).await;
    assert_eq!(replaced.headers["x-request-id"].len(), 36);
}

#[tokio::test]
async fn swagger_ui_loads_only_same_origin_scripts_which_the_policy_allows() {
    let app = spawn_app().await;
    let page = app.get("/docs/", None).await;
    assert_eq!(page.status, StatusCode::OK);
    // The policy has no 'unsafe-inline' for scripts: the page must not need any.
    assert!(page.text.contains("<script src="), "{}", page.text);
    assert!(!page.text.contains("<script>"), "inline script would be blocked: {}", page.text);
    let policy = page.headers["content-security-policy"].to_str().expect("ascii");
    assert!(policy.contains("script-src 'self'") && !policy.contains("script-src 'self' 'unsafe-inline'"), "{policy}");
}

#[tokio::test]
async fn cors_allows_only_the_configured_origins() {
    let app = spawn_adjusted(|s| s.http.cors_origins = vec!["https://app.example.com".into()]).await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, format!("{}/api/users", app.base))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization, content-type")
    };
    let allowed = app.reply(preflight("https://app.example.com")).await;
    assert_eq!(allowed.headers["access-control-allow-origin"], "https://app.example.com");
    let refused = app.reply(preflight("https://evil.example.com")).await;
    assert!(refused.headers.get("access-control-allow-origin").is_none(), "{:?}", refused.headers);

    let without = spawn_app().await;
    let reply = without
        .reply(
            without.client.get(format!("{}/api-docs/openapi.json", without.base)).header("origin", "https://x.example"),
        )
        .await;
    assert!(reply.headers.get("access-control-allow-origin").is_none(), "no CORS unless configured");
}
