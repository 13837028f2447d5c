//! Layered settings: defaults, then an optional TOML file, then the conventional
//! environment variables (`DATABASE_URL`, `REDIS_URL`, `HOST`, `PORT`, the `OTEL_*` trace ones), then variables
//! with the service prefix (`identity::ENV_PREFIX`: `<PREFIX>DATABASE__URL`, `<PREFIX>SERVER__PORT`, ...), each
//! layer overriding the one before. Parsed once at start-up; a wrong value stops the
//! process with a message naming the setting. `docs/configuration.md` lists them all.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use crate::identity::{DEFAULT_DB_NAME, ENV_PREFIX};
use crate::jobs::JobsSettings;

/// The JWT secret used when none is configured. Fine on a laptop; refused in production.
pub const DEV_JWT_SECRET: &str = "development-only-secret-change-me-in-production-0123456789";

/// Where the service runs; decides which unsafe defaults are tolerated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Development,
    Production,
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable in development, JSON lines in production.
    Auto,
    Pretty,
    Json,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    /// How long in-flight requests may take to finish after SIGTERM/SIGINT.
    pub shutdown_timeout_secs: u64,
    /// A client must send a request's whole header within this long of the server
    /// starting to wait for it (connection opened, or previous response sent), or the
    /// connection is closed: slow-header clients would hold a connection and a task each
    /// for as long as they like. Also closes keep-alive connections idle for this long.
    pub header_read_timeout_secs: u64,
    /// Open connections served at once; further ones wait in the kernel's accept backlog
    /// (no task, no memory of ours) until one closes. 0 = no limit.
    pub max_connections: usize,
    /// Requests handled at once; one over it is answered 503 with `Retry-After` at once,
    /// never queued. `/health`, `/ready` and `/metrics` are not counted. 0 = no limit.
    pub max_in_flight_requests: usize,
    /// After SIGTERM/SIGINT, how long `/ready` answers 503 while everything else is still
    /// served, so load balancers stop sending traffic before the listener closes.
    pub drain_delay_secs: u64,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".to_owned(),
            port: 8080,
            shutdown_timeout_secs: 30,
            header_read_timeout_secs: 10,
            max_connections: 4096,
            max_in_flight_requests: 512,
            drain_delay_secs: 5,
        }
    }
}

impl ServerSettings {
    pub fn header_read_timeout(&self) -> Duration {
        Duration::from_secs(self.header_read_timeout_secs)
    }

    pub fn drain_delay(&self) -> Duration {
        Duration::from_secs(self.drain_delay_secs)
    }

    /// Whether `host` can only be reached from this machine: `localhost`, or an IP in
    /// 127.0.0.0/8 or `::1`. Anything else (`0.0.0.0`, `::`, another address, a host name
    /// that could resolve to one) counts as reachable from other machines.
    pub fn is_loopback(&self) -> bool {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DatabaseSettings {
    /// `sqlite://path/file.db` (created if missing) or `postgres://user:pass@host:port/db`.
    pub url: String,
    pub max_connections: u32,
    pub min_connections: u32,
    pub acquire_timeout_secs: u64,
    pub idle_timeout_secs: u64,
    pub max_lifetime_secs: u64,
    /// Prepared statements cached per connection.
    pub statement_cache_capacity: usize,
    /// Run pending migrations at start-up (turn off when deployments migrate first).
    pub migrate_on_start: bool,
    /// PostgreSQL only: the server cancels any statement running longer than this, so a
    /// slow query cannot hold a pool connection indefinitely. 0 = no limit.
    pub statement_timeout_ms: u64,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: format!("sqlite://data/{DEFAULT_DB_NAME}.db"),
            max_connections: 10,
            min_connections: 1,
            acquire_timeout_secs: 5,
            idle_timeout_secs: 600,
            max_lifetime_secs: 1800,
            statement_cache_capacity: 100,
            migrate_on_start: true,
            statement_timeout_ms: 10_000,
        }
    }
}

