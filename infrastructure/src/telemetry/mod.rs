//! Logs and traces, set up once per process by [`init`] (both binaries call it).
//!
//! Logs: human-readable lines in development, JSON lines in production, filtered by
//! `log.level` (or `RUST_LOG`). Traces: `tracing` spans exported over OTLP/HTTP protobuf
//! when `traces.endpoint` (or `OTEL_EXPORTER_OTLP_ENDPOINT`) is set, with their own
//! filter, so `log.level = "warn"` does not switch tracing off and the DEBUG spans of the
//! hot paths (cache reads) cost nothing while export is off. The W3C trace-context
//! propagator is installed either way: `traceparent` is read from callers and written
//! into job payloads.

mod export;
mod settings;

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use opentelemetry::propagation::{Extractor, Injector};
use opentelemetry::trace::{
    Span as _, SpanContext, SpanKind, Status, TraceContextExt as _, Tracer as _, TracerProvider as _,
};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{SdkTracer, SdkTracerProvider};
use tracing_opentelemetry::OpenTelemetrySpanExt as _;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{EnvFilter, Layer, Registry};

pub use settings::{HTTP_PROTOBUF, Sampler, TracesSettings, otel_variables};

use crate::settings::{Environment, LogFormat, Settings};

/// The tracer of the statement spans, set once export is on (see [`sql_span`]).
static TRACER: OnceLock<SdkTracer> = OnceLock::new();

/// The crates whose spans are exported: the service's own, not its libraries' (apalis
/// polls, hyper connections) that would start a trace of their own every few seconds.
const TRACED_CRATES: [&str; 5] = ["api", "worker", "application", "infrastructure", "domain"];

/// What must outlive the process's work: the exporter, flushed by [`Telemetry::shutdown`].
#[must_use = "call shutdown() before exiting, or the last spans are lost"]
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
    timeout: Duration,
}

impl Telemetry {
    /// Whether spans are exported.
    pub fn exporting(&self) -> bool {
        self.provider.is_some()
    }

    /// Sends the spans still buffered and stops the exporter, waiting at most
    /// `traces.export_timeout_ms`: an unreachable collector loses those spans, it never
    /// holds the process past its shutdown grace.
    pub async fn shutdown(self) {
        let Some(provider) = self.provider else { return };
        let timeout = self.timeout;
        // The flush blocks its thread until the export task (on this runtime) is done.
        let flushed = tokio::task::spawn_blocking(move || provider.shutdown_with_timeout(timeout));
        match tokio::time::timeout(timeout + Duration::from_millis(500), flushed).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(e))) => tracing::warn!("trace export not flushed at shutdown: {e}"),
            Ok(Err(e)) => tracing::warn!("trace export not flushed at shutdown: {e}"),
            Err(_) => tracing::warn!("trace export not flushed at shutdown: timed out"),
        }
    }
}

/// Installs the global subscriber (log lines, and span export when configured) and the
/// W3C propagator. `RUST_LOG`, when set, overrides `log.level`. Call it inside the Tokio
/// runtime: the exporter sends from it.
///
/// # Errors
/// `RUST_LOG` or `log.level` is not a valid filter, or the exporter cannot be built
/// (named in the message).
pub fn init(settings: &Settings) -> Result<Telemetry, String> {
    let (level, source) = match std::env::var("RUST_LOG") {
        Ok(value) => (value, "RUST_LOG"),
        Err(_) => (settings.log.level.clone(), "setting `log.level`"),
    };
    let parse = |directives: &str| {
        EnvFilter::try_new(directives)
            .map_err(|e| format!("configuration error: {source} {level:?} is not a valid filter: {e}"))
    };
    let filter = parse(&level)?;
    let json = match settings.log.format {
        LogFormat::Json => true,
        LogFormat::Pretty => false,
        LogFormat::Auto => settings.environment() == Environment::Production,
    };
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let lines = tracing_subscriber::fmt::layer().with_target(false).with_ansi(ansi).with_writer(std::io::stderr);
    let lines = if json { lines.json().flatten_event(true).boxed() } else { lines.boxed() };
    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    let timeout = settings.traces.export_timeout();

    let Some(provider) = export::provider(&settings.traces)? else {
        // No export: one global filter and no per-layer filtering, as without traces.
        // A second init (tests starting several apps) keeps the first subscriber.
        let _ = tracing_subscriber::registry().with(lines).with(filter).try_init();
        return Ok(Telemetry { provider: None, timeout });
    };
    let tracer = provider.tracer(crate::identity::SERVICE_NAME);
    let _ = TRACER.set(tracer.clone());
    opentelemetry::global::set_tracer_provider(provider.clone());
    let spans = tracing_opentelemetry::layer()
        .with_tracer(tracer)
        .with_location(false)
        .with_threads(false)
        .with_tracked_inactivity(false)
        .with_filter(Targets::new().with_targets(TRACED_CRATES.iter().map(|name| (*name, LevelFilter::DEBUG))));
    // The log lines keep `log.level`; the span layer takes the traced crates down to
    // DEBUG. The outermost filter admits exactly the union of the two, so whatever it
    // lets through reaches at least one layer: an event refused by every per-layer
    // filter (a PostgreSQL notice under `sqlx::postgres::notice=warn`) would leave the
    // per-layer filter state set and silently drop the next line logged on its thread.
    let outer = parse(&TRACED_CRATES.iter().fold(level.clone(), |all, name| format!("{all},{name}=debug")))?;
    let layers: Vec<Box<dyn Layer<Registry> + Send + Sync>> = vec![lines.with_filter(filter).boxed(), spans.boxed()];
    let _ = tracing_subscriber::registry().with(layers).with(outer).try_init();
    tracing::info!(url = %settings.traces.traces_url().unwrap_or_default(), service = %settings.traces.service_name,
        sampler = ?settings.traces.sampler, ratio = settings.traces.sampling_ratio, "exporting traces over OTLP/HTTP");
    Ok(Telemetry { provider: Some(provider), timeout })
}

