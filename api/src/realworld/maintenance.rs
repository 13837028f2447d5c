//! The example's maintenance commands of the binary: `reports purge`.

use clap::Subcommand;
use infrastructure::Settings;

#[derive(Subcommand)]
pub enum ReportsAction {
    /// Delete finished reports older than DAYS (default: the `reports.purge_after_days` setting).
    Purge {
        #[arg(long)]
        older_than_days: Option<u32>,
    },
}

/// Runs a `reports` command.
///
/// # Errors
/// An age of 0 days, or the database cannot be reached.
pub async fn run(settings: &Settings, action: ReportsAction) -> anyhow::Result<()> {
    let ReportsAction::Purge { older_than_days } = action;
    let days = older_than_days.unwrap_or(infrastructure::realworld::ReportSettings::of(settings)?.purge_after_days);
    anyhow::ensure!(
        days > 0,
        "nothing purged: an age of 0 days means keep forever (reports.purge_after_days, --older-than-days)"
    );
    let app = infrastructure::build(settings).await?;
    let purged = app
        .features
        .expect::<application::realworld::RealWorld>()
        .reports
        .purge_older_than(chrono::Duration::days(i64::from(days)))
        .await
        .map_err(|e| anyhow::anyhow!("purging reports: {e}"))?;
    tracing::info!(purged, days, "finished reports purged");
    app.db.close().await?;
    Ok(())
}
