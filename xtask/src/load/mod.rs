//! `cargo xtask loadtest`: drives a running server over HTTP and reports, per scenario
//! and overall, throughput, errors and latency percentiles, the server's own figures
//! from `/metrics`, the ratio to a trivial route's throughput (the machine's ceiling),
//! and a comparison with a baseline run.

pub mod compare;
pub mod metrics;
pub mod model;
pub mod report;
pub mod scenario;
pub mod setup;
pub mod stats;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use self::compare::Budget;
use self::metrics::Scrape;
use self::model::{Live, Model, Phases, RunOutput};
use self::report::Results;
use self::scenario::{Mix, Op, Target};
use self::setup::Accounts;
use self::stats::{Recorder, Summary};

/// A feature's part of the load test: its scenarios and the setup its operations need.
#[async_trait::async_trait]
pub trait LoadOperations: Sync {
    /// Its scenarios; one named like a platform scenario (`read`, `write`) replaces it.
    fn scenarios(&self) -> &'static [scenario::Scenario];

    /// Runs before the measured run, after the virtual users are set up: collects what
    /// its operations pick from into a [`Target::state`] and adds notes for the report.
    ///
    /// # Errors
    /// The server fails a request the setup needs, or an operation named in an
    /// `explicit` mix cannot run.
    async fn prepare(
        &self,
        target: &mut Target,
        accounts_from: &Accounts,
        explicit: bool,
        notes: &mut Vec<String>,
    ) -> anyhow::Result<()>;
}

/// Everything `loadtest` needs, parsed from the command line.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub url: String,
    pub mix: Mix,
    /// The mix was given on the command line: an operation in it whose endpoint the
    /// server lacks is then an error, not a note.
    pub explicit_mix: bool,
    pub model: Model,
    pub phases: Phases,
    pub timeout: Duration,
    pub accounts: Accounts,
    /// Closed-model run of `GET /health` before the measured run; zero skips it.
    pub ceiling: Duration,
    pub ceiling_connections: usize,
    pub output: Option<PathBuf>,
    pub report: Option<PathBuf>,
    pub baseline: Option<PathBuf>,
    pub budget: Budget,
    pub progress: bool,
}