/// The W3C `traceparent` of `span`, when it is recorded by the exporter.
pub fn traceparent(span: &tracing::Span) -> Option<String> {
    let context = span.context();
    let span_context = context.span().span_context().clone();
    span_context.is_valid().then(|| {
        format!("00-{}-{}-{:02x}", span_context.trace_id(), span_context.span_id(), span_context.trace_flags().to_u8())
    })
}

/// The trace id of `span`, when it is recorded by the exporter.
pub fn trace_id(span: &tracing::Span) -> Option<String> {
    let id = span.context().span().span_context().trace_id();
    (id != opentelemetry::TraceId::INVALID).then(|| id.to_string())
}

/// Makes `span` the child of the remote span named by `headers` (`traceparent`,
/// `tracestate`), and returns the trace id it belongs to, for the logs: its own when
/// exported, else the caller's when one came in, else `None`.
pub fn continue_trace<'a>(span: &tracing::Span, headers: impl Fn(&str) -> Option<&'a str>) -> Option<String> {
    let carrier = Headers { traceparent: headers("traceparent"), tracestate: headers("tracestate") };
    let parent = opentelemetry::global::get_text_map_propagator(|propagator| propagator.extract(&carrier));
    let caller = parent.span().span_context().trace_id();
    let _ = span.set_parent(parent);
    let own = span.context().span().span_context().trace_id();
    [own, caller].into_iter().find(|id| *id != opentelemetry::TraceId::INVALID).map(|id| id.to_string())
}

/// The W3C headers, for the propagator's reading side.
struct Headers<'a> {
    traceparent: Option<&'a str>,
    tracestate: Option<&'a str>,
}

impl Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        match key {
            "traceparent" => self.traceparent,
            "tracestate" => self.tracestate,
            _ => None,
        }
    }

    fn keys(&self) -> Vec<&str> {
        vec!["traceparent", "tracestate"]
    }
}

/// The trace context of the current span, as W3C headers (empty when not traced): what
/// a job payload carries so the worker can link its span to the request.
pub fn current_context() -> BTreeMap<String, String> {
    let mut carrier = Carrier::default();
    let context = tracing::Span::current().context();
    opentelemetry::global::get_text_map_propagator(|propagator| propagator.inject_context(&context, &mut carrier));
    carrier.0
}

/// The span named by `carrier` (see [`current_context`]), if any.
pub fn remote_span(carrier: &BTreeMap<String, String>) -> Option<SpanContext> {
    let headers = Headers {
        traceparent: carrier.get("traceparent").map(String::as_str),
        tracestate: carrier.get("tracestate").map(String::as_str),
    };
    let context = opentelemetry::global::get_text_map_propagator(|propagator| propagator.extract(&headers));
    let span = context.span().span_context().clone();
    span.is_valid().then_some(span)
}

/// Links `span` to the remote span in `carrier` (a job to the request that enqueued it):
/// a link, not a parent, because the job is its own unit of work, run later.
pub fn link(span: &tracing::Span, carrier: &BTreeMap<String, String>) -> Option<String> {
    let remote = remote_span(carrier)?;
    let trace_id = remote.trace_id().to_string();
    span.add_link(remote);
    Some(trace_id)
}

#[derive(Default)]
struct Carrier(BTreeMap<String, String>);

impl Injector for Carrier {
    fn set(&mut self, key: &str, value: String) {
        self.0.insert(key.to_owned(), value);
    }
}

/// Records one SQL statement that ran for `elapsed` and has just finished, as a client
/// span of the current span: named `SELECT users`, with the operation and the table as
/// attributes and never the statement's text or values. Nothing when export is off or
/// outside any traced work (start-up migrations, the worker's polling).
pub fn sql_span(system: &'static str, operation: &'static str, table: &'static str, elapsed: Duration, failed: bool) {
    let Some(tracer) = TRACER.get() else { return };
    let parent = Context::current();
    if !parent.has_active_span() {
        return;
    }
    let end = SystemTime::now();
    let mut span = tracer
        .span_builder(format!("{operation} {table}"))
        .with_kind(SpanKind::Client)
        .with_start_time(end.checked_sub(elapsed).unwrap_or(end))
        .with_attributes([
            KeyValue::new("db.system.name", system),
            KeyValue::new("db.operation.name", operation),
            KeyValue::new("db.collection.name", table),
        ])
        .start_with_context(tracer, &parent);
    if failed {
        span.set_status(Status::error("statement failed"));
    }
    span.end_with_timestamp(end);
}
