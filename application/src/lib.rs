//! Use cases of the service and the ports they need from the outside world.
//!
//! Every operation of the API is one method of a service in [`usecases`]; services
//! depend only on the traits in [`ports`], held as `Arc<dyn Port>`, so the same code runs
//! against PostgreSQL, SQLite or the in-memory fakes used by unit tests.

pub mod cache;
pub mod error;
pub mod identity;
pub mod ports;
pub mod usecases;

#[cfg(feature = "test-fakes")]
pub mod fakes;

pub use error::{RepoError, UseCaseError};
pub use usecases::{Ports, Services};
