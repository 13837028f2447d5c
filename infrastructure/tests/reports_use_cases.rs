//! The report use cases (requests, quotas, access, generation, retries, the stale-job
//! sweep, purging) on the real report repository and data source, SQLite and
//! PostgreSQL, with a fake report queue the tests read back and a clock they move
//! (`infrastructure::testing::TestServices`). The repository's own fencing and counting
//! rules are in `reports.rs`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use application::RepoError;
use application::UseCaseError;
use application::realworld::{
    AttemptOutcome, AuthorActivity, CSV_HEADER, CreateArticleInput, Download, FakeReportQueue, ListLimits, RealWorld,
    RealWorldPorts, ReportDataSource, ReportJob, ReportPorts, ReportQueue, ReportRepository, RequestReportInput,
    ResultLine,
};
use async_trait::async_trait;
use domain::UserId;
use domain::realworld::{DateRange, ReportId, ReportStatus};
use infrastructure::realworld::{
    ReportSettings, SECTION, SeaOrmArticleRepository, SeaOrmCommentRepository, SeaOrmProfileRepository,
    SeaOrmReportRepository, SeaOrmTagRepository, SqlReportData,
};
use infrastructure::testing::TestServices;
use infrastructure::use_cases_on_both_databases;

/// A report request over `[yesterday, tomorrow]`: the range holds everything a test
/// creates (the clock starts at the current time).
fn input(scope: &str) -> RequestReportInput {
    let today = chrono::Utc::now().date_naive();
    RequestReportInput {
        kind: Some("activity".to_owned()),
        scope: Some(scope.to_owned()),
        from: Some((today - chrono::Days::new(1)).to_string()),
        to: Some((today + chrono::Days::new(1)).to_string()),
    }
}

/// The services with a fake report queue, and that queue.
fn with_queue(s: TestServices) -> (TestServices, FakeReportQueue) {
    let queue = FakeReportQueue::default();
    (s.with_queue::<dyn ReportQueue>(Arc::new(queue.clone())), queue)
}

fn set_policy(s: &mut TestServices, change: impl FnOnce(&mut ReportSettings)) {
    let mut reports = ReportSettings::of(&s.settings).expect("the [reports] section");
    change(&mut reports);
    s.settings.set_section(SECTION, &reports);
}

fn realworld(s: &TestServices) -> RealWorld {
    s.features().expect()
}

fn repository(s: &TestServices) -> SeaOrmReportRepository {
    SeaOrmReportRepository::new(s.db.db.clone())
}

async fn admin(s: &TestServices, name: &str) -> UserId {
    let id = s.user(name).await;
    s.accounts().users.set_admin(name, true).await.expect("granted");
    id
}

/// Every stored CSV line of `id`, in order.
async fn lines(s: &TestServices, id: ReportId) -> Vec<String> {
    let read = repository(s).read_lines(id, 0, 1000).await.expect("read");
    read.into_iter().map(|line| line.line).collect()
}

async fn publish(s: &TestServices, author: UserId, title: &str, tags: &[&str]) -> String {
    let input = CreateArticleInput {
        title: Some(title.to_owned()),
        description: Some("d".to_owned()),
        body: Some("b".to_owned()),
        tag_list: Some(tags.iter().map(|t| (*t).to_owned()).collect()),
    };
    realworld(s).articles.create(author, input).await.expect("published").slug.as_str().to_owned()
}

use_cases_on_both_databases!(
    a_valid_request_is_stored_queued_and_enqueued,
    every_invalid_field_is_reported_and_nothing_is_enqueued,
    a_range_longer_than_the_policy_is_refused,
    a_user_over_the_pending_quota_is_refused_with_a_retry_hint_and_nothing_is_enqueued,
    a_quota_of_zero_is_no_limit,
    site_reports_need_the_admin_role,
    another_users_report_is_not_found_unless_the_viewer_is_admin,
    a_queue_failure_marks_the_report_failed_instead_of_leaving_it_queued,
    lists_are_newest_first_and_paginated,
    generation_walks_all_batches_and_writes_active_authors_with_a_summary,
    a_retried_generation_overwrites_its_result_instead_of_appending,
    failures_retry_until_the_last_attempt_then_the_report_fails_with_the_error,
    a_job_whose_attempts_were_used_up_by_crashes_is_failed_not_rerun,
    purge_deletes_only_finished_reports_older_than_the_age,
    an_attempt_overtaken_by_a_newer_one_cannot_record_its_outcome,
    the_sweep_requeues_a_stuck_report_once_and_leaves_fresh_running_and_finished_ones_alone,
    after_a_requeue_only_the_new_job_generates_and_the_original_one_is_a_no_op,
    a_requeued_job_redelivered_after_a_crash_still_restarts_its_report,
);

