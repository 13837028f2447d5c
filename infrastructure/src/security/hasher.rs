//! argon2id password hashing off the async workers.
//!
//! One hash costs tens of milliseconds of CPU and ~19 MiB of memory by design. Running
//! it on a tokio worker would stall every other request on that worker, so it runs on
//! the blocking pool, and a semaphore bounds how many run at once so a burst of logins
//! queues instead of exhausting CPU and memory.

use std::sync::Arc;

use anyhow::Context;
use application::ports::{PasswordHash, PasswordHasher};
use argon2::{Algorithm, Argon2, Params, PasswordVerifier, Version};
use async_trait::async_trait;
use domain::PlainPassword;
use tokio::sync::Semaphore;

use crate::settings::AuthSettings;

/// argon2id with configurable cost, bounded concurrency.
pub struct Argon2Hasher {
    params: Params,
    permits: Arc<Semaphore>,
    /// A real hash of a random password, verified against when the account is unknown
    /// so that a login for a missing e-mail costs the same time as a wrong password.
    dummy: PasswordHash,
}

impl Argon2Hasher {
    /// # Errors
    /// Invalid argon2 parameters.
    pub fn new(settings: &AuthSettings) -> anyhow::Result<Self> {
        let params =
            Params::new(settings.argon2_memory_kib, settings.argon2_iterations, settings.argon2_parallelism, None)
                .map_err(|e| anyhow::anyhow!("invalid argon2 parameters: {e}"))?;
        let permits = match settings.max_concurrent_hashes {
            0 => std::thread::available_parallelism().map(usize::from).unwrap_or(2),
            n => n,
        };
        let dummy = hash_blocking(&params, "dummy password for unknown accounts")?;
        Ok(Self { params, permits: Arc::new(Semaphore::new(permits)), dummy })
    }

    /// Runs `job` on the blocking pool under a permit. The permit moves into the blocking
    /// task: a request cancelled while its hash runs (client gone, timeout) cannot free
    /// its slot early, so the bound holds for the hashes actually running.
    async fn run<T: Send + 'static>(&self, job: impl FnOnce(Params) -> T + Send + 'static) -> anyhow::Result<T> {
        let permit = self.permits.clone().acquire_owned().await.context("password hasher is shut down")?;
        let params = self.params.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            job(params)
        })
        .await
        .context("password hashing task failed")
    }
}

fn argon2(params: Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_blocking(params: &Params, password: &str) -> anyhow::Result<PasswordHash> {
    use argon2::PasswordHasher as _;
    let hash = argon2(params.clone())
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow::anyhow!("argon2 hashing failed: {e}"))?;
    Ok(PasswordHash(hash.to_string()))
}

#[async_trait]
impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: &PlainPassword) -> anyhow::Result<PasswordHash> {
        let password = password.expose().to_owned();
        self.run(move |params| hash_blocking(&params, &password)).await?
    }

    async fn verify(&self, password: &PlainPassword, hash: Option<&PasswordHash>) -> anyhow::Result<bool> {
        let password = password.expose().to_owned();
        let known = hash.is_some();
        let stored = hash.unwrap_or(&self.dummy).0.clone();
        let matches = self
            .run(move |params| {
                // The stored hash carries its own parameters; `params` only builds the hasher.
                argon2(params).verify_password(password.as_bytes(), stored.as_str()).is_ok()
            })
            .await?;
        Ok(known && matches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap() -> Argon2Hasher {
        let settings =
            AuthSettings { argon2_memory_kib: 64, argon2_iterations: 1, argon2_parallelism: 1, ..Default::default() };
        Argon2Hasher::new(&settings).expect("valid params")
    }

    fn password(text: &str) -> PlainPassword {
        PlainPassword::parse(Some(text)).expect("valid password")
    }

    #[tokio::test]
    async fn a_hash_verifies_its_own_password_only() {
        let hasher = cheap();
        let hash = hasher.hash(&password("correct horse")).await.expect("hashed");
        assert!(hash.0.starts_with("$argon2id$"), "{}", hash.0);
        assert!(hasher.verify(&password("correct horse"), Some(&hash)).await.expect("verified"));
        assert!(!hasher.verify(&password("wrong horse!"), Some(&hash)).await.expect("verified"));
    }

    #[tokio::test]
    async fn a_cancelled_request_keeps_its_permit_until_its_hash_is_done() {
        let settings = AuthSettings {
            argon2_memory_kib: 64,
            argon2_iterations: 1,
            argon2_parallelism: 1,
            max_concurrent_hashes: 1,
            ..Default::default()
        };
        let hasher = Arc::new(Argon2Hasher::new(&settings).expect("valid params"));
        let (started_tx, started_rx) = std::sync::mpsc::channel::<()>();
        let (finish_tx, finish_rx) = std::sync::mpsc::channel::<()>();
        let running = tokio::spawn({
            let hasher = hasher.clone();
            async move {
                hasher
                    .run(move |_| {
                        started_tx.send(()).expect("test waits");
                        finish_rx.recv().ok();
                    })
                    .await
            }
        });
        tokio::task::spawn_blocking(move || started_rx.recv().expect("the job started")).await.expect("joined");
        // The request goes away while its hash is still running.
        running.abort();
        assert!(running.await.expect_err("aborted").is_cancelled());
        assert_eq!(hasher.permits.available_permits(), 0, "the running hash still holds the only permit");
        finish_tx.send(()).expect("the job waits");
        let freed = tokio::time::timeout(std::time::Duration::from_secs(10), hasher.permits.acquire())
            .await
            .expect("the permit comes back when the hash is done");
        drop(freed);
    }

    #[tokio::test]
    async fn unknown_accounts_never_verify() {
        let hasher = cheap();
        assert!(!hasher.verify(&password("dummy password for unknown accounts"), None).await.expect("ran"));
    }

    #[tokio::test]
    async fn the_default_parameters_are_owasps() {
        let hasher = Argon2Hasher::new(&AuthSettings::default()).expect("valid");
        let hash = hasher.hash(&password("password123")).await.expect("hashed");
        assert!(hash.0.contains("m=19456,t=2,p=1"), "{}", hash.0);
    }
}
