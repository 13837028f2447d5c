//! The two load models. Closed: N connections each send the next request when the last
//! one is answered. Open: requests are sent on a fixed schedule whatever the server does,
//! and latency counts from the SCHEDULED send time, so a slow server shows as queueing
//! instead of silently lowering the load (coordinated omission).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::stats::{Outcome, Recorder};

/// A request sent more than this after its scheduled time counts as late.
pub const LATE_AFTER: Duration = Duration::from_millis(10);

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Model {
    Open { rps: f64, max_in_flight: usize },
    Closed { connections: usize },
}

#[derive(Debug, Clone, Copy)]
pub struct Phases {
    pub warmup: Duration,
    pub duration: Duration,
    /// After the end, how long in-flight requests may finish before they are abandoned.
    pub grace: Duration,
}

/// Schedule keeping of the open model, counted over the measured window.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OpenStats {
    pub scheduled: u64,
    pub sent: u64,
    /// Not sent: the in-flight cap was reached.
    pub dropped: u64,
    /// Sent more than 10 ms after the scheduled time (the generator fell behind).
    pub late: u64,
}

/// Live counters for the progress bar.
#[derive(Debug, Default)]
pub struct Live {
    pub requests: AtomicU64,
    pub errors: AtomicU64,
}

pub struct RunOutput {
    pub recorders: BTreeMap<&'static str, Recorder>,
    pub open: Option<OpenStats>,
    /// Requests still running at the hard stop, abandoned.
    pub unfinished: u64,
}

type Shared = Arc<Mutex<BTreeMap<&'static str, Recorder>>>;

fn record(shared: &Shared, live: &Live, op: &'static str, outcome: &Outcome, latency: Duration) {
    live.requests.fetch_add(1, Ordering::Relaxed);
    if outcome.is_error() {
        live.errors.fetch_add(1, Ordering::Relaxed);
    }
    let mut map = shared.lock().unwrap_or_else(PoisonError::into_inner);
    map.entry(op).or_default().record(outcome, latency);
}

