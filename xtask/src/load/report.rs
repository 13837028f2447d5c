//! The results of a run (`--output results.json`, also the `--baseline` format) and the
//! readable markdown report (`--report report.md`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::compare::{Change, Direction, Size};
use super::metrics::ServerFigures;
use super::model::{Model, OpenStats};
use super::stats::Summary;

/// Everything a run measured. Stable field names: other runs compare against it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Results {
    pub url: String,
    /// Seconds since the Unix epoch when the measured window began.
    pub started_at_unix: u64,
    pub model: Model,
    pub warmup_secs: f64,
    pub duration_secs: f64,
    pub mix: BTreeMap<String, u32>,
    /// `GET /health` under the closed model just before the run: the machine's ceiling.
    pub ceiling: Option<Summary>,
    pub overall: Summary,
    /// Per scenario (read, write, login, ...).
    pub scenarios: BTreeMap<String, Summary>,
    /// Per operation (the scenarios' parts, e.g. login).
    pub operations: BTreeMap<String, Summary>,
    pub open_model: Option<OpenStats>,
    /// Requests abandoned at the hard stop.
    pub unfinished: u64,
    pub server: Option<ServerFigures>,
    pub notes: Vec<String>,
    #[serde(default)]
    pub comparison: Vec<Change>,
    #[serde(default)]
    pub budget_violations: Vec<String>,
}

fn ms(us: u64) -> String {
    format!("{:.2}", us as f64 / 1000.0)
}

fn row(out: &mut String, name: &str, s: &Summary) {
    let ratio = s.ratio_to_ceiling.map_or_else(|| "-".to_owned(), |r| format!("{r:.3}"));
    let l = &s.latency_us;
    let _ = writeln!(
        out,
        "| {name} | {} | {:.1} | {ratio} | {} | {:.2}% | {} | {:.2} | {} | {} | {} | {} | {} |",
        s.requests,
        s.throughput_rps,
        s.errors,
        s.error_rate * 100.0,
        ms(l.min),
        l.avg / 1000.0,
        ms(l.p50),
        ms(l.p90),
        ms(l.p95),
        ms(l.p99),
        ms(l.max)
    );
}

/// The report as markdown.
pub fn markdown(r: &Results) -> String {
    let mut out = String::from("# Load test report\n\n");
    let model = match r.model {
        Model::Open { rps, max_in_flight } => format!("open, {rps} requests/s, at most {max_in_flight} in flight"),
        Model::Closed { connections } => format!("closed, {connections} connections"),
    };
    let mix: Vec<String> = r.mix.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let _ = writeln!(out, "- target: {}", r.url);
    let _ = writeln!(out, "- model: {model}");
    let _ = writeln!(out, "- mix: {}", mix.join(","));
    let _ = writeln!(out, "- measured: {} s after {} s of warm-up", r.duration_secs, r.warmup_secs);
    for note in &r.notes {
        let _ = writeln!(out, "- note: {note}");
    }

    out.push_str("\n## Results\n\nLatency in milliseconds (HdrHistogram, recorded in microseconds).\n\n");
    out.push_str(
        "| scenario | requests | req/s | x ceiling | errors | error rate | min | avg | p50 | p90 | p95 | p99 | max |\n",
    );
    out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    if let Some(ceiling) = &r.ceiling {
        row(&mut out, "ceiling (GET /health)", ceiling);
    }
    for (name, s) in &r.scenarios {
        row(&mut out, &format!("**{name}**"), s);
    }
    // Operations under their scenario's name; a scenario of one operation is its row.
    for (name, s) in r.operations.iter().filter(|(name, _)| !r.scenarios.contains_key(*name)) {
        row(&mut out, name, s);
    }
    row(&mut out, "**overall**", &r.overall);

    out.push_str("\n## Status codes\n\n| scenario | status | count |\n|---|---|---:|\n");
    for (name, s) in &r.operations {
        for (status, count) in &s.statuses {
            let _ = writeln!(out, "| {name} | {status} | {count} |");
        }
    }

    if let Some(open) = &r.open_model {
        out.push_str("\n## Schedule (open model)\n\n");
        let _ = writeln!(
            out,
            "scheduled {}, sent {}, dropped at the in-flight cap {}, sent more than 10 ms late {}, abandoned at the hard stop {}",
            open.scheduled, open.sent, open.dropped, open.late, r.unfinished
        );
    } else {
        let _ = writeln!(out, "\nRequests abandoned at the hard stop: {}", r.unfinished);
    }

    out.push_str("\n## Server (from /metrics)\n\n");
    match &r.server {
        None => out.push_str("No /metrics endpoint, or no known series in it.\n"),
        Some(f) => server(&mut out, f),
    }

    if !r.comparison.is_empty() {
        out.push_str(
            "\n## Against the baseline\n\n| metric | baseline | now | change | verdict |\n|---|---:|---:|---:|---|\n",
        );
        for c in &r.comparison {
            let pct = c.change_pct.map_or_else(|| "new".to_owned(), |p| format!("{p:+.1}%"));
            let direction = match c.direction {
                Direction::Improvement => "improvement",
                Direction::Regression => "regression",
                Direction::Unchanged => "unchanged",
            };
            let size = match c.size {
                Size::Noise => "noise",
                Size::Meaningful => "meaningful",
                Size::Significant => "significant",
            };
            let _ =
                writeln!(out, "| {} | {:.4} | {:.4} | {pct} | {size} {direction} |", c.metric, c.baseline, c.current);
        }
        if r.budget_violations.is_empty() {
            out.push_str("\nBudget: within limits.\n");
        } else {
            out.push_str("\nBudget EXCEEDED:\n");
            for v in &r.budget_violations {
                let _ = writeln!(out, "- {v}");
            }
        }
    }
    out
}