impl DatabaseSettings {
    pub fn is_postgres(&self) -> bool {
        self.url.starts_with("postgres://") || self.url.starts_with("postgresql://")
    }

    pub fn is_sqlite(&self) -> bool {
        self.url.starts_with("sqlite:")
    }

    pub fn acquire_timeout(&self) -> Duration {
        Duration::from_secs(self.acquire_timeout_secs)
    }

    pub fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.idle_timeout_secs)
    }

    pub fn max_lifetime(&self) -> Duration {
        Duration::from_secs(self.max_lifetime_secs)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RedisSettings {
    /// `redis://host:port/db`; unset runs without Redis (the embedded default).
    pub url: Option<String>,
    /// Upper bound for one command's round trip; a hung Redis must not stall requests.
    pub command_timeout_ms: u64,
    /// Upper bound for (re)connecting.
    pub connect_timeout_ms: u64,
}

impl Default for RedisSettings {
    fn default() -> Self {
        Self { url: None, command_timeout_ms: 250, connect_timeout_ms: 1000 }
    }
}

impl RedisSettings {
    pub fn command_timeout(&self) -> Duration {
        Duration::from_millis(self.command_timeout_ms)
    }

    pub fn connect_timeout(&self) -> Duration {
        Duration::from_millis(self.connect_timeout_ms)
    }
}

#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuthSettings {
    /// HS256 signing key, at least 32 bytes. Never logged.
    pub jwt_secret: String,
    pub token_ttl_secs: u64,
    /// argon2id memory cost in KiB (OWASP: 19456).
    pub argon2_memory_kib: u32,
    /// argon2id passes (OWASP: 2).
    pub argon2_iterations: u32,
    /// argon2id lanes (OWASP: 1).
    pub argon2_parallelism: u32,
    /// Hashes computed at once; more wait, so hashing cannot starve the CPU. 0 = CPU count.
    pub max_concurrent_hashes: usize,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            jwt_secret: DEV_JWT_SECRET.to_owned(),
            token_ttl_secs: 7 * 24 * 3600,
            argon2_memory_kib: 19_456,
            argon2_iterations: 2,
            argon2_parallelism: 1,
            max_concurrent_hashes: 0,
        }
    }
}

impl AuthSettings {
    /// Where the signing key comes from, for the start-up line: `configured` or
    /// `development-default` (never the key itself).
    pub fn secret_source(&self) -> &'static str {
        if self.jwt_secret == DEV_JWT_SECRET { "development-default" } else { "configured" }
    }
}

impl std::fmt::Debug for AuthSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthSettings")
            .field("jwt_secret", &"***")
            .field("token_ttl_secs", &self.token_ttl_secs)
            .field("argon2_memory_kib", &self.argon2_memory_kib)
            .field("argon2_iterations", &self.argon2_iterations)
            .field("argon2_parallelism", &self.argon2_parallelism)
            .field("max_concurrent_hashes", &self.max_concurrent_hashes)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogSettings {
    /// A `tracing` filter such as `info` or `info,sqlx=warn`; `RUST_LOG` wins when set.
    pub level: String,
    pub format: LogFormat,
}

impl Default for LogSettings {
    fn default() -> Self {
        // PostgreSQL notices ("relation ... already exists, skipping" during migrations)
        // are not worth an INFO line each.
        Self { level: "info,sqlx::postgres::notice=warn".to_owned(), format: LogFormat::Auto }
    }
}

