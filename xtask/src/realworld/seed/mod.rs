//! The RealWorld example's tables: tags, articles (with 1-5 tags each), follows,
//! favorites and comments, drawn with skewed popularity like real traffic, plus their
//! `--articles`, `--favorites`, ... flags and sizes per `--scale`.

mod text;

use std::collections::HashMap;
use std::time::Instant;

use rand::Rng;
use sea_orm::{ConnectionTrait, Statement, Value};

use super::data::{self, Zipf};
use super::sql::BatchInsert;
use super::tables::{Start, after, at, id, max_id, rng, timing};
use super::{SeedOptions, TableTiming};
use crate::cli::Scale;

/// How many rows of each of the example's tables to add.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExampleCounts {
    pub articles: usize,
    pub favorites: usize,
    pub comments: usize,
    pub follows: usize,
    pub tags: usize,
}

impl ExampleCounts {
    /// The preset sizes (as listed in [`ExampleArgs`]' help): 5 to 10 articles per user,
    /// favorites growing faster than articles.
    pub fn at(scale: Scale) -> Self {
        let (articles, favorites, comments, follows, tags) = match scale {
            Scale::Tiny => (100, 300, 200, 60, 10),
            Scale::Small => (10_000, 50_000, 20_000, 10_000, 50),
            Scale::Medium => (100_000, 1_000_000, 200_000, 100_000, 200),
            Scale::Large => (1_000_000, 10_000_000, 2_000_000, 1_000_000, 1_000),
        };
        Self { articles, favorites, comments, follows, tags }
    }

    /// Refuses combinations that cannot be built (favorites without articles, ...).
    ///
    /// # Errors
    /// The first impossible count, with the reason.
    pub fn validate(&self, users: usize) -> anyhow::Result<()> {
        let users_n = users as u128;
        anyhow::ensure!(
            users > 0 || self.articles + self.comments + self.follows == 0,
            "articles, comments and follows need --users > 0"
        );
        anyhow::ensure!(
            self.articles > 0 || self.favorites + self.comments == 0,
            "favorites and comments need --articles > 0"
        );
        anyhow::ensure!(
            (self.favorites as u128) <= users_n * self.articles as u128 / 2,
            "--favorites must be at most half of users x articles"
        );
        anyhow::ensure!(
            (self.follows as u128) <= users_n * users_n.saturating_sub(1) / 2,
            "--follows must be at most half of users x (users - 1)"
        );
        anyhow::ensure!(self.articles <= u32::MAX as usize, "--articles: too many rows");
        Ok(())
    }
}

/// The example's counts on the command line; each one given replaces the preset's.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ExampleArgs {
    /// Articles [preset: 100, 10,000, 100,000, 1,000,000 for tiny, small, medium, large].
    #[arg(long)]
    pub articles: Option<usize>,
    /// Favorites [preset: 300, 50,000, 1,000,000, 10,000,000].
    #[arg(long)]
    pub favorites: Option<usize>,
    /// Comments [preset: 200, 20,000, 200,000, 2,000,000].
    #[arg(long)]
    pub comments: Option<usize>,
    /// Follows [preset: 60, 10,000, 100,000, 1,000,000].
    #[arg(long)]
    pub follows: Option<usize>,
    /// Size of the tag vocabulary, each article gets 1 to 5 of them [preset: 10, 50, 200, 1,000].
    #[arg(long)]
    pub tags: Option<usize>,
}

impl ExampleArgs {
    pub fn apply(&self, counts: &mut ExampleCounts) {
        let pairs = [
            (self.articles, &mut counts.articles),
            (self.favorites, &mut counts.favorites),
            (self.comments, &mut counts.comments),
            (self.follows, &mut counts.follows),
            (self.tags, &mut counts.tags),
        ];
        for (given, count) in pairs {
            if let Some(given) = given {
                *count = given;
            }
        }
    }
}

