//! Command-line interface of `cargo xtask`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::load::LoadOptions;
use crate::load::compare::Budget;
use crate::load::model::{Model, Phases};
use crate::load::scenario::{self, Mix};
use crate::load::setup::Accounts;
use crate::seed::{Counts, DEFAULT_PASSWORD, Existing, SeedOptions, known_counts};

#[derive(Debug, Parser)]
#[command(name = "xtask", about = "Developer tasks for this workspace")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fill the app's database (same settings as the app: DATABASE_URL, <PREFIX>*) with
    /// realistic data.
    Seed(SeedArgs),
    /// Drive a running server over HTTP and report throughput, errors and latency.
    Loadtest(LoadArgs),
}

/// Preset sizes; single counts given as flags override the preset's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scale {
    /// 20 users, and a few rows per user in the other tables: for smoke tests.
    Tiny,
    /// 1,000 users.
    Small,
    /// 10,000 users.
    Medium,
    /// 100,000 users.
    Large,
}

impl Scale {
    pub fn counts(self) -> Counts {
        let users = match self {
            Scale::Tiny => 20,
            Scale::Small => 1_000,
            Scale::Medium => 10_000,
            Scale::Large => 100_000,
        };
        // The features' tables grow with the users: each count's preset at this scale.
        let rows = known_counts().iter().map(|count| (count.name, count.preset[self as usize])).collect();
        Counts { users, rows }
    }
}

#[derive(Debug, Args)]
pub struct SeedArgs {
    /// Preset size.
    #[arg(long, value_enum, default_value_t = Scale::Small)]
    pub scale: Scale,
    /// Users [preset: 20, 1,000, 10,000, 100,000 for tiny, small, medium, large].
    #[arg(long)]
    pub users: Option<usize>,
    /// Rows of a feature's table, `NAME=N` (repeatable), replacing the preset's.
    #[arg(long = "rows", value_name = "NAME=N", value_parser = parse_rows, help = rows_help())]
    pub rows: Vec<(String, usize)>,
    /// What to do when the database already has seeded rows.
    #[arg(long, value_enum, default_value_t = Existing::Refuse)]
    pub existing: Existing,
    /// Password of every seeded account (`user<ID>@example.com`).
    #[arg(long, default_value = DEFAULT_PASSWORD)]
    pub password: String,
    /// Seed of the random generator; the same seed gives the same data.
    #[arg(long, default_value_t = 42)]
    pub rng_seed: u64,
    /// Rows per INSERT statement.
    #[arg(long, default_value_t = 1000)]
    pub batch_rows: usize,
    /// Database to fill instead of the configured one.
    #[arg(long)]
    pub database_url: Option<String>,
    /// Config file, as for the app (default: <PREFIX>CONFIG or config/<name>.toml).
    #[arg(long)]
    pub config: Option<PathBuf>,
}

impl SeedArgs {
    /// # Errors
    /// A `--rows` name that no feature's seed takes.
    pub fn options(&self) -> anyhow::Result<SeedOptions> {
        let mut counts = self.scale.counts();
        counts.users = self.users.unwrap_or(counts.users);
        for (name, rows) in &self.rows {
            counts.set(name, *rows)?;
        }
        Ok(SeedOptions {
            counts,
            existing: self.existing,
            password: self.password.clone(),
            rng_seed: self.rng_seed,
            batch_rows: self.batch_rows,
        })
    }
}

fn parse_rows(text: &str) -> Result<(String, usize), String> {
    let (name, rows) = text.split_once('=').ok_or_else(|| format!("{text:?}: expected NAME=N"))?;
    let rows = rows.trim().parse().map_err(|_| format!("{text:?}: N must be a whole number"))?;
    Ok((name.trim().to_owned(), rows))
}

/// The `--rows` help: every feature's count with its presets.
fn rows_help() -> String {
    let counts: Vec<String> = known_counts()
        .iter()
        .map(|c| {
            let [tiny, small, medium, large] = c.preset;
            format!("{} ({}; presets {tiny}, {small}, {medium}, {large})", c.name, c.about)
        })
        .collect();
    if counts.is_empty() {
        "Rows of a feature's table, NAME=N (repeatable); no feature seeds tables yet".to_owned()
    } else {
        format!("Rows of a feature's table, NAME=N (repeatable), replacing the preset: {}", counts.join("; "))
    }
}

