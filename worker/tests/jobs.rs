//! The worker against a real database and queue: crash recovery (a real `worker`
//! process killed with SIGKILL mid-report), graceful SIGTERM, and retries that end in
//! `failed` with the error kept.

mod process;
mod support;

use std::process::Command;
use std::time::Duration;

use domain::realworld::ReportStatus;
use support::setup;

const AUTHORS: u32 = 3000;

#[tokio::test]
async fn a_report_interrupted_by_a_crash_completes_on_another_worker_exactly_once() {
    let setup = setup(AUTHORS).await;
    let id = setup.request_site_report().await;
    let mut first = setup.spawn_worker();
    let running = setup.wait(id, Duration::from_secs(60), |r| r.progress > 0).await;
    first.kill().expect("SIGKILL sent");
    first.wait().expect("killed worker reaped");
    assert_eq!((running.status, running.attempts), (ReportStatus::Running, 1), "killed mid-report");
    assert!(running.progress < 100);

    let mut second = setup.spawn_worker();
    let done = setup.wait(id, Duration::from_secs(60), |r| r.status.is_final()).await;
    second.kill().expect("stopped");
    second.wait().expect("reaped");
    assert_eq!(done.status, ReportStatus::Succeeded, "{:?}", done.error);
    assert_eq!(done.attempts, 2, "the crash shows as a retry");
    // The header plus one line per author: the first attempt's lines were replaced.
    assert_eq!(setup.line_count(id).await, i64::from(AUTHORS) + 1);
    let summary: serde_json::Value = serde_json::from_str(done.summary.as_deref().expect("summary")).expect("json");
    assert_eq!(summary["authors"], AUTHORS);
    assert_eq!(summary["articlesPublished"], AUTHORS);
}

#[tokio::test]
async fn on_sigterm_the_worker_finishes_the_running_report_then_exits() {
    let setup = setup(AUTHORS).await;
    let id = setup.request_site_report().await;
    let mut worker = setup.spawn_worker();
    let running = setup.wait(id, Duration::from_secs(60), |r| r.progress > 0).await;
    assert!(running.status == ReportStatus::Running && running.progress < 100, "mid-report: {running:?}");
    let sent = Command::new("kill").args(["-TERM", &worker.id().to_string()]).status().expect("kill runs");
    assert!(sent.success());
    let exit = worker.wait().expect("worker exits");
    assert!(exit.success(), "clean exit: {exit:?}");
    let report = setup.report(id).await;
    assert_eq!((report.status, report.attempts), (ReportStatus::Succeeded, 1), "{:?}", report.error);
    assert_eq!(setup.line_count(id).await, i64::from(AUTHORS) + 1);
}

#[tokio::test]
async fn a_job_that_always_fails_ends_failed_after_the_configured_attempts_with_its_error() {
    let setup = setup(3).await;
    let mut jobs = setup.settings.clone();
    jobs.jobs.max_attempts = 3;
    jobs.jobs.fail_with = Some("injected failure".to_owned());
    let worker = worker::spawn(setup.app.features.clone(), setup.app.jobs.clone(), jobs);
    let id = setup.request_site_report().await;
    let report = setup.wait(id, Duration::from_secs(30), |r| r.status.is_final()).await;
    worker.stop().await.expect("worker stops cleanly");
    assert_eq!(report.status, ReportStatus::Failed);
    assert_eq!(report.attempts, 3);
    assert_eq!(report.error.as_deref(), Some("injected failure"));
    assert!(report.finished_at.is_some());
}

#[tokio::test]
async fn a_report_stored_without_a_job_is_requeued_by_the_sweep_and_completes() {
    use application::realworld::{NewReportRecord, ReportRepository};
    use domain::Timestamp;
    use domain::realworld::{DateRange, ReportKind, ReportScope};

    let setup = setup(3).await;
    // The API stored the report, then died before enqueueing its job.
    let repo = infrastructure::realworld::SeaOrmReportRepository::new(setup.db.db.clone());
    let range = DateRange::parse(Some("2026-01-01"), Some("2026-12-31"), 366).expect("range");
    let at = Timestamp::new(chrono::Utc::now() - chrono::Duration::minutes(10));
    let new = NewReportRecord { owner: setup.admin, kind: ReportKind::Activity, scope: ReportScope::Site, range, at };
    let id = repo.create(new).await.expect("stored").id;

    let mut jobs = setup.settings.clone();
    jobs.jobs.requeue_after_secs = 300;
    let worker = worker::spawn(setup.app.features.clone(), setup.app.jobs.clone(), jobs);
    let report = setup.wait(id, Duration::from_secs(30), |r| r.status.is_final()).await;
    worker.stop().await.expect("worker stops cleanly");
    assert_eq!((report.status, report.attempts), (ReportStatus::Succeeded, 1), "{:?}", report.error);
    assert_eq!(setup.line_count(id).await, 4, "the header and one line per author");
}