/// The HTTP layer: timeouts, limits, CORS, rate limits and metrics (see
/// `docs/configuration.md`, "HTTP layer").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HttpSettings {
    /// Requests slower than this are logged once at WARN.
    pub slow_request_ms: u64,
    /// A request still running after this gets a 503 and is dropped.
    pub request_timeout_secs: u64,
    /// Largest accepted request body; bigger ones get a 413.
    pub body_limit_bytes: usize,
    /// Compress (gzip or br, as the client accepts) response bodies of at least this size.
    pub compression_min_bytes: u16,
    /// Origins allowed to call the API from a browser; empty = no CORS headers, `["*"]` = any.
    pub cors_origins: Vec<String>,
    /// Take the client IP from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_forwarded_for: bool,
    /// Serve `/metrics` and record request metrics.
    pub metrics: bool,
    /// The whole middleware stack (headers, compression, limits, metrics...). Off only to
    /// measure what the stack costs; never in production.
    pub middleware: bool,
    /// Adds `GET /debug/panic` and `GET /debug/sleep?ms=` (tests of the panic guard and the
    /// timeout only; never turn on in production).
    pub debug_routes: bool,
    pub rate_limit: RateLimitSettings,
    pub login_throttle: LoginThrottleSettings,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            slow_request_ms: 1000,
            request_timeout_secs: 30,
            body_limit_bytes: 1024 * 1024,
            compression_min_bytes: 1024,
            cors_origins: Vec::new(),
            trust_forwarded_for: false,
            metrics: true,
            middleware: true,
            debug_routes: false,
            rate_limit: RateLimitSettings::default(),
            login_throttle: LoginThrottleSettings::default(),
        }
    }
}

impl HttpSettings {
    pub fn slow_request(&self) -> Duration {
        Duration::from_millis(self.slow_request_ms)
    }

    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }
}

/// Per-client-IP request limits, counted in fixed windows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RateLimitSettings {
    pub enabled: bool,
    /// Length of one counting window.
    pub window_ms: u64,
    /// Requests per window and client IP, over all rate-limited routes.
    pub general: u32,
    /// Requests per window and client IP to `POST /api/users/login` and `POST /api/users`.
    pub auth: u32,
    /// Count in Redis (when `redis.url` is set), so all instances share one limit.
    pub shared: bool,
    /// IPv6 clients are counted per network of this many leading bits (1..=128): one
    /// subscriber usually holds a whole /64. `128` counts each address alone. IPv4
    /// addresses are always counted alone.
    pub ipv6_prefix: u8,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self { enabled: true, window_ms: 60_000, general: 600, auth: 20, shared: true, ipv6_prefix: 64 }
    }
}

impl RateLimitSettings {
    pub fn window(&self) -> Duration {
        Duration::from_millis(self.window_ms)
    }
}

/// Failed logins per account (the normalised e-mail), counted where the rate limits
/// count (Redis when `http.rate_limit.shared` and `redis.url` are set, else in process).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LoginThrottleSettings {
    /// Failed logins allowed per window; further attempts get a 429 without the password
    /// being checked. `0` turns the throttle off.
    pub max_failures: u32,
    /// Length of the window, from the first failure; `0` turns the throttle off.
    pub window_secs: u64,
}

impl Default for LoginThrottleSettings {
    fn default() -> Self {
        Self { max_failures: 5, window_secs: 300 }
    }
}

impl LoginThrottleSettings {
    pub fn window(&self) -> Duration {
        Duration::from_secs(self.window_secs)
    }
}

/// Every setting of the service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// `development` or `production`; when unset, production exactly when the database
    /// is PostgreSQL.
    pub environment: Option<Environment>,
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub redis: RedisSettings,
    pub auth: AuthSettings,
    pub log: LogSettings,
    pub http: HttpSettings,
    pub cache: crate::cache::CacheSettings,
    /// Background jobs: queue backend, worker, retries (see `infrastructure::jobs`).
    pub jobs: JobsSettings,
    /// OpenTelemetry trace export (see `crate::telemetry`).
    pub traces: crate::telemetry::TracesSettings,
    /// The features' own sections (`[reports]` of the RealWorld example, ...) by name, as
    /// configured: each feature registers its [`SettingsSection`] with its entry point in
    /// `wiring::FEATURES` and reads it with [`Settings::section`].
    #[serde(flatten)]
    pub features: BTreeMap<String, figment::value::Value>,
}

