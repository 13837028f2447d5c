//! Report use cases against the in-memory fakes.

use super::*;
use crate::fakes::Fakes;
use crate::realworld::AuthorActivity;

fn input(scope: &str, from: &str, to: &str) -> RequestReportInput {
    RequestReportInput {
        kind: Some("activity".to_owned()),
        scope: Some(scope.to_owned()),
        from: Some(from.to_owned()),
        to: Some(to.to_owned()),
    }
}

fn row(id: i64, name: &str, counts: [u64; 4]) -> AuthorActivity {
    let [articles, favorites, comments, followers] = counts;
    AuthorActivity { author: UserId(id), username: name.to_owned(), articles, favorites, comments, followers }
}

async fn admin(fakes: &Fakes, name: &str) -> UserId {
    let id = fakes.user(name).await;
    fakes.accounts().users.set_admin(name, true).await.expect("granted");
    id
}

#[tokio::test]
async fn a_valid_request_is_stored_queued_and_enqueued() {
    let fakes = Fakes::new();
    let user = fakes.user("alice").await;
    let report = fakes.realworld().reports.request(user, input("own", "2026-01-01", "2026-01-31")).await.expect("ok");
    assert_eq!(report.status, ReportStatus::Queued);
    assert_eq!(fakes.reports.jobs(), [ReportJob::new(report.id.0)]);
}

#[tokio::test]
async fn every_invalid_field_is_reported_and_nothing_is_enqueued() {
    let fakes = Fakes::new();
    let user = fakes.user("alice").await;
    let bad = RequestReportInput {
        kind: Some("sales".to_owned()),
        scope: Some("world".to_owned()),
        from: Some("2026-02-01".to_owned()),
        to: Some("2026-01-01".to_owned()),
    };
    let Err(UseCaseError::Validation(errors)) = fakes.realworld().reports.request(user, bad).await else {
        panic!("expected a validation error");
    };
    let fields: Vec<_> = errors.fields().keys().copied().collect();
    assert_eq!(fields, ["kind", "scope", "to"]);
    assert!(fakes.reports.jobs().is_empty());
}

#[tokio::test]
async fn a_range_longer_than_the_policy_is_refused() {
    let mut fakes = Fakes::new();
    fakes.report_policy.max_range_days = 31;
    let user = fakes.user("alice").await;
    let err = fakes.realworld().reports.request(user, input("own", "2026-01-01", "2026-02-01")).await;
    assert!(matches!(err, Err(UseCaseError::Validation(e)) if e.fields().contains_key("to")));
}

#[tokio::test]
async fn a_user_over_the_pending_quota_is_refused_with_a_retry_hint_and_nothing_is_enqueued() {
    let mut fakes = Fakes::new();
    fakes.report_policy.max_pending_per_user = 2;
    let alice = fakes.user("alice").await;
    let bob = fakes.user("bob").await;
    let reports = fakes.realworld().reports;
    let first = reports.request(alice, input("own", "2026-01-01", "2026-01-31")).await.expect("1 of 2");
    reports.request(alice, input("own", "2026-01-01", "2026-01-31")).await.expect("2 of 2");

    let refused = reports.request(alice, input("own", "2026-01-01", "2026-01-31")).await;
    let Err(UseCaseError::TooMany { subject: "report", message, retry_after_secs }) = refused else {
        panic!("expected the quota to refuse: {refused:?}");
    };
    assert!(message.contains("at most 2"), "{message}");
    assert!(retry_after_secs > 0);
    assert_eq!(fakes.reports.jobs().len(), 2, "the refused request enqueued nothing");
    reports.request(bob, input("own", "2026-01-01", "2026-01-31")).await.expect("another user's quota");

    // A finished report frees its slot.
    fakes.reports.record_failure(first.id, 0, "boom", true, fakes.clock.now()).await.expect("failed");
    reports.request(alice, input("own", "2026-01-01", "2026-01-31")).await.expect("a slot is free again");
}

#[tokio::test]
async fn a_quota_of_zero_is_no_limit() {
    let mut fakes = Fakes::new();
    fakes.report_policy.max_pending_per_user = 0;
    let alice = fakes.user("alice").await;
    let reports = fakes.realworld().reports;
    for _ in 0..8 {
        reports.request(alice, input("own", "2026-01-01", "2026-01-31")).await.expect("unlimited");
    }
}

#[tokio::test]
async fn site_reports_need_the_admin_role() {
    let fakes = Fakes::new();
    let user = fakes.user("alice").await;
    let boss = admin(&fakes, "boss").await;
    let services = fakes.realworld();
    let err = services.reports.request(user, input("site", "2026-01-01", "2026-01-31")).await;
    assert!(matches!(err, Err(UseCaseError::Forbidden("report"))));
    services.reports.request(boss, input("site", "2026-01-01", "2026-01-31")).await.expect("admin may");
}

