//! Accounts: registration, login, the current user and the welcome job, with the ports
//! they need (users, welcome records and queue), the cached user lookups and the
//! per-account login throttle.

mod cache;
#[cfg(feature = "test-fakes")]
pub mod fakes;
mod feature;
mod ports;
mod throttle;
mod users;
mod welcome;

pub use cache::CachedUserRepository;
#[cfg(feature = "test-fakes")]
pub use fakes::FakeWelcomeQueue;
pub use feature::{AccountPorts, Accounts};
pub use ports::{Credentials, NewUserRecord, UserRepository, UserUpdate, WelcomeJob, WelcomeQueue, WelcomeRepository};
pub use throttle::LoginThrottle;
pub use users::{AuthenticatedUser, LoginInput, RegisterInput, UpdateUserInput, UserService};
pub use welcome::{WelcomeOutcome, WelcomeService};