/// A feature's own settings section, registered with the feature (`wiring::Feature`), so
/// that the platform's settings name no feature: its defaults are part of
/// `Settings::default()` (and so of the documented settings), it is checked with the
/// rest, and settings it took over from the platform's sections are refused by their old
/// names instead of being silently ignored.
pub struct SettingsSection {
    /// The section's name: `[name]` in the config file, `<PREFIX>NAME__KEY` in the environment.
    pub name: &'static str,
    /// Its defaults (see [`SettingsSection::defaults_of`]).
    pub defaults: fn() -> figment::value::Value,
    /// Checks the section, and what it needs of the other settings.
    pub validate: fn(&Settings) -> Result<(), SettingsError>,
    /// Settings that moved into this section, `(old name, new name)`.
    pub renamed: &'static [(&'static str, &'static str)],
}

impl SettingsSection {
    /// The defaults of a section type, for [`SettingsSection::defaults`].
    ///
    /// # Panics
    /// When `T` does not serialise to a map, a bug every settings test shows.
    pub fn defaults_of<T: Default + Serialize>() -> figment::value::Value {
        figment::value::Value::serialize(T::default()).expect("a settings section serialises")
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            environment: None,
            server: ServerSettings::default(),
            database: DatabaseSettings::default(),
            redis: RedisSettings::default(),
            auth: AuthSettings::default(),
            log: LogSettings::default(),
            http: HttpSettings::default(),
            cache: crate::cache::CacheSettings::default(),
            jobs: JobsSettings::default(),
            traces: crate::telemetry::TracesSettings::default(),
            features: crate::wiring::settings_sections()
                .map(|section| (section.name.to_owned(), (section.defaults)()))
                .collect(),
        }
    }
}

/// A setting that cannot be used, with the setting's name.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("configuration error: {0}")]
    Parse(Box<figment::Error>),
    #[error("configuration error: setting `{setting}` {problem}")]
    Invalid { setting: &'static str, problem: String },
    #[error("configuration error: config file {0} does not exist")]
    MissingFile(PathBuf),
}

fn invalid(setting: &'static str, problem: impl Into<String>) -> SettingsError {
    SettingsError::Invalid { setting, problem: problem.into() }
}

/// Environment variable naming the config file (default: `config/<service>.toml` if present).
pub fn config_file_var() -> String {
    format!("{ENV_PREFIX}CONFIG")
}

impl Settings {
    /// Loads the layers from the real environment. `file` (or the `<PREFIX>CONFIG`
    /// variable) names a config file that must exist; without either, `config/<db name>.toml`
    /// is read if present.
    ///
    /// # Errors
    /// A value of the wrong type, or one that fails [`Settings::validate`].
    pub fn load(file: Option<&Path>) -> Result<Self, SettingsError> {
        let explicit = file.map(Path::to_path_buf).or_else(|| std::env::var_os(config_file_var()).map(PathBuf::from));
        let path = match explicit {
            Some(path) if !path.exists() => return Err(SettingsError::MissingFile(path)),
            Some(path) => Some(path),
            None => Some(PathBuf::from(format!("config/{DEFAULT_DB_NAME}.toml"))).filter(|p| p.exists()),
        };
        Self::from_figment(Self::figment(path.as_deref()))
    }

    /// The layered sources, without extracting them (tests add their own layers).
    pub fn figment(file: Option<&Path>) -> Figment {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(file) = file {
            figment = figment.merge(Toml::file_exact(file));
        }
        let conventional = Env::raw().only(&["DATABASE_URL", "REDIS_URL", "HOST", "PORT"]).map(|key| {
            match key.as_str().to_ascii_uppercase().as_str() {
                "DATABASE_URL" => "database.url".into(),
                "REDIS_URL" => "redis.url".into(),
                "HOST" => "server.host".into(),
                _ => "server.port".into(),
            }
        });
        let prefixed = Env::prefixed(ENV_PREFIX).split("__").ignore(&["CONFIG"]);
        figment.merge(conventional).merge(crate::telemetry::otel_variables()).merge(prefixed)
    }