/// Runs `job` (which picks and sends one request, returning its operation name and
/// outcome) under `model` for warm-up plus duration; only requests scheduled (open) or
/// started (closed) after the warm-up are recorded.
pub async fn run<F, Fut>(model: Model, phases: Phases, live: Arc<Live>, job: F) -> RunOutput
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = (&'static str, Outcome)> + Send + 'static,
{
    let start = Instant::now();
    let measure_from = start + phases.warmup;
    let end = measure_from + phases.duration;
    let shared: Shared = Arc::default();
    let job = Arc::new(job);
    let mut tasks = JoinSet::new();
    let mut open = None;
    match model {
        Model::Closed { connections } => {
            for _ in 0..connections.max(1) {
                let (job, shared, live) = (job.clone(), shared.clone(), live.clone());
                tasks.spawn(async move {
                    loop {
                        let sent = Instant::now();
                        if sent >= end {
                            break;
                        }
                        let (op, outcome) = job().await;
                        if sent >= measure_from {
                            record(&shared, &live, op, &outcome, sent.elapsed());
                        }
                    }
                });
            }
        }
        Model::Open { rps, max_in_flight } => {
            let mut stats = OpenStats::default();
            let permits = Arc::new(Semaphore::new(max_in_flight.max(1)));
            for k in 0u64.. {
                #[allow(clippy::cast_precision_loss)]
                let scheduled = start + Duration::from_secs_f64(k as f64 / rps);
                if scheduled >= end {
                    break;
                }
                tokio::time::sleep_until(scheduled).await;
                let measured = scheduled >= measure_from;
                stats.scheduled += u64::from(measured);
                let Ok(permit) = permits.clone().try_acquire_owned() else {
                    stats.dropped += u64::from(measured);
                    continue;
                };
                stats.sent += u64::from(measured);
                stats.late += u64::from(measured && scheduled.elapsed() > LATE_AFTER);
                let (job, shared, live) = (job.clone(), shared.clone(), live.clone());
                tasks.spawn(async move {
                    let (op, outcome) = job().await;
                    if measured {
                        record(&shared, &live, op, &outcome, scheduled.elapsed());
                    }
                    drop(permit);
                });
                while tasks.try_join_next().is_some() {}
            }
            open = Some(stats);
        }
    }
    // Hard stop: whatever has not finished within the grace period is abandoned.
    let deadline = end + phases.grace;
    let mut unfinished = 0;
    loop {
        match tokio::time::timeout_at(deadline, tasks.join_next()).await {
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => {
                unfinished = tasks.len() as u64;
                tasks.abort_all();
                break;
            }
        }
    }
    let recorders = std::mem::take(&mut *shared.lock().unwrap_or_else(PoisonError::into_inner));
    RunOutput { recorders, open, unfinished }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PHASES: Phases = Phases {
        warmup: Duration::from_millis(200),
        duration: Duration::from_millis(1000),
        grace: Duration::from_secs(5),
    };

    #[tokio::test(start_paused = true)]
    async fn the_open_model_keeps_its_schedule_and_excludes_the_warmup() {
        let out = run(Model::Open { rps: 100.0, max_in_flight: 1000 }, PHASES, Arc::default(), || async {
            tokio::time::sleep(Duration::from_millis(5)).await;
            ("op", Outcome::Status(200))
        })
        .await;
        let stats = out.open.expect("open stats");
        // 100/s over the 1 s measured window; the 20 warm-up requests are not counted.
        assert_eq!(stats.scheduled, 100);
        assert_eq!((stats.sent, stats.dropped, stats.late), (100, 0, 0));
        assert_eq!(out.recorders["op"].requests(), 100);
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_server_in_the_open_model_shows_as_latency_and_drops() {
        let out = run(Model::Open { rps: 100.0, max_in_flight: 10 }, PHASES, Arc::default(), || async {
            tokio::time::sleep(Duration::from_millis(500)).await;
            ("op", Outcome::Status(200))
        })
        .await;
        let stats = out.open.expect("open stats");
        assert!(stats.dropped > 50, "{stats:?}");
        assert_eq!(stats.sent + stats.dropped, stats.scheduled);
        let latency = out.recorders["op"].summary(1.0).latency_us;
        assert!(latency.min >= 499_000, "{latency:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn requests_sent_late_count_their_wait_from_the_schedule() {
        let calls = Arc::new(AtomicU64::new(0));
        let out = run(Model::Open { rps: 100.0, max_in_flight: 1000 }, PHASES, Arc::default(), move || {
            let calls = calls.clone();
            async move {
                // Once, in the measured window, the clock jumps 300 ms under the
                // generator: the requests scheduled meanwhile go out late, all at once.
                if calls.fetch_add(1, Ordering::SeqCst) == 60 {
                    tokio::time::advance(Duration::from_millis(300)).await;
                }
                ("op", Outcome::Status(200))
            }
        })
        .await;
        let stats = out.open.expect("open stats");
        assert!(stats.late >= 25, "{stats:?}");
        assert_eq!(stats.dropped, 0);
        let latency = out.recorders["op"].summary(1.0).latency_us;
        // The server took no time; the late requests still show their wait.
        assert!(latency.p90 >= 100_000, "{latency:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn the_closed_model_sends_back_to_back_and_stops_hard() {
        let out = run(Model::Closed { connections: 2 }, PHASES, Arc::default(), || async {
            tokio::time::sleep(Duration::from_millis(10)).await;
            ("op", Outcome::Status(200))
        })
        .await;
        // 2 connections x 1 s / 10 ms, give or take the request straddling each edge.
        let n = out.recorders["op"].requests();
        assert!((198..=202).contains(&n), "{n}");
        assert_eq!(out.unfinished, 0);

        let hung = run(Model::Closed { connections: 3 }, PHASES, Arc::default(), || async {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            ("op", Outcome::Status(200))
        })
        .await;
        assert_eq!(hung.unfinished, 3, "requests outliving the grace period are abandoned");
    }
}
