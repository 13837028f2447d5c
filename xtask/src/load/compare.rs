//! Comparison of a run with a baseline run: change per metric, a verdict, and the budget
//! check that decides the exit code.

use serde::{Deserialize, Serialize};

use super::stats::Summary;

/// Exit code of a run whose p95 or error rate regressed beyond the budget.
pub const EXIT_REGRESSION: u8 = 3;

/// Which way is better for a metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    Higher,
    Lower,
}

/// How large a change is: under 20% is noise on a shared machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Size {
    Noise,
    Meaningful,
    Significant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Improvement,
    Regression,
    Unchanged,
}

/// One compared metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub metric: String,
    pub baseline: f64,
    pub current: f64,
    /// Relative change in percent; `None` when the baseline is zero and the current is not.
    pub change_pct: Option<f64>,
    pub size: Size,
    pub direction: Direction,
}

/// Classifies `current` against `baseline`.
pub fn change(metric: impl Into<String>, baseline: f64, current: f64, better: Better) -> Change {
    let change_pct = if baseline == 0.0 {
        if current == 0.0 { Some(0.0) } else { None }
    } else {
        Some((current - baseline) / baseline.abs() * 100.0)
    };
    let size = match change_pct.map(f64::abs) {
        Some(p) if p < 20.0 => Size::Noise,
        Some(p) if p <= 50.0 => Size::Meaningful,
        _ => Size::Significant,
    };
    let direction = if current == baseline {
        Direction::Unchanged
    } else if (current > baseline) == (better == Better::Higher) {
        Direction::Improvement
    } else {
        Direction::Regression
    };
    Change { metric: metric.into(), baseline, current, change_pct, size, direction }
}

/// The metrics of one summary worth comparing, prefixed with `scope` (`overall`, `read`, ...).
pub fn compare_summaries(scope: &str, baseline: &Summary, current: &Summary) -> Vec<Change> {
    let (b, c) = (&baseline.latency_us, &current.latency_us);
    let mut out = vec![
        change(format!("{scope} throughput rps"), baseline.throughput_rps, current.throughput_rps, Better::Higher),
        change(format!("{scope} error rate"), baseline.error_rate, current.error_rate, Better::Lower),
        change(format!("{scope} p50 us"), b.p50 as f64, c.p50 as f64, Better::Lower),
        change(format!("{scope} p95 us"), b.p95 as f64, c.p95 as f64, Better::Lower),
        change(format!("{scope} p99 us"), b.p99 as f64, c.p99 as f64, Better::Lower),
    ];
    if let (Some(b), Some(c)) = (baseline.ratio_to_ceiling, current.ratio_to_ceiling) {
        out.push(change(format!("{scope} ratio to ceiling"), b, c, Better::Higher));
    }
    out
}

/// Limits on how much worse a run may be than its baseline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    /// Largest tolerated p95 increase, in percent of the baseline's p95.
    pub p95_pct: f64,
    /// Largest tolerated error-rate increase, in percentage points (1.0 = one request in 100).
    pub error_rate_points: f64,
}

/// Why the overall figures break `budget`; empty when they do not.
pub fn budget_violations(baseline: &Summary, current: &Summary, budget: Budget) -> Vec<String> {
    let mut out = Vec::new();
    let p95 = change("p95", baseline.latency_us.p95 as f64, current.latency_us.p95 as f64, Better::Lower);
    if p95.direction == Direction::Regression && p95.change_pct.is_none_or(|p| p > budget.p95_pct) {
        out.push(format!(
            "p95 rose from {} us to {} us ({}), budget {}%",
            baseline.latency_us.p95,
            current.latency_us.p95,
            p95.change_pct.map_or_else(|| "new".to_owned(), |p| format!("+{p:.1}%")),
            budget.p95_pct
        ));
    }
    let points = (current.error_rate - baseline.error_rate) * 100.0;
    if points > budget.error_rate_points {
        out.push(format!(
            "error rate rose from {:.2}% to {:.2}% (+{points:.2} points), budget {} points",
            baseline.error_rate * 100.0,
            current.error_rate * 100.0,
            budget.error_rate_points
        ));
    }
    out
}

