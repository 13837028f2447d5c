//! In-memory implementations of every port, for unit tests of the use cases.
//!
//! They follow the contracts documented on the ports (conflicts on unique fields,
//! idempotent follow/favorite, viewer-specific flags) so a use-case test exercises the
//! same behaviour the real adapters provide. Not for production: one mutex, no limits.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use chrono::{TimeZone, Utc};
use domain::{Email, PlainPassword, Timestamp, User, UserId, Username};

//{% if realworld %} The RealWorld example's fakes.
mod realworld;
mod reports;
use crate::realworld::ReportPolicy;
pub use reports::FakeReports;
//{% endif %} The fakes of every project.
mod welcome;
pub use welcome::FakeWelcomeQueue;

use crate::accounts::{AccountPorts, Accounts, Credentials, NewUserRecord, UserRepository, UserUpdate};
use crate::cache::CachePolicy;
use crate::ports::{Clock, PasswordHash, PasswordHasher, TokenClaims, TokenError, TokenService};
use crate::{Features, FeaturesBuilder, Platform, RepoError, UseCaseError};

#[derive(Clone)]
struct StoredUser {
    user: User,
    hash: PasswordHash,
    admin: bool,
    registered_at: Timestamp,
    welcomed_at: Option<Timestamp>,
    kept_token_id: Option<String>,
}

#[derive(Default)]
struct State {
    next_id: i64,
    //{% if realworld %} The RealWorld example's data.
    rw: realworld::RealWorldState,
    //{% endif %} Accounts by id.
    users: BTreeMap<UserId, StoredUser>,
}

impl State {
    fn next_id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    fn check_unique_user(
        &self,
        id: Option<UserId>,
        username: Option<&Username>,
        email: Option<&Email>,
    ) -> Result<(), RepoError> {
        for stored in self.users.values().filter(|u| Some(u.user.id) != id) {
            if username.is_some_and(|n| *n == stored.user.username) {
                return Err(RepoError::Conflict("username"));
            }
            if email.is_some_and(|e| *e == stored.user.email) {
                return Err(RepoError::Conflict("email"));
            }
        }
        Ok(())
    }
}

/// One in-memory store implementing every repository port.
#[derive(Clone, Default)]
pub struct InMemoryStore {
    state: Arc<Mutex<State>>,
    /// Registration times come from here (the same clock as the use cases').
    clock: Arc<ManualClock>,
}

