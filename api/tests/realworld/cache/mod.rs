//! Caching across processes: two real `api` processes on one PostgreSQL database and
//! one Redis. Every write goes through one process and is read at once through the
//! other; Redis is stopped and restarted under load.

mod cluster;
mod invalidation;
mod outage;
mod unknown;
