//! The one list of features in this crate. A feature brings its routes (with their
//! OpenAPI operations) and, if it has any, its own subcommand of the binary; the router
//! and the binary's command line are assembled from this list alone.

use futures::future::BoxFuture;
use infrastructure::Settings;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

/// A feature's entry point in this crate.
pub struct Feature {
    /// Its documented routes, merged into the platform's.
    pub routes: fn() -> OpenApiRouter<AppState>,
    /// Its subcommand of the binary (e.g. `admin`), if it has one.
    pub command: Option<FeatureCommand>,
}

/// A subcommand a feature adds to the binary, next to `serve` and `migrate`.
pub struct FeatureCommand {
    /// The subcommand's clap definition (its name, help and arguments).
    pub define: fn() -> clap::Command,
    /// Runs it with the loaded settings and the subcommand's own matches.
    pub run: fn(Settings, clap::ArgMatches) -> BoxFuture<'static, anyhow::Result<()>>,
}

/// Every feature, in the order their routes and subcommands are listed.
pub const FEATURES: &[Feature] = &[
    crate::accounts::FEATURE,
    //{% if realworld %} The RealWorld example.
    crate::realworld::FEATURE,
    //{% endif %} (Every feature is listed above.)
];

/// The feature subcommand named `name`, if a feature has one.
pub fn command(name: &str) -> Option<&'static FeatureCommand> {
    FEATURES.iter().filter_map(|feature| feature.command.as_ref()).find(|command| (command.define)().get_name() == name)
}

/// Every feature's subcommand, added to the binary's own command line.
pub fn with_commands(cli: clap::Command) -> clap::Command {
    FEATURES
        .iter()
        .filter_map(|feature| feature.command.as_ref())
        .fold(cli, |cli, command| cli.subcommand((command.define)()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        FEATURES
            .iter()
            .filter_map(|feature| feature.command.as_ref())
            .map(|command| (command.define)().get_name().to_owned())
            .collect()
    }

    #[test]
    fn feature_subcommands_have_unique_names_that_the_binary_does_not_use() {
        let mut names = names();
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count, "two features define the same subcommand: {names:?}");
        for own in ["serve", "migrate", "help"] {
            assert!(!names.iter().any(|name| name == own), "a feature defines `{own}`, the binary's own");
        }
    }

    #[test]
    fn every_feature_subcommand_is_well_formed_and_found_by_its_name() {
        let cli = with_commands(clap::Command::new("service"));
        cli.clone().debug_assert();
        for name in names() {
            assert!(cli.find_subcommand(&name).is_some(), "{name} is not on the command line");
            assert!(command(&name).is_some(), "{name} is not found");
        }
        assert!(command("no-such-command").is_none());
    }

    #[test]
    fn the_admin_subcommand_parses_its_arguments() {
        let matches = with_commands(clap::Command::new("service"))
            .try_get_matches_from(["service", "admin", "grant", "jake"])
            .expect("parsed");
        let (name, args) = matches.subcommand().expect("a subcommand");
        assert_eq!(name, "admin");
        assert_eq!(args.subcommand().map(|(action, _)| action), Some("grant"));
        assert!(
            with_commands(clap::Command::new("service")).try_get_matches_from(["service", "admin"]).is_err(),
            "an action is required"
        );
    }
}
