//! The report queue's fake: the platform's recording [`FakeQueue`] of report jobs.

use async_trait::async_trait;

use super::{ReportJob, ReportQueue};
use crate::fakes::FakeQueue;

/// A report queue that keeps the jobs it is given, or refuses them all when told to.
pub type FakeReportQueue = FakeQueue<ReportJob>;

#[async_trait]
impl ReportQueue for FakeQueue<ReportJob> {
    async fn enqueue(&self, job: ReportJob) -> anyhow::Result<()> {
        self.push(job)
    }
}
