//! Traces end to end: the real service binary (with its embedded worker) exports over
//! OTLP/HTTP protobuf to a receiver started by the test, which decodes what it gets with
//! `opentelemetry-proto`. Nothing is mocked between the binary and the receiver.

use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use infrastructure::identity::{ENV_PREFIX, SERVICE_NAME};
use infrastructure::testing::TestDb;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use opentelemetry_proto::tonic::trace::v1::Span;
use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use prost::Message as _;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::mpsc;

/// A span as received, with the `service.name` of the process that sent it.
#[derive(Clone)]
struct Received {
    service: String,
    span: Span,
}

/// An OTLP/HTTP receiver on 127.0.0.1:0 keeping every span it was sent.
struct Receiver {
    endpoint: String,
    spans: Arc<Mutex<Vec<Received>>>,
}

async fn receive(State(spans): State<Arc<Mutex<Vec<Received>>>>, body: Bytes) -> StatusCode {
    let Ok(request) = ExportTraceServiceRequest::decode(body) else { return StatusCode::BAD_REQUEST };
    let mut spans = spans.lock().unwrap_or_else(PoisonError::into_inner);
    for resource in request.resource_spans {
        let service = resource
            .resource
            .iter()
            .flat_map(|r| &r.attributes)
            .find(|a| a.key == "service.name")
            .and_then(|a| text(a.value.as_ref()?.value.as_ref()?))
            .unwrap_or_default();
        for span in resource.scope_spans.into_iter().flat_map(|scope| scope.spans) {
            spans.push(Received { service: service.clone(), span });
        }
    }
    StatusCode::OK
}

fn text(value: &AnyValue) -> Option<String> {
    match value {
        AnyValue::StringValue(s) => Some(s.clone()),
        AnyValue::IntValue(i) => Some(i.to_string()),
        AnyValue::BoolValue(b) => Some(b.to_string()),
        AnyValue::DoubleValue(d) => Some(d.to_string()),
        _ => None,
    }
}

