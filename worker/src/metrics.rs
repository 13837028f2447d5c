//! The standalone worker's operational endpoints on `jobs.metrics_port`: `GET /metrics`
//! (Prometheus), `GET /health` (the process answers) and `GET /ready` (its database and
//! queue backend answer; 503 while starting or when one fails).
//!
//! The worker has no HTTP stack (and must not pull one in for three routes), so this
//! is a deliberately tiny HTTP/1.1 responder: one request per connection, bounded in
//! size and time, `Connection: close`. Anything else gets a 404 or 405.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use application::ports::DependencyProbe;
use application::readiness::{self, Health};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Largest request head read; a scrape is a few hundred bytes.
const MAX_REQUEST: usize = 8 * 1024;
/// How long a client may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// What `/ready` checks: set once the worker is wired (until then `/ready` answers 503,
/// so an orchestrator sends no traffic to, and does not count as ready, a starting process).
pub type Probes = Arc<OnceLock<Vec<Arc<dyn DependencyProbe>>>>;

/// How long one `/ready` probe may take before it counts as failed.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// Serves `render()` on `GET /metrics`, `/health` and `/ready` until the task is aborted.
pub async fn serve<F>(listener: TcpListener, render: F, probes: Probes)
where
    F: Fn() -> String + Clone + Send + Sync + 'static,
{
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                tracing::warn!("metrics endpoint: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let (render, probes) = (render.clone(), probes.clone());
        tokio::spawn(async move {
            if let Err(e) = respond(stream, render, &probes).await {
                tracing::debug!("metrics endpoint: {e}");
            }
        });
    }
}

