//! The example's maintenance commands of the binary: `reports purge`.

use clap::{FromArgMatches as _, Subcommand};
use futures::future::BoxFuture;
use infrastructure::Settings;

#[derive(Subcommand)]
enum ReportsAction {
    /// Delete finished reports older than DAYS (default: the `reports.purge_after_days` setting).
    Purge {
        #[arg(long)]
        older_than_days: Option<u32>,
    },
}

/// `reports`: report maintenance.
pub(crate) fn command() -> clap::Command {
    ReportsAction::augment_subcommands(clap::Command::new("reports").subcommand_required(true))
        .about("Report maintenance")
}

pub(crate) fn run(settings: Settings, matches: clap::ArgMatches) -> BoxFuture<'static, anyhow::Result<()>> {
    Box::pin(async move { purge(&settings, ReportsAction::from_arg_matches(&matches)?).await })
}

/// Deletes finished reports older than the given or configured age (an age of 0 days,
/// or a database that cannot be reached, is an error).
async fn purge(settings: &Settings, action: ReportsAction) -> anyhow::Result<()> {
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
