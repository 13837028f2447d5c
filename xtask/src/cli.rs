//! Command-line interface of `cargo xtask`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::seed::{Counts, DEFAULT_PASSWORD, Existing, SeedOptions};

#[derive(Debug, Parser)]
#[command(name = "xtask", about = "Developer tasks for this workspace")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fill the app's database (same settings as the app: DATABASE_URL, STRATA_*) with
    /// realistic RealWorld data.
    Seed(SeedArgs),
}

/// Preset sizes; single counts given as flags override the preset's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scale {
    /// 20 users, 100 articles: for smoke tests.
    Tiny,
    /// 1,000 users, 10,000 articles, 50,000 favorites.
    Small,
    /// 10,000 users, 100,000 articles, 1,000,000 favorites.
    Medium,
    /// 100,000 users, 1,000,000 articles, 10,000,000 favorites.
    Large,
}

impl Scale {
    pub fn counts(self) -> Counts {
        let (users, articles, favorites, comments, follows, tags) = match self {
            Scale::Tiny => (20, 100, 300, 200, 60, 10),
            Scale::Small => (1_000, 10_000, 50_000, 20_000, 10_000, 50),
            Scale::Medium => (10_000, 100_000, 1_000_000, 200_000, 100_000, 200),
            Scale::Large => (100_000, 1_000_000, 10_000_000, 2_000_000, 1_000_000, 1_000),
        };
        Counts { users, articles, favorites, comments, follows, tags }
    }
}

#[derive(Debug, Args)]
pub struct SeedArgs {
    /// Preset size.
    #[arg(long, value_enum, default_value_t = Scale::Small)]
    pub scale: Scale,
    #[arg(long)]
    pub users: Option<usize>,
    #[arg(long)]
    pub articles: Option<usize>,
    #[arg(long)]
    pub favorites: Option<usize>,
    #[arg(long)]
    pub comments: Option<usize>,
    #[arg(long)]
    pub follows: Option<usize>,
    /// Size of the tag vocabulary (each article gets 1 to 5 of them).
    #[arg(long)]
    pub tags: Option<usize>,
    /// What to do when the database already has users or articles.
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
    /// Config file, as for the app (default: STRATA_CONFIG or config/<name>.toml).
    #[arg(long)]
    pub config: Option<PathBuf>,
}

impl SeedArgs {
    pub fn options(&self) -> SeedOptions {
        let preset = self.scale.counts();
        SeedOptions {
            counts: Counts {
                users: self.users.unwrap_or(preset.users),
                articles: self.articles.unwrap_or(preset.articles),
                favorites: self.favorites.unwrap_or(preset.favorites),
                comments: self.comments.unwrap_or(preset.comments),
                follows: self.follows.unwrap_or(preset.follows),
                tags: self.tags.unwrap_or(preset.tags),
            },
            existing: self.existing,
            password: self.password.clone(),
            rng_seed: self.rng_seed,
            batch_rows: self.batch_rows,
        }
    }
}
