//! Black-box tests: the real application (real database, real HTTP server on a free
//! loopback port) driven over HTTP with reqwest, as a client would.

mod app;
mod flows;
mod hostile;
mod rejections;
mod secrets;
