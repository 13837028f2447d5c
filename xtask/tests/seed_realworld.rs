//! `cargo xtask seed` of the RealWorld example's tables against real, freshly migrated
//! SQLite and PostgreSQL databases: row counts, counters consistent with their rows,
//! refusal to seed twice, append and reset, and that the app keeps inserting articles
//! and comments after a seed. The users alone: tests/seed.rs.

use application::realworld::CreateArticleInput;
use domain::UserId;
use infrastructure::testing::TestDb;
use xtask::realworld::seed::ExampleCounts;
use xtask::seed::{Counts, DEFAULT_PASSWORD, Existing, SeedOptions};

fn counts() -> Counts {
    let mut counts = Counts::users(30);
    ExampleCounts { articles: 120, favorites: 500, comments: 250, follows: 80, tags: 12 }.into_counts(&mut counts);
    counts
}

fn options(existing: Existing) -> SeedOptions {
    // A small batch size so every table needs several statements plus a remainder.
    SeedOptions { counts: counts(), existing, password: DEFAULT_PASSWORD.to_owned(), rng_seed: 7, batch_rows: 37 }
}

async fn assert_consistent(db: &TestDb, times: i64) {
    assert_eq!(db.scalar("SELECT COUNT(*) FROM users").await, 30 * times);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM articles").await, 120 * times);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM favorites").await, 500 * times);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM comments").await, 250 * times);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM follows").await, 80 * times);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM tags").await, 12, "tags are shared by name, never duplicated");
    let mismatched = "SELECT COUNT(*) FROM articles a \
        WHERE a.favorites_count <> (SELECT COUNT(*) FROM favorites f WHERE f.article_id = a.id)";
    assert_eq!(db.scalar(mismatched).await, 0, "favorites_count matches the favorites rows");
    let tag_counts = "SELECT COUNT(*) FROM articles a WHERE (SELECT COUNT(*) FROM article_tags t \
        WHERE t.article_id = a.id) NOT BETWEEN 1 AND 5";
    assert_eq!(db.scalar(tag_counts).await, 0, "every article has 1 to 5 tags");
    assert_eq!(db.scalar("SELECT COUNT(*) FROM follows WHERE follower_id = followee_id").await, 0);
}

async fn seeds_consistent_data_and_refuses_to_seed_twice(db: TestDb) {
    let settings = db.settings();
    let report = xtask::seed::seed(&db.db, &settings, &options(Existing::Refuse)).await.expect("seed");
    assert_eq!(report.total_rows(), report.tables.iter().map(|t| t.rows).sum::<u64>());
    assert_eq!(report.tables.iter().find(|t| t.table == "favorites").map(|t| t.rows), Some(500));
    assert_consistent(&db, 1).await;

    let again = xtask::seed::seed(&db.db, &settings, &options(Existing::Refuse)).await;
    assert!(again.is_err(), "a second seed without --existing must be refused");
    assert_consistent(&db, 1).await;

    xtask::seed::seed(&db.db, &settings, &options(Existing::Append)).await.expect("append");
    assert_consistent(&db, 2).await;

    xtask::seed::seed(&db.db, &settings, &options(Existing::Reset)).await.expect("reset");
    assert_consistent(&db, 1).await;
}

async fn the_app_keeps_inserting_articles_and_comments_after_a_seed(db: TestDb) {
    let settings = db.settings();
    xtask::seed::seed(&db.db, &settings, &options(Existing::Refuse)).await.expect("seed");
    // Seeding enqueues no reports: an in-memory queue stands in.
    let queue = std::sync::Arc::new(application::realworld::FakeReportQueue::default());
    let features = infrastructure::wiring::services(db.db.clone(), &settings, queue).expect("services");
    let services = features.expect::<application::realworld::RealWorld>();
    let (max_user, max_article, max_comment) = (
        db.scalar("SELECT MAX(id) FROM users").await,
        db.scalar("SELECT MAX(id) FROM articles").await,
        db.scalar("SELECT MAX(id) FROM comments").await,
    );

    // The id sequences were moved past the seeded ids: the app's own inserts succeed.
    let input = CreateArticleInput {
        title: Some("Written after the seed".to_owned()),
        description: Some("by the app".to_owned()),
        body: Some("Its id comes from the sequence.".to_owned()),
        tag_list: Some(vec!["rust".to_owned()]),
    };
    let article = services.articles.create(UserId(max_user), input).await.expect("an article after a seed");
    assert_eq!(article.id.0, max_article + 1);
    let comment = services
        .comments
        .add(UserId(max_user), article.slug.as_str(), Some("a comment after the seed"))
        .await
        .expect("a comment after a seed");
    assert_eq!(comment.id.0, max_comment + 1);
}

infrastructure::on_both_databases!(
    seeds_consistent_data_and_refuses_to_seed_twice,
    the_app_keeps_inserting_articles_and_comments_after_a_seed
);
