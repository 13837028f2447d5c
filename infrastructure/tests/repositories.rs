//! The sea-orm adapters against real databases: every test runs on SQLite and on
//! PostgreSQL (see `infrastructure::testing`), through the same use cases the API calls.

use std::sync::Arc;

use application::accounts::RegisterInput;
use application::realworld::{ArticleRepository, CommentRepository, TagRepository};
use application::realworld::{CreateArticleInput, UpdateArticleInput};
use application::{RepoError, UseCaseError};
use domain::UserId;
use domain::realworld::{ArticleFilter, Page};
use infrastructure::on_both_databases;
use infrastructure::realworld::testing::Services;
use infrastructure::realworld::{SeaOrmArticleRepository, SeaOrmCommentRepository, SeaOrmTagRepository};
use infrastructure::testing::TestDb;
use infrastructure::wiring;

fn services(t: &TestDb) -> Services {
    let queue = std::sync::Arc::new(application::realworld::FakeReportQueue::default());
    Services::from_features(&wiring::services(t.db.clone(), &t.settings(), queue).expect("wired"))
}

async fn register(services: &Services, name: &str) -> UserId {
    let input = RegisterInput {
        username: Some(name.to_owned()),
        email: Some(format!("{name}@example.com")),
        password: Some("password123".to_owned()),
    };
    services.users.register(input).await.expect("registered").user.id
}

fn article(title: &str, tags: &[&str]) -> CreateArticleInput {
    CreateArticleInput {
        title: Some(title.to_owned()),
        description: Some(format!("about {title}")),
        body: Some(format!("body of {title}")),
        tag_list: Some(tags.iter().map(|t| (*t).to_owned()).collect()),
    }
}

on_both_databases!(
    follows_are_idempotent_and_per_viewer,
    articles_round_trip_with_ordered_tags,
    equal_titles_get_distinct_slugs_even_concurrently,
    article_updates_replace_tags_and_move_the_slug,
    deleting_an_article_removes_its_comments_and_favorites,
    lists_filter_sort_and_count,
    feed_lists_followed_authors_only,
    favorite_counts_stay_exact_under_concurrency,
    list_statement_count_does_not_depend_on_page_size,
    comments_are_listed_oldest_first_with_author_flags,
    tags_in_use_exclude_orphans,
);

async fn follows_are_idempotent_and_per_viewer(t: TestDb) {
    let s = services(&t);
    let fan = register(&s, "fan").await;
    let other = register(&s, "other").await;
    register(&s, "celeb").await;
    s.profiles.follow(fan, "celeb").await.expect("followed");
    s.profiles.follow(fan, "celeb").await.expect("followed twice");
    assert!(s.profiles.get("celeb", Some(fan)).await.expect("found").following);
    assert!(!s.profiles.get("celeb", Some(other)).await.expect("found").following);
    assert!(!s.profiles.get("celeb", None).await.expect("found").following);
    s.profiles.unfollow(fan, "celeb").await.expect("unfollowed");
    s.profiles.unfollow(fan, "celeb").await.expect("unfollowed twice");
    assert!(!s.profiles.get("celeb", Some(fan)).await.expect("found").following);
}

async fn articles_round_trip_with_ordered_tags(t: TestDb) {
    let s = services(&t);
    let jake = register(&s, "jake").await;
    let fan = register(&s, "fan").await;
    let created = s.articles.create(jake, article("Hello World", &["zeta", "alpha", "mid"])).await.expect("created");
    assert_eq!(created.slug.as_str(), "hello-world");
    s.articles.favorite(fan, "hello-world").await.expect("favorited");
    s.profiles.follow(fan, "jake").await.expect("followed");
    let seen = s.articles.get("hello-world", Some(fan)).await.expect("found");
    let tags: Vec<_> = seen.tags.iter().map(|t| t.as_str()).collect();
    assert_eq!(tags, ["zeta", "alpha", "mid"]);
    assert_eq!(seen.body.as_ref().map(|b| b.as_str()), Some("body of Hello World"));
    assert_eq!((seen.favorited, seen.favorites_count, seen.author.following), (true, 1, true));
    assert_eq!(seen.created_at, created.created_at, "timestamps survive the database round trip");
    let anonymous = s.articles.get("hello-world", None).await.expect("found");
    assert_eq!((anonymous.favorited, anonymous.author.following), (false, false));
}

