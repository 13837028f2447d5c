//! The service's name and the names derived from it, each defined once here.
//!
//! A project generated from the template changes these three constants (the template
//! machinery does it) and nothing else.

/// Name of the service in logs, metrics and the OpenAPI document.
pub const SERVICE_NAME: &str = "strata";

/// Prefix of the service's environment variables (`STRATA_SERVER__PORT`, ...).
pub const ENV_PREFIX: &str = "STRATA_";

/// File name (SQLite, under `./data/`) and database name (PostgreSQL examples) used by default.
pub const DEFAULT_DB_NAME: &str = "strata";