fn attribute(span: &Span, key: &str) -> Option<String> {
    span.attributes.iter().find(|a| a.key == key).and_then(|a| text(a.value.as_ref()?.value.as_ref()?))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Receiver {
    async fn start() -> Self {
        let spans = Arc::new(Mutex::new(Vec::new()));
        let app = axum::Router::new().route("/v1/traces", post(receive)).with_state(spans.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("receiver port");
        let endpoint = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(async move { axum::serve(listener, app).await.expect("receiver serves") });
        Self { endpoint, spans }
    }

    fn all(&self) -> Vec<Received> {
        self.spans.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Waits (at most 30 s) until `done` holds for the spans received so far.
    async fn wait_until(&self, what: &str, done: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        for _ in 0..300 {
            let spans = self.all();
            if done(&spans) {
                return spans;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let names: Vec<_> = self.all().iter().map(|r| r.span.name.clone()).collect();
        panic!("never received {what}; got {names:?}");
    }
}

/// The service binary on a free port, exporting to `endpoint`, with its log lines.
struct Service {
    child: Child,
    base: String,
    lines: mpsc::UnboundedReceiver<String>,
    _dir: tempfile::TempDir,
}

/// Starts the binary on `database` (a temporary SQLite file when `None`).
async fn start(endpoint: &str, database: Option<&str>, extra: &[(&str, &str)]) -> Service {
    let dir = tempfile::tempdir().expect("temp dir");
    let var = |name: &str| format!("{ENV_PREFIX}{name}");
    let database = database.map_or_else(|| format!("sqlite://{}/app.db", dir.path().display()), str::to_owned);
    let mut command = Command::new(infrastructure::testing::service_binary());
    command
        .env_remove("RUST_LOG")
        .env("DATABASE_URL", database)
        // PostgreSQL means production, which refuses the development secret.
        .env(var("AUTH__JWT_SECRET"), "a-test-secret-of-at-least-32-characters")
        .env(var("JOBS__SQLITE_URL"), format!("sqlite://{}/jobs.sqlite", dir.path().display()))
        .env(var("JOBS__POLL_INTERVAL_MS"), "50")
        .env(var("SERVER__PORT"), "0")
        .env(var("SERVER__DRAIN_DELAY_SECS"), "0")
        .env(var("LOG__FORMAT"), "json")
        .env(var("AUTH__ARGON2_MEMORY_KIB"), "64")
        .env(var("AUTH__ARGON2_ITERATIONS"), "1")
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
        // The batch processor's own variable: send every 100 ms instead of every 5 s.
        .env("OTEL_BSP_SCHEDULE_DELAY", "100");
    for (name, value) in extra {
        command.env(var(name), value);
    }
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the service binary starts");
    let stderr = child.stderr.take().expect("piped stderr");
    let (tx, mut lines) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut reader = BufReader::new(stderr).lines();
        while let Ok(Some(line)) = reader.next_line().await {
            let _ = tx.send(line);
        }
    });
    let listening = next_line(&mut lines, |l| l.contains("listening on http://")).await;
    let from = listening.find("http://").expect("url");
    let base = listening[from..].chars().take_while(|c| !c.is_whitespace() && *c != '"').collect();
    Service { child, base, lines, _dir: dir }
}

/// The next log line matching `wanted`, within 30 s; the lines seen instead when it never comes
/// (a service that failed to start says why).
async fn next_line(lines: &mut mpsc::UnboundedReceiver<String>, wanted: impl Fn(&str) -> bool) -> String {
    let mut seen = Vec::new();
    let found = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.recv().await {
            if wanted(&line) {
                return Some(line);
            }
            seen.push(line);
        }
        None
    })
    .await;
    match found {
        Ok(Some(line)) => line,
        _ => panic!("the expected log line never came; the service wrote:\n{}", seen.join("\n")),
    }
}

/// `00-<trace id>-<span id>-<flags>` split into its trace id and span id.
fn parse_traceparent(value: &str) -> (String, String) {
    let parts: Vec<&str> = value.split('-').collect();
    assert_eq!(parts.len(), 4, "{value}");
    assert_eq!((parts[0], parts[1].len(), parts[2].len()), ("00", 32, 16), "{value}");
    (parts[1].to_owned(), parts[2].to_owned())
}

/// On SQLite with the SQLite queue, and on PostgreSQL with the production queue (the
/// project's choice: with Redis, on the test server under a queue name of this run's own).
async fn a_registration_exports_its_request_and_sql_spans_and_a_welcome_job_span_linked_to_them(db: TestDb) {
    let receiver = Receiver::start().await;
    let postgres = db.url.starts_with("postgres");
    let redis_url = infrastructure::testing::redis_url();
    let welcome_queue = format!("test-traces-{}-welcome", std::process::id());
    let redis_queue = postgres && infrastructure::jobs::PRODUCTION_BACKEND == infrastructure::jobs::JobsBackend::Redis;
    let extra: &[(&str, &str)] =
        if redis_queue { &[("REDIS__URL", &redis_url), ("JOBS__WELCOME_QUEUE", &welcome_queue)] } else { &[] };
    let service = start(&receiver.endpoint, Some(&db.url), extra).await;
    let system = if postgres { "postgresql" } else { "sqlite" };
    let (username, email, password) = ("traced", "traced@example.com", "secret-password-123");
    let body = json!({"user": {"username": username, "email": email, "password": password}});
    let response =
        reqwest::Client::new().post(format!("{}/api/users", service.base)).json(&body).send().await.expect("sent");
    assert_eq!(response.status(), reqwest::StatusCode::CREATED);
    let traceparent = response.headers().get("traceparent").expect("traceparent returned").to_str().expect("ascii");
    let (trace, request_span) = parse_traceparent(traceparent);

    let linked_job = |r: &Received| r.span.links.iter().any(|link| hex(&link.trace_id) == trace);
    let spans = receiver
        .wait_until("the request's spans and the linked welcome job span", |spans| {
            spans.iter().any(|r| hex(&r.span.span_id) == request_span) && spans.iter().any(linked_job)
        })
        .await;

    let request = spans.iter().find(|r| hex(&r.span.span_id) == request_span).expect("request span");
    assert_eq!(request.span.name, "POST /api/users");
    assert_eq!(request.span.kind, SpanKind::Server as i32);
    assert!(request.span.parent_span_id.is_empty(), "no caller, so the request span is the root");
    assert_eq!(attribute(&request.span, "http.route").as_deref(), Some("/api/users"));
    assert_eq!(request.service, SERVICE_NAME);

    let in_request: Vec<&Span> = spans.iter().map(|r| &r.span).filter(|s| hex(&s.trace_id) == trace).collect();
    let insert = in_request.iter().find(|s| s.name == "INSERT users").expect("the INSERT INTO users statement span");
    assert_eq!(insert.kind, SpanKind::Client as i32);
    assert_eq!(attribute(insert, "db.collection.name").as_deref(), Some("users"));
    assert_eq!(attribute(insert, "db.operation.name").as_deref(), Some("INSERT"));
    assert_eq!(attribute(insert, "db.system.name").as_deref(), Some(system));
    assert!(in_request.iter().any(|s| s.name == "register"), "the use-case span");
    let repository = in_request.iter().find(|s| s.name == "UserRepository.create").expect("the repository span");
    assert_eq!(insert.parent_span_id, repository.span_id, "the statement is a child of the repository call");
    for span in &in_request {
        for kv in &span.attributes {
            let value = kv.value.as_ref().and_then(|v| text(v.value.as_ref()?)).unwrap_or_default();
            for secret in [email, password] {
                assert!(!value.contains(secret), "span {} attribute {} carries a value: {value}", span.name, kv.key);
            }
        }
    }

    let job = spans.iter().find(|r| linked_job(r)).map(|r| &r.span).expect("job span");
    // The span is named after the queue: the default `welcome`, or this run's own on Redis.
    let queue = if redis_queue { welcome_queue.as_str() } else { "welcome" };
    assert_eq!(job.name, format!("job {queue}"));
    assert_ne!(hex(&job.trace_id), trace, "the job runs in a trace of its own");
    assert!(job.parent_span_id.is_empty(), "linked, not a child");
    let link = job.links.iter().find(|l| hex(&l.trace_id) == trace).expect("link");
    assert!(
        in_request.iter().any(|s| s.span_id == link.span_id),
        "the link names a span of the request that enqueued the job"
    );
    let job_trace = hex(&job.trace_id);
    receiver
        .wait_until("the job's UPDATE users statement", |spans| {
            spans.iter().any(|r| hex(&r.span.trace_id) == job_trace && r.span.name == "UPDATE users")
        })
        .await;
    drop(service);
    if redis_queue {
        let client = redis::Client::open(redis_url).expect("redis url");
        let mut conn = client.get_multiplexed_async_connection().await.expect("redis");
        let keys: Vec<String> =
            redis::cmd("KEYS").arg(format!("{welcome_queue}*")).query_async(&mut conn).await.expect("keys");
        if !keys.is_empty() {
            let _: () = redis::cmd("DEL").arg(&keys).query_async(&mut conn).await.expect("deleted");
        }
    }
}

infrastructure::on_both_databases!(
    a_registration_exports_its_request_and_sql_spans_and_a_welcome_job_span_linked_to_them
);

#[tokio::test]
async fn a_callers_traceparent_is_continued_and_returned_and_the_500_error_line_carries_both_ids() {
    let receiver = Receiver::start().await;
    let mut service = start(&receiver.endpoint, None, &[("HTTP__DEBUG_ROUTES", "true")]).await;
    let (trace, caller) = ("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7");
    let response = reqwest::Client::new()
        .get(format!("{}/debug/panic", service.base))
        .header("traceparent", format!("00-{trace}-{caller}-01"))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), reqwest::StatusCode::INTERNAL_SERVER_ERROR);
    let request_id = response.headers()["x-request-id"].to_str().expect("ascii").to_owned();
    let returned = response.headers().get("traceparent").expect("traceparent returned").to_str().expect("ascii");
    let (returned_trace, own_span) = parse_traceparent(returned);
    assert_eq!(returned_trace, trace, "the caller's trace goes on");
    assert_ne!(own_span, caller, "the response names the service's own span");

    let spans =
        receiver.wait_until("the request span", |spans| spans.iter().any(|r| hex(&r.span.span_id) == own_span)).await;
    let span = spans.iter().map(|r| &r.span).find(|s| hex(&s.span_id) == own_span).expect("request span");
    assert_eq!(span.name, "GET /debug/panic");
    assert_eq!(hex(&span.parent_span_id), caller, "a child of the caller's span");
    assert_eq!(span.status.as_ref().map(|s| s.code), Some(2), "status ERROR on a 500");

    let line = next_line(&mut service.lines, |l| l.contains("request failed") && l.contains(&request_id)).await;
    let event: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
    assert_eq!(event["level"], "ERROR", "{line}");
    assert_eq!(event["span"]["request_id"], request_id.as_str(), "{line}");
    assert_eq!(event["span"]["trace_id"], trace, "{line}");
}

#[tokio::test]
async fn sigterm_exits_0_even_when_the_collector_never_answers() {
    // Accepts connections (the kernel's backlog) and never reads or answers them.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let endpoint = format!("http://{}", silent.local_addr().expect("address"));
    let mut service = start(&endpoint, None, &[("TRACES__EXPORT_TIMEOUT_MS", "1000")]).await;
    let health = reqwest::get(format!("{}/health", service.base)).await.expect("served");
    assert!(health.status().is_success());
    // Let the batch processor start an export that will hang.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let pid = service.child.id().expect("running").to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().await.expect("kill").success());
    let status = tokio::time::timeout(Duration::from_secs(60), service.child.wait())
        .await
        .expect("the process exits although the collector never answers")
        .expect("exit status");
    assert!(status.success(), "{status}");
    drop(silent);
}
