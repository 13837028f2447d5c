//! The use cases as their unit tests drive them: every feature wired on a real, migrated
//! test database (the sea-orm repositories, so a test checks the queries it relies on)
//! with the application's fakes for the ports whose adapters are slow on purpose or need
//! a service: the password hasher, the token service, the clock and the welcome queue.
//! Other queues are the apalis queue of the test's own SQLite file unless a test gives
//! its own fake ([`TestServices::with_queue`]).

use std::sync::Arc;

use application::accounts::{Accounts, FakeWelcomeQueue, RegisterInput, WelcomeQueue};
use application::fakes::{FakeHasher, FakeTokens, ManualClock};
use application::{Features, Platform};
use domain::UserId;

use super::TestDb;
use crate::jobs::Queues;
use crate::settings::Settings;
use crate::wiring::{self, JobQueues};

pub struct TestServices {
    /// The database the repositories use (inspect or backdate rows through it).
    pub db: TestDb,
    /// The settings the features are wired with: change a feature's section before
    /// calling [`TestServices::features`] (`settings.set_section(...)`).
    pub settings: Settings,
    pub hasher: Arc<FakeHasher>,
    pub tokens: Arc<FakeTokens>,
    /// Stands at the current time at the start, so it agrees with the times the database
    /// stamps itself.
    pub clock: Arc<ManualClock>,
    pub welcome: FakeWelcomeQueue,
    queues: JobQueues,
}

impl TestServices {
    /// A fresh SQLite database.
    pub async fn sqlite() -> Self {
        Self::on(TestDb::sqlite().await).await
    }

    /// The services on `db` (`TestDb::sqlite()` or `TestDb::postgres()`).
    pub async fn on(db: TestDb) -> Self {
        let settings = db.settings();
        let apalis = Queues::open(&settings, &db.db).await.expect("the test's job queue file opens");
        let welcome = FakeWelcomeQueue::default();
        let queues = JobQueues::apalis(&apalis).with::<dyn WelcomeQueue>(Arc::new(welcome.clone()));
        Self {
            db,
            settings,
            hasher: Arc::default(),
            tokens: Arc::default(),
            clock: Arc::new(ManualClock::starting_now()),
            welcome,
            queues,
        }
    }

    /// Uses `port` for the queue port `P` (e.g. a fake `dyn ReportQueue` the test reads).
    #[must_use]
    pub fn with_queue<P: ?Sized + Send + Sync + 'static>(mut self, port: Arc<P>) -> Self {
        self.queues = self.queues.with(port);
        self
    }

    /// The shared ports: the fakes, without a cache.
    pub fn platform(&self) -> Platform {
        Platform {
            hasher: self.hasher.clone(),
            tokens: self.tokens.clone(),
            clock: self.clock.clone(),
            caching: None,
            cache_policy: self.settings.cache.policy(),
        }
    }

    /// Every feature wired on the database and [`Self::platform`].
    pub fn features(&self) -> Features {
        self.features_on(&self.platform())
    }

    /// Every feature wired on the database and `platform` (e.g. with a fake cache).
    pub fn features_on(&self, platform: &Platform) -> Features {
        wiring::features_on(&self.db.db, &self.settings, platform, None, self.queues.clone()).expect("wired")
    }

    /// The accounts use cases.
    pub fn accounts(&self) -> Accounts {
        self.features().expect()
    }

    /// Registers `name` (`name@example.com`, password `password123`) and returns the id.
    pub async fn user(&self, name: &str) -> UserId {
        let input = RegisterInput {
            username: Some(name.to_owned()),
            email: Some(format!("{name}@example.com")),
            password: Some("password123".to_owned()),
        };
        match self.accounts().users.register(input).await {
            Ok(user) => user.user.id,
            Err(e) => panic!("registering {name} failed: {e}"),
        }
    }
}

/// Declares one test per backend, `name::sqlite` and `name::postgres`, each calling
/// `async fn name(s: TestServices)`. Use as `infrastructure::use_cases_on_both_databases!(a, b);`.
#[macro_export]
macro_rules! use_cases_on_both_databases {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    let db = ::infrastructure::testing::TestDb::sqlite().await;
                    super::$name(::infrastructure::testing::TestServices::on(db).await).await;
                }

                #[tokio::test]
                async fn postgres() {
                    let db = ::infrastructure::testing::TestDb::postgres().await;
                    super::$name(::infrastructure::testing::TestServices::on(db).await).await;
                }
            }
        )*
    };
}
