//! The accounts use cases (registration, login, updates, the welcome job) on the real
//! repositories, SQLite and PostgreSQL, with fakes for the hasher, tokens, clock and
//! welcome queue (`infrastructure::testing::TestServices`). The repositories' own edge
//! cases (unique fields, credential versions, kept tokens, the admin role) are in
//! `users.rs`.

use application::UseCaseError;
use application::accounts::{LoginInput, RegisterInput, UpdateUserInput, WelcomeJob, WelcomeOutcome};
use application::ports::TokenService;
use domain::UserId;
use infrastructure::accounts::entities::users;
use infrastructure::testing::TestServices;
use infrastructure::use_cases_on_both_databases;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

fn register_input(name: &str) -> RegisterInput {
    RegisterInput {
        username: Some(name.to_owned()),
        email: Some(format!("{name}@example.com")),
        password: Some("password123".to_owned()),
    }
}

fn login(email: &str, password: &str) -> LoginInput {
    LoginInput { email: Some(email.to_owned()), password: Some(password.to_owned()) }
}

/// Moves `user`'s registration `minutes` into the past (the repository stamps it with the
/// database's time, which the fake clock does not move).
async fn registered_minutes_ago(s: &TestServices, user: UserId, minutes: i64) {
    let at = chrono::Utc::now() - chrono::Duration::minutes(minutes);
    users::Entity::update_many()
        .col_expr(users::Column::CreatedAt, Expr::value(at))
        .filter(users::Column::Id.eq(user.0))
        .exec(&s.db.db)
        .await
        .expect("backdated");
}

use_cases_on_both_databases!(
    registering_returns_a_token_for_the_new_user,
    registering_reports_every_invalid_field,
    login_succeeds_with_the_right_password_only,
    login_of_an_unknown_email_still_runs_the_hasher,
    update_clears_optional_fields_with_empty_strings,
    update_of_the_password_lets_the_user_log_in_with_the_new_one,
    a_password_change_retires_older_tokens_and_a_bio_change_does_not,
    update_rejects_a_null_email,
    registration_succeeds_even_when_the_queue_is_down,
    the_sweep_re_enqueues_only_old_unwelcomed_accounts,
    the_sweep_takes_at_most_limit_accounts_oldest_first,
);

async fn registering_returns_a_token_for_the_new_user(s: TestServices) {
    let registered = s.accounts().users.register(register_input("jake")).await.expect("registered");
    assert_eq!(registered.user.username.as_str(), "jake");
    assert_eq!(s.tokens.verify(&registered.token).map(|claims| claims.user), Ok(registered.user.id));
}

async fn registering_reports_every_invalid_field(s: TestServices) {
    let err = s.accounts().users.register(RegisterInput::default()).await.expect_err("invalid");
    let UseCaseError::Validation(errors) = err else { panic!("expected validation error, got {err:?}") };
    assert_eq!(errors.fields().len(), 3);
}

async fn login_succeeds_with_the_right_password_only(s: TestServices) {
    let users = s.accounts().users;
    users.register(register_input("jake")).await.expect("registered");
    assert!(users.login(login("JAKE@example.com", "password123")).await.is_ok(), "emails match in any case");
    let wrong = users.login(login("jake@example.com", "wrong-pass")).await;
    assert!(matches!(wrong, Err(UseCaseError::InvalidCredentials)), "{wrong:?}");
}

async fn login_of_an_unknown_email_still_runs_the_hasher(s: TestServices) {
    let err = s.accounts().users.login(login("nobody@example.com", "whatever1")).await.expect_err("unknown");
    assert!(matches!(err, UseCaseError::InvalidCredentials));
    assert_eq!(s.hasher.dummy_verifications(), 1);
}

