//! Fakes of the shared ports whose real adapters are slow on purpose or need a service:
//! the password hasher, the token service, the clock, and a recording job queue. The
//! repositories have no fakes: use cases that mostly read and write data are tested
//! against the real sea-orm repositories on SQLite and PostgreSQL
//! (`infrastructure::testing::TestServices`). The cache's fake is `cache::fake`; each
//! feature's queue port is implemented for [`FakeQueue`] in its own folder
//! (`accounts::FakeWelcomeQueue`, ...).

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{TimeZone, Utc};
use domain::{PlainPassword, Timestamp, UserId};

use crate::ports::{Clock, PasswordHash, PasswordHasher, TokenClaims, TokenError, TokenService};

/// A transparent "hash" (`fake:` + password) that counts verifications of unknown users.
#[derive(Default)]
pub struct FakeHasher {
    dummy: AtomicUsize,
}

impl FakeHasher {
    /// How often `verify` was called without a stored hash.
    pub fn dummy_verifications(&self) -> usize {
        self.dummy.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl PasswordHasher for FakeHasher {
    async fn hash(&self, password: &PlainPassword) -> anyhow::Result<PasswordHash> {
        Ok(PasswordHash(format!("fake:{}", password.expose())))
    }

    async fn verify(&self, password: &PlainPassword, hash: Option<&PasswordHash>) -> anyhow::Result<bool> {
        match hash {
            Some(hash) => Ok(hash.0 == format!("fake:{}", password.expose())),
            None => {
                self.dummy.fetch_add(1, Ordering::SeqCst);
                Ok(false)
            }
        }
    }
}

/// Tokens of the form `token-<user id>.v<credential version>.j<token id>`, the id counting
/// up from 1; `token-<user id>` alone is version 0 without an id, as a real token of an
/// older release is.
#[derive(Default)]
pub struct FakeTokens {
    issued: AtomicUsize,
}

impl TokenService for FakeTokens {
    fn issue(&self, claims: TokenClaims) -> anyhow::Result<String> {
        let id = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        Ok(format!("token-{}.v{}.j{id}", claims.user.0, claims.credential_version))
    }

    fn verify(&self, token: &str) -> Result<TokenClaims, TokenError> {
        let rest = token.strip_prefix("token-").ok_or(TokenError::Invalid)?;
        let (rest, token_id) = match rest.split_once(".j") {
            Some((rest, id)) => (rest, Some(id.to_owned())),
            None => (rest, None),
        };
        let (id, version) = match rest.split_once(".v") {
            Some((id, version)) => (id, version.parse().map_err(|_| TokenError::Invalid)?),
            None => (rest, 0),
        };
        let user = id.parse().map(UserId).map_err(|_| TokenError::Invalid)?;
        Ok(TokenClaims { user, credential_version: version, token_id })
    }
}

/// A clock that only moves when told to.
pub struct ManualClock {
    millis: AtomicI64,
}

impl Default for ManualClock {
    fn default() -> Self {
        Self { millis: AtomicI64::new(1_700_000_000_000) }
    }
}

impl ManualClock {
    /// A clock standing at the current time: rows a database stamps itself (with its own
    /// `now()`) then compare as they would in production.
    pub fn starting_now() -> Self {
        Self { millis: AtomicI64::new(Utc::now().timestamp_millis()) }
    }

    pub fn advance_millis(&self, millis: i64) {
        self.millis.fetch_add(millis, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        let at = Utc.timestamp_millis_opt(self.millis.load(Ordering::SeqCst)).single().unwrap_or_default();
        Timestamp::new(at)
    }
}

/// A job queue that keeps the jobs it is given, or refuses them all when told to. Each
/// feature implements its queue port for it (`accounts::FakeWelcomeQueue`, ...).
pub struct FakeQueue<J> {
    jobs: Arc<Mutex<Vec<J>>>,
    down: Arc<AtomicBool>,
}

impl<J> Default for FakeQueue<J> {
    fn default() -> Self {
        Self { jobs: Arc::default(), down: Arc::default() }
    }
}

/// Clones share the queue (a test keeps one to inspect what the use cases enqueued).
impl<J> Clone for FakeQueue<J> {
    fn clone(&self) -> Self {
        Self { jobs: self.jobs.clone(), down: self.down.clone() }
    }
}

impl<J: Clone> FakeQueue<J> {
    /// The jobs enqueued so far, oldest first.
    pub fn jobs(&self) -> Vec<J> {
        self.jobs.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Makes every following enqueue fail (`true`) or succeed again (`false`).
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    /// What a feature's queue port does with `job`: keeps it, or fails while down.
    ///
    /// # Errors
    /// The queue was set down.
    pub fn push(&self, job: J) -> anyhow::Result<()> {
        if self.down.load(Ordering::SeqCst) {
            anyhow::bail!("queue down");
        }
        self.jobs.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(job);
        Ok(())
    }
}
