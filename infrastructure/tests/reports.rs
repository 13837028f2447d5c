//! The report repository on SQLite and PostgreSQL: idempotent line writes, attempts
//! that discard a previous attempt's lines, and purging with the lines cascading.

use std::sync::Arc;

use application::accounts::RegisterInput;
use application::realworld::{NewReportRecord, ReportRepository, ResultLine};
use chrono::{Duration, Utc};
use domain::Timestamp;
use domain::realworld::{DateRange, ReportKind, ReportScope, ReportStatus};
use infrastructure::on_both_databases;
use infrastructure::realworld::SeaOrmReportRepository;
use infrastructure::realworld::testing::Services;
use infrastructure::testing::TestDb;
use infrastructure::wiring;

fn line(seq: i64, text: &str) -> ResultLine {
    ResultLine { seq, line: text.to_owned() }
}

async fn lines_written_twice_are_replaced_and_purge_takes_them_along(t: TestDb) {
    let queue = Arc::new(application::realworld::FakeReportQueue::default());
    let services = Services::from_features(&wiring::services(t.db.clone(), &t.settings(), queue).expect("wired"));
    let input = RegisterInput {
        username: Some("owner".to_owned()),
        email: Some("owner@example.com".to_owned()),
        password: Some("password123".to_owned()),
    };
    let owner = services.users.register(input).await.expect("registered").user.id;
    let repo = SeaOrmReportRepository::new(t.db.clone());
    let now = Timestamp::new(Utc::now());
    let range = DateRange::parse(Some("2026-01-01"), Some("2026-01-31"), 366).expect("range");
    let new = NewReportRecord { owner, kind: ReportKind::Activity, scope: ReportScope::Own, range, at: now };
    let report = repo.create(new).await.expect("created");
    assert_eq!((report.status, report.attempts, report.range), (ReportStatus::Queued, 0, range));

    repo.write_lines(report.id, &[line(1, "h"), line(2, "a")]).await.expect("written");
    repo.write_lines(report.id, &[line(2, "A"), line(3, "b")]).await.expect("rewritten");
    let read = repo.read_lines(report.id, 0, 10).await.expect("read");
    assert_eq!(read, [line(1, "h"), line(2, "A"), line(3, "b")]);
    assert_eq!(repo.read_lines(report.id, 1, 1).await.expect("page"), [line(2, "A")]);

    let running = repo.start_attempt(report.id, None, now).await.expect("started");
    assert_eq!((running.status, running.attempts), (ReportStatus::Running, 1));
    assert!(repo.read_lines(report.id, 0, 10).await.expect("read").is_empty(), "a new attempt starts clean");

    repo.write_lines(report.id, &[line(1, "h")]).await.expect("written");
    let stale = repo.succeed(report.id, 0, "{}".to_owned(), now).await;
    assert!(matches!(stale, Err(application::RepoError::Conflict("attempt"))), "an older attempt is fenced off");
    repo.succeed(report.id, 1, "{}".to_owned(), now).await.expect("succeeded");
    let (listed, total) = repo.list_by_owner(owner, 10, 0).await.expect("listed");
    assert_eq!((listed[0].status, listed[0].progress, total), (ReportStatus::Succeeded, 100, 1));

    let later = Timestamp::new(Utc::now() + Duration::days(1));
    assert_eq!(repo.purge_finished_before(later).await.expect("purged"), 1);
    assert!(repo.find(report.id).await.expect("looked up").is_none());
    assert!(repo.read_lines(report.id, 0, 10).await.expect("read").is_empty(), "lines cascade");
}

on_both_databases!(lines_written_twice_are_replaced_and_purge_takes_them_along);

