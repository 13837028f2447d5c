//! Stopping the real binary: on SIGTERM `/ready` turns 503 (`draining`) while `/health`
//! and the API are still served for `server.drain_delay_secs`, then the process exits 0.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use infrastructure::identity::SERVICE_NAME;
use reqwest::StatusCode;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The service binary, named after the project; cargo builds it next to the test's
/// `deps/` directory for integration tests.
fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable");
    let dir = exe.parent().and_then(|deps| deps.parent()).expect("target profile directory");
    dir.join(format!("{SERVICE_NAME}{}", std::env::consts::EXE_SUFFIX))
}

/// Starts the binary on a free port with `config`; returns it and its base URL, read from
/// the start-up line on stderr.
async fn start(config: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(binary())
        .arg("--config")
        .arg(config)
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .current_dir(config.parent().expect("config in a directory"))
        .kill_on_drop(true)
        .spawn()
        .expect("the service binary starts");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let mut seen = Vec::new();
    let base = loop {
        let line = lines.next_line().await.expect("stderr readable");
        let line = line.unwrap_or_else(|| panic!("exited before its start-up line: {}", seen.join("\n")));
        seen.push(line.clone());
        if let Some((_, rest)) = line.split_once("listening on http://") {
            break format!("http://{}", rest.split_whitespace().next().expect("address"));
        }
    };
    // Keep draining stderr so the process never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, base)
}

#[tokio::test]
async fn on_sigterm_ready_turns_503_while_everything_else_is_served_then_the_process_exits_0() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config.toml");
    let db = dir.path().join("app.db");
    std::fs::write(
        &config,
        format!(
            "[server]\nport = 0\ndrain_delay_secs = 4\nshutdown_timeout_secs = 10\n\
             [database]\nurl = \"sqlite://{}\"\n\
             [auth]\nargon2_memory_kib = 64\nargon2_iterations = 1\n",
            db.display()
        ),
    )
    .expect("config written");
    let (mut child, base) = start(&config).await;
    let client = reqwest::Client::new();
    let ready = client.get(format!("{base}/ready")).send().await.expect("ready answered");
    assert_eq!(ready.status(), StatusCode::OK);

    let pid = child.id().expect("running").to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().await.expect("kill runs");
    assert!(killed.success());

    let mut draining = None;
    for _ in 0..100 {
        let reply = client.get(format!("{base}/ready")).send().await.expect("still listening while draining");
        if reply.status() == StatusCode::SERVICE_UNAVAILABLE {
            draining = Some(reply.json::<serde_json::Value>().await.expect("json"));
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let draining = draining.expect("/ready answers 503 after SIGTERM");
    assert_eq!(draining["status"], "draining", "{draining}");
    assert_eq!(draining["checks"]["shutdown"]["status"], "error", "{draining}");
    assert_eq!(draining["checks"]["database"]["status"], "ok", "{draining}");

    let health = client.get(format!("{base}/health")).send().await.expect("health answered while draining");
    assert_eq!(health.status(), StatusCode::OK);
    let body = json!({"user": {"username": "late", "email": "late@example.com", "password": "password123"}});
    let registered = client.post(format!("{base}/api/users")).json(&body).send().await.expect("api answered");
    assert_eq!(registered.status(), StatusCode::CREATED, "the API is served while draining");

    let status = tokio::time::timeout(Duration::from_secs(60), child.wait())
        .await
        .expect("the process exits after the drain delay and the grace period")
        .expect("exit status");
    assert!(status.success(), "{status}");
    assert!(client.get(format!("{base}/health")).send().await.is_err(), "the listener is closed after exit");
}
