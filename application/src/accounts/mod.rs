//! Accounts: registration, login, the current user and the welcome job, with the ports
//! they need (users, welcome records and queue) and the cached user lookups.

mod cache;
mod feature;
mod ports;
mod users;
mod welcome;

pub use cache::CachedUserRepository;
pub use feature::{AccountPorts, Accounts};
pub use ports::{NewUserRecord, UserRepository, UserUpdate, WelcomeJob, WelcomeQueue, WelcomeRepository};
pub use users::{AuthenticatedUser, LoginInput, RegisterInput, UpdateUserInput, UserService};
pub use welcome::{WelcomeOutcome, WelcomeService};
