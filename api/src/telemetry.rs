//! Log set-up: human-readable lines in development, JSON lines in production.

use infrastructure::settings::{Environment, LogFormat, Settings};
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. `RUST_LOG`, when set, overrides `log.level`.
pub fn init(settings: &Settings) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&settings.log.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let json = match settings.log.format {
        LogFormat::Json => true,
        LogFormat::Pretty => false,
        LogFormat::Auto => settings.environment() == Environment::Production,
    };
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(ansi)
        .with_writer(std::io::stderr);
    // A second init (tests starting several apps) keeps the first subscriber.
    let _ = if json { builder.json().flatten_event(true).try_init() } else { builder.try_init() };
}