/// Writes the example's tables after the users, in dependency order, timing each one.
///
/// # Errors
/// A statement fails (for example a name that already exists in append mode).
pub(super) async fn write(
    conn: &impl ConnectionTrait,
    options: &SeedOptions,
    start: &Start,
    timings: &mut Vec<TableTiming>,
) -> anyhow::Result<()> {
    let c = options.counts.example;
    let users = options.counts.users;
    let batch = options.batch_rows;
    let (now, history, user_base) = (start.now, start.history, start.user_base);
    let (article_base, comment_base) = (max_id(conn, "articles").await?, max_id(conn, "comments").await?);

    // tags: reuse existing names, look the ids up afterwards.
    let started = Instant::now();
    let names: Vec<String> = (0..c.tags).map(text::tag_name).collect();
    let mut tags = BatchInsert::new(conn, "tags", &["name"], batch).with_suffix("ON CONFLICT (name) DO NOTHING");
    for name in &names {
        tags.push([name.as_str().into()]).await?;
    }
    tags.flush().await?;
    let tag_ids = tag_ids(conn, &names).await?;
    timings.push(timing("tags", tags.rows, started));

    // favorites are drawn first: articles carry their count.
    let mut r = rng(options, 2);
    let user_activity = Zipf::new(users, 0.6, &mut r);
    let article_popularity = Zipf::new(c.articles, 0.9, &mut r);
    let favorites =
        data::unique_pairs(c.favorites, &mut r, |r| user_activity.sample(r), |r| article_popularity.sample(r), false)?;
    let mut favorites_count = vec![0i64; c.articles];
    for &(_, article) in &favorites {
        favorites_count[article as usize] += 1;
    }

    // articles: prolific authors write most of them.
    let started = Instant::now();
    let mut r = rng(options, 3);
    let authors = Zipf::new(users, 0.8, &mut r);
    let mut article_age = Vec::with_capacity(c.articles);
    let mut articles = BatchInsert::new(
        conn,
        "articles",
        &["id", "author_id", "slug", "title", "description", "body", "favorites_count", "created_at", "updated_at"],
        batch.min(500),
    );
    for (i, &favorited) in favorites_count.iter().enumerate() {
        let aid = id(article_base, i);
        let ago = after(&mut r, history);
        article_age.push(ago);
        let title = text::title(&mut r);
        let description = data::words(r.random_range(8..=16), &mut r);
        articles
            .push([
                aid.into(),
                id(user_base, authors.sample(&mut r)).into(),
                text::slug(&title, aid).into(),
                title.into(),
                description.into(),
                text::body(&mut r).into(),
                favorited.into(),
                at(now, ago),
                at(now, ago),
            ])
            .await?;
    }
    articles.flush().await?;
    timings.push(timing("articles", articles.rows, started));

    // article_tags: 1 to 5 distinct tags, popular tags far more often.
    let started = Instant::now();
    let mut r = rng(options, 4);
    let tag_popularity = Zipf::new(tag_ids.len(), 1.0, &mut r);
    let mut links = BatchInsert::new(conn, "article_tags", &["article_id", "tag_id", "position"], batch);
    if !tag_ids.is_empty() {
        for i in 0..c.articles {
            let wanted = r.random_range(1..=5);
            for (position, tag) in
                data::distinct_sample(&tag_popularity, wanted, tag_ids.len(), &mut r).into_iter().enumerate()
            {
                links.push([id(article_base, i).into(), tag_ids[tag].into(), i32::try_from(position)?.into()]).await?;
            }
        }
    }
    links.flush().await?;
    timings.push(timing("article_tags", links.rows, started));

    // follows: a few popular authors have most followers.
    let started = Instant::now();
    let mut r = rng(options, 5);
    let fame = Zipf::new(users, 1.0, &mut r);
    let users_n = users;
    let pairs = data::unique_pairs(c.follows, &mut r, |r| r.random_range(0..users_n.max(1)), |r| fame.sample(r), true)?;
    let mut follows = BatchInsert::new(conn, "follows", &["follower_id", "followee_id", "created_at"], batch);
    for (follower, followee) in pairs {
        let ago = after(&mut r, history);
        follows
            .push([id(user_base, follower as usize).into(), id(user_base, followee as usize).into(), at(now, ago)])
            .await?;
    }
    follows.flush().await?;
    timings.push(timing("follows", follows.rows, started));

    // favorites: after the article was written.
    let started = Instant::now();
    let mut r = rng(options, 6);
    let mut rows = BatchInsert::new(conn, "favorites", &["user_id", "article_id", "created_at"], batch);
    for (user, article) in favorites {
        let ago = after(&mut r, article_age[article as usize]);
        rows.push([id(user_base, user as usize).into(), id(article_base, article as usize).into(), at(now, ago)])
            .await?;
    }
    rows.flush().await?;
    timings.push(timing("favorites", rows.rows, started));

    // comments: busy articles get most of them.
    let started = Instant::now();
    let mut r = rng(options, 7);
    let mut comments = BatchInsert::new(
        conn,
        "comments",
        &["id", "article_id", "author_id", "body", "created_at", "updated_at"],
        batch,
    );
    for i in 0..c.comments {
        let article = article_popularity.sample(&mut r);
        let ago = after(&mut r, article_age[article]);
        let body = data::words(r.random_range(6..=40), &mut r);
        comments
            .push([
                id(comment_base, i).into(),
                id(article_base, article).into(),
                id(user_base, r.random_range(0..users)).into(),
                body.into(),
                at(now, ago),
                at(now, ago),
            ])
            .await?;
    }
    comments.flush().await?;
    timings.push(timing("comments", comments.rows, started));
    Ok(())
}

/// The ids of `names`, in the same order.
async fn tag_ids(conn: &impl ConnectionTrait, names: &[String]) -> anyhow::Result<Vec<i64>> {
    let backend = conn.get_database_backend();
    let mut by_name = HashMap::with_capacity(names.len());
    for chunk in names.chunks(500) {
        let placeholders: Vec<String> = (1..=chunk.len())
            .map(|n| if backend == sea_orm::DbBackend::Postgres { format!("${n}") } else { "?".to_owned() })
            .collect();
        let sql = format!("SELECT id, name FROM tags WHERE name IN ({})", placeholders.join(", "));
        let values: Vec<Value> = chunk.iter().map(|n| n.as_str().into()).collect();
        for row in conn.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await? {
            by_name.insert(row.try_get::<String>("", "name")?, row.try_get::<i64>("", "id")?);
        }
    }
    names.iter().map(|n| by_name.get(n).copied().ok_or_else(|| anyhow::anyhow!("tag {n} vanished"))).collect()
}
