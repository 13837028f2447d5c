//! Log set-up: human-readable lines in development, JSON lines in production.

use infrastructure::settings::{Environment, LogFormat, Settings};
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. `RUST_LOG`, when set, overrides `log.level`.
///
/// # Errors
/// `RUST_LOG` or `log.level` is not a valid filter (named in the message).
pub fn init(settings: &Settings) -> Result<(), String> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(value) => {
            EnvFilter::try_new(&value).map_err(|e| format!("RUST_LOG {value:?} is not a valid filter: {e}"))?
        }
        Err(_) => EnvFilter::try_new(&settings.log.level).map_err(|e| {
            format!("configuration error: setting `log.level` {:?} is not a valid filter: {e}", settings.log.level)
        })?,
    };
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
    Ok(())
}
