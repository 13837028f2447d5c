//! Black-box tests: the real application (real database, real HTTP server on a free
//! loopback port) driven over HTTP with reqwest, as a client would.

// Shared with the other black-box test targets, which use parts this one does not.
#[allow(dead_code)]
mod app;
mod flows;
mod hostile;
mod login_throttle;
mod rejections;
mod secrets;
mod tokens;