async fn a_valid_request_is_stored_queued_and_enqueued(s: TestServices) {
    let (s, queue) = with_queue(s);
    let user = s.user("alice").await;
    let report = realworld(&s).reports.request(user, input("own")).await.expect("ok");
    assert_eq!(report.status, ReportStatus::Queued);
    assert_eq!(queue.jobs(), [ReportJob::new(report.id.0)]);
    assert_eq!(repository(&s).find(report.id).await.expect("read").map(|r| r.status), Some(ReportStatus::Queued));
}

async fn every_invalid_field_is_reported_and_nothing_is_enqueued(s: TestServices) {
    let (s, queue) = with_queue(s);
    let user = s.user("alice").await;
    let bad = RequestReportInput {
        kind: Some("sales".to_owned()),
        scope: Some("world".to_owned()),
        from: Some("2026-02-01".to_owned()),
        to: Some("2026-01-01".to_owned()),
    };
    let Err(UseCaseError::Validation(errors)) = realworld(&s).reports.request(user, bad).await else {
        panic!("expected a validation error");
    };
    let fields: Vec<_> = errors.fields().keys().copied().collect();
    assert_eq!(fields, ["kind", "scope", "to"]);
    assert!(queue.jobs().is_empty());
}

async fn a_range_longer_than_the_policy_is_refused(mut s: TestServices) {
    set_policy(&mut s, |p| p.max_range_days = 31);
    let user = s.user("alice").await;
    let long =
        RequestReportInput { from: Some("2026-01-01".to_owned()), to: Some("2026-02-01".to_owned()), ..input("own") };
    let err = realworld(&s).reports.request(user, long).await;
    assert!(matches!(err, Err(UseCaseError::Validation(e)) if e.fields().contains_key("to")));
}

async fn a_user_over_the_pending_quota_is_refused_with_a_retry_hint_and_nothing_is_enqueued(mut s: TestServices) {
    set_policy(&mut s, |p| p.max_pending_per_user = 2);
    let (s, queue) = with_queue(s);
    let alice = s.user("alice").await;
    let bob = s.user("bob").await;
    let reports = realworld(&s).reports;
    let first = reports.request(alice, input("own")).await.expect("1 of 2");
    reports.request(alice, input("own")).await.expect("2 of 2");

    let refused = reports.request(alice, input("own")).await;
    let Err(UseCaseError::TooMany { subject: "report", message, retry_after_secs }) = refused else {
        panic!("expected the quota to refuse: {refused:?}");
    };
    assert!(message.contains("at most 2"), "{message}");
    assert!(retry_after_secs > 0);
    assert_eq!(queue.jobs().len(), 2, "the refused request enqueued nothing");
    reports.request(bob, input("own")).await.expect("another user's quota");

    // A finished report frees its slot.
    repository(&s)
        .record_failure(first.id, 0, "boom", true, application::ports::Clock::now(s.clock.as_ref()))
        .await
        .expect("failed");
    reports.request(alice, input("own")).await.expect("a slot is free again");
}

async fn a_quota_of_zero_is_no_limit(mut s: TestServices) {
    set_policy(&mut s, |p| p.max_pending_per_user = 0);
    let alice = s.user("alice").await;
    let (s, _queue) = with_queue(s);
    let reports = realworld(&s).reports;
    for _ in 0..8 {
        reports.request(alice, input("own")).await.expect("unlimited");
    }
}

async fn site_reports_need_the_admin_role(s: TestServices) {
    let (s, _queue) = with_queue(s);
    let user = s.user("alice").await;
    let boss = admin(&s, "boss").await;
    let services = realworld(&s);
    let err = services.reports.request(user, input("site")).await;
    assert!(matches!(err, Err(UseCaseError::Forbidden("report"))));
    services.reports.request(boss, input("site")).await.expect("admin may");
}

