//! The cached RealWorld services against real databases and a real Redis: a write
//! through one process is read at once through another, and viewer flags take one query.

use std::sync::atomic::{AtomicUsize, Ordering};

use application::accounts::RegisterInput;
use application::realworld::ArticleRepository;
use application::realworld::{CreateArticleInput, UpdateArticleInput};
use domain::UserId;
use domain::realworld::ArticleId;
use infrastructure::on_both_databases;
use infrastructure::realworld::SeaOrmArticleRepository;
use infrastructure::realworld::testing::Services;
use infrastructure::settings::{RedisSettings, Settings};
use infrastructure::testing::{TestDb, redis_url};
use infrastructure::wiring;
use redis::aio::ConnectionManager;

fn prefix() -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("test:cache:{}:{}:{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst), nanos)
}

fn manager(url: &str) -> ConnectionManager {
    let settings = RedisSettings { url: Some(url.to_owned()), ..Default::default() };
    infrastructure::redis::connect(&settings).expect("valid url").expect("configured")
}

fn cached_settings(t: &TestDb, prefix: &str) -> Settings {
    let mut settings = t.settings();
    settings.redis.url = Some(redis_url());
    settings.cache.redis_prefix = prefix.to_owned();
    settings
}

/// These tests enqueue no reports: an in-memory queue stands in.
fn no_queue() -> std::sync::Arc<dyn application::realworld::ReportQueue> {
    std::sync::Arc::new(application::realworld::FakeReportQueue::default())
}

/// Services as another process would wire them: own memory tier, own Redis connection.
fn process(t: &TestDb, prefix: &str) -> Services {
    let settings = cached_settings(t, prefix);
    Services::from_features(
        &wiring::wire(t.db.clone(), &settings, Some(&manager(&redis_url())), no_queue()).expect("wired").features,
    )
}

async fn register(services: &Services, name: &str) -> UserId {
    let input = RegisterInput {
        username: Some(name.to_owned()),
        email: Some(format!("{name}@example.com")),
        password: Some("password123".to_owned()),
    };
    services.users.register(input).await.expect("registered").user.id
}

on_both_databases!(a_write_through_one_instance_is_read_at_once_through_another, viewer_flags_take_one_statement);

async fn a_write_through_one_instance_is_read_at_once_through_another(t: TestDb) {
    let prefix = prefix();
    let (a, b) = (process(&t, &prefix), process(&t, &prefix));
    let jake = register(&a, "jake").await;
    let input = CreateArticleInput {
        title: Some("Shared".to_owned()),
        description: Some("d".to_owned()),
        body: Some("first".to_owned()),
        tag_list: Some(vec!["t".to_owned()]),
    };
    a.articles.create(jake, input).await.expect("created");
    for _ in 0..2 {
        assert_eq!(b.articles.get("shared", None).await.expect("read").body.expect("body").as_str(), "first");
    }
    let (statements, _) = t.count_statements(b.articles.get("shared", None)).await;
    assert_eq!(statements, 0, "served from the cache");
    let edit = UpdateArticleInput { body: Some(Some("second".to_owned())), ..Default::default() };
    a.articles.update(jake, "shared", edit).await.expect("updated");
    assert_eq!(b.articles.get("shared", None).await.expect("read").body.expect("body").as_str(), "second");
    let fan = register(&b, "fan").await;
    b.articles.favorite(fan, "shared").await.expect("favorited");
    assert_eq!(a.articles.get("shared", None).await.expect("read").favorites_count, 1);
}

async fn viewer_flags_take_one_statement(t: TestDb) {
    let s = Services::from_features(&wiring::services(t.db.clone(), &t.settings(), no_queue()).expect("wired"));
    let jake = register(&s, "jake").await;
    let fan = register(&s, "fan").await;
    let mut ids = Vec::new();
    for title in ["One", "Two", "Three"] {
        let input = CreateArticleInput {
            title: Some(title.to_owned()),
            description: Some("d".to_owned()),
            body: Some("b".to_owned()),
            tag_list: None,
        };
        ids.push(s.articles.create(jake, input).await.expect("created").id);
    }
    s.articles.favorite(fan, "two").await.expect("favorited");
    s.profiles.follow(fan, "jake").await.expect("followed");
    let repo = SeaOrmArticleRepository::new(t.db.clone());
    let (statements, flags) = t.count_statements(repo.viewer_flags(fan, &ids, &[jake, fan])).await;
    let flags = flags.expect("flags");
    assert_eq!(statements, 1);
    assert_eq!(flags.favorited.into_iter().collect::<Vec<ArticleId>>(), vec![ids[1]]);
    assert_eq!(flags.following.into_iter().collect::<Vec<UserId>>(), vec![jake]);
    let (statements, _) = t.count_statements(repo.viewer_flags(fan, &[], &[])).await;
    assert_eq!(statements, 0);
    assert_eq!(repo.slug_of(ids[2]).await.expect("slug").expect("exists").as_str(), "three");
}
