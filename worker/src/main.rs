//! The `worker` binary: runs background jobs from the configured queue until SIGTERM/SIGINT.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use infrastructure::Settings;
use infrastructure::shutdown::shutdown_signal;

#[derive(Parser)]
#[command(version, about = "Runs background jobs")]
struct Cli {
    /// TOML config file (overrides the defaults; environment variables override it).
    #[arg(long)]
    config: Option<PathBuf>,
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
    let code = match run(&settings).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            ExitCode::FAILURE
        }
    };
    telemetry.shutdown().await;
    code
}

async fn run(settings: &Settings) -> anyhow::Result<()> {
    let probes = worker::metrics::Probes::default();
    let metrics = match settings.jobs.metrics_port {
        Some(port) => Some(serve_metrics(&settings.jobs.metrics_host, port, probes.clone()).await?),
        None => None,
    };
    let app = infrastructure::build(settings).await?;
    // `/ready` fails only on what the worker cannot run jobs without (the probes marked
    // required: database, queue); Redis as a cache shows as `degraded`.
    let _ = probes.set(app.probes.clone());
    let result = worker::run(app.features, app.jobs, settings.clone(), shutdown_signal()).await;
    if let Some(metrics) = metrics {
        metrics.abort();
    }
    result
}

/// Installs the Prometheus recorder (the same as the API's) and serves it, `/health`
/// and `/ready` on `host:port` (`jobs.metrics_host`, `jobs.metrics_port`).
async fn serve_metrics(
    host: &str,
    port: u16,
    probes: worker::metrics::Probes,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let handle = infrastructure::metrics::install()?;
    let listener = tokio::net::TcpListener::bind((host, port))
        .await
        .with_context(|| format!("cannot serve metrics on {host}:{port} (jobs.metrics_port)"))?;
    tracing::info!(address = %listener.local_addr()?, "worker metrics on /metrics, probes on /health and /ready");
    let render = move || {
        // Histograms are drained into their buckets by upkeep; no listener task runs it.
        handle.run_upkeep();
        handle.render()
    };
    Ok(tokio::spawn(worker::metrics::serve(listener, render, probes)))
}
