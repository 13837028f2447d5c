//! The service's name and the names derived from it, each defined once here.
//!
//! They live in the innermost crate every binary depends on, so the HTTP layer (OpenAPI
//! title), the adapters (JWT issuer, settings, Redis key prefixes) and the binaries share
//! them. `cargo generate` rewrites the three values below from the project name (see
//! docs/template.md); everything else in Rust refers to these constants.

/// Name of the service in logs, metrics, Redis key prefixes and the OpenAPI document.{% if false %}
pub const SERVICE_NAME: &str = "strata";
//{% endif %}{{ nl }}pub const SERVICE_NAME: &str = "{{ project_kebab }}";

/// Prefix of the service's environment variables (`<PREFIX>SERVER__PORT`, ...).{% if false %}
pub const ENV_PREFIX: &str = "STRATA_";
//{% endif %}{{ nl }}pub const ENV_PREFIX: &str = "{{ env_prefix }}";

/// File name (SQLite, under `./data/`) and database name (PostgreSQL examples) used by default.{% if false %}
pub const DEFAULT_DB_NAME: &str = "strata";
//{% endif %}{{ nl }}pub const DEFAULT_DB_NAME: &str = "{{ project_snake }}";