#[tokio::test]
async fn another_users_report_is_not_found_unless_the_viewer_is_admin() {
    let fakes = Fakes::new();
    let alice = fakes.user("alice").await;
    let bob = fakes.user("bob").await;
    let boss = admin(&fakes, "boss").await;
    let services = fakes.realworld();
    let report = services.reports.request(alice, input("own", "2026-01-01", "2026-01-31")).await.expect("ok");
    assert!(matches!(services.reports.get(bob, report.id).await, Err(UseCaseError::NotFound("report"))));
    assert!(matches!(services.reports.download(bob, report.id).await, Err(UseCaseError::NotFound("report"))));
    assert_eq!(services.reports.get(boss, report.id).await.expect("admin reads").id, report.id);
    assert!(matches!(services.reports.download(alice, report.id).await, Ok(Download::NotReady(_))));
}

#[tokio::test]
async fn a_queue_failure_marks_the_report_failed_instead_of_leaving_it_queued() {
    let fakes = Fakes::new();
    let user = fakes.user("alice").await;
    fakes.reports.set_queue_down(true);
    let services = fakes.realworld();
    let err = services.reports.request(user, input("own", "2026-01-01", "2026-01-31")).await;
    assert!(matches!(err, Err(UseCaseError::Unexpected(_))));
    let (reports, _) = services.reports.list(user, 10, 0).await.expect("listed");
    assert_eq!(reports[0].status, ReportStatus::Failed);
}

#[tokio::test]
async fn lists_are_newest_first_and_paginated() {
    let fakes = Fakes::new();
    let user = fakes.user("alice").await;
    let services = fakes.realworld();
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(services.reports.request(user, input("own", "2026-01-01", "2026-01-02")).await.expect("ok").id);
        fakes.clock.advance_millis(10);
    }
    let (page, total) = services.reports.list(user, 2, 1).await.expect("listed");
    assert_eq!(total, 3);
    assert_eq!(page.iter().map(|r| r.id).collect::<Vec<_>>(), [ids[1], ids[0]]);
}

#[tokio::test]
async fn generation_walks_all_batches_and_writes_active_authors_with_a_summary() {
    let mut fakes = Fakes::new();
    fakes.report_policy.batch_size = 2;
    let boss = admin(&fakes, "boss").await;
    fakes.reports.set_activity(
        vec![
            row(10, "ann", [2, 5, 1, 0]),
            row(11, "idle", [0, 0, 0, 0]),
            row(12, "o,dd", [1, 0, 0, 3]),
            row(13, "zed", [0, 1, 0, 0]),
            row(14, "last", [1, 0, 0, 0]),
        ],
        vec![("rust".to_owned(), 3)],
    );
    let services = fakes.realworld();
    let report = services.reports.request(boss, input("site", "2026-01-01", "2026-01-31")).await.expect("ok");
    let job = ReportJob::new(report.id.0);
    let running = services.reports.begin_attempt(job, 3).await.expect("begun").expect("runs");
    services.reports.generate(&running).await.expect("generated");
    assert_eq!(
        fakes.reports.lines(report.id),
        [CSV_HEADER, "10,ann,2,5,1,0", "12,\"o,dd\",1,0,0,3", "13,zed,0,1,0,0", "14,last,1,0,0,0"]
    );
    assert_eq!(fakes.reports.batches(), 3, "5 authors in batches of 2");
    let done = services.reports.get(boss, report.id).await.expect("found");
    assert_eq!((done.status, done.progress, done.attempts), (ReportStatus::Succeeded, 100, 1));
    let summary: serde_json::Value = serde_json::from_str(done.summary.as_deref().expect("summary")).expect("json");
    assert_eq!(summary["authors"], 4);
    assert_eq!(summary["favoritesReceived"], 6);
    assert_eq!(summary["topTags"][0]["tag"], "rust");
}

#[tokio::test]
async fn a_retried_generation_overwrites_its_result_instead_of_appending() {
    let fakes = Fakes::new();
    let user = fakes.user("alice").await;
    fakes.reports.set_activity(vec![row(user.0, "alice", [1, 2, 3, 4])], vec![]);
    let services = fakes.realworld();
    let report = services.reports.request(user, input("own", "2026-01-01", "2026-01-31")).await.expect("ok");
    let job = ReportJob::new(report.id.0);
    services.reports.begin_attempt(job, 3).await.expect("begun").expect("runs");
    // The first attempt crashed mid-way, after writing some lines.
    let partial = [ResultLine { seq: 1, line: "junk".to_owned() }, ResultLine { seq: 7, line: "junk".to_owned() }];
    fakes.reports.write_lines(report.id, &partial).await.expect("written");
    // The queue delivers the job again: a second attempt rewrites the same lines.
    let second = services.reports.begin_attempt(job, 3).await.expect("begun").expect("restarted");
    assert_eq!(second.attempts, 2);
    services.reports.generate(&second).await.expect("generated again");
    assert_eq!(fakes.reports.lines(report.id), [CSV_HEADER, &format!("{},alice,1,2,3,4", user.0)]);
    // Delivered once more (e.g. the ack was lost): it is already final.
    assert!(services.reports.begin_attempt(job, 3).await.expect("checked").is_none());
}