async fn equal_titles_get_distinct_slugs_even_concurrently(t: TestDb) {
    let s = Arc::new(services(&t));
    let jake = register(&s, "jake").await;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move { s.articles.create(jake, article("Same Title", &["x"])).await }));
    }
    let mut slugs = Vec::new();
    for task in tasks {
        slugs.push(task.await.expect("joined").expect("created").slug.as_str().to_owned());
    }
    slugs.sort();
    slugs.dedup();
    assert_eq!(slugs.len(), 8, "{slugs:?}");
    assert!(slugs.contains(&"same-title".to_owned()));
}

async fn article_updates_replace_tags_and_move_the_slug(t: TestDb) {
    let s = services(&t);
    let jake = register(&s, "jake").await;
    let created = s.articles.create(jake, article("Old", &["a", "b"])).await.expect("created");
    let body_only = UpdateArticleInput { body: Some(Some("new body".to_owned())), ..Default::default() };
    let updated = s.articles.update(jake, "old", body_only).await.expect("updated");
    assert_eq!(updated.tags, created.tags, "tags kept when tagList is absent");
    assert!(updated.updated_at > created.updated_at);
    let retag = UpdateArticleInput {
        title: Some(Some("New".to_owned())),
        tag_list: Some(Some(vec!["c".to_owned(), "a".to_owned()])),
        ..Default::default()
    };
    let moved = s.articles.update(jake, "old", retag).await.expect("updated");
    assert_eq!(moved.slug.as_str(), "new");
    assert_eq!(moved.tags.iter().map(|t| t.as_str()).collect::<Vec<_>>(), ["c", "a"]);
    assert!(matches!(s.articles.get("old", None).await, Err(UseCaseError::NotFound("article"))));
    let untag = UpdateArticleInput { tag_list: Some(Some(vec![])), ..Default::default() };
    assert!(s.articles.update(jake, "new", untag).await.expect("updated").tags.as_slice().is_empty());
}

async fn deleting_an_article_removes_its_comments_and_favorites(t: TestDb) {
    let s = services(&t);
    let jake = register(&s, "jake").await;
    let fan = register(&s, "fan").await;
    let created = s.articles.create(jake, article("Doomed", &["gone"])).await.expect("created");
    s.articles.favorite(fan, "doomed").await.expect("favorited");
    s.comments.add(fan, "doomed", Some("nice")).await.expect("commented");
    s.articles.delete(jake, "doomed").await.expect("deleted");
    let comments = SeaOrmCommentRepository::new(t.db.clone());
    assert!(comments.list(created.id, None, 10, None).await.expect("listed").is_empty());
    let favorited = ArticleFilter { favorited_by: Some("fan".to_owned()), ..Default::default() };
    assert_eq!(s.articles.list(&favorited, Page::default(), None).await.expect("listed").total, 0);
    let articles = SeaOrmArticleRepository::new(t.db.clone());
    assert!(matches!(articles.delete(created.id).await, Err(RepoError::NotFound)));
    assert!(
        matches!(articles.favorite(fan, created.id).await, Err(RepoError::NotFound)),
        "favoriting an article deleted after its lookup is NotFound (404), not a 500"
    );
}

