//! Per-operation recording (HdrHistogram in microseconds, status codes, errors) and the
//! summaries computed from it.

use std::collections::BTreeMap;
use std::time::Duration;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// Highest latency the histograms track exactly; slower requests are recorded as this.
const MAX_MICROS: u64 = 3_600_000_000;

/// What happened to one request.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// A response arrived: its status code.
    Status(u16),
    /// No response: `timeout`, `connect` or `other`.
    Failed(&'static str),
}

impl Outcome {
    pub fn is_error(&self) -> bool {
        !matches!(self, Outcome::Status(s) if (200..300).contains(s))
    }

    fn key(&self) -> String {
        match self {
            Outcome::Status(s) => s.to_string(),
            Outcome::Failed(kind) => (*kind).to_owned(),
        }
    }
}

/// Accumulates requests of one operation (or of a merged group).
#[derive(Debug, Clone)]
pub struct Recorder {
    histogram: Histogram<u64>,
    statuses: BTreeMap<String, u64>,
    requests: u64,
    errors: u64,
}

impl Default for Recorder {
    fn default() -> Self {
        Self::new()
    }
}

impl Recorder {
    pub fn new() -> Self {
        // 3 significant digits: every value is within 0.1% of what was recorded.
        let histogram = Histogram::new_with_bounds(1, MAX_MICROS, 3).expect("constant, valid bounds");
        Self { histogram, statuses: BTreeMap::new(), requests: 0, errors: 0 }
    }

    /// Records one finished request. Latency is only recorded for requests that got a
    /// response: a refused connection says nothing about the server's speed.
    pub fn record(&mut self, outcome: &Outcome, latency: Duration) {
        self.requests += 1;
        if outcome.is_error() {
            self.errors += 1;
        }
        *self.statuses.entry(outcome.key()).or_default() += 1;
        if let Outcome::Status(_) = outcome {
            let micros = u64::try_from(latency.as_micros()).unwrap_or(MAX_MICROS).clamp(1, MAX_MICROS);
            self.histogram.saturating_record(micros);
        }
    }

    pub fn merge(&mut self, other: &Recorder) {
        // Same bounds on both sides, so adding cannot fail.
        let _ = self.histogram.add(&other.histogram);
        for (k, v) in &other.statuses {
            *self.statuses.entry(k.clone()).or_default() += v;
        }
        self.requests += other.requests;
        self.errors += other.errors;
    }

    pub fn requests(&self) -> u64 {
        self.requests
    }

    /// The figures of the report, over `seconds` of measurement.
    pub fn summary(&self, seconds: f64) -> Summary {
        let h = &self.histogram;
        let empty = h.is_empty();
        let at = |q: f64| if empty { 0 } else { h.value_at_quantile(q) };
        Summary {
            requests: self.requests,
            errors: self.errors,
            error_rate: if self.requests == 0 { 0.0 } else { self.errors as f64 / self.requests as f64 },
            throughput_rps: if seconds > 0.0 { self.requests as f64 / seconds } else { 0.0 },
            ratio_to_ceiling: None,
            statuses: self.statuses.clone(),
            latency_us: Latency {
                min: if empty { 0 } else { h.min() },
                avg: if empty { 0.0 } else { h.mean() },
                p50: at(0.50),
                p90: at(0.90),
                p95: at(0.95),
                p99: at(0.99),
                max: if empty { 0 } else { h.max() },
            },
        }
    }
}

/// Latency percentiles in microseconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    pub min: u64,
    pub avg: f64,
    pub p50: u64,
    pub p90: u64,
    pub p95: u64,
    pub p99: u64,
    pub max: u64,
}

/// One row of the results.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub requests: u64,
    pub errors: u64,
    /// Errors / requests, 0 to 1.
    pub error_rate: f64,
    pub throughput_rps: f64,
    /// This throughput divided by the ceiling route's (`GET /health`) in the same run.
    pub ratio_to_ceiling: Option<f64>,
    /// Count per status code, or per failure kind (`timeout`, `connect`, `other`).
    pub statuses: BTreeMap<String, u64>,
    pub latency_us: Latency,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorder_of(micros: impl IntoIterator<Item = u64>) -> Recorder {
        let mut r = Recorder::new();
        for us in micros {
            r.record(&Outcome::Status(200), Duration::from_micros(us));
        }
        r
    }

    #[test]
    fn percentiles_of_one_to_a_thousand_are_exact() {
        let s = recorder_of(1..=1000).summary(10.0);
        assert_eq!((s.latency_us.min, s.latency_us.max), (1, 1000));
        assert_eq!(s.latency_us.p50, 500);
        assert_eq!(s.latency_us.p90, 900);
        assert_eq!(s.latency_us.p95, 950);
        assert_eq!(s.latency_us.p99, 990);
        assert!((s.latency_us.avg - 500.5).abs() < 0.01);
        assert!((s.throughput_rps - 100.0).abs() < 1e-9);
    }

    #[test]
    fn a_slow_tail_moves_p99_but_not_p50() {
        let s = recorder_of((0..990).map(|_| 2_000).chain((0..10).map(|_| 500_000))).summary(1.0);
        assert_eq!(s.latency_us.p50, 2_000);
        assert_eq!(s.latency_us.p99, 2_000);
        // Large values are kept to 3 significant digits.
        assert!((499_500..=500_500).contains(&s.latency_us.max), "{}", s.latency_us.max);
        let s = recorder_of((0..980).map(|_| 2_000).chain((0..20).map(|_| 500_000))).summary(1.0);
        assert!((499_500..=500_500).contains(&s.latency_us.p99));
    }

    #[test]
    fn errors_and_failures_are_counted_by_status() {
        let mut r = Recorder::new();
        r.record(&Outcome::Status(200), Duration::from_millis(1));
        r.record(&Outcome::Status(201), Duration::from_millis(1));
        r.record(&Outcome::Status(500), Duration::from_millis(1));
        r.record(&Outcome::Failed("timeout"), Duration::from_secs(10));
        let s = r.summary(2.0);
        assert_eq!((s.requests, s.errors), (4, 2));
        assert!((s.error_rate - 0.5).abs() < 1e-9);
        assert_eq!(s.statuses.get("500"), Some(&1));
        assert_eq!(s.statuses.get("timeout"), Some(&1));
        assert_eq!(s.latency_us.max, 1000, "a request without a response has no latency");
    }

    #[test]
    fn merged_recorders_add_up() {
        let mut a = recorder_of(1..=500);
        a.merge(&recorder_of(501..=1000));
        let s = a.summary(1.0);
        assert_eq!(s.requests, 1000);
        assert_eq!(s.latency_us.p50, 500);
    }

    #[test]
    fn an_empty_recorder_summarises_to_zeros() {
        let s = Recorder::new().summary(0.0);
        assert_eq!(s, Summary::default());
    }
}