async fn another_users_report_is_not_found_unless_the_viewer_is_admin(s: TestServices) {
    let (s, _queue) = with_queue(s);
    let alice = s.user("alice").await;
    let bob = s.user("bob").await;
    let boss = admin(&s, "boss").await;
    let services = realworld(&s);
    let report = services.reports.request(alice, input("own")).await.expect("ok");
    assert!(matches!(services.reports.get(bob, report.id).await, Err(UseCaseError::NotFound("report"))));
    assert!(matches!(services.reports.download(bob, report.id).await, Err(UseCaseError::NotFound("report"))));
    assert_eq!(services.reports.get(boss, report.id).await.expect("admin reads").id, report.id);
    assert!(matches!(services.reports.download(alice, report.id).await, Ok(Download::NotReady(_))));
}

async fn a_queue_failure_marks_the_report_failed_instead_of_leaving_it_queued(s: TestServices) {
    let (s, queue) = with_queue(s);
    let user = s.user("alice").await;
    queue.set_down(true);
    let services = realworld(&s);
    let err = services.reports.request(user, input("own")).await;
    assert!(matches!(err, Err(UseCaseError::Unexpected(_))));
    let (reports, _) = services.reports.list(user, 10, 0).await.expect("listed");
    assert_eq!(reports[0].status, ReportStatus::Failed);
}

async fn lists_are_newest_first_and_paginated(s: TestServices) {
    let (s, _queue) = with_queue(s);
    let user = s.user("alice").await;
    let services = realworld(&s);
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(services.reports.request(user, input("own")).await.expect("ok").id);
        s.clock.advance_millis(10);
    }
    let (page, total) = services.reports.list(user, 2, 1).await.expect("listed");
    assert_eq!(total, 3);
    assert_eq!(page.iter().map(|r| r.id).collect::<Vec<_>>(), [ids[1], ids[0]]);
}

/// The real data source, counting the batches it serves.
struct CountingData {
    inner: SqlReportData,
    batches: AtomicUsize,
}

#[async_trait]
impl ReportDataSource for CountingData {
    async fn activity_batch(
        &self,
        only: Option<UserId>,
        range: DateRange,
        after: i64,
        limit: u64,
    ) -> Result<Vec<AuthorActivity>, RepoError> {
        self.batches.fetch_add(1, Ordering::SeqCst);
        self.inner.activity_batch(only, range, after, limit).await
    }

    async fn count_authors(&self, only: Option<UserId>) -> Result<u64, RepoError> {
        self.inner.count_authors(only).await
    }

    async fn top_tags(
        &self,
        only: Option<UserId>,
        range: DateRange,
        limit: u64,
    ) -> Result<Vec<(String, u64)>, RepoError> {
        self.inner.top_tags(only, range, limit).await
    }
}

