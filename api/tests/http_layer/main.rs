//! Black-box tests of the production HTTP layer: the real server on a free loopback
//! port, real databases, real Redis, and private PostgreSQL/Redis servers for the tests
//! that stop them.

#[allow(dead_code)]
#[path = "../http/app.rs"]
mod app;
mod drain;
mod guards;
mod headers;
mod ops;
mod overload;
mod rate_limit_metrics;
mod servers;
mod slow_log;
mod support;