impl InMemoryStore {
    /// A store whose registration times come from `clock`.
    pub fn with_clock(clock: Arc<ManualClock>) -> Self {
        Self { state: Arc::default(), clock }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not hide the other tests' results.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[async_trait]
impl UserRepository for InMemoryStore {
    async fn create(&self, new: NewUserRecord) -> Result<User, RepoError> {
        let mut state = self.lock();
        state.check_unique_user(None, Some(&new.username), Some(&new.email))?;
        let id = UserId(state.next_id());
        let user = User { id, username: new.username, email: new.email, bio: None, image: None, credential_version: 0 };
        let registered_at = self.clock.now();
        let stored = StoredUser {
            user: user.clone(),
            hash: new.password_hash,
            admin: false,
            registered_at,
            welcomed_at: None,
            kept_token_id: None,
        };
        state.users.insert(id, stored);
        Ok(user)
    }

    async fn find_by_id(&self, id: UserId) -> Result<Option<User>, RepoError> {
        Ok(self.lock().users.get(&id).map(|u| u.user.clone()))
    }

    async fn find_credentials(&self, email: &Email) -> Result<Option<(User, PasswordHash)>, RepoError> {
        Ok(self.lock().users.values().find(|u| u.user.email == *email).map(|u| (u.user.clone(), u.hash.clone())))
    }

    async fn update(&self, id: UserId, update: UserUpdate) -> Result<User, RepoError> {
        let mut state = self.lock();
        state.check_unique_user(Some(id), update.username.as_ref(), update.email.as_ref())?;
        let stored = state.users.get_mut(&id).ok_or(RepoError::NotFound)?;
        if let Some(username) = update.username {
            stored.user.username = username;
        }
        if let Some(email) = update.email {
            stored.user.email = email;
        }
        if let Some(hash) = update.password_hash {
            stored.hash = hash;
            stored.user.credential_version += 1;
            stored.kept_token_id = update.kept_token_id;
        }
        if let Some(bio) = update.bio {
            stored.user.bio = bio;
        }
        if let Some(image) = update.image {
            stored.user.image = image;
        }
        Ok(stored.user.clone())
    }

    async fn credentials(&self, id: UserId) -> Result<Option<Credentials>, RepoError> {
        Ok(self
            .lock()
            .users
            .get(&id)
            .map(|u| Credentials { version: u.user.credential_version, kept_token_id: u.kept_token_id.clone() }))
    }

    async fn is_admin(&self, id: UserId) -> Result<bool, RepoError> {
        Ok(self.lock().users.get(&id).is_some_and(|u| u.admin))
    }

    async fn set_admin(&self, username: &Username, admin: bool) -> Result<(), RepoError> {
        let mut state = self.lock();
        let stored = state.users.values_mut().find(|u| u.user.username == *username).ok_or(RepoError::NotFound)?;
        stored.admin = admin;
        Ok(())
    }
}

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

/// Every fake wired together, with handles to inspect them.
#[derive(Clone)]
pub struct Fakes {
    pub store: InMemoryStore,
    pub hasher: Arc<FakeHasher>,
    pub tokens: Arc<FakeTokens>,
    pub clock: Arc<ManualClock>,
    //{% if realworld %} The RealWorld example's report jobs.
    pub reports: FakeReports,
    /// Limits the report use cases run with (small batches exercise the keyset loop).
    pub report_policy: ReportPolicy,
    //{% endif %} The welcome job's queue.
    pub welcome: FakeWelcomeQueue,
}

impl Default for Fakes {
    fn default() -> Self {
        let clock = Arc::new(ManualClock::default());
        Self {
            store: InMemoryStore::with_clock(clock.clone()),
            hasher: Arc::default(),
            tokens: Arc::default(),
            clock,
            //{% if realworld %} The RealWorld example's report jobs.
            reports: FakeReports::default(),
            report_policy: ReportPolicy::default(),
            //{% endif %} The welcome job's queue.
            welcome: FakeWelcomeQueue::default(),
        }
    }
}

impl Fakes {
    pub fn new() -> Self {
        Self::default()
    }

    /// The shared ports as fakes, without a cache.
    pub fn platform(&self) -> Platform {
        Platform {
            hasher: self.hasher.clone(),
            tokens: self.tokens.clone(),
            clock: self.clock.clone(),
            caching: None,
            cache_policy: CachePolicy::default(),
        }
    }

    pub fn account_ports(&self) -> AccountPorts {
        let store = Arc::new(self.store.clone());
        AccountPorts { users: store.clone(), welcome_records: store, welcome_queue: Arc::new(self.welcome.clone()) }
    }

    /// The accounts use cases on the fakes.
    pub fn accounts(&self) -> Accounts {
        Accounts::new(self.account_ports(), &self.platform())
    }

    /// Every feature on the fakes, as the HTTP layer takes them.
    pub fn features(&self) -> Features {
        let mut features = FeaturesBuilder::default();
        for register in FEATURES {
            register(self, &mut features);
        }
        features.build()
    }

    /// Registers `name` (password `password123`) and returns the id.
    ///
    /// # Panics
    /// If registration fails, which means the fakes or the use case are broken.
    pub async fn user(&self, name: &str) -> UserId {
        let input = crate::accounts::RegisterInput {
            username: Some(name.to_owned()),
            email: Some(format!("{name}@example.com")),
            password: Some("password123".to_owned()),
        };
        let registered: Result<_, UseCaseError> = self.accounts().users.register(input).await;
        match registered {
            Ok(user) => user.user.id,
            Err(e) => panic!("registering {name} failed: {e}"),
        }
    }
}

/// How each feature registers its use cases on the fakes, in dependency order.
const FEATURES: &[fn(&Fakes, &mut FeaturesBuilder)] = &[
    |fakes, features| {
        features.insert(fakes.accounts());
    },
    //{% if realworld %} The RealWorld example.
    realworld::register,
    //{% endif %} (Every feature is listed above.)
];
