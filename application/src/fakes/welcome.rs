//! Fakes of the welcome job's ports: a queue that records (or refuses) jobs, and the
//! in-memory store's `welcomed_at`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use domain::{Timestamp, UserId};

use super::InMemoryStore;
use crate::RepoError;
use crate::accounts::{WelcomeJob, WelcomeQueue, WelcomeRepository};

/// A welcome queue that keeps the jobs it is given, or refuses them all when told to.
#[derive(Clone, Default)]
pub struct FakeWelcomeQueue {
    jobs: Arc<Mutex<Vec<WelcomeJob>>>,
    down: Arc<AtomicBool>,
}

impl FakeWelcomeQueue {
    /// The jobs enqueued so far, oldest first.
    pub fn jobs(&self) -> Vec<WelcomeJob> {
        self.jobs.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Makes every following enqueue fail (`true`) or succeed again (`false`).
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }
}

#[async_trait]
impl WelcomeQueue for FakeWelcomeQueue {
    async fn enqueue(&self, job: WelcomeJob) -> anyhow::Result<()> {
        if self.down.load(Ordering::SeqCst) {
            anyhow::bail!("queue down");
        }
        self.jobs.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(job);
        Ok(())
    }
}

#[async_trait]
impl WelcomeRepository for InMemoryStore {
    async fn mark_welcomed(&self, user: UserId, at: Timestamp) -> Result<bool, RepoError> {
        let mut state = self.lock();
        let stored = state.users.get_mut(&user).ok_or(RepoError::NotFound)?;
        if stored.welcomed_at.is_some() {
            return Ok(false);
        }
        stored.welcomed_at = Some(at);
        Ok(true)
    }

    async fn unwelcomed(&self, registered_before: Timestamp, limit: u64) -> Result<Vec<UserId>, RepoError> {
        let state = self.lock();
        let mut waiting: Vec<_> = state
            .users
            .values()
            .filter(|u| u.welcomed_at.is_none() && u.registered_at < registered_before)
            .map(|u| (u.registered_at, u.user.id))
            .collect();
        waiting.sort();
        Ok(waiting.into_iter().take(usize::try_from(limit).unwrap_or(usize::MAX)).map(|(_, id)| id).collect())
    }
}
