//! The accounts feature's entry point: its ports in, its use cases out.

use std::sync::Arc;

use super::{
    CachedUserRepository, LoginThrottle, UserRepository, UserService, WelcomeQueue, WelcomeRepository, WelcomeService,
};
use crate::Platform;

/// The adapters the accounts feature needs.
#[derive(Clone)]
pub struct AccountPorts {
    pub users: Arc<dyn UserRepository>,
    pub welcome_records: Arc<dyn WelcomeRepository>,
    pub welcome_queue: Arc<dyn WelcomeQueue>,
}

/// The accounts use cases, cheap to clone.
#[derive(Clone)]
pub struct Accounts {
    pub users: UserService,
    pub welcome: WelcomeService,
    /// The users port as the use cases see it (cached when caching is on), for features
    /// that read accounts (reports check the admin flag).
    pub user_records: Arc<dyn UserRepository>,
}

impl Accounts {
    pub fn new(ports: AccountPorts, platform: &Platform) -> Self {
        let users: Arc<dyn UserRepository> = match &platform.caching {
            Some(caching) => Arc::new(CachedUserRepository::new(ports.users, caching.clone())),
            None => ports.users,
        };
        let welcome = WelcomeService::new(ports.welcome_records, ports.welcome_queue, platform.clock.clone());
        Self {
            users: UserService::new(users.clone(), platform.hasher.clone(), platform.tokens.clone(), welcome.clone()),
            welcome,
            user_records: users,
        }
    }

    /// With failed logins throttled per account (`None`: not throttled).
    #[must_use]
    pub fn with_login_throttle(mut self, throttle: Option<LoginThrottle>) -> Self {
        if let Some(throttle) = throttle {
            self.users = self.users.with_login_throttle(throttle);
        }
        self
    }
}
