//! The `api` binary: serves the HTTP API, or applies migrations and exits.

use std::path::PathBuf;
use std::process::ExitCode;

use api::startup::{Application, shutdown_signal};
use clap::{Parser, Subcommand};
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

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = api::telemetry::init(&settings) {
        eprintln!("{e}");
        return ExitCode::from(2);
    }
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(&settings).await,
        Command::Migrate => infrastructure::migrate(&settings).await.map(|()| tracing::info!("migrations applied")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: &Settings) -> anyhow::Result<()> {
    Application::build(settings).await?.run_until_stopped(shutdown_signal()).await
}