    /// # Errors
    /// As for [`Settings::load`].
    pub fn from_figment(figment: Figment) -> Result<Self, SettingsError> {
        for section in crate::wiring::settings_sections() {
            if let Some((old, new)) = section.renamed.iter().find(|(old, _)| figment.contains(old)) {
                return Err(invalid(old, format!("was renamed to `{new}`: set that instead")));
            }
        }
        let mut settings: Self = figment.extract().map_err(|e| SettingsError::Parse(Box::new(e)))?;
        settings.validate()?;
        settings.jobs.backend = settings.jobs.backend.resolve(settings.database.is_postgres());
        Ok(settings)
    }

    /// A feature's section, typed (its defaults when the section is absent).
    ///
    /// # Errors
    /// A value of the wrong type in the section.
    pub fn section<T: Default + for<'de> Deserialize<'de>>(&self, name: &'static str) -> Result<T, SettingsError> {
        match self.features.get(name) {
            Some(value) => value.deserialize().map_err(|e| invalid(name, e.to_string())),
            None => Ok(T::default()),
        }
    }

    /// Replaces a feature's section (tests and tools that build settings in code).
    ///
    /// # Panics
    /// When `section` does not serialise, a bug the first test using it shows.
    pub fn set_section<T: Serialize>(&mut self, name: &'static str, section: &T) {
        let value = figment::value::Value::serialize(section).expect("a settings section serialises");
        self.features.insert(name.to_owned(), value);
    }

    /// The environment in force: as configured, else production for PostgreSQL.
    pub fn environment(&self) -> Environment {
        self.environment.unwrap_or(if self.database.is_postgres() {
            Environment::Production
        } else {
            Environment::Development
        })
    }

    /// Checks values that have the right type but cannot work.
    ///
    /// # Errors
    /// The first unusable setting, by name.
    pub fn validate(&self) -> Result<(), SettingsError> {
        let db = &self.database;
        if !db.is_postgres() && !db.is_sqlite() {
            return Err(invalid("database.url", "must start with sqlite: or postgres://"));
        }
        if db.max_connections == 0 {
            return Err(invalid("database.max_connections", "must be at least 1"));
        }
        if db.min_connections > db.max_connections {
            return Err(invalid("database.min_connections", "must not exceed database.max_connections"));
        }
        if db.acquire_timeout_secs == 0 {
            return Err(invalid("database.acquire_timeout_secs", "must be at least 1"));
        }
        if let Some(url) = &self.redis.url
            && !(url.starts_with("redis://") || url.starts_with("rediss://"))
        {
            return Err(invalid("redis.url", "must start with redis:// or rediss://"));
        }
        // Names are resolved when binding; refuse only what can never be a host.
        let host = &self.server.host;
        if host.is_empty() || host.contains(|c: char| c.is_whitespace() || c == '/' || c == '@') {
            return Err(invalid("server.host", "must be an IP address or a host name (e.g. 127.0.0.1 or 0.0.0.0)"));
        }
        if self.server.header_read_timeout_secs == 0 {
            return Err(invalid("server.header_read_timeout_secs", "must be at least 1"));
        }
        self.validate_auth()?;
        self.validate_http()?;
        self.cache.validate()?;
        self.jobs.validate(self.database.is_postgres(), self.redis.url.is_some())?;
        for section in crate::wiring::settings_sections() {
            (section.validate)(self)?;
        }

        self.traces.validate()?;
        if self.log.level.trim().is_empty() {
            return Err(invalid("log.level", "must not be empty"));
        }
        Ok(())
    }

