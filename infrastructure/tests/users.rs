//! Accounts, the admin role and the welcome job's record against real databases (every
//! test runs on SQLite and on PostgreSQL), and opening the job queues.

use std::sync::Arc;

use application::UseCaseError;
use application::accounts::Accounts as Services;
use application::accounts::FakeWelcomeQueue;
use application::accounts::{RegisterInput, UpdateUserInput, WelcomeOutcome};
use application::accounts::{WelcomeJob, WelcomeRepository};
use application::ports::TokenClaims;
use domain::{Timestamp, UserId};
use infrastructure::accounts::SeaOrmWelcomeRepository;
use infrastructure::accounts::entities::users;
use infrastructure::on_both_databases;
use infrastructure::testing::TestDb;
use infrastructure::wiring::{self, JobQueues};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};

/// The use cases on `t`: every feature's queue is the real one of `t`'s settings, except
/// the welcome queue, an in-memory one the tests inspect.
async fn services_with_queue(t: &TestDb, welcome: &FakeWelcomeQueue) -> Services {
    let apalis = infrastructure::jobs::Queues::open(&t.settings(), &t.db).await.expect("queues opened");
    let queues = JobQueues::apalis(&apalis).with::<dyn application::accounts::WelcomeQueue>(Arc::new(welcome.clone()));
    wiring::services(t.db.clone(), &t.settings(), queues).expect("wired").expect::<Services>()
}

async fn services(t: &TestDb) -> Services {
    services_with_queue(t, &FakeWelcomeQueue::default()).await
}

async fn register(services: &Services, name: &str) -> UserId {
    let input = RegisterInput {
        username: Some(name.to_owned()),
        email: Some(format!("{name}@example.com")),
        password: Some("password123".to_owned()),
    };
    services.users.register(input).await.expect("registered").user.id
}

on_both_databases!(
    users_are_unique_by_username_and_email,
    user_updates_change_only_given_fields,
    the_admin_role_is_granted_and_revoked_by_username,
    registering_enqueues_a_welcome_job_that_welcomes_once,
    the_welcome_sweep_finds_old_unwelcomed_accounts_only,
    a_password_change_increments_the_credential_version_and_nothing_else_does,
    a_password_change_keeps_the_token_it_was_made_with,
);

async fn users_are_unique_by_username_and_email(t: TestDb) {
    let s = services(&t).await;
    register(&s, "jake").await;
    let same_name = RegisterInput {
        username: Some("jake".to_owned()),
        email: Some("other@example.com".to_owned()),
        password: Some("password123".to_owned()),
    };
    assert!(matches!(s.users.register(same_name).await, Err(UseCaseError::Conflict("username"))));
    let same_email = RegisterInput {
        username: Some("other".to_owned()),
        email: Some("JAKE@example.com".to_owned()),
        password: Some("password123".to_owned()),
    };
    assert!(matches!(s.users.register(same_email).await, Err(UseCaseError::Conflict("email"))));
}

async fn user_updates_change_only_given_fields(t: TestDb) {
    let s = services(&t).await;
    let jake = register(&s, "jake").await;
    register(&s, "taken").await;
    let input = UpdateUserInput {
        bio: Some(Some("I like dogs".to_owned())),
        image: Some(Some("https://example.com/a.png".to_owned())),
        ..Default::default()
    };
    let updated = s.users.update(jake, input).await.expect("updated");
    assert_eq!(updated.bio.as_ref().map(|b| b.as_str()), Some("I like dogs"));
    assert_eq!(updated.username.as_str(), "jake");
    let clear = UpdateUserInput { bio: Some(None), ..Default::default() };
    let cleared = s.users.update(jake, clear).await.expect("cleared");
    assert_eq!(cleared.bio, None);
    assert!(cleared.image.is_some(), "image untouched");
    let rename = UpdateUserInput { username: Some(Some("taken".to_owned())), ..Default::default() };
    assert!(matches!(s.users.update(jake, rename).await, Err(UseCaseError::Conflict("username"))));
    assert!(matches!(
        s.users.update(UserId(999_999), UpdateUserInput::default()).await,
        Err(UseCaseError::UnknownUser)
    ));
}