#[tokio::test]
async fn failures_retry_until_the_last_attempt_then_the_report_fails_with_the_error() {
    let fakes = Fakes::new();
    let user = fakes.user("alice").await;
    let services = fakes.realworld();
    let report = services.reports.request(user, input("own", "2026-01-01", "2026-01-31")).await.expect("ok");
    let job = ReportJob::new(report.id.0);
    let first = services.reports.begin_attempt(job, 2).await.expect("begun").expect("runs");
    assert_eq!(
        services.reports.fail_attempt(&first, "boom", 2).await.expect("recorded"),
        AttemptOutcome::Retry { attempts: 1 }
    );
    assert_eq!(services.reports.get(user, report.id).await.expect("found").status, ReportStatus::Queued);
    let second = services.reports.begin_attempt(job, 2).await.expect("begun").expect("runs");
    assert_eq!(services.reports.fail_attempt(&second, "boom", 2).await.expect("recorded"), AttemptOutcome::GaveUp);
    let failed = services.reports.get(user, report.id).await.expect("found");
    assert_eq!((failed.status, failed.attempts, failed.error.as_deref()), (ReportStatus::Failed, 2, Some("boom")));
}

#[tokio::test]
async fn a_job_whose_attempts_were_used_up_by_crashes_is_failed_not_rerun() {
    let fakes = Fakes::new();
    let user = fakes.user("alice").await;
    let services = fakes.realworld();
    let report = services.reports.request(user, input("own", "2026-01-01", "2026-01-31")).await.expect("ok");
    let job = ReportJob::new(report.id.0);
    services.reports.begin_attempt(job, 1).await.expect("begun").expect("runs");
    // The worker died; the queue delivers the job again.
    assert!(services.reports.begin_attempt(job, 1).await.expect("checked").is_none());
    let failed = services.reports.get(user, report.id).await.expect("found");
    assert_eq!(failed.status, ReportStatus::Failed);
    assert!(failed.error.as_deref().is_some_and(|e| e.contains("interrupted")), "{:?}", failed.error);
}

#[tokio::test]
async fn purge_deletes_only_finished_reports_older_than_the_age() {
    let fakes = Fakes::new();
    let user = fakes.user("alice").await;
    fakes.reports.set_activity(vec![row(user.0, "alice", [1, 0, 0, 0])], vec![]);
    let services = fakes.realworld();
    let old = services.reports.request(user, input("own", "2026-01-01", "2026-01-31")).await.expect("ok");
    let running = services.reports.begin_attempt(ReportJob::new(old.id.0), 3).await.expect("ok").expect("r");
    services.reports.generate(&running).await.expect("generated");
    let pending = services.reports.request(user, input("own", "2026-01-01", "2026-01-31")).await.expect("ok");
    fakes.clock.advance_millis(2 * 86_400_000);
    let purged = services.reports.purge_older_than(chrono::Duration::days(1)).await.expect("purged");
    assert_eq!(purged, 1);
    assert!(matches!(services.reports.get(user, old.id).await, Err(UseCaseError::NotFound(_))));
    assert!(fakes.reports.lines(old.id).is_empty());
    services.reports.get(user, pending.id).await.expect("still queued, kept");
}

#[tokio::test]
async fn an_attempt_overtaken_by_a_newer_one_cannot_record_its_outcome() {
    let fakes = Fakes::new();
    let user = fakes.user("alice").await;
    fakes.reports.set_activity(vec![row(user.0, "alice", [1, 0, 0, 0])], vec![]);
    let services = fakes.realworld();
    let report = services.reports.request(user, input("own", "2026-01-01", "2026-01-31")).await.expect("ok");
    let job = ReportJob::new(report.id.0);
    let stale = services.reports.begin_attempt(job, 3).await.expect("begun").expect("runs");
    // Its lease expired; another worker started attempt 2.
    let current = services.reports.begin_attempt(job, 3).await.expect("begun").expect("runs");
    assert!(matches!(services.reports.generate(&stale).await, Err(UseCaseError::Conflict("attempt"))));
    assert!(matches!(services.reports.fail_attempt(&stale, "late", 3).await, Err(UseCaseError::Conflict("attempt"))));
    assert_eq!(services.reports.get(user, report.id).await.expect("found").status, ReportStatus::Running);
    services.reports.generate(&current).await.expect("the newer attempt completes");
    let done = services.reports.get(user, report.id).await.expect("found");
    assert_eq!((done.status, done.attempts), (ReportStatus::Succeeded, 2));
}