async fn lists_filter_sort_and_count(t: TestDb) {
    let s = services(&t);
    let jake = register(&s, "jake").await;
    let anna = register(&s, "anna").await;
    for i in 0..5 {
        let tags: &[&str] = if i % 2 == 0 { &["even"] } else { &["odd"] };
        s.articles.create(jake, article(&format!("Jake {i}"), tags)).await.expect("created");
        s.articles.create(anna, article(&format!("Anna {i}"), &["anna"])).await.expect("created");
    }
    s.articles.favorite(anna, "jake-1").await.expect("favorited");
    s.articles.favorite(anna, "jake-3").await.expect("favorited");

    let all = s.articles.list(&ArticleFilter::default(), Page::new(3, 0), None).await.expect("listed");
    assert_eq!((all.total, all.articles.len()), (10, 3));
    assert_eq!(all.articles[0].slug.as_str(), "anna-4", "most recent first");
    assert!(all.articles.iter().all(|a| a.body.is_none()), "lists leave out the body");

    let by_tag = ArticleFilter { tag: Some("even".to_owned()), ..Default::default() };
    let evens = s.articles.list(&by_tag, Page::default(), None).await.expect("listed");
    let slugs: Vec<_> = evens.articles.iter().map(|a| a.slug.as_str()).collect();
    assert_eq!(slugs, ["jake-4", "jake-2", "jake-0"]);

    let by_author = ArticleFilter { author: Some("anna".to_owned()), ..Default::default() };
    assert_eq!(s.articles.list(&by_author, Page::default(), None).await.expect("listed").total, 5);

    let favorited = ArticleFilter { favorited_by: Some("anna".to_owned()), ..Default::default() };
    let liked = s.articles.list(&favorited, Page::default(), Some(anna)).await.expect("listed");
    assert_eq!(liked.total, 2);
    assert!(liked.articles.iter().all(|a| a.favorited && a.favorites_count == 1));

    let combined = ArticleFilter {
        tag: Some("odd".to_owned()),
        favorited_by: Some("anna".to_owned()),
        author: Some("jake".to_owned()),
    };
    assert_eq!(s.articles.list(&combined, Page::default(), None).await.expect("listed").total, 2);

    let past_end = s.articles.list(&ArticleFilter::default(), Page::new(5, 50), None).await.expect("listed");
    assert_eq!((past_end.total, past_end.articles.len()), (10, 0), "count survives a page past the end");
    let unknown = ArticleFilter { author: Some("nobody".to_owned()), ..Default::default() };
    assert_eq!(s.articles.list(&unknown, Page::default(), None).await.expect("listed").total, 0);
}

async fn feed_lists_followed_authors_only(t: TestDb) {
    let s = services(&t);
    let reader = register(&s, "reader").await;
    let celeb = register(&s, "celeb").await;
    let other = register(&s, "other").await;
    s.articles.create(celeb, article("Celeb 1", &[])).await.expect("created");
    s.articles.create(other, article("Other 1", &[])).await.expect("created");
    s.articles.create(celeb, article("Celeb 2", &[])).await.expect("created");
    assert_eq!(s.articles.feed(reader, Page::default()).await.expect("feed").total, 0);
    s.profiles.follow(reader, "celeb").await.expect("followed");
    let feed = s.articles.feed(reader, Page::new(1, 1)).await.expect("feed");
    assert_eq!(feed.total, 2);
    assert_eq!(feed.articles[0].slug.as_str(), "celeb-1");
    assert!(feed.articles[0].author.following);
}

async fn favorite_counts_stay_exact_under_concurrency(t: TestDb) {
    let s = Arc::new(services(&t));
    let author = register(&s, "author").await;
    s.articles.create(author, article("Popular", &[])).await.expect("created");
    let mut fans = Vec::new();
    for i in 0..6 {
        fans.push(register(&s, &format!("fan{i}")).await);
    }
    let mut tasks = Vec::new();
    for fan in fans.iter().copied() {
        for _ in 0..3 {
            let s = s.clone();
            tasks.push(tokio::spawn(async move { s.articles.favorite(fan, "popular").await }));
        }
    }
    for task in tasks {
        task.await.expect("joined").expect("favorited");
    }
    assert_eq!(s.articles.get("popular", None).await.expect("found").favorites_count, 6);
    let mut tasks = Vec::new();
    for fan in fans.iter().copied().take(4) {
        for _ in 0..2 {
            let s = s.clone();
            tasks.push(tokio::spawn(async move { s.articles.unfavorite(fan, "popular").await }));
        }
    }
    for task in tasks {
        task.await.expect("joined").expect("unfavorited");
    }
    assert_eq!(s.articles.get("popular", None).await.expect("found").favorites_count, 2);
}

