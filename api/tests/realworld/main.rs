//! Black-box tests of the RealWorld example (real database, real HTTP server), in their
//! own test target so that a project generated without the example drops the folder.
//! The harness is the one of `tests/http`.

#[allow(dead_code)]
#[path = "../http/app.rs"]
mod app;
mod flows;
mod hostile;
mod lists;
mod metrics;
mod pagination;
mod publish;
mod rejections;
mod reports;