/// Runs the whole test; returns the results (with comparison and budget verdicts).
///
/// # Errors
/// Setup fails (server down, accounts cannot log in), or a file cannot be read or written.
pub async fn run(options: &LoadOptions) -> anyhow::Result<Results> {
    let baseline: Option<Results> = match &options.baseline {
        Some(path) => Some(
            serde_json::from_slice(&std::fs::read(path).with_context(|| format!("reading {}", path.display()))?)
                .with_context(|| format!("{} is not a results file", path.display()))?,
        ),
        None => None,
    };
    let client = reqwest::Client::builder()
        .timeout(options.timeout)
        .tcp_nodelay(true)
        .pool_max_idle_per_host(usize::MAX)
        .build()?;
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
    let run_id = format!("{:x}", nanos % 0xFFFF_FFFF);
    let mut target = Target::new(options.url.trim_end_matches('/').to_owned(), client, options.mix.clone(), run_id);
    eprintln!("setting up against {} ...", target.base);
    setup::prepare(&mut target, &options.accounts).await?;
    let mut notes = Vec::new();
    for feature in crate::FEATURES {
        // A feature's operations pick from what its setup collects (articles, authors, ...).
        feature.load.prepare(&mut target, &options.accounts, options.explicit_mix, &mut notes).await?;
    }
    // Setup is done: the target is shared, read-only, by every request.
    let target = Arc::new(target);

    let ceiling = if options.ceiling.is_zero() {
        None
    } else {
        eprintln!("ceiling: GET /health for {:?}", options.ceiling);
        let phases = Phases { warmup: Duration::from_secs(1), duration: options.ceiling, grace: options.phases.grace };
        let model = Model::Closed { connections: options.ceiling_connections };
        let out = drive(&target, model, phases, options.progress, true).await;
        Some(merged(out.recorders.values()).summary(options.ceiling.as_secs_f64()))
    };

    let before = scrape(&target).await;
    let started_at_unix = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
    eprintln!(
        "running {:?} for {:?} after {:?} of warm-up",
        options.model, options.phases.duration, options.phases.warmup
    );
    let out = drive(&target, options.model, options.phases, options.progress, false).await;
    let after = scrape(&target).await;
    let server = match (&before, &after) {
        (Some(b), Some(a)) => metrics::server_figures(b, a),
        _ => None,
    };
    if after.is_none() {
        notes.push("no /metrics endpoint: server-side figures are not available".to_owned());
    }

    let seconds = options.phases.duration.as_secs_f64();
    let ceiling_rps = ceiling.as_ref().map(|c| c.throughput_rps).filter(|rps| *rps > 0.0);
    let with_ratio = |mut s: Summary| {
        s.ratio_to_ceiling = ceiling_rps.map(|c| s.throughput_rps / c);
        s
    };
    let mut scenarios: BTreeMap<String, Recorder> = BTreeMap::new();
    let mut operations = BTreeMap::new();
    for (op, recorder) in &out.recorders {
        let scenario = scenario_of(op);
        scenarios.entry(scenario.to_owned()).or_default().merge(recorder);
        operations.insert((*op).to_owned(), with_ratio(recorder.summary(seconds)));
    }
    let overall = with_ratio(merged(out.recorders.values()).summary(seconds));
    let mut results = Results {
        url: options.url.clone(),
        started_at_unix,
        model: options.model,
        warmup_secs: options.phases.warmup.as_secs_f64(),
        duration_secs: seconds,
        mix: target.mix.given.clone().into_iter().collect(),
        ceiling,
        overall,
        scenarios: scenarios.into_iter().map(|(k, r)| (k, with_ratio(r.summary(seconds)))).collect(),
        operations,
        open_model: out.open,
        unfinished: out.unfinished,
        server,
        notes,
        comparison: Vec::new(),
        budget_violations: Vec::new(),
    };
    if let Some(baseline) = &baseline {
        if baseline.model != results.model {
            results.notes.push(format!("the baseline ran a different load model ({:?})", baseline.model));
        }
        results.comparison = compare::compare_summaries("overall", &baseline.overall, &results.overall);
        for (name, current) in &results.scenarios {
            if let Some(base) = baseline.scenarios.get(name) {
                results.comparison.extend(compare::compare_summaries(name, base, current));
            }
        }
        results.budget_violations = compare::budget_violations(&baseline.overall, &results.overall, options.budget);
    }
    if let Some(path) = &options.output {
        std::fs::write(path, serde_json::to_vec_pretty(&results)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &options.report {
        std::fs::write(path, report::markdown(&results)).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(results)
}

fn scenario_of(op: &str) -> &'static str {
    Op::by_name(op).map_or("ceiling", Op::scenario)
}

fn merged<'a>(recorders: impl Iterator<Item = &'a Recorder>) -> Recorder {
    let mut all = Recorder::new();
    for r in recorders {
        all.merge(r);
    }
    all
}

async fn scrape(target: &Target) -> Option<Scrape> {
    let response = target.client.get(target.url("/metrics")).send().await.ok()?;
    if !response.status().is_success() {
        return None;
    }
    Some(Scrape::parse(&response.text().await.ok()?))
}

/// One run of the mix (or of the ceiling route) with a progress bar.
async fn drive(target: &Arc<Target>, model: Model, phases: Phases, progress: bool, ceiling: bool) -> RunOutput {
    let live = Arc::new(Live::default());
    let total = phases.warmup + phases.duration;
    let bar = if progress { ProgressBar::new(total.as_millis() as u64) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {elapsed}/{duration} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let ticker = {
        let (bar, live) = (bar.clone(), live.clone());
        tokio::spawn(async move {
            let start = tokio::time::Instant::now();
            loop {
                tokio::time::sleep(Duration::from_millis(250)).await;
                bar.set_position(start.elapsed().as_millis() as u64);
                bar.set_message(format!(
                    "{} requests, {} errors",
                    live.requests.load(Ordering::Relaxed),
                    live.errors.load(Ordering::Relaxed)
                ));
            }
        })
    };
    let job_target = target.clone();
    let out = model::run(model, phases, live, move || {
        let target = job_target.clone();
        async move {
            let (op, request) = {
                let mut rng = rand::rng();
                let op = if ceiling { Op::HEALTH } else { target.mix.pick(&mut rng) };
                (op, target.request(op, &mut rng))
            };
            (op.name(), scenario::send(request).await)
        }
    })
    .await;
    ticker.abort();
    bar.finish_and_clear();
    out
}
