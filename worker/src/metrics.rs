//! The standalone worker's Prometheus endpoint: `GET /metrics` on `jobs.metrics_port`.
//!
//! The worker has no HTTP stack (and must not pull one in for a single route), so this
//! is a deliberately tiny HTTP/1.1 responder: one request per connection, bounded in
//! size and time, `Connection: close`. Anything but `GET /metrics` gets a 404 or 405.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Largest request head read; a scrape is a few hundred bytes.
const MAX_REQUEST: usize = 8 * 1024;
/// How long a client may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// Serves `render()` on `GET /metrics` until the task is aborted.
pub async fn serve<F>(listener: TcpListener, render: F)
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
        let render = render.clone();
        tokio::spawn(async move {
            if let Err(e) = respond(stream, render).await {
                tracing::debug!("metrics endpoint: {e}");
            }
        });
    }
}

async fn respond(mut stream: TcpStream, render: impl Fn() -> String) -> std::io::Result<()> {
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
        let server = tokio::spawn(serve(listener, || "jobs_total 1\n".to_owned()));

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
}
