//! Black-box tests of the RealWorld example (real database, real HTTP server; real
//! `api` processes for the cross-process cache), in their own test target so that a
//! project generated without the example drops the folder. The harness is the one of
//! every API test target (`tests/app`); the example's own helpers (`publish.rs`) are here.

// The shared harness; this target uses most, not all, of it.
#[allow(dead_code)]
#[path = "../app/mod.rs"]
mod app;
mod articles;
mod cache;
mod comments;
mod docs;
mod flows;
mod hostile;
mod lists;
mod metrics;
mod pagination;
mod profiles;
mod publish;
mod rejections;
mod report_jobs;
mod reports;