async fn a_requeue_claim_is_won_once_and_fences_off_the_original_job(t: TestDb) {
    let queue = Arc::new(application::realworld::FakeReportQueue::default());
    let services = Services::from_features(&wiring::services(t.db.clone(), &t.settings(), queue).expect("wired"));
    let input = RegisterInput {
        username: Some("sweeper".to_owned()),
        email: Some("sweeper@example.com".to_owned()),
        password: Some("password123".to_owned()),
    };
    let owner = services.users.register(input).await.expect("registered").user.id;
    let repo = SeaOrmReportRepository::new(t.db.clone());
    let created = Timestamp::new(Utc::now() - Duration::minutes(10));
    let range = DateRange::parse(Some("2026-01-01"), Some("2026-01-31"), 366).expect("range");
    let new = NewReportRecord { owner, kind: ReportKind::Activity, scope: ReportScope::Own, range, at: created };
    let stuck = repo.create(new.clone()).await.expect("created");
    let fresh = repo.create(NewReportRecord { at: Timestamp::new(Utc::now()), ..new }).await.expect("created");

    let now = Timestamp::new(Utc::now());
    let cutoff = Timestamp::new(Utc::now() - Duration::minutes(5));
    assert_eq!(repo.stale_queued(cutoff, 10).await.expect("listed"), [stuck.id], "the fresh one is not stale");
    assert!(repo.claim_requeue(stuck.id, cutoff, 42, now).await.expect("claimed"));
    assert!(!repo.claim_requeue(stuck.id, cutoff, 43, now).await.expect("checked"), "a second sweep loses");
    assert!(!repo.claim_requeue(fresh.id, cutoff, 44, now).await.expect("checked"));
    assert!(repo.stale_queued(cutoff, 10).await.expect("listed").is_empty());

    assert!(!repo.job_is_current(stuck.id, None).await.expect("checked"));
    assert!(repo.job_is_current(stuck.id, Some(42)).await.expect("checked"));
    assert!(repo.job_is_current(fresh.id, None).await.expect("checked"));
    let original = repo.start_attempt(stuck.id, None, now).await;
    assert!(matches!(original, Err(application::RepoError::Conflict("job"))), "{original:?}");
    let running = repo.start_attempt(stuck.id, Some(42), now).await.expect("the new job starts");
    assert_eq!((running.status, running.attempts), (ReportStatus::Running, 1));
    assert!(!repo.claim_requeue(stuck.id, now, 45, now).await.expect("checked"), "started reports are never claimed");
}

on_both_databases!(a_requeue_claim_is_won_once_and_fences_off_the_original_job);

async fn pending_reports_are_counted_per_owner_queued_and_running_only(t: TestDb) {
    let queue = Arc::new(application::realworld::FakeReportQueue::default());
    let services = Services::from_features(&wiring::services(t.db.clone(), &t.settings(), queue).expect("wired"));
    let mut owners = Vec::new();
    for name in ["quota", "other"] {
        let input = RegisterInput {
            username: Some(name.to_owned()),
            email: Some(format!("{name}@example.com")),
            password: Some("password123".to_owned()),
        };
        owners.push(services.users.register(input).await.expect("registered").user.id);
    }
    let (owner, other) = (owners[0], owners[1]);
    let repo = SeaOrmReportRepository::new(t.db.clone());
    let now = Timestamp::new(Utc::now());
    let range = DateRange::parse(Some("2026-01-01"), Some("2026-01-31"), 366).expect("range");
    let new = NewReportRecord { owner, kind: ReportKind::Activity, scope: ReportScope::Own, range, at: now };
    assert_eq!(repo.count_pending_by_owner(owner).await.expect("counted"), 0);

    let queued = repo.create(new.clone()).await.expect("created");
    let running = repo.create(new.clone()).await.expect("created");
    let failed = repo.create(new.clone()).await.expect("created");
    let done = repo.create(new.clone()).await.expect("created");
    repo.create(NewReportRecord { owner: other, ..new }).await.expect("another owner's");
    repo.start_attempt(running.id, None, now).await.expect("started");
    repo.record_failure(failed.id, 0, "boom", true, now).await.expect("failed for good");
    repo.start_attempt(done.id, None, now).await.expect("started");
    repo.succeed(done.id, 1, "{}".to_owned(), now).await.expect("succeeded");

    assert_eq!(repo.count_pending_by_owner(owner).await.expect("counted"), 2, "{queued:?} and the running one");
    assert_eq!(repo.count_pending_by_owner(other).await.expect("counted"), 1);
}

on_both_databases!(pending_reports_are_counted_per_owner_queued_and_running_only);
