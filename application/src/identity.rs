//! The service's name and the names derived from it, each defined once here.
//!
//! They live in the innermost crate every binary depends on, so the HTTP layer (OpenAPI
//! title), the adapters (JWT issuer, settings) and the binaries share them. A project
//! generated from the template changes these three constants and nothing else.

/// Name of the service in logs, metrics and the OpenAPI document.
pub const SERVICE_NAME: &str = "strata";

/// Prefix of the service's environment variables (`STRATA_SERVER__PORT`, ...).
pub const ENV_PREFIX: &str = "STRATA_";

/// File name (SQLite, under `./data/`) and database name (PostgreSQL examples) used by default.
pub const DEFAULT_DB_NAME: &str = "strata";
