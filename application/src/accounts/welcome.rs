//! The welcome job's use cases: enqueue after registration, complete in the worker, and
//! the recovery sweep that re-enqueues accounts whose job was lost.

use std::sync::Arc;

use domain::UserId;

use crate::accounts::{WelcomeJob, WelcomeQueue, WelcomeRepository};
use crate::ports::Clock;
use crate::{RepoError, UseCaseError};

/// What a delivered welcome job found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WelcomeOutcome {
    /// This job welcomed the account.
    Welcomed,
    /// An earlier delivery (or a duplicate from the sweep) already did: nothing to do.
    AlreadyWelcomed,
    /// The account no longer exists: nothing to do.
    UnknownUser,
}

/// Welcome-job use cases.
#[derive(Clone)]
pub struct WelcomeService {
    users: Arc<dyn WelcomeRepository>,
    queue: Arc<dyn WelcomeQueue>,
    clock: Arc<dyn Clock>,
}

impl WelcomeService {
    pub fn new(users: Arc<dyn WelcomeRepository>, queue: Arc<dyn WelcomeQueue>, clock: Arc<dyn Clock>) -> Self {
        Self { users, queue, clock }
    }

    /// Enqueues the welcome job of a new account. Never fails the caller: a job that
    /// could not be enqueued is logged and later picked up by [`Self::requeue_unwelcomed`].
    #[tracing::instrument(skip_all, fields(user = user.0))]
    pub async fn enqueue(&self, user: UserId) {
        if let Err(e) = self.queue.enqueue(WelcomeJob { user_id: user.0 }).await {
            tracing::warn!("welcome job not enqueued (the recovery sweep will retry): {e:#}");
        }
    }

    /// Runs one delivery of a welcome job. Idempotent: the account records when it was
    /// welcomed, so a job delivered twice welcomes once.
    ///
    /// # Errors
    /// `Unexpected` when the account cannot be read or written (the worker retries).
    #[tracing::instrument(skip_all, fields(user = job.user_id))]
    pub async fn welcome(&self, job: WelcomeJob) -> Result<WelcomeOutcome, UseCaseError> {
        // This is where a real service sends its welcome e-mail, before recording it:
        // a crash in between sends it again (at least once), never loses it.
        match self.users.mark_welcomed(UserId(job.user_id), self.clock.now()).await {
            Ok(true) => Ok(WelcomeOutcome::Welcomed),
            Ok(false) => Ok(WelcomeOutcome::AlreadyWelcomed),
            Err(RepoError::NotFound) => Ok(WelcomeOutcome::UnknownUser),
            Err(e) => Err(e.into()),
        }
    }

    /// The recovery sweep: enqueues again up to `limit` accounts registered more than
    /// `age` ago and still not welcomed (their job was lost, or never enqueued). Returns
    /// how many were enqueued; a duplicate of a job merely still waiting is harmless.
    ///
    /// # Errors
    /// The accounts cannot be read, or the queue refuses a job.
    #[tracing::instrument(skip_all)]
    pub async fn requeue_unwelcomed(&self, age: chrono::Duration, limit: u64) -> Result<u64, UseCaseError> {
        let before = domain::Timestamp::new(self.clock.now().as_datetime() - age);
        let users = self.users.unwelcomed(before, limit).await?;
        for user in &users {
            self.queue.enqueue(WelcomeJob { user_id: user.0 }).await.map_err(UseCaseError::Unexpected)?;
        }
        Ok(users.len() as u64)
    }
}
