//! The platform's ports, used by every feature: cache, clock, password hashing, tokens,
//! dependency probes and pool monitoring. Each feature's own ports live in its folder
//! (`crate::accounts`, ...).
//!
//! Each trait documents what an adapter MUST guarantee. Adapters live in
//! `infrastructure`; in-memory fakes for tests live in `crate::fakes`.

mod cache;
mod health;
mod ops;
mod security;

pub use cache::{Cache, CacheError, Stamp};
pub use health::DependencyProbe;
pub use ops::{PoolMonitor, PoolStatus, WindowCount, WindowCounter};
pub use security::{Clock, PasswordHash, PasswordHasher, TokenClaims, TokenError, TokenService};
