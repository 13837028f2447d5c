//! A private `redis-server` for tests that need to stop and restart Redis (feature
//! `testing`). The shared test server (`TEST_REDIS_URL`) must never be stopped; a test
//! that simulates an outage starts its own on a free loopback port, and the server is
//! killed when the handle is dropped.
#![allow(clippy::missing_panics_doc)]

use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// One `redis-server` child process on a fixed loopback port.
pub struct PrivateRedis {
    pub port: u16,
    child: Option<Child>,
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

impl PrivateRedis {
    /// Starts a server (no persistence, debug commands allowed from loopback) and waits
    /// until it answers.
    pub async fn start() -> Self {
        let mut redis = Self { port: free_port(), child: None };
        redis.restart().await;
        redis
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Starts the server again on the same port (empty, like a restarted cache).
    pub async fn restart(&mut self) {
        assert!(self.child.is_none(), "already running");
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string(), "--save", "", "--appendonly", "no"])
            .args(["--enable-debug-command", "local"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server must be installed (apt-get install redis-server)");
        self.child = Some(child);
        for _ in 0..200 {
            if self.ping().await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("private redis-server on port {} did not start", self.port);
    }

    /// Kills the server (like a crash: nothing is saved) and reaps it.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    async fn ping(&self) -> bool {
        let Ok(client) = redis::Client::open(self.url()) else { return false };
        let Ok(mut connection) = client.get_multiplexed_async_connection().await else { return false };
        redis::cmd("PING").query_async::<String>(&mut connection).await.is_ok()
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        self.stop();
    }
}
