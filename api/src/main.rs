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
    //{% if realworld %} The RealWorld example's report maintenance.
    /// Report maintenance.
    Reports {
        #[command(subcommand)]
        action: api::realworld::maintenance::ReportsAction,
    },
    //{% endif %} Account administration.
    /// Grant or revoke the admin role (operational endpoints and admin-only features).
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
}

/// Admin role changes.
#[derive(Subcommand)]
enum AdminAction {
    /// Make USERNAME an admin.
    Grant { username: String },
    /// Take the admin role away from USERNAME.
    Revoke { username: String },
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
    let telemetry = match infrastructure::telemetry::init(&settings) {
        Ok(telemetry) => telemetry,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(&settings).await,
        Command::Migrate => infrastructure::migrate(&settings).await.map(|()| tracing::info!("migrations applied")),
        //{% if realworld %} The RealWorld example's report maintenance.
        Command::Reports { action } => api::realworld::maintenance::run(&settings, action).await,
        //{% endif %} Account administration.
        Command::Admin { action } => set_admin(&settings, action).await,
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

async fn set_admin(settings: &Settings, action: AdminAction) -> anyhow::Result<()> {
    let (username, admin) = match action {
        AdminAction::Grant { username } => (username, true),
        AdminAction::Revoke { username } => (username, false),
    };
    let app = infrastructure::build(settings).await?;
    app.features
        .expect::<application::accounts::Accounts>()
        .users
        .set_admin(&username, admin)
        .await
        .map_err(|e| anyhow::anyhow!("{username}: {e}"))?;
    tracing::info!(%username, admin, "admin role updated");
    app.db.close().await?;
    Ok(())
}
