//! Use cases of the service and the ports they need from the outside world.
//!
//! One folder per feature ([`accounts`], and the RealWorld example in `realworld`): its
//! ports (traits, held as `Arc<dyn Port>`), its use cases (one method per API operation)
//! and its cached reads. Beside them, the platform every feature uses: the cache read
//! path ([`cache`]), errors, the service's identity, and the shared ports ([`ports`]:
//! clock, hasher, tokens, cache, probes). Each feature's entry point (`Accounts::new`,
//! ...) builds its use cases from its ports and the shared [`Platform`], so the same code
//! runs against PostgreSQL, SQLite or in-memory fakes; [`Features`] holds what was wired.

pub mod accounts;
pub mod cache;
pub mod error;
pub mod features;
pub mod identity;
mod platform;
pub mod ports;
pub mod readiness;
//{% if realworld %} The RealWorld example (profiles, articles, comments, tags, reports).
pub mod realworld;
//{% endif %} Test doubles of the ports.

#[cfg(feature = "test-fakes")]
pub mod fakes;

pub use error::{RepoError, Unavailable, UseCaseError};
pub use features::{Features, FeaturesBuilder};
pub use platform::Platform;