async fn generation_walks_all_batches_and_writes_active_authors_with_a_summary(s: TestServices) {
    let (s, queue) = with_queue(s);
    // Five accounts, read in batches of 2: [boss, ann], [idle, zed], [last].
    let boss = admin(&s, "boss").await;
    let ann = s.user("ann").await;
    let idle = s.user("idle").await;
    let zed = s.user("zed").await;
    let last = s.user("last").await;
    let services = realworld(&s);
    let first = publish(&s, ann, "Ann one", &["rust"]).await;
    let second = publish(&s, ann, "Ann two", &["rust", "sql"]).await;
    publish(&s, last, "Last one", &["rust"]).await;
    services.articles.favorite(boss, &first).await.expect("favorited");
    services.articles.favorite(boss, &second).await.expect("favorited");
    services.articles.favorite(zed, &first).await.expect("favorited");
    services.comments.add(zed, &first, Some("nice")).await.expect("commented");
    services.profiles.follow(boss, "ann").await.expect("followed");
    services.profiles.follow(last, "zed").await.expect("followed");

    let data = Arc::new(CountingData { inner: SqlReportData::new(s.db.db.clone()), batches: AtomicUsize::new(0) });
    let db = &s.db.db;
    let mut policy = ReportSettings::of(&s.settings).expect("section").policy();
    policy.batch_size = 2;
    let ports = RealWorldPorts {
        profiles: Arc::new(SeaOrmProfileRepository::new(db.clone())),
        articles: Arc::new(SeaOrmArticleRepository::new(db.clone())),
        comments: Arc::new(SeaOrmCommentRepository::new(db.clone())),
        tags: Arc::new(SeaOrmTagRepository::new(db.clone())),
        reports: ReportPorts {
            records: Arc::new(repository(&s)),
            queue: Arc::new(queue.clone()),
            data: data.clone(),
            policy,
        },
        lists: ListLimits::default(),
    };
    let reports = RealWorld::new(ports, &s.accounts(), &s.platform()).reports;
    let report = reports.request(boss, input("site")).await.expect("ok");
    let running = reports.begin_attempt(ReportJob::new(report.id.0), 3).await.expect("begun").expect("runs");
    reports.generate(&running).await.expect("generated");

    let expected = [
        CSV_HEADER.to_owned(),
        format!("{},ann,2,3,1,1", ann.0),
        format!("{},zed,0,0,0,1", zed.0),
        format!("{},last,1,0,0,0", last.0),
    ];
    assert_eq!(lines(&s, report.id).await, expected, "boss and {idle:?} received nothing");
    assert_eq!(data.batches.load(Ordering::SeqCst), 3, "5 authors in batches of 2, the short one ends it");
    let done = reports.get(boss, report.id).await.expect("found");
    assert_eq!((done.status, done.progress, done.attempts), (ReportStatus::Succeeded, 100, 1));
    let summary: serde_json::Value = serde_json::from_str(done.summary.as_deref().expect("summary")).expect("json");
    assert_eq!(summary["authors"], 3);
    assert_eq!(summary["favoritesReceived"], 3);
    assert_eq!(summary["topTags"][0]["tag"], "rust");
    assert_eq!(summary["topTags"][0]["count"], 3);
}

async fn a_retried_generation_overwrites_its_result_instead_of_appending(s: TestServices) {
    let (s, _queue) = with_queue(s);
    let user = s.user("alice").await;
    publish(&s, user, "Mine", &[]).await;
    let services = realworld(&s);
    let report = services.reports.request(user, input("own")).await.expect("ok");
    let job = ReportJob::new(report.id.0);
    services.reports.begin_attempt(job, 3).await.expect("begun").expect("runs");
    // The first attempt crashed mid-way, after writing some lines.
    let partial = [ResultLine { seq: 1, line: "junk".to_owned() }, ResultLine { seq: 7, line: "junk".to_owned() }];
    repository(&s).write_lines(report.id, &partial).await.expect("written");
    // The queue delivers the job again: a second attempt rewrites the same lines.
    let second = services.reports.begin_attempt(job, 3).await.expect("begun").expect("restarted");
    assert_eq!(second.attempts, 2);
    services.reports.generate(&second).await.expect("generated again");
    assert_eq!(lines(&s, report.id).await, [CSV_HEADER.to_owned(), format!("{},alice,1,0,0,0", user.0)]);
    // Delivered once more (e.g. the ack was lost): it is already final.
    assert!(services.reports.begin_attempt(job, 3).await.expect("checked").is_none());
}

