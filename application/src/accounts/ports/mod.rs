//! The accounts ports: what an adapter MUST guarantee is stated on each trait.

mod users;
mod welcome;

pub use users::{Credentials, NewUserRecord, UserRepository, UserUpdate};
pub use welcome::{WelcomeJob, WelcomeQueue, WelcomeRepository};
