//! Starts the real `api` binary as separate processes sharing a database and a Redis;
//! each is driven through the harness's [`Client`].

use std::ops::Deref;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use infrastructure::identity::ENV_PREFIX;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::app::Client;

/// Both processes sign and accept tokens with it.
const JWT_SECRET: &str = "a-test-secret-shared-by-both-processes-0123456789";

/// One `api` process; killed when dropped.
pub struct Process {
    api: Client,
    child: Child,
}

impl Deref for Process {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.api
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// A key prefix of its own, so tests can share the test Redis.
pub fn unique_prefix() -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("test:api-cache:{}:{}:{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst), nanos)
}

impl Process {
    /// Starts `api serve` on `database_url` and `redis_url` and waits until it answers.
    pub async fn start(database_url: &str, redis_url: &str, prefix: &str) -> Self {
        let port = free_port();
        let child = Command::new(infrastructure::testing::service_binary())
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("REDIS_URL", redis_url)
            .env("HOST", "127.0.0.1")
            .env("PORT", port.to_string())
            .env(format!("{ENV_PREFIX}AUTH__JWT_SECRET"), JWT_SECRET)
            .env(format!("{ENV_PREFIX}AUTH__ARGON2_MEMORY_KIB"), "64")
            .env(format!("{ENV_PREFIX}AUTH__ARGON2_ITERATIONS"), "1")
            .env(format!("{ENV_PREFIX}CACHE__REDIS_PREFIX"), prefix)
            // As in production: the queue in the shared PostgreSQL database (the default
            // SQLite queue file would be shared by every test's processes).
            .env(format!("{ENV_PREFIX}JOBS__BACKEND"), "postgres")
            .env(format!("{ENV_PREFIX}LOG__LEVEL"), "error")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the api binary starts");
        let process = Self { api: Client::new(format!("http://127.0.0.1:{port}"), JWT_SECRET), child };
        let client = reqwest::Client::new();
        for _ in 0..300 {
            if let Ok(r) = client.get(format!("{}/health", process.base)).send().await
                && r.status().is_success()
            {
                return process;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("api process on port {port} did not become healthy");
    }

    /// A GET that must succeed; returns the JSON body.
    pub async fn read(&self, path: &str, token: Option<&str>) -> Value {
        let reply = self.get(path, token).await;
        assert_eq!(reply.status, StatusCode::OK, "GET {path} on {}: {}", self.base, reply.text);
        reply.json
    }

    pub async fn status(&self, path: &str) -> StatusCode {
        self.get(path, None).await.status
    }

    /// A write that must succeed; returns the JSON body.
    pub async fn write(&self, method: Method, path: &str, token: &str, body: Option<Value>) -> Value {
        let reply = self.send(method.clone(), path, Some(token), body).await;
        assert!(reply.status.is_success(), "{method} {path}: {} {}", reply.status, reply.text);
        reply.json
    }
}

/// How many cached values Redis holds under `prefix` (SCAN is fine in a test).
pub async fn cached_values(redis_url: &str, prefix: &str) -> usize {
    let client = redis::Client::open(redis_url).expect("redis url");
    let Ok(mut connection) = client.get_multiplexed_async_connection().await else { return 0 };
    let pattern = format!("{prefix}:v:*");
    let mut cursor = 0u64;
    let mut count = 0;
    loop {
        let Ok((next, keys)): Result<(u64, Vec<String>), _> = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(&pattern)
            .arg("COUNT")
            .arg(1000)
            .query_async(&mut connection)
            .await
        else {
            return count;
        };
        count += keys.len();
        if next == 0 {
            return count;
        }
        cursor = next;
    }
}
