//! The RealWorld example's report job queue (`reports.queue`).

use application::realworld::{ReportJob, ReportQueue};
use async_trait::async_trait;

use crate::jobs::ApalisQueue;

/// [`ReportQueue`] on apalis.
pub type ApalisReportQueue = ApalisQueue<ReportJob>;

#[async_trait]
impl ReportQueue for ApalisQueue<ReportJob> {
    #[tracing::instrument(level = "debug", name = "ReportQueue.enqueue", skip_all)]
    async fn enqueue(&self, job: ReportJob) -> anyhow::Result<()> {
        self.enqueue_job(job).await
    }
}

/// For tests and tools that enqueue no job they read back: the given report queue, and
/// an in-memory welcome queue.
#[cfg(feature = "testing")]
impl From<std::sync::Arc<dyn ReportQueue>> for crate::wiring::JobQueues {
    fn from(reports: std::sync::Arc<dyn ReportQueue>) -> Self {
        let welcome = std::sync::Arc::new(application::accounts::FakeWelcomeQueue::default());
        Self::default().with::<dyn ReportQueue>(reports).with::<dyn application::accounts::WelcomeQueue>(welcome)
    }
}

/// As above, for the application's recording report queue.
#[cfg(feature = "testing")]
impl From<std::sync::Arc<application::realworld::FakeReportQueue>> for crate::wiring::JobQueues {
    fn from(reports: std::sync::Arc<application::realworld::FakeReportQueue>) -> Self {
        Self::from(reports as std::sync::Arc<dyn ReportQueue>)
    }
}
