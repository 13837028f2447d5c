//! The accounts feature's subcommand of the binary: `admin grant|revoke USERNAME`.

use clap::{FromArgMatches as _, Subcommand};
use futures::future::BoxFuture;
use infrastructure::Settings;

/// Admin role changes.
#[derive(Subcommand)]
enum AdminAction {
    /// Make USERNAME an admin.
    Grant { username: String },
    /// Take the admin role away from USERNAME.
    Revoke { username: String },
}

/// `admin`: grant or revoke the admin role (operational endpoints and admin-only features).
pub(crate) fn command() -> clap::Command {
    // `about` after `augment_subcommands`, which would put the enum's doc in its place.
    AdminAction::augment_subcommands(clap::Command::new("admin").subcommand_required(true))
        .about("Grant or revoke the admin role (operational endpoints and admin-only features)")
}

pub(crate) fn run(settings: Settings, matches: clap::ArgMatches) -> BoxFuture<'static, anyhow::Result<()>> {
    Box::pin(async move { set_admin(&settings, AdminAction::from_arg_matches(&matches)?).await })
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
