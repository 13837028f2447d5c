//! Black-box tests of the platform: the real application (real database, real HTTP
//! server on a free loopback port) driven over HTTP as a client would, for accounts,
//! tokens, errors, the OpenAPI document, the HTTP layer (guards, limits, headers, probes,
//! metrics, shutdown) and the welcome job; the real binary where a test needs its process
//! (secrets, drain, slow log); private PostgreSQL/Redis servers for the tests that stop
//! them.
//!
//! One test binary with a module per area keeps link time down. Each test starts its own
//! app on its own database, so tests share no state and run in parallel.

// The harness of every API test target; this one uses most, not all, of it.
#[allow(dead_code)]
#[path = "../app/mod.rs"]
mod app;
mod docs;
mod drain;
mod flows;
mod guards;
mod headers;
mod hostile;
mod login_throttle;
mod ops;
mod overload;
mod rate_limit_metrics;
mod rejections;
mod secrets;
mod servers;
mod slow_log;
mod tokens;
mod users;
mod welcome;