#[tokio::test]
async fn the_sweep_requeues_a_stuck_report_once_and_leaves_fresh_running_and_finished_ones_alone() {
    let fakes = Fakes::new();
    let user = fakes.user("alice").await;
    fakes.reports.set_activity(vec![row(user.0, "alice", [1, 0, 0, 0])], vec![]);
    let services = fakes.realworld();
    let request = || services.reports.request(user, input("own", "2026-01-01", "2026-01-31"));
    let stuck = request().await.expect("ok");
    let running = request().await.expect("ok");
    services.reports.begin_attempt(ReportJob::new(running.id.0), 3).await.expect("ok").expect("runs");
    let done = request().await.expect("ok");
    let started = services.reports.begin_attempt(ReportJob::new(done.id.0), 3).await.expect("ok").expect("runs");
    services.reports.generate(&started).await.expect("generated");
    let retrying = request().await.expect("ok");
    let first = services.reports.begin_attempt(ReportJob::new(retrying.id.0), 3).await.expect("ok").expect("runs");
    services.reports.fail_attempt(&first, "boom", 3).await.expect("back to queued, waiting for its retry");
    fakes.clock.advance_millis(301_000);
    let fresh = request().await.expect("ok");
    let before = fakes.reports.jobs().len();

    let age = chrono::Duration::seconds(300);
    assert_eq!(services.reports.requeue_stale(age, 100).await.expect("swept"), 1);
    let new_jobs = fakes.reports.jobs()[before..].to_vec();
    assert_eq!(new_jobs.len(), 1);
    assert_eq!(new_jobs[0].report_id, stuck.id.0, "only the never-started old report");
    assert!(new_jobs[0].token.is_some());
    // A second sweep right after (another worker) finds nothing: the claim restarted the age.
    assert_eq!(services.reports.requeue_stale(age, 100).await.expect("swept"), 0);
    assert_eq!(fakes.reports.jobs().len(), before + 1);
    let _ = fresh;
}

#[tokio::test]
async fn after_a_requeue_only_the_new_job_generates_and_the_original_one_is_a_no_op() {
    let fakes = Fakes::new();
    let user = fakes.user("alice").await;
    fakes.reports.set_activity(vec![row(user.0, "alice", [1, 0, 0, 0])], vec![]);
    let services = fakes.realworld();
    let report = services.reports.request(user, input("own", "2026-01-01", "2026-01-31")).await.expect("ok");
    let original = ReportJob::new(report.id.0);
    fakes.clock.advance_millis(301_000);
    services.reports.requeue_stale(chrono::Duration::seconds(300), 100).await.expect("swept");
    let requeued = *fakes.reports.jobs().last().expect("a new job");

    // The original job was only slow: it arrives first and does nothing.
    assert!(services.reports.begin_attempt(original, 3).await.expect("checked").is_none());
    let running = services.reports.begin_attempt(requeued, 3).await.expect("ok").expect("the new job runs");
    assert_eq!(running.attempts, 1);
    // Arriving while the new job runs, or after it finished: still nothing, no attempt used.
    assert!(services.reports.begin_attempt(original, 3).await.expect("checked").is_none());
    services.reports.generate(&running).await.expect("generated");
    assert!(services.reports.begin_attempt(original, 3).await.expect("checked").is_none());
    assert!(services.reports.begin_attempt(requeued, 3).await.expect("checked").is_none());
    let done = services.reports.get(user, report.id).await.expect("found");
    assert_eq!((done.status, done.attempts), (ReportStatus::Succeeded, 1));
}

#[tokio::test]
async fn a_requeued_job_redelivered_after_a_crash_still_restarts_its_report() {
    let fakes = Fakes::new();
    let user = fakes.user("alice").await;
    let services = fakes.realworld();
    let report = services.reports.request(user, input("own", "2026-01-01", "2026-01-31")).await.expect("ok");
    fakes.clock.advance_millis(301_000);
    services.reports.requeue_stale(chrono::Duration::seconds(300), 100).await.expect("swept");
    let requeued = *fakes.reports.jobs().last().expect("a new job");
    services.reports.begin_attempt(requeued, 3).await.expect("ok").expect("runs");
    // Its worker died; the queue hands the same job to another worker.
    let again = services.reports.begin_attempt(requeued, 3).await.expect("ok").expect("restarts");
    assert_eq!((again.id, again.attempts), (report.id, 2));
}
