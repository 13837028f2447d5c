//! What a queue stores per job: the job itself plus the trace context of the request
//! that enqueued it, so the worker's span can link back to that request.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A job and the W3C trace context (`traceparent`, `tracestate`) it was enqueued in.
///
/// The job's own fields stay at the top level of the payload (`{"user_id": 7,
/// "trace": {...}}`) and `trace` defaults to empty, so payloads queued before this
/// envelope existed (or by a process without tracing) still parse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope<T> {
    #[serde(flatten)]
    pub job: T,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub trace: BTreeMap<String, String>,
}

impl<T> Envelope<T> {
    /// `job`, with the trace context of the current span (none outside traced work).
    pub fn new(job: T) -> Self {
        Self { job, trace: crate::telemetry::current_context() }
    }

    /// The job, and the span to run it in: a new trace (`job <queue>`) *linked* to the
    /// request that enqueued it, whose trace id the span's log lines carry.
    pub fn open(self, queue: &str) -> (T, tracing::Span) {
        let span = tracing::info_span!(
            parent: None,
            "job",
            otel.name = %format!("job {queue}"),
            otel.kind = "consumer",
            queue = %queue,
            trace_id = tracing::field::Empty,
            linked_trace_id = tracing::field::Empty,
        );
        if let Some(linked) = crate::telemetry::link(&span, &self.trace) {
            span.record("linked_trace_id", linked);
        }
        if let Some(own) = crate::telemetry::trace_id(&span) {
            span.record("trace_id", own);
        }
        (self.job, span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Job {
        id: i64,
    }

    #[test]
    fn payloads_queued_before_the_envelope_still_parse() {
        let old: Envelope<Job> = serde_json::from_str(r#"{"id": 7}"#).expect("old payload");
        assert_eq!(old, Envelope { job: Job { id: 7 }, trace: BTreeMap::new() });
        let untraced = serde_json::to_string(&Envelope { job: Job { id: 7 }, trace: BTreeMap::new() }).expect("json");
        assert_eq!(untraced, r#"{"id":7}"#);
        let traced: Envelope<Job> =
            serde_json::from_str(r#"{"id": 7, "trace": {"traceparent": "00-ab-cd-01"}}"#).expect("new payload");
        assert_eq!(traced.trace.get("traceparent").map(String::as_str), Some("00-ab-cd-01"));
    }
}
