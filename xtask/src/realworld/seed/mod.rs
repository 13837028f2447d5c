//! The RealWorld example's tables: tags, articles (with 1-5 tags each), follows,
//! favorites and comments, drawn with skewed popularity like real traffic, plus their
//! counts (`--rows articles=N`, ...) and sizes per `--scale`.

mod text;

use std::collections::HashMap;
use std::time::Instant;

use rand::Rng;
use sea_orm::{ConnectionTrait, DatabaseTransaction, Statement, Value};

use crate::seed::data::{self, Zipf};
use crate::seed::sql::BatchInsert;
use crate::seed::tables::{Start, after, at, id, max_id, rng, timing};
use crate::seed::{Count, Counts, SeedOptions, SeedTables, TableTiming};

/// The example's tables, children first (`--existing reset` empties them in this order),
/// and whether the seed gives their rows explicit ids.
const TABLES: &[(&str, bool)] = &[
    ("comments", true),
    ("favorites", false),
    ("article_tags", false),
    ("follows", false),
    ("articles", true),
    ("tags", false),
];

/// The example's counts (`--rows NAME=N`): 5 to 10 articles per user at each preset,
/// favorites growing faster than articles.
const COUNTS: &[Count] = &[
    Count { name: "articles", about: "articles", preset: [100, 10_000, 100_000, 1_000_000] },
    Count { name: "favorites", about: "favorites", preset: [300, 50_000, 1_000_000, 10_000_000] },
    Count { name: "comments", about: "comments", preset: [200, 20_000, 200_000, 2_000_000] },
    Count { name: "follows", about: "follows", preset: [60, 10_000, 100_000, 1_000_000] },
    Count { name: "tags", about: "tag vocabulary, 1 to 5 per article", preset: [10, 50, 200, 1_000] },
];

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
    /// The example's counts in `counts`.
    pub fn of(counts: &Counts) -> Self {
        Self {
            articles: counts.get("articles"),
            favorites: counts.get("favorites"),
            comments: counts.get("comments"),
            follows: counts.get("follows"),
            tags: counts.get("tags"),
        }
    }

    /// Puts these counts into `counts`.
    pub fn into_counts(self, counts: &mut Counts) {
        let pairs = [
            ("articles", self.articles),
            ("favorites", self.favorites),
            ("comments", self.comments),
            ("follows", self.follows),
            ("tags", self.tags),
        ];
        for (name, rows) in pairs {
            counts.rows.insert(name, rows);
        }
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
            "favorites and comments need --rows articles=N with N > 0"
        );
        anyhow::ensure!(
            (self.favorites as u128) <= users_n * self.articles as u128 / 2,
            "favorites must be at most half of users x articles"
        );
        anyhow::ensure!(
            (self.follows as u128) <= users_n * users_n.saturating_sub(1) / 2,
            "follows must be at most half of users x (users - 1)"
        );
        anyhow::ensure!(self.articles <= u32::MAX as usize, "articles: too many rows");
        Ok(())
    }
}

/// The example's part of `cargo xtask seed`.
pub struct Seed;

#[async_trait::async_trait]
impl SeedTables for Seed {
    fn tables(&self) -> &'static [(&'static str, bool)] {
        TABLES
    }

    fn counts(&self) -> &'static [Count] {
        COUNTS
    }

    fn validate(&self, counts: &Counts) -> anyhow::Result<()> {
        ExampleCounts::of(counts).validate(counts.users)
    }

    async fn write(
        &self,
        txn: &DatabaseTransaction,
        options: &SeedOptions,
        start: &Start,
        timings: &mut Vec<TableTiming>,
    ) -> anyhow::Result<()> {
        write(txn, options, start, timings).await
    }
}

/// Writes the example's tables after the users, in dependency order, timing each one.
///
/// # Errors
/// A statement fails (for example a name that already exists in append mode).
async fn write(
    conn: &impl ConnectionTrait,
    options: &SeedOptions,
    start: &Start,
    timings: &mut Vec<TableTiming>,
) -> anyhow::Result<()> {
    let c = ExampleCounts::of(&options.counts);
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

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    #[test]
    fn rows_flags_replace_the_presets_of_the_example() {
        let cli = Cli::try_parse_from(["xtask", "seed", "--scale", "tiny", "--rows", "articles=5", "--rows", "tags=2"])
            .expect("parses");
        let Command::Seed(args) = cli.command else { unreachable!("a seed command") };
        let counts = ExampleCounts::of(&args.options().expect("valid").counts);
        assert_eq!((counts.articles, counts.tags, counts.favorites), (5, 2, 300), "favorites keep the tiny preset");
    }

    #[test]
    fn impossible_counts_are_refused() {
        let mut counts = Counts::users(2);
        ExampleCounts { articles: 0, comments: 1, ..ExampleCounts::default() }.into_counts(&mut counts);
        assert!(counts.validate().is_err(), "comments need articles");
        ExampleCounts { articles: 1, follows: 5, ..ExampleCounts::default() }.into_counts(&mut counts);
        assert!(counts.validate().is_err(), "2 users have at most 1 follow pair");
    }
}
