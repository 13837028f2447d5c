//! Start-up and shutdown of the HTTP server: the binary's composition root.
//!
//! [`Application::build`] wires everything from settings and binds the listener (port 0
//! picks a free port, which the black-box tests use); [`Application::run_until_stopped`]
//! serves until the shutdown future resolves, then answers `/ready` with 503 for
//! `server.drain_delay_secs` while still serving everything, then stops accepting and
//! drains in-flight requests for at most the configured grace period.
//!
//! Hostile or excessive traffic is bounded here too: at most `server.max_connections`
//! connections are served (the rest wait in the kernel's accept backlog) and at most
//! `server.max_in_flight_requests` requests run (the rest are shed with a 503).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use application::ports::{DependencyProbe, WindowCounter};
use application::readiness::Drain;
use axum::Router;
use infrastructure::Settings;
use infrastructure::identity::SERVICE_NAME;
use infrastructure::rate_limit::{InMemoryWindowCounter, RedisWindowCounter};
pub use infrastructure::shutdown::shutdown_signal;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::middleware::{HttpLayerConfig, ObserveConfig, RateLimiter};
use crate::{AppState, Ops, router};

/// A wired application with its listener bound, not yet serving.
pub struct Application {
    listener: TcpListener,
    router: Router,
    shutdown_timeout: Duration,
    header_read_timeout: Duration,
    /// `server.max_connections`; 0 = no cap.
    max_connections: usize,
    /// Flipped when shutdown begins: `/ready` fails from then on.
    drain: Drain,
    drain_delay: Duration,
    backends: String,
    /// `auth.jwt_secret`'s source for the start-up line (never the secret).
    secret_source: &'static str,
    /// The in-process report worker (`jobs.embedded_worker`), stopped after the server.
    worker: Option<worker::EmbeddedWorker>,
}

impl Application {
    /// Connects (and migrates, unless disabled) the database, wires the use cases and
    /// binds `server.host:server.port`.
    ///
    /// # Errors
    /// The database is unreachable, a migration fails, or the address cannot be bound.
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        let app = infrastructure::build(settings).await?;
        let address = format!("{}:{}", settings.server.host, settings.server.port);
        let listener = TcpListener::bind(&address).await.with_context(|| format!("cannot listen on {address}"))?;
        // Per-request spans and completion events are DEBUG: nothing on the hot path
        // logs at INFO by default.
        let trace = TraceLayer::new_for_http()
            .make_span_with(DefaultMakeSpan::new().level(Level::DEBUG))
            .on_response(DefaultOnResponse::new().level(Level::DEBUG));
        let worker = settings
            .jobs
            .embedded_worker
            .then(|| worker::spawn(app.features.clone(), app.jobs.clone(), settings.clone()));
        let metrics = if settings.http.metrics { Some(infrastructure::metrics::install()?) } else { None };
        if metrics.is_some() {
            crate::metrics::export_shed_counter();
        }
        let drain = Drain::default();
        let mut probes = app.probes;
        probes.push(Arc::new(drain.clone()) as Arc<dyn DependencyProbe>);
        let ops = Ops { probes, pool: Some(app.pool), metrics, debug_routes: settings.http.debug_routes };
        let state = AppState::new(app.features, &app.platform).with_ops(ops);
        let router = if settings.http.middleware {
            crate::middleware::layers(router(state), http_layer_config(settings, app.redis))
        } else {
            tracing::warn!("http.middleware is off: no limits, headers, compression or request metrics");
            router(state)
        };
        let router = router.layer(trace);
        let router = crate::middleware::load_shed::layer(router, settings.server.max_in_flight_requests);
        Ok(Self {
            listener,
            router,
            shutdown_timeout: Duration::from_secs(settings.server.shutdown_timeout_secs),
            header_read_timeout: settings.server.header_read_timeout(),
            max_connections: settings.server.max_connections,
            drain,
            drain_delay: settings.server.drain_delay(),
            backends: app.backends,
            secret_source: settings.auth.secret_source(),
            worker,
        })
    }

    /// The bound address (with the real port when configured with port 0).
    ///
    /// # Errors
    /// Only if the OS cannot report the socket's address.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` resolves; then `/ready` answers 503 for the drain delay
    /// while every route is still served, then the listener closes and in-flight requests
    /// finish, for at most the configured grace period (counted after the drain delay).
    ///
    /// # Errors
    /// The server fails, or requests were still running when the grace period ended.
    pub async fn run_until_stopped(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let addr = self.local_addr()?;
        tracing::info!(
            "{SERVICE_NAME} listening on http://{addr} ({} jwt_secret={})",
            self.backends,
            self.secret_source
        );
        let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
        let (drain, drain_delay) = (self.drain, self.drain_delay);
        let signal = async move {
            shutdown.await;
            drain.start();
            tracing::info!(
                "shutdown requested: /ready answers 503, still serving for {drain_delay:?} (server.drain_delay_secs)"
            );
            tokio::time::sleep(drain_delay).await;
            tracing::info!("no longer accepting connections: draining in-flight requests");
            let _ = stopping_tx.send(());
        };
        let server = serve_http1(self.listener, self.router, self.header_read_timeout, self.max_connections, signal);
        let result = Self::serve(server, stopping_rx, self.shutdown_timeout).await;
        if let Some(worker) = self.worker {
            worker.stop().await?;
        }
        result
    }

    async fn serve(
        server: impl Future<Output = std::io::Result<()>>,
        stopping_rx: tokio::sync::oneshot::Receiver<()>,
        shutdown_timeout: Duration,
    ) -> anyhow::Result<()> {
        tokio::pin!(server);
        tokio::select! {
            result = &mut server => return result.context("server error"),
            _ = stopping_rx => {}
        }
        match tokio::time::timeout(shutdown_timeout, server).await {
            Ok(result) => {
                tracing::info!("shutdown complete");
                result.context("server error")
            }
            Err(_) => {
                anyhow::bail!("requests still running after the {shutdown_timeout:?} shutdown grace period")
            }
        }
    }
}

