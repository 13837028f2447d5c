//! Handler tests: the real router over in-memory services, driven without a socket.
//!
//! One test binary with a module per area keeps link time down. Each test builds its own
//! `TestApp`, so tests share no state and run in parallel.

mod articles;
mod comments;
mod docs;
mod errors;
mod reports;
mod support;
mod users;