async fn a_password_change_increments_the_credential_version_and_nothing_else_does(t: TestDb) {
    let s = services(&t).await;
    let jake = register(&s, "jake").await;
    register(&s, "taken").await;
    let version = |id| {
        let db = t.db.clone();
        async move {
            let row = users::Entity::find_by_id(id).one(&db).await.expect("read").expect("stored");
            row.credential_version
        }
    };
    assert_eq!(version(jake.0).await, 0, "a new account starts at 0");
    let bio = UpdateUserInput { bio: Some(Some("hi".to_owned())), ..Default::default() };
    assert_eq!(s.users.update(jake, bio).await.expect("updated").credential_version, 0);
    let password = || UpdateUserInput { password: Some(Some("a-new-password".to_owned())), ..Default::default() };
    assert_eq!(s.users.update(jake, password()).await.expect("updated").credential_version, 1);
    assert_eq!(s.users.update(jake, password()).await.expect("updated").credential_version, 2);
    assert_eq!(version(jake.0).await, 2);

    // A change that fails leaves the version as it was (one transaction).
    let clash = UpdateUserInput { username: Some(Some("taken".to_owned())), ..password() };
    assert!(matches!(s.users.update(jake, clash).await, Err(UseCaseError::Conflict("username"))));
    assert_eq!(version(jake.0).await, 2);
    assert!(matches!(s.users.update(UserId(999_999), password()).await, Err(UseCaseError::UnknownUser)));
}

async fn a_password_change_keeps_the_token_it_was_made_with(t: TestDb) {
    let s = services(&t).await;
    let jake = register(&s, "jake").await;
    register(&s, "taken").await;
    let token = |version, id: Option<&str>| TokenClaims {
        user: jake,
        credential_version: version,
        token_id: id.map(str::to_owned),
    };
    let kept = || {
        let db = t.db.clone();
        async move { users::Entity::find_by_id(jake.0).one(&db).await.expect("read").expect("stored").kept_token_id }
    };
    let password = || UpdateUserInput { password: Some(Some("a-new-password".to_owned())), ..Default::default() };
    assert_eq!(kept().await, None);
    let bio = UpdateUserInput { bio: Some(Some("hi".to_owned())), ..Default::default() };
    s.users.update_in_session(&token(0, Some("a")), bio).await.expect("updated");
    assert_eq!(kept().await, None, "only a password change keeps a token");

    s.users.update_in_session(&token(0, Some("a")), password()).await.expect("updated");
    assert_eq!(kept().await.as_deref(), Some("a"));
    for (claims, current) in [
        (token(0, Some("a")), true),
        (token(0, Some("b")), false),
        (token(0, None), false),
        (token(1, Some("b")), true),
        (token(1, None), true),
    ] {
        assert_eq!(s.users.token_is_current(&claims).await.expect("read"), current, "{claims:?}");
    }

    // A failed change keeps the kept token as it was (one transaction); the next one
    // made with another token keeps that one instead.
    let clash = UpdateUserInput { username: Some(Some("taken".to_owned())), ..password() };
    assert!(s.users.update_in_session(&token(1, Some("b")), clash).await.is_err());
    assert_eq!(kept().await.as_deref(), Some("a"));
    s.users.update_in_session(&token(1, Some("b")), password()).await.expect("updated");
    assert_eq!(kept().await.as_deref(), Some("b"));
    assert!(!s.users.token_is_current(&token(0, Some("a"))).await.expect("read"));
    s.users.update(jake, password()).await.expect("updated");
    assert_eq!(kept().await, None, "a change outside a session keeps no token");
}

