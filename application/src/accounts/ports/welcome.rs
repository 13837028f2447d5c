//! The welcome job: the example background job every generated project keeps. A new
//! account is welcomed once, by a worker, after registration (in a real service: the
//! welcome e-mail); the account records when, so the job is idempotent and recoverable.

use async_trait::async_trait;
use domain::{Timestamp, UserId};
use serde::{Deserialize, Serialize};

use crate::RepoError;

/// The payload of a welcome job: only the account's id; the worker reads the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WelcomeJob {
    pub user_id: i64,
}

/// Hands welcome jobs to workers.
#[async_trait]
pub trait WelcomeQueue: Send + Sync {
    /// Durably enqueues `job`; when this returns `Ok` the job survives a crash of this
    /// process and will be delivered to a worker at least once.
    ///
    /// # Errors
    /// The queue is unreachable; the job may or may not have been enqueued.
    async fn enqueue(&self, job: WelcomeJob) -> anyhow::Result<()>;
}

/// Whether accounts have been welcomed (`users.welcomed_at`).
#[async_trait]
pub trait WelcomeRepository: Send + Sync {
    /// Records that `user` was welcomed at `at`, unless it already was.
    ///
    /// MUST be one atomic conditional write (`... WHERE welcomed_at IS NULL`), so that of
    /// two workers delivering the same job only one sees `true`.
    ///
    /// # Errors
    /// `NotFound` for an unknown account.
    async fn mark_welcomed(&self, user: UserId, at: Timestamp) -> Result<bool, RepoError>;

    /// Up to `limit` accounts registered before `registered_before` and never welcomed,
    /// oldest first.
    ///
    /// # Errors
    /// Only `Unexpected`.
    async fn unwelcomed(&self, registered_before: Timestamp, limit: u64) -> Result<Vec<UserId>, RepoError>;
}
