//! The `api` binary: serves the HTTP API, or applies migrations and exits, or runs a
//! feature's subcommand (listed in `api::features`).

use std::path::PathBuf;
use std::process::ExitCode;

use api::startup::{Application, shutdown_signal};
use clap::{CommandFactory as _, FromArgMatches as _, Parser, Subcommand};
use infrastructure::Settings;

#[derive(Parser)]
#[command(version, about = "The HTTP API server")]
struct Cli {
    /// TOML config file (overrides the defaults; environment variables override it).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
}

/// The command line: the binary's own subcommands plus every feature's
/// (`api::features`, e.g. `admin`).
fn command_line() -> clap::Command {
    api::features::with_commands(Cli::command())
}

#[tokio::main]
async fn main() -> ExitCode {
    let matches = command_line().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        // A feature's subcommand is not one of `Command`'s: read only the global options.
        Err(_) => Cli { config: matches.get_one::<PathBuf>("config").cloned(), command: None },
    };
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let telemetry = match infrastructure::telemetry::init(&settings) {
        Ok(telemetry) => telemetry,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let feature = matches.subcommand().and_then(|(name, args)| Some((api::features::command(name)?, args.clone())));
    let result = match (feature, cli.command.unwrap_or(Command::Serve)) {
        (Some((command, args)), _) => (command.run)(settings, args).await,
        (None, Command::Serve) => serve(&settings).await,
        (None, Command::Migrate) => {
            infrastructure::migrate(&settings).await.map(|()| tracing::info!("migrations applied"))
        }
    };
    let code = match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            ExitCode::FAILURE
        }
    };
    telemetry.shutdown().await;
    code
}

/// Serves until SIGTERM or SIGINT, then drains in-flight requests.
async fn serve(settings: &Settings) -> anyhow::Result<()> {
    Application::build(settings).await?.run_until_stopped(shutdown_signal()).await
}