/// Serves HTTP/1.1 on `listener` until `signal` resolves, then stops accepting and
/// resolves once every open connection has finished its in-flight request.
///
/// This is `axum::serve` (same accept loop, which rides out `EMFILE` and other accept
/// errors, and the same graceful shutdown) with hyper's HTTP/1 builder configured
/// directly: `axum::serve` cannot set `header_read_timeout`, so a client sending one header
/// line per second could hold a connection forever. The peer address is attached to each
/// request as `ConnectInfo`, which the per-client rate limits read.
///
/// With `max_connections` above 0, a connection is accepted only when one of that many
/// slots is free: the rest wait in the kernel's accept backlog (`listen(2)`; clients see
/// a slow connect, and a refused one once the backlog is full) without costing this
/// process a task or a buffer. Closing them at once instead would turn a burst into
/// errors that a short wait would have avoided.
async fn serve_http1(
    mut listener: TcpListener,
    router: Router,
    header_read_timeout: Duration,
    max_connections: usize,
    signal: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::extract::ConnectInfo;
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt as _;

    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(header_read_timeout);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let slots = (max_connections > 0).then(|| Arc::new(Semaphore::new(max_connections)));
    tokio::pin!(signal);
    loop {
        let slot = match &slots {
            Some(slots) => tokio::select! {
                // The semaphore is never closed, so this is always a permit.
                permit = Arc::clone(slots).acquire_owned() => permit.ok(),
                () = &mut signal => break,
            },
            None => None,
        };
        let (stream, peer) = tokio::select! {
            accepted = axum::serve::Listener::accept(&mut listener) => accepted,
            () = &mut signal => break,
        };
        let router = router.clone();
        let service = hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
            let mut request = request.map(axum::body::Body::new);
            request.extensions_mut().insert(ConnectInfo(peer));
            router.clone().oneshot(request)
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // Held until the connection ends: its slot is free again.
            let _slot = slot;
            if let Err(e) = connection.await {
                // Header timeouts, resets and malformed requests end here: the client's
                // problem, not the server's.
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
        });
    }
    // Refuse new connections from now on; idle keep-alive ones are closed by the
    // graceful shutdown, busy ones after their response.
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// The HTTP layer's configuration from `http.*`; the shared Redis connection backs the
/// rate limits when `http.rate_limit.shared` is on.
fn http_layer_config(settings: &Settings, redis: Option<redis::aio::ConnectionManager>) -> HttpLayerConfig {
    let http = &settings.http;
    let limits = &http.rate_limit;
    let rate_limiter = limits.enabled.then(|| {
        let shared = redis.filter(|_| limits.shared).map(|redis| {
            Arc::new(RedisWindowCounter::new(redis, format!("{SERVICE_NAME}:ratelimit:"))) as Arc<dyn WindowCounter>
        });
        Arc::new(RateLimiter::new(
            limits.window(),
            limits.general,
            limits.auth,
            http.trust_forwarded_for,
            limits.ipv6_prefix,
            Arc::new(InMemoryWindowCounter::default()),
            shared,
        ))
    });
    HttpLayerConfig {
        observe: ObserveConfig { slow_request: http.slow_request(), metrics: http.metrics },
        request_timeout: http.request_timeout(),
        body_limit: http.body_limit_bytes,
        compression_min_bytes: http.compression_min_bytes,
        cors_origins: http.cors_origins.clone(),
        rate_limiter,
    }
}
