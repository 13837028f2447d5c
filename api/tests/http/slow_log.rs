//! The slow-request WARN, read from the real binary's log output.

use std::process::Stdio;
use std::time::Duration;

use infrastructure::identity::ENV_PREFIX;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use tokio::sync::mpsc;

/// Waits for the next log line matching `wanted`, for at most 30 s.
async fn next_line(lines: &mut mpsc::UnboundedReceiver<String>, wanted: impl Fn(&str) -> bool) -> String {
    let found = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.recv().await {
            if wanted(&line) {
                return Some(line);
            }
        }
        None
    });
    found.await.ok().flatten().expect("the expected log line")
}

#[tokio::test]
async fn a_request_over_the_threshold_is_logged_once_at_warn_with_route_template_and_request_id() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = Command::new(infrastructure::testing::service_binary())
        .env_remove("RUST_LOG")
        .env("DATABASE_URL", format!("sqlite://{}/slow.db", dir.path().display()))
        .env(format!("{ENV_PREFIX}JOBS__SQLITE_URL"), format!("sqlite://{}/jobs.sqlite", dir.path().display()))
        .env(format!("{ENV_PREFIX}SERVER__PORT"), "0")
        .env(format!("{ENV_PREFIX}LOG__FORMAT"), "json")
        .env(format!("{ENV_PREFIX}LOG__LEVEL"), "info")
        // Registration hashes a password (argon2, tens of ms): always over 1 ms.
        .env(format!("{ENV_PREFIX}HTTP__SLOW_REQUEST_MS"), "1")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the api binary starts");
    let stderr = server.stderr.take().expect("piped stderr");
    let (tx, mut lines) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut reader = BufReader::new(stderr).lines();
        while let Ok(Some(line)) = reader.next_line().await {
            let _ = tx.send(line);
        }
    });
    let listening = next_line(&mut lines, |l| l.contains("listening on http://")).await;
    let start = listening.find("http://").expect("url");
    let base: String = listening[start..].chars().take_while(|c| !c.is_whitespace() && *c != '"').collect();

    let client = reqwest::Client::new();
    let body = json!({"user": {"username": "slowpoke", "email": "slow@example.com", "password": "password123"}});
    let response = client.post(format!("{base}/api/users")).json(&body).send().await.expect("sent");
    assert_eq!(response.status(), reqwest::StatusCode::CREATED);
    let request_id = response.headers()["x-request-id"].to_str().expect("ascii").to_owned();

    let line = next_line(&mut lines, |l| l.contains("slow request") && l.contains(&request_id)).await;
    let event: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
    assert_eq!(event["level"], "WARN", "{line}");
    assert_eq!(event["method"], "POST", "{line}");
    assert_eq!(event["route"], "/api/users", "{line}");
    assert_eq!(event["status"], 201, "{line}");
    assert!(event["duration_ms"].as_f64().is_some_and(|ms| ms >= 1.0), "{line}");

    // A second request, logged (if slow) with its route, never at INFO.
    let response = client.get(format!("{base}/api/user")).send().await.expect("sent");
    let profile_id = response.headers()["x-request-id"].to_str().expect("ascii").to_owned();

    // Stop the server and read everything it logged: the slow request appears once.
    let _ = Command::new("kill").arg("-TERM").arg(server.id().expect("pid").to_string()).status().await;
    let _ = tokio::time::timeout(Duration::from_secs(30), server.wait()).await;
    let mut rest = Vec::new();
    while let Ok(line) = lines.try_recv() {
        rest.push(line);
    }
    let repeats = rest.iter().filter(|l| l.contains("slow request") && l.contains(&request_id)).count();
    assert_eq!(repeats, 0, "logged exactly once: {rest:?}");
    if let Some(profile) = rest.iter().find(|l| l.contains("slow request") && l.contains(&profile_id)) {
        assert!(profile.contains(r#""route":"/api/user""#), "{profile}");
    }
    // Nothing is logged at INFO per request.
    assert!(!rest.iter().any(|l| l.contains(r#""level":"INFO""#) && l.contains(&profile_id)), "{rest:?}");
}