async fn failures_retry_until_the_last_attempt_then_the_report_fails_with_the_error(s: TestServices) {
    let (s, _queue) = with_queue(s);
    let user = s.user("alice").await;
    let services = realworld(&s);
    let report = services.reports.request(user, input("own")).await.expect("ok");
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

async fn a_job_whose_attempts_were_used_up_by_crashes_is_failed_not_rerun(s: TestServices) {
    let (s, _queue) = with_queue(s);
    let user = s.user("alice").await;
    let services = realworld(&s);
    let report = services.reports.request(user, input("own")).await.expect("ok");
    let job = ReportJob::new(report.id.0);
    services.reports.begin_attempt(job, 1).await.expect("begun").expect("runs");
    // The worker died; the queue delivers the job again.
    assert!(services.reports.begin_attempt(job, 1).await.expect("checked").is_none());
    let failed = services.reports.get(user, report.id).await.expect("found");
    assert_eq!(failed.status, ReportStatus::Failed);
    assert!(failed.error.as_deref().is_some_and(|e| e.contains("interrupted")), "{:?}", failed.error);
}

async fn purge_deletes_only_finished_reports_older_than_the_age(s: TestServices) {
    let (s, _queue) = with_queue(s);
    let user = s.user("alice").await;
    let services = realworld(&s);
    let old = services.reports.request(user, input("own")).await.expect("ok");
    let running = services.reports.begin_attempt(ReportJob::new(old.id.0), 3).await.expect("ok").expect("r");
    services.reports.generate(&running).await.expect("generated");
    assert!(!lines(&s, old.id).await.is_empty());
    let pending = services.reports.request(user, input("own")).await.expect("ok");
    s.clock.advance_millis(2 * 86_400_000);
    let purged = services.reports.purge_older_than(chrono::Duration::days(1)).await.expect("purged");
    assert_eq!(purged, 1);
    assert!(matches!(services.reports.get(user, old.id).await, Err(UseCaseError::NotFound(_))));
    assert!(lines(&s, old.id).await.is_empty());
    services.reports.get(user, pending.id).await.expect("still queued, kept");
}

async fn an_attempt_overtaken_by_a_newer_one_cannot_record_its_outcome(s: TestServices) {
    let (s, _queue) = with_queue(s);
    let user = s.user("alice").await;
    let services = realworld(&s);
    let report = services.reports.request(user, input("own")).await.expect("ok");
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

async fn the_sweep_requeues_a_stuck_report_once_and_leaves_fresh_running_and_finished_ones_alone(s: TestServices) {
    let (s, queue) = with_queue(s);
    let user = s.user("alice").await;
    let services = realworld(&s);
    let request = || services.reports.request(user, input("own"));
    let stuck = request().await.expect("ok");
    let running = request().await.expect("ok");
    services.reports.begin_attempt(ReportJob::new(running.id.0), 3).await.expect("ok").expect("runs");
    let done = request().await.expect("ok");
    let started = services.reports.begin_attempt(ReportJob::new(done.id.0), 3).await.expect("ok").expect("runs");
    services.reports.generate(&started).await.expect("generated");
    let retrying = request().await.expect("ok");
    let first = services.reports.begin_attempt(ReportJob::new(retrying.id.0), 3).await.expect("ok").expect("runs");
    services.reports.fail_attempt(&first, "boom", 3).await.expect("back to queued, waiting for its retry");
    s.clock.advance_millis(301_000);
    let fresh = request().await.expect("ok");
    let before = queue.jobs().len();

    let age = chrono::Duration::seconds(300);
    assert_eq!(services.reports.requeue_stale(age, 100).await.expect("swept"), 1);
    let new_jobs = queue.jobs()[before..].to_vec();
    assert_eq!(new_jobs.len(), 1);
    assert_eq!(new_jobs[0].report_id, stuck.id.0, "only the never-started old report, not {fresh:?}");
    assert!(new_jobs[0].token.is_some());
    // A second sweep right after (another worker) finds nothing: the claim restarted the age.
    assert_eq!(services.reports.requeue_stale(age, 100).await.expect("swept"), 0);
    assert_eq!(queue.jobs().len(), before + 1);
}

async fn after_a_requeue_only_the_new_job_generates_and_the_original_one_is_a_no_op(s: TestServices) {
    let (s, queue) = with_queue(s);
    let user = s.user("alice").await;
    let services = realworld(&s);
    let report = services.reports.request(user, input("own")).await.expect("ok");
    let original = ReportJob::new(report.id.0);
    s.clock.advance_millis(301_000);
    services.reports.requeue_stale(chrono::Duration::seconds(300), 100).await.expect("swept");
    let requeued = *queue.jobs().last().expect("a new job");

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

async fn a_requeued_job_redelivered_after_a_crash_still_restarts_its_report(s: TestServices) {
    let (s, queue) = with_queue(s);
    let user = s.user("alice").await;
    let services = realworld(&s);
    let report = services.reports.request(user, input("own")).await.expect("ok");
    s.clock.advance_millis(301_000);
    services.reports.requeue_stale(chrono::Duration::seconds(300), 100).await.expect("swept");
    let requeued = *queue.jobs().last().expect("a new job");
    services.reports.begin_attempt(requeued, 3).await.expect("ok").expect("runs");
    // Its worker died; the queue hands the same job to another worker.
    let again = services.reports.begin_attempt(requeued, 3).await.expect("ok").expect("restarts");
    assert_eq!((again.id, again.attempts), (report.id, 2));
}
