//! The welcome queue's fake: the platform's recording [`FakeQueue`] of welcome jobs.

use async_trait::async_trait;

use super::{WelcomeJob, WelcomeQueue};
use crate::fakes::FakeQueue;

/// A welcome queue that keeps the jobs it is given, or refuses them all when told to.
pub type FakeWelcomeQueue = FakeQueue<WelcomeJob>;

#[async_trait]
impl WelcomeQueue for FakeQueue<WelcomeJob> {
    async fn enqueue(&self, job: WelcomeJob) -> anyhow::Result<()> {
        self.push(job)
    }
}
