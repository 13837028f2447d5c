//! The connection cap and the in-flight cap: over the first a connection waits for a free
//! slot, over the second a request is shed at once with a JSON 503 and `Retry-After`.
//!
//! A request is held in flight by a raw connection that sends a chunked body and never
//! finishes it: the handler waits for the rest of the body until the connection closes.
//! Nothing here waits for a fixed time to pass; the loops are bounded by attempt counts.

use std::time::Duration;

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::app::{TestApp, spawn_adjusted};

/// A route under the cap whose anonymous answer is a 401 from its handler.
const LIMITED: &str = "/api/user";

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.base.trim_start_matches("http://")).await.expect("connect")
}

/// Opens a registration whose chunked body never ends: its handler stays in flight until
/// the returned connection is dropped.
async fn hold_a_request(app: &TestApp) -> TcpStream {
    let mut stream = connect(app).await;
    let start = "POST /api/users HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n\
                 Transfer-Encoding: chunked\r\n\r\n5\r\n{\"use\r\n";
    stream.write_all(start.as_bytes()).await.expect("write");
    stream
}

/// Sends requests to [`LIMITED`] until one is not answered by its handler, at most
/// `attempts` times (a short pause between: the held request must reach the server first).
async fn first_refusal(app: &TestApp, attempts: usize) -> Option<crate::app::Reply> {
    for _ in 0..attempts {
        let reply = app.get(LIMITED, None).await;
        if reply.status != StatusCode::UNAUTHORIZED {
            return Some(reply);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

#[tokio::test]
async fn a_request_over_the_in_flight_cap_is_shed_at_once_with_a_json_503_and_retry_after() {
    let app = spawn_adjusted(|s| s.server.max_in_flight_requests = 1).await;
    assert_eq!(app.get(LIMITED, None).await.status, StatusCode::UNAUTHORIZED, "served under the cap");
    let held = hold_a_request(&app).await;

    let reply = first_refusal(&app, 250).await.expect("a request over the cap is refused");
    assert_eq!(reply.assert_error(StatusCode::SERVICE_UNAVAILABLE, "server"), "is overloaded, retry later");
    assert_eq!(reply.headers.get("retry-after").and_then(|v| v.to_str().ok()), Some("1"));
    // The probes and the scrape are outside the cap.
    assert_eq!(app.get("/health", None).await.status, StatusCode::OK);
    assert_eq!(app.get("/ready", None).await.status, StatusCode::OK);
    let scrape = app.get("/metrics", None).await.text;
    let shed = scrape.lines().find(|l| l.starts_with("http_requests_shed_total")).expect("the shed counter");
    assert!(shed.split_whitespace().last().and_then(|n| n.parse::<f64>().ok()).is_some_and(|n| n >= 1.0), "{shed}");

    // The held request ends with its connection; the cap admits requests again.
    drop(held);
    let mut served = false;
    for _ in 0..250 {
        if app.get(LIMITED, None).await.status == StatusCode::UNAUTHORIZED {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(served, "requests are served again once the held one ended");
}

#[tokio::test]
async fn without_a_cap_a_held_request_does_not_refuse_others() {
    let app = spawn_adjusted(|s| s.server.max_in_flight_requests = 0).await;
    let _held = hold_a_request(&app).await;
    // The held request has surely reached its handler once a later connection is served.
    assert!(first_refusal(&app, 20).await.is_none(), "no request is shed without a cap");
}

/// One HTTP/1.1 keep-alive round trip for `/health` on `stream`; returns the status line.
async fn health_on(stream: &mut TcpStream) -> String {
    stream.write_all(b"GET /health HTTP/1.1\r\nHost: test\r\n\r\n").await.expect("write");
    read_response(stream).await
}

/// Reads one response with a small `Content-Length` body; returns its status line.
async fn read_response(stream: &mut TcpStream) -> String {
    let mut response = Vec::new();
    let mut buffer = [0u8; 1024];
    loop {
        let n = stream.read(&mut buffer).await.expect("read");
        assert!(n > 0, "connection closed before a whole response: {}", String::from_utf8_lossy(&response));
        response.extend_from_slice(&buffer[..n]);
        let text = String::from_utf8_lossy(&response).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0);
            if body.len() >= length {
                return head.lines().next().unwrap_or_default().to_owned();
            }
        }
    }
}

#[tokio::test]
async fn a_connection_over_the_cap_waits_for_a_free_slot_and_is_then_served() {
    let app = spawn_adjusted(|s| s.server.max_connections = 1).await;
    let mut first = connect(&app).await;
    assert_eq!(health_on(&mut first).await, "HTTP/1.1 200 OK");

    // The kernel completes the handshake (accept backlog), but the server does not take
    // the connection while the first one holds the only slot.
    let mut second = connect(&app).await;
    second.write_all(b"GET /health HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").await.expect("write");
    // The server is busy with nothing else: it answers the first connection again...
    assert_eq!(health_on(&mut first).await, "HTTP/1.1 200 OK");
    // ...and still leaves the second one unread.
    let mut byte = [0u8; 1];
    let early = tokio::time::timeout(Duration::from_millis(300), second.read(&mut byte)).await;
    assert!(early.is_err(), "the connection over the cap was served: {early:?}");

    drop(first);
    let status = tokio::time::timeout(Duration::from_secs(30), read_response(&mut second))
        .await
        .expect("the waiting connection is served once the slot is free");
    assert_eq!(status, "HTTP/1.1 200 OK");
}