async fn the_admin_role_is_granted_and_revoked_by_username(t: TestDb) {
    let s = services(&t).await;
    let jake = register(&s, "jake").await;
    let jane = register(&s, "jane").await;
    assert!(!s.users.is_admin(jake).await.expect("read"), "nobody is an admin until granted");

    s.users.set_admin("jake", true).await.expect("granted");
    s.users.set_admin("jake", true).await.expect("granting twice is fine");
    assert!(s.users.is_admin(jake).await.expect("read"));
    assert!(!s.users.is_admin(jane).await.expect("read"), "only the named account changes");

    s.users.set_admin("jake", false).await.expect("revoked");
    assert!(!s.users.is_admin(jake).await.expect("read"));
    assert!(!s.users.is_admin(UserId(i64::MAX)).await.expect("read"), "unknown ids are not admins");
    assert!(matches!(s.users.set_admin("nobody", true).await, Err(UseCaseError::NotFound("user"))));
}

async fn registering_enqueues_a_welcome_job_that_welcomes_once(t: TestDb) {
    let queue = FakeWelcomeQueue::default();
    let s = services_with_queue(&t, &queue).await;
    let jake = register(&s, "jake").await;
    assert_eq!(queue.jobs(), [WelcomeJob { user_id: jake.0 }]);
    assert_eq!(welcomed_at(&t, jake).await, None);

    let job = WelcomeJob { user_id: jake.0 };
    assert_eq!(s.welcome.welcome(job).await.expect("welcomed"), WelcomeOutcome::Welcomed);
    let first = welcomed_at(&t, jake).await;
    assert!(first.is_some(), "welcomed_at is recorded");
    assert_eq!(s.welcome.welcome(job).await.expect("again"), WelcomeOutcome::AlreadyWelcomed);
    assert_eq!(welcomed_at(&t, jake).await, first, "a second delivery changes nothing");
    let gone = WelcomeJob { user_id: i64::MAX };
    assert_eq!(s.welcome.welcome(gone).await.expect("no error"), WelcomeOutcome::UnknownUser);
}

async fn the_welcome_sweep_finds_old_unwelcomed_accounts_only(t: TestDb) {
    let s = services(&t).await;
    let (old, done, recent) = (register(&s, "old").await, register(&s, "done").await, register(&s, "recent").await);
    s.welcome.welcome(WelcomeJob { user_id: done.0 }).await.expect("welcomed");
    for (user, minutes) in [(old, 20), (done, 10)] {
        let at = chrono::Utc::now() - chrono::Duration::minutes(minutes);
        users::Entity::update_many()
            .col_expr(users::Column::CreatedAt, Expr::value(at))
            .filter(users::Column::Id.eq(user.0))
            .exec(&t.db)
            .await
            .expect("backdated");
    }
    let repo = SeaOrmWelcomeRepository::new(t.db.clone());
    let cutoff = Timestamp::new(chrono::Utc::now() - chrono::Duration::minutes(5));
    assert_eq!(repo.unwelcomed(cutoff, 10).await.expect("swept"), [old]);
    let now = Timestamp::new(chrono::Utc::now() + chrono::Duration::seconds(1));
    assert_eq!(repo.unwelcomed(now, 10).await.expect("swept"), [old, recent], "oldest first");
    assert_eq!(repo.unwelcomed(now, 1).await.expect("swept"), [old], "at most limit");
}

async fn welcomed_at(t: &TestDb, user: UserId) -> Option<String> {
    let sql = format!("SELECT CAST(welcomed_at AS TEXT) AS at FROM users WHERE id = {}", user.0);
    let row = t.db.query_one_raw(Statement::from_string(t.db.get_database_backend(), sql)).await.expect("query");
    row.expect("user exists").try_get::<Option<String>>("", "at").expect("column")
}

/// Several processes starting together on one SQLite queue file race on apalis's
/// migrations (sqlx takes no lock on SQLite); every one of them must still open the queue.
#[tokio::test]
async fn concurrent_starts_on_one_sqlite_queue_file_all_succeed() {
    let t = TestDb::sqlite().await;
    let settings = t.settings();
    let opens = (0..8).map(|_| infrastructure::jobs::Queues::open(&settings, &t.db));
    for result in futures::future::join_all(opens).await {
        result.expect("queue opened");
    }
}
