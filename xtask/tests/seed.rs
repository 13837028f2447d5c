//! `cargo xtask seed` of the users, the table every project has, against real, freshly
//! migrated SQLite and PostgreSQL databases: row counts, refusal to seed twice, append
//! and reset, seeded accounts logging in with the documented password through the
//! app's own use case, and the app registering accounts after a seed (the id sequence
//! was moved past the seeded ids).

use std::sync::Arc;

use application::accounts::FakeWelcomeQueue;
use application::accounts::{LoginInput, RegisterInput, UserService, WelcomeService};
use infrastructure::accounts::{SeaOrmUserRepository, SeaOrmWelcomeRepository};
use infrastructure::clock::SystemClock;
use infrastructure::security::{Argon2Hasher, JwtTokens};
use infrastructure::testing::TestDb;
use xtask::seed::{Counts, DEFAULT_PASSWORD, Existing, SeedOptions};

fn options(existing: Existing) -> SeedOptions {
    // Users only: every other count stays zero. A small batch size so the users need
    // several statements plus a remainder.
    SeedOptions {
        counts: Counts::users(30),
        existing,
        password: DEFAULT_PASSWORD.to_owned(),
        rng_seed: 7,
        batch_rows: 7,
    }
}

/// The app's account use cases on the test database, wired by hand so the test does
/// not depend on the rest of the composition root.
fn users(db: &TestDb) -> UserService {
    let settings = db.settings();
    UserService::new(
        Arc::new(SeaOrmUserRepository::new(db.db.clone())),
        Arc::new(Argon2Hasher::new(&settings.auth).expect("hasher settings")),
        Arc::new(JwtTokens::new(&settings.auth.jwt_secret, settings.auth.token_ttl_secs)),
        // Welcome jobs of accounts registered by the test are recorded, not run.
        WelcomeService::new(
            Arc::new(SeaOrmWelcomeRepository::new(db.db.clone())),
            Arc::new(FakeWelcomeQueue::default()),
            Arc::new(SystemClock),
        ),
    )
}

async fn seeds_users_and_refuses_to_seed_twice(db: TestDb) {
    let settings = db.settings();
    let report = xtask::seed::seed(&db.db, &settings, &options(Existing::Refuse)).await.expect("seed");
    let users_timing = report.tables.iter().find(|t| t.table == "users").map(|t| t.rows);
    assert_eq!(users_timing, Some(30));
    assert_eq!(report.total_rows(), 30, "nothing but users was asked for");
    assert_eq!(db.scalar("SELECT COUNT(*) FROM users").await, 30);
    let names = "SELECT COUNT(*) FROM users WHERE username = 'user' || CAST(id AS TEXT) \
        AND email = 'user' || CAST(id AS TEXT) || '@example.com'";
    assert_eq!(db.scalar(names).await, 30, "accounts are user<ID> / user<ID>@example.com");

    let again = xtask::seed::seed(&db.db, &settings, &options(Existing::Refuse)).await;
    let message = format!("{:#}", again.expect_err("a second seed without --existing must be refused"));
    assert!(message.contains("30 users"), "{message}");
    assert_eq!(db.scalar("SELECT COUNT(*) FROM users").await, 30);

    xtask::seed::seed(&db.db, &settings, &options(Existing::Append)).await.expect("append");
    assert_eq!(db.scalar("SELECT COUNT(*) FROM users").await, 60);
    assert_eq!(db.scalar("SELECT COUNT(DISTINCT email) FROM users").await, 60, "appended ids continue");

    xtask::seed::seed(&db.db, &settings, &options(Existing::Reset)).await.expect("reset");
    assert_eq!(db.scalar("SELECT COUNT(*) FROM users").await, 30);
}

async fn seeded_accounts_log_in_and_the_app_keeps_registering(db: TestDb) {
    let settings = db.settings();
    xtask::seed::seed(&db.db, &settings, &options(Existing::Refuse)).await.expect("seed");
    let users = users(&db);
    let max_user = db.scalar("SELECT MAX(id) FROM users").await;
    let login =
        LoginInput { email: Some(format!("user{max_user}@example.com")), password: Some(DEFAULT_PASSWORD.to_owned()) };
    let user = users.login(login).await.expect("seeded account logs in");
    assert_eq!(user.user.username.as_str(), format!("user{max_user}"));
    let wrong =
        LoginInput { email: Some("user1@example.com".to_owned()), password: Some("not the password".to_owned()) };
    assert!(users.login(wrong).await.is_err(), "only the documented password is accepted");

    // The id sequence was moved past the seeded ids: the app's own inserts succeed.
    let register = RegisterInput {
        username: Some("fresh".to_owned()),
        email: Some("fresh@example.org".to_owned()),
        password: Some("a fresh password".to_owned()),
    };
    users.register(register).await.expect("registering after a seed works");
    assert_eq!(db.scalar("SELECT MAX(id) FROM users").await, max_user + 1);
}

infrastructure::on_both_databases!(
    seeds_users_and_refuses_to_seed_twice,
    seeded_accounts_log_in_and_the_app_keeps_registering
);