    fn validate_http(&self) -> Result<(), SettingsError> {
        let http = &self.http;
        if http.request_timeout_secs == 0 {
            return Err(invalid("http.request_timeout_secs", "must be at least 1"));
        }
        if http.body_limit_bytes == 0 {
            return Err(invalid("http.body_limit_bytes", "must be at least 1"));
        }
        if let Some(origin) = http
            .cors_origins
            .iter()
            .find(|o| o.as_str() != "*" && !(o.starts_with("http://") || o.starts_with("https://")) || o.ends_with('/'))
        {
            return Err(invalid(
                "http.cors_origins",
                format!("{origin:?} must be \"*\" or an origin like https://app.example.com"),
            ));
        }
        let limits = &http.rate_limit;
        if limits.enabled && (limits.window_ms == 0 || limits.general == 0 || limits.auth == 0) {
            return Err(invalid("http.rate_limit", "window_ms, general and auth must be at least 1 when enabled"));
        }
        if !(1..=128).contains(&limits.ipv6_prefix) {
            return Err(invalid("http.rate_limit.ipv6_prefix", "must be between 1 and 128 (bits of the IPv6 network)"));
        }
        Ok(())
    }

    fn validate_auth(&self) -> Result<(), SettingsError> {
        let auth = &self.auth;
        // The development secret is public (it is in the template's source): anyone who
        // can reach the server could sign tokens for any user with it.
        if auth.jwt_secret == DEV_JWT_SECRET {
            let why = if self.environment() == Environment::Production {
                Some("production refuses".to_owned())
            } else if !self.server.is_loopback() {
                Some(format!("a server listening on {} (not loopback) refuses", self.server.host))
            } else {
                None
            };
            if let Some(why) = why {
                return Err(invalid(
                    "auth.jwt_secret",
                    format!(
                        "is the built-in development secret, which {why}: set {ENV_PREFIX}AUTH__JWT_SECRET to a \
                         random string of at least 32 characters"
                    ),
                ));
            }
        }
        if auth.jwt_secret.len() < 32 {
            return Err(invalid("auth.jwt_secret", "must be at least 32 bytes long"));
        }
        if auth.token_ttl_secs == 0 {
            return Err(invalid("auth.token_ttl_secs", "must be at least 1"));
        }
        argon2::Params::new(auth.argon2_memory_kib, auth.argon2_iterations, auth.argon2_parallelism, None)
            .map_err(|e| invalid("auth.argon2_*", format!("are not valid argon2 parameters: {e}")))?;
        Ok(())
    }
}

