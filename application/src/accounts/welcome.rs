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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::RegisterInput;
    use crate::fakes::Fakes;

    async fn register(fakes: &Fakes, name: &str) -> UserId {
        let input = RegisterInput {
            username: Some(name.to_owned()),
            email: Some(format!("{name}@example.com")),
            password: Some("password123".to_owned()),
        };
        fakes.accounts().users.register(input).await.expect("registered").user.id
    }

    #[tokio::test]
    async fn registering_enqueues_one_welcome_job_for_the_new_account() {
        let fakes = Fakes::new();
        let jake = register(&fakes, "jake").await;
        assert_eq!(fakes.welcome.jobs(), [WelcomeJob { user_id: jake.0 }]);
    }

    #[tokio::test]
    async fn registration_succeeds_even_when_the_queue_is_down() {
        let fakes = Fakes::new();
        fakes.welcome.set_down(true);
        register(&fakes, "jake").await;
        assert!(fakes.welcome.jobs().is_empty());
    }

    #[tokio::test]
    async fn a_job_delivered_twice_welcomes_once() {
        let fakes = Fakes::new();
        let jake = register(&fakes, "jake").await;
        let welcome = fakes.accounts().welcome;
        let job = WelcomeJob { user_id: jake.0 };
        assert_eq!(welcome.welcome(job).await.expect("first"), WelcomeOutcome::Welcomed);
        assert_eq!(welcome.welcome(job).await.expect("again"), WelcomeOutcome::AlreadyWelcomed);
    }

    #[tokio::test]
    async fn a_job_for_a_deleted_account_is_dropped() {
        let welcome = Fakes::new().accounts().welcome;
        let outcome = welcome.welcome(WelcomeJob { user_id: 404 }).await.expect("no error");
        assert_eq!(outcome, WelcomeOutcome::UnknownUser);
    }

    #[tokio::test]
    async fn the_sweep_re_enqueues_only_old_unwelcomed_accounts() {
        let fakes = Fakes::new();
        fakes.welcome.set_down(true);
        let lost = register(&fakes, "lost").await;
        let done = register(&fakes, "done").await;
        fakes.welcome.set_down(false);
        let welcome = fakes.accounts().welcome;
        welcome.welcome(WelcomeJob { user_id: done.0 }).await.expect("welcomed");
        fakes.clock.advance_millis(60_000);
        let recent = register(&fakes, "recent").await;
        let age = chrono::Duration::seconds(30);

        assert_eq!(welcome.requeue_unwelcomed(age, 100).await.expect("swept"), 1);
        assert_eq!(fakes.welcome.jobs(), [WelcomeJob { user_id: recent.0 }, WelcomeJob { user_id: lost.0 }]);
    }

    #[tokio::test]
    async fn the_sweep_takes_at_most_limit_accounts_oldest_first() {
        let fakes = Fakes::new();
        fakes.welcome.set_down(true);
        let first = register(&fakes, "first").await;
        fakes.clock.advance_millis(1);
        register(&fakes, "second").await;
        fakes.welcome.set_down(false);
        fakes.clock.advance_millis(60_000);
        let swept = fakes.accounts().welcome.requeue_unwelcomed(chrono::Duration::seconds(30), 1).await;
        assert_eq!(swept.expect("swept"), 1);
        assert_eq!(fakes.welcome.jobs(), [WelcomeJob { user_id: first.0 }]);
    }
}
