//! The standalone `worker` binary exports its job metrics on `jobs.metrics_port`.

mod process;
mod support;

use std::time::{Duration, Instant};

use infrastructure::identity::ENV_PREFIX;
use process::{free_port, get};
use support::setup;

#[tokio::test]
async fn the_worker_binary_serves_job_metrics_with_queue_and_outcome_labels() {
    let setup = setup(3).await;
    let port = free_port();
    let id = setup.request_site_report().await;
    let mut worker =
        setup.spawn_worker_with(&[(format!("{ENV_PREFIX}JOBS__METRICS_PORT").as_str(), &port.to_string())]);
    let report = setup.wait(id, Duration::from_secs(30), |r| r.status.is_final()).await;
    assert_eq!(report.status, domain::realworld::ReportStatus::Succeeded, "{:?}", report.error);

    let expected = format!(
        "jobs_total{{queue=\"{}\",outcome=\"succeeded\"}} 1",
        infrastructure::realworld::ReportSettings::of(&setup.settings).expect("valid").queue
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    let response = loop {
        // The counter is recorded just after the report is stored as succeeded.
        let response = get(port, "/metrics").await.unwrap_or_default();
        if response.contains(&expected) || Instant::now() > deadline {
            break response;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let not_found = get(port, "/other").await.expect("answered");
    worker.kill().expect("stopped");
    worker.wait().expect("reaped");
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(response.contains(&expected), "no {expected:?} in:\n{response}");
    assert!(response.contains("job_duration_seconds_bucket{queue="), "{response}");
    assert!(not_found.starts_with("HTTP/1.1 404"), "{not_found}");
}