async fn list_statement_count_does_not_depend_on_page_size(t: TestDb) {
    let s = services(&t);
    let viewer = register(&s, "viewer").await;
    let mut authors = Vec::new();
    for i in 0..5 {
        authors.push(register(&s, &format!("author{i}")).await);
        s.profiles.follow(viewer, &format!("author{i}")).await.expect("followed");
    }
    for i in 0..60 {
        let author = authors[i % authors.len()];
        let created = s.articles.create(author, article(&format!("Post {i}"), &["common", &format!("t{i}")])).await;
        let slug = created.expect("created").slug;
        if i % 3 == 0 {
            s.articles.favorite(viewer, slug.as_str()).await.expect("favorited");
        }
    }
    let repo = SeaOrmArticleRepository::new(t.db.clone());
    let filters = [
        ArticleFilter::default(),
        ArticleFilter { tag: Some("common".to_owned()), ..Default::default() },
        ArticleFilter { favorited_by: Some("viewer".to_owned()), ..Default::default() },
    ];
    for filter in &filters {
        for viewer in [None, Some(viewer)] {
            let (one, small) = t.count_statements(repo.list(filter, Page::new(1, 0), viewer)).await;
            let (fifty, large) = t.count_statements(repo.list(filter, Page::new(50, 0), viewer)).await;
            assert_eq!(small.expect("listed").articles.len(), 1);
            assert!(large.expect("listed").articles.len() >= 20);
            assert_eq!(one, fifty, "statements for a page of 1 vs 50 with {filter:?}, viewer {viewer:?}");
            assert!(one <= 3, "{one} statements: page, tags, count");
        }
    }
    let (one, _) = t.count_statements(repo.feed(viewer, Page::new(1, 0))).await;
    let (fifty, page) = t.count_statements(repo.feed(viewer, Page::new(50, 0))).await;
    assert_eq!(page.expect("feed").articles.len(), 50);
    assert_eq!(one, fifty, "feed statements for a page of 1 vs 50");
}

async fn comments_are_listed_oldest_first_with_author_flags(t: TestDb) {
    let s = services(&t);
    let author = register(&s, "author").await;
    let reader = register(&s, "reader").await;
    s.articles.create(author, article("Talk", &[])).await.expect("created");
    s.profiles.follow(reader, "author").await.expect("followed");
    for i in 0..3 {
        s.comments.add(author, "talk", Some(&format!("c{i}"))).await.expect("commented");
        s.comments.add(reader, "talk", Some(&format!("r{i}"))).await.expect("commented");
    }
    let repo = SeaOrmCommentRepository::new(t.db.clone());
    let located = s.articles.get("talk", None).await.expect("found");
    let (statements, listed) = t.count_statements(repo.list(located.id, None, 100, Some(reader))).await;
    let listed = listed.expect("listed");
    assert_eq!(statements, 1);
    let bodies: Vec<_> = listed.iter().map(|c| c.body.as_str()).collect();
    assert_eq!(bodies, ["c0", "r0", "c1", "r1", "c2", "r2"]);
    assert!(listed.iter().filter(|c| c.author_id == author).all(|c| c.author.following));
    let theirs = listed.iter().find(|c| c.author_id == reader).expect("reader's comment").id;
    assert!(matches!(s.comments.delete(author, "talk", theirs).await, Err(UseCaseError::Forbidden("comment"))));
    s.comments.delete(reader, "talk", theirs).await.expect("deleted");
    let rest = repo.list(located.id, None, 100, None).await.expect("listed");
    assert_eq!(rest.len(), 5);
    // Keyset page: at most `limit` comments after the given id, in id order.
    let page = repo.list(located.id, Some(rest[1].id), 2, None).await.expect("listed");
    assert_eq!(page.iter().map(|c| c.id).collect::<Vec<_>>(), [rest[2].id, rest[3].id]);
}

async fn tags_in_use_exclude_orphans(t: TestDb) {
    let s = services(&t);
    let jake = register(&s, "jake").await;
    s.articles.create(jake, article("One", &["kept", "shared"])).await.expect("created");
    s.articles.create(jake, article("Two", &["shared", "dropped"])).await.expect("created");
    s.articles.delete(jake, "two").await.expect("deleted");
    let tags = SeaOrmTagRepository::new(t.db.clone()).in_use().await.expect("listed");
    let names: Vec<_> = tags.iter().map(|t| t.as_str()).collect();
    assert_eq!(names, ["kept", "shared"]);
    let repo = SeaOrmTagRepository::new(t.db.clone());
    let after = tags.first().cloned();
    let page = repo.in_use_after(after.as_ref(), 1).await.expect("listed");
    assert_eq!(page.iter().map(|t| t.as_str()).collect::<Vec<_>>(), ["shared"]);
}