#[cfg(test)]
// figment::Jail's closures must return figment's own (large) error type.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;
    use figment::providers::Serialized as S;

    fn with(key: &str, value: impl Serialize) -> Result<Settings, SettingsError> {
        Settings::from_figment(Figment::from(S::defaults(Settings::default())).merge(S::default(key, value)))
    }

    #[test]
    fn defaults_are_the_embedded_development_mode() {
        let settings = Settings::from_figment(Figment::from(S::defaults(Settings::default()))).expect("valid");
        assert!(settings.database.is_sqlite());
        assert_eq!(settings.environment(), Environment::Development);
        assert_eq!(settings.server.port, 8080);
    }

    #[test]
    fn postgres_without_a_secret_is_refused_with_the_setting_named() {
        let err = with("database.url", "postgres://localhost/db").expect_err("dev secret in production");
        assert!(err.to_string().contains("auth.jwt_secret"), "{err}");
    }

    #[test]
    fn the_default_queue_is_resolved_at_load_from_the_database_kind() {
        let embedded = Settings::from_figment(Figment::from(S::defaults(Settings::default()))).expect("valid");
        assert_eq!(embedded.jobs.backend, crate::jobs::JobsBackend::Sqlite);
        let production = Figment::from(S::defaults(Settings::default()))
            .merge(S::default("database.url", "postgres://localhost/db"))
            .merge(S::default("auth.jwt_secret", "a-production-secret-of-at-least-32-chars"))
            .merge(S::default("redis.url", "redis://127.0.0.1:6379"));
        let production = Settings::from_figment(production).expect("valid");
        assert_eq!(production.jobs.backend, crate::jobs::PRODUCTION_BACKEND);
    }

    #[test]
    fn a_wrong_type_names_the_setting() {
        let err = with("server.port", "eighty").expect_err("not a number");
        assert!(err.to_string().contains("port"), "{err}");
    }

    #[test]
    fn an_unknown_database_scheme_is_refused() {
        let err = with("database.url", "mysql://x").expect_err("unsupported");
        assert!(err.to_string().contains("database.url"), "{err}");
    }

    #[test]
    fn conventional_and_prefixed_variables_are_layered_in_order() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("PORT", "9000");
            jail.set_env("DATABASE_URL", "sqlite://other.db");
            let settings = Settings::from_figment(Settings::figment(None)).map_err(|e| e.to_string())?;
            assert_eq!(settings.server.port, 9000);
            jail.set_env(format!("{ENV_PREFIX}SERVER__PORT"), "9100");
            let settings = Settings::from_figment(Settings::figment(None)).map_err(|e| e.to_string())?;
            assert_eq!(settings.server.port, 9100);
            assert_eq!(settings.database.url, "sqlite://other.db");
            Ok(())
        });
    }

    #[test]
    fn a_config_file_sits_between_defaults_and_environment() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "app.toml",
                "[server]\nport = 7000\nhost = \"0.0.0.0\"\n[auth]\njwt_secret = \"a-file-secret-of-at-least-32-characters\"\n",
            )?;
            jail.set_env("PORT", "7100");
            let settings =
                Settings::from_figment(Settings::figment(Some(Path::new("app.toml")))).map_err(|e| e.to_string())?;
            assert_eq!((settings.server.host.as_str(), settings.server.port), ("0.0.0.0", 7100));
            Ok(())
        });
    }

    #[test]
    fn the_development_secret_is_refused_on_a_non_loopback_host() {
        for host in ["0.0.0.0", "::", "192.168.1.10", "api.internal"] {
            let err = with("server.host", host).expect_err("dev secret reachable from other machines");
            let message = err.to_string();
            assert!(message.contains("auth.jwt_secret") && message.contains("AUTH__JWT_SECRET"), "{message}");
            assert!(!message.contains(DEV_JWT_SECRET), "{message}");
        }
        for host in ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"] {
            let settings = with("server.host", host).unwrap_or_else(|e| panic!("{host}: {e}"));
            assert_eq!(settings.auth.secret_source(), "development-default");
        }
        let configured = Figment::from(S::defaults(Settings::default()))
            .merge(S::default("server.host", "0.0.0.0"))
            .merge(S::default("auth.jwt_secret", "a-configured-secret-of-at-least-32-chars"));
        assert_eq!(Settings::from_figment(configured).expect("valid").auth.secret_source(), "configured");
    }

    #[test]
    fn host_names_are_accepted_and_garbage_refused() {
        let named = Figment::from(S::defaults(Settings::default()))
            .merge(S::default("server.host", "api.internal"))
            .merge(S::default("auth.jwt_secret", "a-configured-secret-of-at-least-32-chars"));
        assert_eq!(Settings::from_figment(named).expect("host name").server.host, "api.internal");
        let err = with("server.host", "not a host").expect_err("spaces");
        assert!(err.to_string().contains("server.host"), "{err}");
    }

    #[test]
    fn http_settings_are_checked_by_name() {
        let err = with("http.request_timeout_secs", 0).expect_err("zero timeout");
        assert!(err.to_string().contains("http.request_timeout_secs"), "{err}");
        let err = with("http.cors_origins", ["app.example.com"]).expect_err("no scheme");
        assert!(err.to_string().contains("http.cors_origins"), "{err}");
        assert!(with("http.cors_origins", ["https://app.example.com"]).is_ok());
        for prefix in [0, 129] {
            let err = with("http.rate_limit.ipv6_prefix", prefix).expect_err("outside 1..=128");
            assert!(err.to_string().contains("http.rate_limit.ipv6_prefix"), "{err}");
        }
        assert!(with("http.rate_limit.ipv6_prefix", 128).is_ok());
        let err = with("http.rate_limit.general", 0).expect_err("zero limit");
        assert!(err.to_string().contains("http.rate_limit"), "{err}");
    }

    #[test]
    fn the_secret_is_not_printed() {
        assert!(!format!("{:?}", Settings::default()).contains(DEV_JWT_SECRET));
    }
}