async fn update_clears_optional_fields_with_empty_strings(s: TestServices) {
    let users = s.accounts().users;
    let jake = users.register(register_input("jake")).await.expect("registered").user;
    let set_bio = UpdateUserInput { bio: Some(Some("hello".to_owned())), ..Default::default() };
    let updated = users.update(jake.id, set_bio).await.expect("updated");
    assert_eq!(updated.bio.as_ref().map(|b| b.as_str()), Some("hello"));
    assert_eq!(updated.email, jake.email);
    let clear = UpdateUserInput { bio: Some(Some(String::new())), ..Default::default() };
    assert_eq!(users.update(jake.id, clear).await.expect("cleared").bio, None);
}

async fn update_of_the_password_lets_the_user_log_in_with_the_new_one(s: TestServices) {
    let users = s.accounts().users;
    let jake = users.register(register_input("jake")).await.expect("registered").user;
    let change = UpdateUserInput { password: Some(Some("new-password".to_owned())), ..Default::default() };
    users.update(jake.id, change).await.expect("updated");
    assert!(users.login(login("jake@example.com", "new-password")).await.is_ok());
    assert!(users.login(login("jake@example.com", "password123")).await.is_err(), "the old one no longer works");
}

async fn a_password_change_retires_older_tokens_and_a_bio_change_does_not(s: TestServices) {
    let users = s.accounts().users;
    let first = users.register(register_input("jake")).await.expect("registered");
    let claims = |token: &str| s.tokens.verify(token).expect("well signed");
    let bio = UpdateUserInput { bio: Some(Some("hello".to_owned())), ..Default::default() };
    users.update(first.user.id, bio).await.expect("updated");
    assert!(users.token_is_current(&claims(&first.token)).await.expect("read"));

    let change = UpdateUserInput { password: Some(Some("new-password".to_owned())), ..Default::default() };
    let changed = users.update(first.user.id, change).await.expect("updated");
    assert_eq!(changed.credential_version, first.user.credential_version + 1);
    assert!(!users.token_is_current(&claims(&first.token)).await.expect("read"));
    let fresh = users.issue_token(&changed).expect("signed");
    assert!(users.token_is_current(&claims(&fresh)).await.expect("read"));
}

async fn update_rejects_a_null_email(s: TestServices) {
    let users = s.accounts().users;
    let jake = users.register(register_input("jake")).await.expect("registered").user;
    let null_email = UpdateUserInput { email: Some(None), ..Default::default() };
    assert!(matches!(users.update(jake.id, null_email).await, Err(UseCaseError::Validation(_))));
}

async fn registration_succeeds_even_when_the_queue_is_down(s: TestServices) {
    s.welcome.set_down(true);
    s.user("jake").await;
    assert!(s.welcome.jobs().is_empty());
}

async fn the_sweep_re_enqueues_only_old_unwelcomed_accounts(s: TestServices) {
    s.welcome.set_down(true);
    let lost = s.user("lost").await;
    let done = s.user("done").await;
    let recent = s.user("recent").await;
    s.welcome.set_down(false);
    let welcome = s.accounts().welcome;
    assert_eq!(welcome.welcome(WelcomeJob { user_id: done.0 }).await.expect("welcomed"), WelcomeOutcome::Welcomed);
    registered_minutes_ago(&s, lost, 10).await;
    registered_minutes_ago(&s, done, 10).await;

    let age = chrono::Duration::minutes(5);
    assert_eq!(welcome.requeue_unwelcomed(age, 100).await.expect("swept"), 1);
    assert_eq!(s.welcome.jobs(), [WelcomeJob { user_id: lost.0 }], "not {recent:?}, nor the welcomed {done:?}");
}

async fn the_sweep_takes_at_most_limit_accounts_oldest_first(s: TestServices) {
    s.welcome.set_down(true);
    let first = s.user("first").await;
    let second = s.user("second").await;
    s.welcome.set_down(false);
    registered_minutes_ago(&s, first, 20).await;
    registered_minutes_ago(&s, second, 10).await;
    let swept = s.accounts().welcome.requeue_unwelcomed(chrono::Duration::minutes(5), 1).await;
    assert_eq!(swept.expect("swept"), 1);
    assert_eq!(s.welcome.jobs(), [WelcomeJob { user_id: first.0 }]);
}