/// The process exit code for a run with these budget violations: 0 or [`EXIT_REGRESSION`].
pub fn exit_code(violations: &[String]) -> u8 {
    if violations.is_empty() { 0 } else { EXIT_REGRESSION }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::stats::Latency;

    fn summary(p95: u64, error_rate: f64, rps: f64) -> Summary {
        Summary {
            requests: 1000,
            error_rate,
            throughput_rps: rps,
            latency_us: Latency { p50: p95 / 2, p95, p99: p95 * 2, ..Latency::default() },
            ..Summary::default()
        }
    }

    const BUDGET: Budget = Budget { p95_pct: 25.0, error_rate_points: 1.0 };

    #[test]
    fn verdicts_follow_the_size_of_the_change_and_the_metric_direction() {
        let c = change("p95", 1000.0, 1100.0, Better::Lower);
        assert_eq!((c.size, c.direction), (Size::Noise, Direction::Regression));
        let c = change("p95", 1000.0, 700.0, Better::Lower);
        assert_eq!((c.size, c.direction), (Size::Meaningful, Direction::Improvement));
        let c = change("rps", 1000.0, 1600.0, Better::Higher);
        assert_eq!((c.size, c.direction), (Size::Significant, Direction::Improvement));
        let c = change("rps", 1000.0, 400.0, Better::Higher);
        assert_eq!((c.size, c.direction), (Size::Significant, Direction::Regression));
        assert_eq!(c.change_pct, Some(-60.0));
        let c = change("x", 10.0, 10.0, Better::Higher);
        assert_eq!((c.size, c.direction), (Size::Noise, Direction::Unchanged));
    }

    #[test]
    fn boundaries_are_twenty_and_fifty_percent() {
        assert_eq!(change("m", 100.0, 119.9, Better::Lower).size, Size::Noise);
        assert_eq!(change("m", 100.0, 120.0, Better::Lower).size, Size::Meaningful);
        assert_eq!(change("m", 100.0, 150.0, Better::Lower).size, Size::Meaningful);
        assert_eq!(change("m", 100.0, 150.1, Better::Lower).size, Size::Significant);
    }

    #[test]
    fn errors_appearing_from_zero_are_a_significant_regression() {
        let c = change("error rate", 0.0, 0.02, Better::Lower);
        assert_eq!((c.change_pct, c.size, c.direction), (None, Size::Significant, Direction::Regression));
        assert_eq!(change("error rate", 0.0, 0.0, Better::Lower).change_pct, Some(0.0));
    }

    #[test]
    fn the_budget_passes_noise_and_improvements() {
        let v = budget_violations(&summary(1000, 0.0, 100.0), &summary(1200, 0.005, 90.0), BUDGET);
        assert_eq!(exit_code(&v), 0, "{v:?}");
        let v = budget_violations(&summary(1000, 0.05, 100.0), &summary(400, 0.0, 300.0), BUDGET);
        assert_eq!(exit_code(&v), 0, "{v:?}");
    }

    #[test]
    fn the_budget_fails_a_p95_regression_beyond_the_threshold() {
        let v = budget_violations(&summary(1000, 0.0, 100.0), &summary(1300, 0.0, 100.0), BUDGET);
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].starts_with("p95 rose"), "{v:?}");
        assert_eq!(exit_code(&v), EXIT_REGRESSION);
    }

    #[test]
    fn the_budget_fails_an_error_rate_rise_beyond_the_threshold() {
        let v = budget_violations(&summary(1000, 0.001, 100.0), &summary(1000, 0.02, 100.0), BUDGET);
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].starts_with("error rate rose"), "{v:?}");
        assert_eq!(exit_code(&v), EXIT_REGRESSION);
        let both = budget_violations(&summary(1000, 0.0, 100.0), &summary(5000, 0.5, 100.0), BUDGET);
        assert_eq!(both.len(), 2);
    }

    #[test]
    fn every_overall_metric_is_compared() {
        let mut base = summary(1000, 0.0, 100.0);
        base.ratio_to_ceiling = Some(0.5);
        let mut cur = summary(1000, 0.0, 100.0);
        cur.ratio_to_ceiling = Some(0.2);
        let changes = compare_summaries("overall", &base, &cur);
        assert_eq!(changes.len(), 6);
        let ratio = changes.iter().find(|c| c.metric == "overall ratio to ceiling").expect("ratio compared");
        assert_eq!((ratio.size, ratio.direction), (Size::Significant, Direction::Regression));
    }
}
