//! Reads the server's Prometheus `/metrics` before and after a run and derives the
//! server-side figures: request and database time, cache hit ratio, pool usage.
//!
//! The parser is lenient: it understands `name{labels} value [timestamp]` lines, skips
//! comments and anything it cannot read, and every figure is optional, so a server with
//! fewer (or differently named) series still gets a report of what is there.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One scrape: series (name plus sorted labels) to value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scrape {
    pub series: BTreeMap<String, f64>,
}

impl Scrape {
    pub fn parse(text: &str) -> Self {
        let mut series = BTreeMap::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            // The value follows the last `}` (labels may contain spaces) or the first space.
            let (key, rest) = match line.rfind('}') {
                Some(end) => (&line[..=end], &line[end + 1..]),
                None => match line.split_once(char::is_whitespace) {
                    Some((k, r)) => (k, r),
                    None => continue,
                },
            };
            let Some(value) = rest.split_whitespace().next().and_then(|v| v.parse::<f64>().ok()) else { continue };
            series.insert(key.to_owned(), value);
        }
        Self { series }
    }

    /// Sum of every series of metric `name` whose labels contain all of `labels`
    /// (each as `key="value"`).
    pub fn sum(&self, name: &str, labels: &[&str]) -> Option<f64> {
        let mut found = None;
        for (key, value) in &self.series {
            let (metric, label_text) = key.split_once('{').unwrap_or((key.as_str(), ""));
            if metric == name && labels.iter().all(|l| label_text.contains(l)) {
                *found.get_or_insert(0.0) += value;
            }
        }
        found
    }

    /// The distinct values of label `label` on metric `name`.
    pub fn label_values(&self, name: &str, label: &str) -> Vec<String> {
        let prefix = format!("{label}=\"");
        let mut values: Vec<String> = self
            .series
            .keys()
            .filter(|k| k.split_once('{').is_some_and(|(m, _)| m == name))
            .filter_map(|k| k.split_once(&prefix).and_then(|(_, rest)| rest.split_once('"')).map(|(v, _)| v.to_owned()))
            .collect();
        values.sort();
        values.dedup();
        values
    }
}

/// Server-side figures for the measured window (after minus before).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServerFigures {
    pub http_requests: Option<f64>,
    pub http_mean_ms: Option<f64>,
    pub db_queries: Option<f64>,
    pub db_mean_ms: Option<f64>,
    /// Database time per operation label: (queries, mean ms).
    pub db_by_operation: BTreeMap<String, (f64, f64)>,
    pub cache_hits: Option<f64>,
    pub cache_misses: Option<f64>,
    pub cache_hit_ratio: Option<f64>,
    /// Every series whose name mentions `pool`, as read after the run.
    pub pool: BTreeMap<String, f64>,
}

fn delta(before: &Scrape, after: &Scrape, name: &str, labels: &[&str]) -> Option<f64> {
    Some(after.sum(name, labels)? - before.sum(name, labels).unwrap_or(0.0))
}

fn mean_ms(sum_seconds: Option<f64>, count: Option<f64>) -> Option<f64> {
    match (sum_seconds, count) {
        (Some(s), Some(c)) if c > 0.0 => Some(s / c * 1000.0),
        _ => None,
    }
}

/// Derives the figures from two scrapes; `None` when nothing known was found.
pub fn server_figures(before: &Scrape, after: &Scrape) -> Option<ServerFigures> {
    let http = "http_request_duration_seconds";
    let db = "db_query_duration_seconds";
    let http_requests = delta(before, after, &format!("{http}_count"), &[]);
    let db_queries = delta(before, after, &format!("{db}_count"), &[]);
    let mut db_by_operation = BTreeMap::new();
    for op in after.label_values(&format!("{db}_count"), "operation") {
        let label = format!("operation=\"{op}\"");
        let count = delta(before, after, &format!("{db}_count"), &[&label]);
        let sum = delta(before, after, &format!("{db}_sum"), &[&label]);
        if let (Some(c), Some(mean)) = (count, mean_ms(sum, count)) {
            db_by_operation.insert(op, (c, mean));
        }
    }
    let cache_hits = delta(before, after, "cache_hits_total", &[]);
    let cache_misses = delta(before, after, "cache_misses_total", &[]);
    let cache_hit_ratio = match (cache_hits, cache_misses) {
        (Some(h), Some(m)) if h + m > 0.0 => Some(h / (h + m)),
        _ => None,
    };
    let pool: BTreeMap<String, f64> =
        after.series.iter().filter(|(k, _)| k.contains("pool")).map(|(k, v)| (k.clone(), *v)).collect();
    let figures = ServerFigures {
        http_requests,
        http_mean_ms: mean_ms(delta(before, after, &format!("{http}_sum"), &[]), http_requests),
        db_queries,
        db_mean_ms: mean_ms(delta(before, after, &format!("{db}_sum"), &[]), db_queries),
        db_by_operation,
        cache_hits,
        cache_misses,
        cache_hit_ratio,
        pool,
    };
    (figures != ServerFigures::default()).then_some(figures)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEFORE: &str = r#"
# HELP http_request_duration_seconds Request latency
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{method="GET",le="0.005"} 10
http_request_duration_seconds_sum{method="GET",route="/api/tags"} 0.5
http_request_duration_seconds_count{method="GET",route="/api/tags"} 100
db_query_duration_seconds_sum{operation="select"} 1
db_query_duration_seconds_count{operation="select"} 200
cache_hits_total{view="tags"} 10
cache_misses_total{view="tags"} 10
"#;

    const AFTER: &str = r#"
http_request_duration_seconds_sum{method="GET",route="/api/tags"} 2.5
http_request_duration_seconds_count{method="GET",route="/api/tags"} 1100
http_request_duration_seconds_sum{method="POST",route="/api/users/login"} 3
http_request_duration_seconds_count{method="POST",route="/api/users/login"} 100
db_query_duration_seconds_sum{operation="select"} 3
db_query_duration_seconds_count{operation="select"} 1200
db_query_duration_seconds_sum{operation="insert"} 0.5
db_query_duration_seconds_count{operation="insert"} 100
cache_hits_total{view="tags"} 910
cache_misses_total{view="tags"} 110
db_pool_connections{state="idle"} 3
db_pool_connections{state="in use"} 2 1700000000
garbage line without a number x
"#;

    #[test]
    fn figures_are_the_difference_between_scrapes() {
        let f = server_figures(&Scrape::parse(BEFORE), &Scrape::parse(AFTER)).expect("figures");
        assert_eq!(f.http_requests, Some(1100.0));
        // (2.5 + 3 - 0.5) s over 1100 requests.
        assert!((f.http_mean_ms.expect("mean") - 5000.0 / 1100.0).abs() < 1e-9);
        assert_eq!(f.db_queries, Some(1100.0));
        assert_eq!(f.db_by_operation.get("insert"), Some(&(100.0, 5.0)));
        assert_eq!(f.db_by_operation.get("select"), Some(&(1000.0, 2.0)));
        assert_eq!(f.cache_hit_ratio, Some(0.9));
        assert_eq!(f.pool.get("db_pool_connections{state=\"in use\"}"), Some(&2.0));
        assert_eq!(f.pool.len(), 2);
    }

    #[test]
    fn a_server_without_known_series_gives_no_figures() {
        assert_eq!(server_figures(&Scrape::default(), &Scrape::parse("process_cpu_seconds_total 1\n")), None);
    }
}