async fn respond(mut stream: TcpStream, render: impl Fn() -> String, probes: &Probes) -> std::io::Result<()> {
    let head = match tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream)).await {
        Ok(head) => head?,
        Err(_) => return Ok(()),
    };
    let request_line = head.lines().next().unwrap_or_default();
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
    let path = target.split('?').next().unwrap_or_default();
    let (status, content_type, body) = match (method, path) {
        ("GET", "/metrics") => ("200 OK", "text/plain; version=0.0.4; charset=utf-8", render()),
        ("GET", "/health") => ("200 OK", JSON, r#"{"status":"ok"}"#.to_owned()),
        ("GET", "/ready") => {
            let (ready, body) = readiness(probes).await;
            (if ready { "200 OK" } else { "503 Service Unavailable" }, JSON, body)
        }
        ("GET", _) => ("404 Not Found", "text/plain; charset=utf-8", "not found\n".to_owned()),
        _ => ("405 Method Not Allowed", "text/plain; charset=utf-8", "method not allowed\n".to_owned()),
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

const JSON: &str = "application/json";

/// Runs every probe (the same runner as the API's `/ready`); the body names each
/// dependency and says `ok`, `degraded` (optional, e.g. Redis used as a cache) or
/// `failed`, never the error text (logged instead), because the port is reachable
/// without credentials. Only a failed required dependency makes the worker unready.
async fn readiness(probes: &Probes) -> (bool, String) {
    let Some(probes) = probes.get() else {
        return (false, r#"{"status":"starting","checks":{}}"#.to_owned());
    };
    let readiness = readiness::check_all(probes, PROBE_TIMEOUT, tokio::time::sleep).await;
    let mut checks = serde_json::Map::new();
    for check in &readiness.checks {
        let outcome = match check.health {
            Health::Ok => "ok",
            Health::Degraded => "degraded",
            Health::Failed => "failed",
        };
        checks.insert(check.name.to_owned(), outcome.into());
    }
    let ready = readiness.ready();
    let status = if ready { "ready" } else { "unavailable" };
    (ready, serde_json::json!({ "status": status, "checks": checks }).to_string())
}

/// Reads until the end of the request head (or `MAX_REQUEST` bytes, or EOF).
async fn read_head(stream: &mut TcpStream) -> std::io::Result<String> {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0_u8; 1024];
    while buffer.len() < MAX_REQUEST && !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    Ok(String::from_utf8_lossy(&buffer).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn exchange(port: u16, request: &[u8]) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.expect("connected");
        stream.write_all(request).await.expect("sent");
        // Ends the request even without a blank line (the garbage case).
        stream.shutdown().await.expect("write side closed");
        let mut response = String::new();
        stream.read_to_string(&mut response).await.expect("read");
        response
    }

    #[tokio::test]
    async fn only_get_metrics_is_served_and_odd_requests_get_an_answer_not_a_panic() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bound");
        let port = listener.local_addr().expect("address").port();
        let server = tokio::spawn(serve(listener, || "jobs_total 1\n".to_owned(), Probes::default()));

        let ok = exchange(port, b"GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\n\r\n").await;
        assert!(ok.starts_with("HTTP/1.1 200 OK\r\n") && ok.ends_with("\r\n\r\njobs_total 1\n"), "{ok}");
        assert!(ok.contains("Content-Length: 13\r\n"), "{ok}");
        let post = exchange(port, b"POST /metrics HTTP/1.1\r\n\r\n").await;
        assert!(post.starts_with("HTTP/1.1 405"), "{post}");
        let other = exchange(port, b"GET / HTTP/1.1\r\n\r\n").await;
        assert!(other.starts_with("HTTP/1.1 404"), "{other}");
        let garbage = exchange(port, &[b'x'; 4_000]).await;
        assert!(garbage.starts_with("HTTP/1.1 405"), "{garbage}");
        server.abort();
    }

    struct Probe(&'static str, bool);

    #[async_trait::async_trait]
    impl DependencyProbe for Probe {
        fn name(&self) -> &'static str {
            self.0
        }
        fn required(&self) -> bool {
            self.0 != "redis"
        }
        async fn check(&self) -> anyhow::Result<()> {
            anyhow::ensure!(self.1, "secret connection detail");
            Ok(())
        }
    }

    #[tokio::test]
    async fn health_answers_at_once_and_ready_follows_the_probes_without_leaking_errors() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bound");
        let port = listener.local_addr().expect("address").port();
        let probes = Probes::default();
        let server = tokio::spawn(serve(listener, String::new, probes.clone()));

        let health = exchange(port, b"GET /health HTTP/1.1\r\n\r\n").await;
        assert!(health.starts_with("HTTP/1.1 200 OK\r\n") && health.ends_with(r#"{"status":"ok"}"#), "{health}");
        let starting = exchange(port, b"GET /ready HTTP/1.1\r\n\r\n").await;
        assert!(starting.starts_with("HTTP/1.1 503") && starting.contains(r#""status":"starting""#), "{starting}");

        let wired: Vec<Arc<dyn DependencyProbe>> =
            vec![Arc::new(Probe("database", true)), Arc::new(Probe("queue", false))];
        assert!(probes.set(wired).is_ok());
        let failing = exchange(port, b"GET /ready HTTP/1.1\r\n\r\n").await;
        assert!(failing.starts_with("HTTP/1.1 503"), "{failing}");
        assert!(failing.contains(r#""database":"ok""#) && failing.contains(r#""queue":"failed""#), "{failing}");
        assert!(!failing.contains("secret"), "error text leaked: {failing}");
        server.abort();
    }

    #[tokio::test]
    async fn ready_answers_200_when_every_probe_passes() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bound");
        let port = listener.local_addr().expect("address").port();
        let probes = Probes::default();
        let wired: Vec<Arc<dyn DependencyProbe>> = vec![Arc::new(Probe("database", true))];
        assert!(probes.set(wired).is_ok());
        let server = tokio::spawn(serve(listener, String::new, probes));
        let ready = exchange(port, b"GET /ready HTTP/1.1\r\n\r\n").await;
        assert!(ready.starts_with("HTTP/1.1 200 OK") && ready.contains(r#""status":"ready""#), "{ready}");
        server.abort();
    }

    #[tokio::test]
    async fn ready_stays_200_when_only_an_optional_dependency_fails() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bound");
        let port = listener.local_addr().expect("address").port();
        let probes = Probes::default();
        let wired: Vec<Arc<dyn DependencyProbe>> =
            vec![Arc::new(Probe("database", true)), Arc::new(Probe("redis", false))];
        assert!(probes.set(wired).is_ok());
        let server = tokio::spawn(serve(listener, String::new, probes));
        let ready = exchange(port, b"GET /ready HTTP/1.1\r\n\r\n").await;
        assert!(ready.starts_with("HTTP/1.1 200 OK"), "{ready}");
        assert!(ready.contains(r#""redis":"degraded""#) && ready.contains(r#""database":"ok""#), "{ready}");
        assert!(!ready.contains("secret"), "error text leaked: {ready}");
        server.abort();
    }
}