#[derive(Debug, Args)]
pub struct LoadArgs {
    /// Base URL of a running server, e.g. http://127.0.0.1:8080 (plain HTTP).
    #[arg(long)]
    pub url: String,
    #[arg(long, help = scenario::help())]
    pub scenario: Option<String>,
    /// Open model: this many requests per second on a fixed schedule. Without it, the
    /// closed model runs with --connections.
    #[arg(long)]
    pub rps: Option<f64>,
    /// Open model: requests in flight at most; beyond it scheduled requests are dropped.
    #[arg(long, default_value_t = 512)]
    pub max_in_flight: usize,
    /// Closed model: concurrent connections, each sending its next request when answered.
    #[arg(long, default_value_t = 16)]
    pub connections: usize,
    /// Measured seconds.
    #[arg(long, default_value_t = 30.0)]
    pub duration: f64,
    /// Seconds of load before measuring starts (excluded from the results).
    #[arg(long, default_value_t = 5.0)]
    pub warmup: f64,
    /// Seconds in-flight requests may take after the end before they are abandoned.
    #[arg(long, default_value_t = 5.0)]
    pub grace: f64,
    /// Per-request timeout in seconds.
    #[arg(long, default_value_t = 10.0)]
    pub timeout: f64,
    /// Virtual users (accounts), each logged in once before the run.
    #[arg(long, default_value_t = 20)]
    pub users: usize,
    /// Log in as the accounts `cargo xtask seed` made (user1@example.com, ...) instead of
    /// registering new ones.
    #[arg(long)]
    pub seeded: bool,
    /// Password of the accounts.
    #[arg(long, default_value = DEFAULT_PASSWORD)]
    pub password: String,
    /// Seconds of GET /health (closed model, --connections) before the run: the ceiling
    /// every throughput is divided by. 0 skips it.
    #[arg(long, default_value_t = 5.0)]
    pub ceiling: f64,
    /// Write the results as JSON (usable as a later --baseline).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Write a markdown report.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Compare with this earlier --output file; exit 3 when the budget is exceeded.
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Budget: largest tolerated p95 increase over the baseline, in percent.
    #[arg(long, default_value_t = 50.0)]
    pub max_p95_regression: f64,
    /// Budget: largest tolerated error-rate increase over the baseline, in percentage points.
    #[arg(long, default_value_t = 1.0)]
    pub max_error_rate_increase: f64,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

fn seconds(flag: &str, value: f64) -> anyhow::Result<Duration> {
    Duration::try_from_secs_f64(value).map_err(|_| anyhow::anyhow!("--{flag} must be a number of seconds >= 0"))
}

impl LoadArgs {
    /// # Errors
    /// A bad scenario mix, rate or duration.
    pub fn options(&self) -> anyhow::Result<LoadOptions> {
        let mix = match &self.scenario {
            Some(text) => Mix::parse(text)?,
            None => Mix::default_mix()?,
        };
        let model = match self.rps {
            Some(rps) if rps.is_finite() && rps > 0.0 => Model::Open { rps, max_in_flight: self.max_in_flight.max(1) },
            Some(_) => anyhow::bail!("--rps must be a positive number"),
            None => Model::Closed { connections: self.connections.max(1) },
        };
        let duration = seconds("duration", self.duration)?;
        anyhow::ensure!(!duration.is_zero(), "--duration must be positive");
        let accounts = if self.seeded {
            Accounts::Seeded { count: self.users, password: self.password.clone() }
        } else {
            Accounts::Register { count: self.users, password: self.password.clone() }
        };
        Ok(LoadOptions {
            url: self.url.clone(),
            explicit_mix: self.scenario.is_some(),
            mix,
            model,
            phases: Phases { warmup: seconds("warmup", self.warmup)?, duration, grace: seconds("grace", self.grace)? },
            timeout: seconds("timeout", self.timeout)?,
            accounts,
            ceiling: seconds("ceiling", self.ceiling)?,
            ceiling_connections: self.connections.max(1),
            output: self.output.clone(),
            report: self.report.clone(),
            baseline: self.baseline.clone(),
            budget: Budget { p95_pct: self.max_p95_regression, error_rate_points: self.max_error_rate_increase },
            progress: !self.quiet,
        })
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    fn seed_args(args: &[&str]) -> SeedArgs {
        let cli = Cli::try_parse_from(["xtask", "seed"].iter().chain(args)).expect("parses");
        match cli.command {
            Command::Seed(args) => args,
            Command::Loadtest(_) => unreachable!("a seed command"),
        }
    }

    #[test]
    fn a_rows_name_no_feature_seeds_is_refused_with_the_known_names() {
        let error = seed_args(&["--rows", "bogus=3"]).options().expect_err("an unknown table");
        assert!(error.to_string().contains("bogus"), "{error}");
        assert!(Cli::try_parse_from(["xtask", "seed", "--rows", "bogus"]).is_err(), "NAME=N is required");
        assert!(Cli::try_parse_from(["xtask", "seed", "--rows", "bogus=x"]).is_err(), "N is a number");
    }

    #[test]
    fn the_scale_sets_the_users_and_every_feature_count() {
        let options = seed_args(&["--scale", "tiny", "--users", "7"]).options().expect("valid");
        assert_eq!(options.counts.users, 7);
        for count in known_counts() {
            assert_eq!(options.counts.get(count.name), count.preset[0], "{}", count.name);
        }
    }
}
