//! The HTTP layer of strata: axum routes, extractors, error mapping and OpenAPI.
//!
//! Handlers reach the use cases through [`AppState`]; everything a client can get
//! wrong is answered with an [`ApiError`] in RealWorld's JSON error shape.

pub mod dto;
pub mod error;
pub mod extract;

pub use error::{ApiError, ErrorBody};

/// What every handler can reach: the use cases. Cheap to clone (a few `Arc`s).
#[derive(Clone)]
pub struct AppState {
    pub services: application::Services,
}
