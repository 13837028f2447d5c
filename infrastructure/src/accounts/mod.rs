//! Accounts: the sea-orm repositories of users and of the welcome job's record.

mod users;
mod welcome;

pub use users::SeaOrmUserRepository;
pub use welcome::SeaOrmWelcomeRepository;