fn server(out: &mut String, f: &ServerFigures) {
    let opt = |v: Option<f64>, digits: usize| v.map_or_else(|| "-".to_owned(), |v| format!("{v:.digits$}"));
    let _ = writeln!(
        out,
        "- HTTP requests seen by the server: {}, mean {} ms",
        opt(f.http_requests, 0),
        opt(f.http_mean_ms, 3)
    );
    let _ = writeln!(out, "- database queries: {}, mean {} ms", opt(f.db_queries, 0), opt(f.db_mean_ms, 3));
    for (op, (count, mean)) in &f.db_by_operation {
        let _ = writeln!(out, "  - {op}: {count:.0} queries, mean {mean:.3} ms");
    }
    let _ = writeln!(
        out,
        "- cache: {} hits, {} misses, hit ratio {}",
        opt(f.cache_hits, 0),
        opt(f.cache_misses, 0),
        opt(f.cache_hit_ratio.map(|r| r * 100.0), 1) + "%"
    );
    for (series, value) in &f.pool {
        let _ = writeln!(out, "- {series} = {value} (after the run)");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::compare::Better;
    use crate::load::compare::change;

    fn results() -> Results {
        let summary = |requests: u64| Summary { requests, throughput_rps: requests as f64, ..Summary::default() };
        Results {
            url: "http://127.0.0.1:1".to_owned(),
            started_at_unix: 0,
            model: Model::Open { rps: 10.0, max_in_flight: 5 },
            warmup_secs: 1.0,
            duration_secs: 1.0,
            mix: BTreeMap::from([("read".to_owned(), 8), ("login".to_owned(), 1)]),
            ceiling: Some(summary(1000)),
            overall: summary(9),
            scenarios: BTreeMap::from([("read".to_owned(), summary(8)), ("login".to_owned(), summary(1))]),
            operations: BTreeMap::from([("user".to_owned(), summary(8)), ("login".to_owned(), summary(1))]),
            open_model: Some(OpenStats { scheduled: 10, sent: 9, dropped: 1, late: 0 }),
            unfinished: 0,
            server: None,
            notes: vec!["a note".to_owned()],
            comparison: vec![change("overall p95 us", 100.0, 200.0, Better::Lower)],
            budget_violations: vec!["p95 rose".to_owned()],
        }
    }

    #[test]
    fn the_markdown_has_one_row_per_scenario_and_operation_and_the_verdicts() {
        let md = markdown(&results());
        assert!(md.contains("| scenario | requests | req/s | x ceiling |"), "{md}");
        for row in ["| ceiling (GET /health) |", "| **read** |", "| **login** |", "| user |", "| **overall** |"] {
            assert!(md.contains(row), "missing {row}: {md}");
        }
        assert!(!md.contains("| login |"), "a one-operation scenario is not repeated");
        assert!(md.contains("dropped at the in-flight cap 1"));
        assert!(md.contains("| overall p95 us | 100.0000 | 200.0000 | +100.0% | significant regression |"), "{md}");
        assert!(md.contains("Budget EXCEEDED") && md.contains("- note: a note"));
    }

    #[test]
    fn results_round_trip_through_json_as_a_baseline() {
        let r = results();
        let json = serde_json::to_string(&r).expect("serialise");
        let back: Results = serde_json::from_str(&json).expect("parse");
        assert_eq!(back.overall, r.overall);
        assert_eq!(back.model, r.model);
        assert_eq!(back.comparison, r.comparison);
    }
}
