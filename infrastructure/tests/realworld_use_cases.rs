//! The RealWorld example's use cases (profiles, follows, articles, favorites, comments,
//! tags) on the real repositories, SQLite and PostgreSQL, with fakes only for the hasher,
//! tokens, clock and queues (`infrastructure::testing::TestServices`). What the queries
//! must do on both databases (filters, counts, statement counts, concurrency) is in
//! `repositories.rs`; this file checks the rules the use cases add.

use application::UseCaseError;
use application::realworld::{CreateArticleInput, RealWorld, UpdateArticleInput};
use domain::realworld::{ArticleFilter, Page, Tag};
use infrastructure::testing::TestServices;
use infrastructure::use_cases_on_both_databases;

fn input(title: &str, tags: &[&str]) -> CreateArticleInput {
    CreateArticleInput {
        title: Some(title.to_owned()),
        description: Some("about it".to_owned()),
        body: Some("the body".to_owned()),
        tag_list: Some(tags.iter().map(|t| (*t).to_owned()).collect()),
    }
}

fn realworld(s: &TestServices) -> RealWorld {
    s.features().expect()
}

use_cases_on_both_databases!(
    following_is_visible_to_the_follower_only,
    unknown_profiles_are_not_found,
    nobody_can_follow_themselves,
    created_articles_get_a_slug_from_the_title_and_keep_tag_order,
    only_the_author_may_update_or_delete,
    a_new_title_gives_a_new_slug_and_a_later_updated_at,
    an_empty_tag_list_removes_all_tags_and_null_is_rejected,
    favoriting_counts_once_per_user,
    favoriting_an_unknown_article_is_not_found,
    a_random_article_is_one_of_them_and_none_is_not_found,
    cursor_pages_continue_where_the_previous_page_ended,
    comments_are_paged_by_id_without_gaps_or_repeats,
    blank_comments_are_rejected_and_unknown_articles_not_found,
    only_the_comment_author_may_delete_it,
    tags_are_paged_in_name_order_without_gaps_or_repeats,
);

async fn following_is_visible_to_the_follower_only(s: TestServices) {
    let services = realworld(&s);
    let jake = s.user("jake").await;
    s.user("celeb").await;
    assert!(services.profiles.follow(jake, "celeb").await.expect("followed").following);
    assert!(services.profiles.get("celeb", Some(jake)).await.expect("found").following);
    assert!(!services.profiles.get("celeb", None).await.expect("found").following);
    assert!(!services.profiles.unfollow(jake, "celeb").await.expect("unfollowed").following);
    assert!(!services.profiles.get("celeb", Some(jake)).await.expect("found").following);
}

async fn unknown_profiles_are_not_found(s: TestServices) {
    let jake = s.user("jake").await;
    let services = realworld(&s);
    assert!(matches!(services.profiles.get("nobody", None).await, Err(UseCaseError::NotFound("profile"))));
    assert!(matches!(services.profiles.follow(jake, "nobody").await, Err(UseCaseError::NotFound("profile"))));
}

async fn nobody_can_follow_themselves(s: TestServices) {
    let jake = s.user("jake").await;
    assert!(matches!(realworld(&s).profiles.follow(jake, "jake").await, Err(UseCaseError::Validation(_))));
}

async fn created_articles_get_a_slug_from_the_title_and_keep_tag_order(s: TestServices) {
    let jake = s.user("jake").await;
    let article = realworld(&s).articles.create(jake, input("Hello World", &["b", "a"])).await.expect("ok");
    assert_eq!(article.slug.as_str(), "hello-world");
    let tags: Vec<_> = article.tags.iter().map(|t| t.as_str().to_owned()).collect();
    assert_eq!(tags, ["b", "a"]);
    assert_eq!(article.favorites_count, 0);
    assert_eq!(article.author.username.as_str(), "jake");
}

async fn only_the_author_may_update_or_delete(s: TestServices) {
    let jake = s.user("jake").await;
    let other = s.user("other").await;
    let services = realworld(&s);
    let article = services.articles.create(jake, input("Mine", &[])).await.expect("created");
    let edit = UpdateArticleInput { body: Some(Some("hijacked".to_owned())), ..Default::default() };
    let err = services.articles.update(other, article.slug.as_str(), edit).await.expect_err("forbidden");
    assert!(matches!(err, UseCaseError::Forbidden("article")));
    let err = services.articles.delete(other, article.slug.as_str()).await.expect_err("forbidden");
    assert!(matches!(err, UseCaseError::Forbidden("article")));
    assert_eq!(services.articles.get("mine", None).await.expect("untouched").body, article.body);
    services.articles.delete(jake, article.slug.as_str()).await.expect("deleted by author");
    assert!(matches!(services.articles.get("mine", None).await, Err(UseCaseError::NotFound("article"))));
}

async fn a_new_title_gives_a_new_slug_and_a_later_updated_at(s: TestServices) {
    let jake = s.user("jake").await;
    let services = realworld(&s);
    let article = services.articles.create(jake, input("Old title", &["x"])).await.expect("created");
    let edit = UpdateArticleInput { title: Some(Some("New title".to_owned())), ..Default::default() };
    let updated = services.articles.update(jake, "old-title", edit).await.expect("updated");
    assert_eq!(updated.slug.as_str(), "new-title");
    assert!(updated.updated_at > article.updated_at, "later even on a clock that did not move");
    assert_eq!(updated.created_at, article.created_at);
    assert_eq!(updated.tags, article.tags, "tags are kept when tagList is absent");
}

