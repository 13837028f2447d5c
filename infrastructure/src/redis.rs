//! The process's one Redis connection, shared by every adapter that needs Redis.
//!
//! A [`ConnectionManager`] multiplexes all commands over one connection and reconnects by
//! itself, so cloning it is the way to share it. It is created lazily: a Redis that is
//! down at start-up does not stop the process (callers see errors until it returns).

use anyhow::Context;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::settings::RedisSettings;

/// A lazily connecting manager for `settings.url`, or `None` when no URL is configured.
///
/// # Errors
/// The URL cannot be parsed.
pub fn connect(settings: &RedisSettings) -> anyhow::Result<Option<ConnectionManager>> {
    let Some(url) = &settings.url else {
        return Ok(None);
    };
    let client = redis::Client::open(url.as_str()).context("redis.url")?;
    let config = ConnectionManagerConfig::new()
        .set_response_timeout(Some(settings.command_timeout()))
        .set_connection_timeout(Some(settings.connect_timeout()))
        // Fail fast and let the next command reconnect, rather than queueing callers
        // behind a long retry loop while Redis is away.
        .set_number_of_retries(1);
    let manager = ConnectionManager::new_lazy_with_config(client, config).context("redis connection manager")?;
    Ok(Some(manager))
}

/// `PING` with the configured timeout: for readiness checks.
///
/// # Errors
/// Redis is unreachable, slow or answers with an error.
pub async fn ping(manager: &ConnectionManager) -> anyhow::Result<()> {
    let mut connection = manager.clone();
    let _: String = redis::cmd("PING").query_async(&mut connection).await?;
    Ok(())
}
