//! Handler tests: the real router over in-memory services, driven without a socket.
//!
//! One test binary with a module per area keeps link time down. Each test builds its own
//! `TestApp`, so tests share no state and run in parallel.

//{% if realworld %} The RealWorld example's handlers.
mod articles;
mod comments;
mod docs_realworld;
mod errors_realworld;
mod profiles;
mod reports;
//{% endif %} Accounts, errors and the OpenAPI document.
mod docs;
mod errors;
mod support;
mod users;
