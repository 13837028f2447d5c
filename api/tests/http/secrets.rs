//! The built-in development JWT secret, seen from the real binary: refused on a
//! non-loopback address, and the start-up line names the secret's source (never the secret).

use std::process::Stdio;
use std::time::Duration;

use infrastructure::identity::ENV_PREFIX;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

/// The binary with embedded defaults in a temp dir, logging JSON lines to stderr.
fn server(dir: &tempfile::TempDir) -> Command {
    let mut command = Command::new(infrastructure::testing::service_binary());
    command
        .env_remove("RUST_LOG")
        .env_remove(format!("{ENV_PREFIX}AUTH__JWT_SECRET"))
        .env_remove(format!("{ENV_PREFIX}ENVIRONMENT"))
        .env_remove("DATABASE_URL")
        .env_remove("HOST")
        .env("DATABASE_URL", format!("sqlite://{}/app.db", dir.path().display()))
        .env(format!("{ENV_PREFIX}JOBS__SQLITE_URL"), format!("sqlite://{}/jobs.sqlite", dir.path().display()))
        .env(format!("{ENV_PREFIX}SERVER__PORT"), "0")
        .env(format!("{ENV_PREFIX}LOG__FORMAT"), "json")
        .env(format!("{ENV_PREFIX}LOG__LEVEL"), "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

#[tokio::test]
async fn the_development_secret_is_refused_on_a_non_loopback_address() {
    let dir = tempfile::tempdir().expect("temp dir");
    let child = server(&dir).env("HOST", "0.0.0.0").spawn().expect("the api binary starts");
    let output = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output())
        .await
        .expect("the binary refused to start instead of serving")
        .expect("output read");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(stderr.contains("auth.jwt_secret"), "names the setting: {stderr}");
    assert!(stderr.contains(&format!("{ENV_PREFIX}AUTH__JWT_SECRET")), "names the variable: {stderr}");
    assert!(!stderr.contains(infrastructure::settings::DEV_JWT_SECRET), "never the secret: {stderr}");
}

/// Starts the binary, returns its "listening" line and stops it.
async fn listening_line(mut command: Command) -> String {
    let mut child = command.spawn().expect("the api binary starts");
    let mut lines = BufReader::new(child.stderr.take().expect("piped stderr")).lines();
    let line = tokio::time::timeout(Duration::from_secs(30), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if line.contains("listening on http://") {
                return Some(line);
            }
        }
        None
    })
    .await
    .ok()
    .flatten()
    .expect("a listening line");
    let _ = child.kill().await;
    line
}

#[tokio::test]
async fn the_start_up_line_names_the_secret_source_but_not_the_secret() {
    let dir = tempfile::tempdir().expect("temp dir");
    let line = listening_line(server(&dir)).await;
    assert!(line.contains("jwt_secret=development-default"), "{line}");
    assert!(!line.contains(infrastructure::settings::DEV_JWT_SECRET), "{line}");
    let secret = "a-configured-secret-of-more-than-32-bytes-0123";
    let mut configured = server(&dir);
    configured.env(format!("{ENV_PREFIX}AUTH__JWT_SECRET"), secret).env("HOST", "0.0.0.0");
    let line = listening_line(configured).await;
    assert!(line.contains("jwt_secret=configured"), "{line}");
    assert!(!line.contains(secret), "{line}");
}
