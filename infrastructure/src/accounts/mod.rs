//! Accounts: the `users` table (entity and migrations), the sea-orm repositories of users
//! and of the welcome job's record, and the feature's wiring (with the per-account login
//! throttle).

pub mod entities;
mod migrations;
mod users;
mod welcome;

pub(crate) use migrations::SCHEMA;
pub use users::SeaOrmUserRepository;
pub use welcome::SeaOrmWelcomeRepository;

use std::sync::Arc;

use application::FeaturesBuilder;
use application::accounts::{AccountPorts, Accounts, LoginThrottle, WelcomeJob, WelcomeQueue};
use application::ports::WindowCounter;

use crate::identity::SERVICE_NAME;
use crate::jobs::{ApalisQueue, Envelope};
use crate::rate_limit::{InMemoryWindowCounter, RedisWindowCounter};
use crate::wiring::Wiring;

/// The accounts' entry in `wiring::FEATURES`: wired first, no settings of its own (its
/// settings are the platform's `auth` and `jobs.welcome_queue`).
pub const FEATURE: crate::wiring::Feature = crate::wiring::Feature { wire, settings: &[], schema: Some(&SCHEMA) };

/// Registers the accounts use cases on the database and the welcome queue.
///
/// # Errors
/// No welcome queue is wired.
pub fn wire(wiring: &Wiring<'_>, features: &mut FeaturesBuilder) -> anyhow::Result<()> {
    let ports = AccountPorts {
        users: Arc::new(SeaOrmUserRepository::new(wiring.db.clone())),
        welcome_records: Arc::new(SeaOrmWelcomeRepository::new(wiring.db.clone())),
        welcome_queue: wiring.queues.port::<dyn WelcomeQueue>(|queues| {
            Arc::new(ApalisQueue::new(queues.storage::<Envelope<WelcomeJob>>(&wiring.settings.jobs.welcome_queue)))
        })?,
    };
    features.insert(Accounts::new(ports, wiring.platform).with_login_throttle(login_throttle(wiring)));
    Ok(())
}

/// The per-account login throttle, counting where the rate limits count: in Redis when
/// they are shared, else in this process.
fn login_throttle(wiring: &Wiring<'_>) -> Option<LoginThrottle> {
    let settings = &wiring.settings.http;
    let counter: Arc<dyn WindowCounter> = match wiring.redis.filter(|_| settings.rate_limit.shared) {
        Some(redis) => Arc::new(RedisWindowCounter::new(redis.clone(), format!("{SERVICE_NAME}:loginthrottle:"))),
        None => Arc::new(InMemoryWindowCounter::default()),
    };
    LoginThrottle::new(counter, settings.login_throttle.max_failures, settings.login_throttle.window())
}