async fn an_empty_tag_list_removes_all_tags_and_null_is_rejected(s: TestServices) {
    let jake = s.user("jake").await;
    let services = realworld(&s);
    services.articles.create(jake, input("Tagged", &["x", "y"])).await.expect("created");
    let null = UpdateArticleInput { tag_list: Some(None), ..Default::default() };
    assert!(matches!(services.articles.update(jake, "tagged", null).await, Err(UseCaseError::Validation(_))));
    let empty = UpdateArticleInput { tag_list: Some(Some(vec![])), ..Default::default() };
    let updated = services.articles.update(jake, "tagged", empty).await.expect("updated");
    assert!(updated.tags.as_slice().is_empty());
    assert!(services.articles.get("tagged", None).await.expect("found").tags.as_slice().is_empty(), "stored");
}

async fn favoriting_counts_once_per_user(s: TestServices) {
    let jake = s.user("jake").await;
    let fan = s.user("fan").await;
    let services = realworld(&s);
    services.articles.create(jake, input("Liked", &[])).await.expect("created");
    services.articles.favorite(fan, "liked").await.expect("favorited");
    let again = services.articles.favorite(fan, "liked").await.expect("favorited twice");
    assert!(again.favorited);
    assert_eq!(again.favorites_count, 1);
    assert!(!services.articles.get("liked", Some(jake)).await.expect("found").favorited);
    let after = services.articles.unfavorite(fan, "liked").await.expect("unfavorited");
    assert_eq!((after.favorited, after.favorites_count), (false, 0));
}

async fn favoriting_an_unknown_article_is_not_found(s: TestServices) {
    let jake = s.user("jake").await;
    let err = realworld(&s).articles.favorite(jake, "nope").await.expect_err("missing");
    assert!(matches!(err, UseCaseError::NotFound("article")));
}

async fn a_random_article_is_one_of_them_and_none_is_not_found(s: TestServices) {
    let jake = s.user("jake").await;
    let services = realworld(&s);
    let err = services.articles.random(None).await.expect_err("no articles");
    assert!(matches!(err, UseCaseError::NotFound("article")));
    let only = services.articles.create(jake, input("Only one", &[])).await.expect("created");
    let picked = services.articles.random(Some(jake)).await.expect("one article");
    assert_eq!(picked.slug, only.slug);
    assert!(picked.body.is_some(), "read like a single article");
}

async fn cursor_pages_continue_where_the_previous_page_ended(s: TestServices) {
    let jake = s.user("jake").await;
    let services = realworld(&s);
    for i in 0..5 {
        // The clock stands still: equal times, so the id breaks the tie.
        services.articles.create(jake, input(&format!("Post {i}"), &[])).await.expect("created");
    }
    let first = services.articles.list(&ArticleFilter::default(), Page::new(3, 0), None).await.expect("page");
    let cursor = first.next.expect("more pages");
    let page = Page::new(3, 0).after(cursor).expect("no offset");
    let second = services.articles.list(&ArticleFilter::default(), page, None).await.expect("page");
    let slugs: Vec<_> = first.articles.iter().chain(&second.articles).map(|a| a.slug.as_str().to_owned()).collect();
    assert_eq!(slugs, ["post-4", "post-3", "post-2", "post-1", "post-0"]);
    assert_eq!((second.next, second.total), (None, 5));
}

/// `author` and `reader`, and an article `post` by the author.
async fn commented_post(s: &TestServices) -> (domain::UserId, domain::UserId) {
    let author = s.user("author").await;
    let reader = s.user("reader").await;
    let input = CreateArticleInput {
        title: Some("Post".to_owned()),
        description: Some("d".to_owned()),
        body: Some("b".to_owned()),
        tag_list: None,
    };
    realworld(s).articles.create(author, input).await.expect("created");
    (author, reader)
}

async fn comments_are_paged_by_id_without_gaps_or_repeats(s: TestServices) {
    let (_, reader) = commented_post(&s).await;
    let services = realworld(&s);
    let mut added = Vec::new();
    for i in 0..5 {
        added.push(services.comments.add(reader, "post", Some(&format!("c{i}"))).await.expect("added").id);
    }
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = services.comments.list("post", None, Some(2), after).await.expect("listed");
        assert!(page.comments.len() <= 2);
        seen.extend(page.comments.iter().map(|c| c.id));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, added);
}

async fn blank_comments_are_rejected_and_unknown_articles_not_found(s: TestServices) {
    let (_, reader) = commented_post(&s).await;
    let services = realworld(&s);
    assert!(matches!(services.comments.add(reader, "post", Some("")).await, Err(UseCaseError::Validation(_))));
    assert!(matches!(
        services.comments.add(reader, "missing", Some("hi")).await,
        Err(UseCaseError::NotFound("article"))
    ));
}

async fn only_the_comment_author_may_delete_it(s: TestServices) {
    let (author, reader) = commented_post(&s).await;
    let services = realworld(&s);
    let comment = services.comments.add(reader, "post", Some("mine")).await.expect("added");
    let err = services.comments.delete(author, "post", comment.id).await.expect_err("forbidden");
    assert!(matches!(err, UseCaseError::Forbidden("comment")));
    services.comments.delete(reader, "post", comment.id).await.expect("deleted");
    let err = services.comments.delete(reader, "post", comment.id).await.expect_err("gone");
    assert!(matches!(err, UseCaseError::NotFound("comment")));
}

async fn tags_are_paged_in_name_order_without_gaps_or_repeats(s: TestServices) {
    let author = s.user("author").await;
    let services = realworld(&s);
    let names = ["b", "a", "e", "c", "d"];
    services.articles.create(author, input("Tagged", &names)).await.expect("created");
    let mut seen = Vec::new();
    let mut after: Option<Tag> = None;
    loop {
        let page = services.tags.list(Some(2), after.as_ref()).await.expect("listed");
        assert!(page.tags.len() <= 2);
        seen.extend(page.tags.iter().map(|t| t.as_str().to_owned()));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, ["a", "b", "c", "d", "e"]);
}
