//! `cargo xtask`: see `cargo xtask --help`.

use std::process::ExitCode;

use clap::Parser;
use xtask::cli::{Cli, Command};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Seed(args) => seed(args).await,
        Command::Loadtest(args) => loadtest(args).await,
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn seed(args: xtask::cli::SeedArgs) -> anyhow::Result<ExitCode> {
    let mut settings = infrastructure::Settings::load(args.config.as_deref())?;
    if let Some(url) = &args.database_url {
        settings.database.url.clone_from(url);
    }
    let options = args.options()?;
    eprintln!("seeding {} with {:?}", infrastructure::db::describe(&settings.database), options.counts);
    let report = xtask::seed::run(&settings, &options).await?;
    print!("{}", report.render());
    Ok(ExitCode::SUCCESS)
}

async fn loadtest(args: xtask::cli::LoadArgs) -> anyhow::Result<ExitCode> {
    let options = args.options()?;
    let results = xtask::load::run(&options).await?;
    print!("{}", xtask::load::report::markdown(&results));
    for violation in &results.budget_violations {
        eprintln!("budget exceeded: {violation}");
    }
    Ok(ExitCode::from(xtask::load::compare::exit_code(&results.budget_violations)))
}
