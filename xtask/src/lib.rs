//! Developer tasks for this workspace, run as `cargo xtask <task>`: seeding a database
//! with realistic data and load-testing a running server.

pub mod cli;
pub mod load;
pub mod seed;
