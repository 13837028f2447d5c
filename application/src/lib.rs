//! Use cases of the service and the ports they need from the outside world.
//!
//! One folder per feature ([`accounts`], and the RealWorld example in `realworld`): its
//! ports (traits, held as `Arc<dyn Port>`), its use cases (one method per API operation)
//! and its cached reads. Beside them, the platform every feature uses: the cache read
//! path ([`cache`]), errors, the service's identity, and the shared ports ([`ports`]:
//! clock, hasher, tokens, cache, probes). [`services`] assembles every feature's use cases
//! from their ports, so the same code runs against PostgreSQL, SQLite or in-memory fakes.

pub mod accounts;
pub mod cache;
pub mod error;
pub mod identity;
pub mod ports;
//{% if realworld %} The RealWorld example (profiles, articles, comments, tags, reports).
pub mod realworld;
//{% endif %} Every feature's use cases, assembled from their ports.
pub mod services;

#[cfg(feature = "test-fakes")]
pub mod fakes;

pub use error::{RepoError, Unavailable, UseCaseError};
pub use services::{Ports, Services};
