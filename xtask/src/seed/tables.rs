//! Generates and writes each table in dependency order, timing each one.

use std::collections::HashMap;
use std::time::Instant;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ConnectionTrait, Statement, Value};

use super::data::{self, Zipf};
use super::sql::BatchInsert;
use super::{SeedOptions, TableTiming};

/// The seeded history spans this many days before now.
const HISTORY_DAYS: i64 = 730;

/// Per-table random generators derived from the one seed, so each table's data does not
/// depend on how much randomness the tables before it consumed.
fn rng(options: &SeedOptions, table: u64) -> StdRng {
    StdRng::seed_from_u64(options.rng_seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(table))
}

fn at(now: DateTime<Utc>, seconds_ago: i64) -> Value {
    Value::from(now - Duration::seconds(seconds_ago))
}

/// A moment between `since_seconds_ago` and now.
fn after(rng: &mut impl Rng, since_seconds_ago: i64) -> i64 {
    rng.random_range(0..=since_seconds_ago.max(0))
}

async fn max_id(conn: &impl ConnectionTrait, table: &str) -> anyhow::Result<i64> {
    let sql = format!("SELECT COALESCE(MAX(id), 0) AS m FROM {table}");
    let row = conn.query_one_raw(Statement::from_string(conn.get_database_backend(), sql)).await?;
    Ok(row.map(|r| r.try_get::<i64>("", "m")).transpose()?.unwrap_or(0))
}

fn timing(table: &'static str, rows: u64, started: Instant) -> TableTiming {
    TableTiming { table, rows, seconds: started.elapsed().as_secs_f64() }
}

fn id(base: i64, index: usize) -> i64 {
    base + i64::try_from(index).unwrap_or(i64::MAX - base) + 1
}

/// Writes every table; returns the time spent on each.
///
/// # Errors
/// A statement fails (for example a name that already exists in append mode).
pub async fn write_all(
    conn: &impl ConnectionTrait,
    options: &SeedOptions,
    hash: &str,
) -> anyhow::Result<Vec<TableTiming>> {
    let c = options.counts;
    let batch = options.batch_rows;
    // Microseconds, as PostgreSQL stores them, so both databases hold the same values.
    let now = Utc::now().trunc_subsecs(6);
    let history = HISTORY_DAYS * 86_400;
    let (user_base, article_base, comment_base) =
        (max_id(conn, "users").await?, max_id(conn, "articles").await?, max_id(conn, "comments").await?);
    let mut timings = Vec::new();

    // users: accounts created over the whole history.
    let started = Instant::now();
    let mut r = rng(options, 1);
    let mut users = BatchInsert::new(
        conn,
        "users",
        &["id", "username", "email", "password_hash", "bio", "image", "is_admin", "created_at", "updated_at"],
        batch,
    );
    for i in 0..c.users {
        let uid = id(user_base, i);
        let ago = after(&mut r, history);
        let bio = r.random_bool(0.6).then(|| data::words(r.random_range(5..=20), &mut r));
        let image = r.random_bool(0.3).then(|| format!("https://i.pravatar.cc/150?u={uid}"));
        users
            .push([
                uid.into(),
                format!("user{uid}").into(),
                format!("user{uid}@example.com").into(),
                hash.into(),
                bio.into(),
                image.into(),
                false.into(),
                at(now, ago),
                at(now, ago),
            ])
            .await?;
    }
    users.flush().await?;
    timings.push(timing("users", users.rows, started));

    // tags: reuse existing names, look the ids up afterwards.
    let started = Instant::now();
    let names: Vec<String> = (0..c.tags).map(data::tag_name).collect();
    let mut tags = BatchInsert::new(conn, "tags", &["name"], batch).with_suffix("ON CONFLICT (name) DO NOTHING");
    for name in &names {
        tags.push([name.as_str().into()]).await?;
    }
    tags.flush().await?;
    let tag_ids = tag_ids(conn, &names).await?;
    timings.push(timing("tags", tags.rows, started));

    // favorites are drawn first: articles carry their count.
    let mut r = rng(options, 2);
    let user_activity = Zipf::new(c.users, 0.6, &mut r);
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
    let authors = Zipf::new(c.users, 0.8, &mut r);
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
        let title = data::title(&mut r);
        let description = data::words(r.random_range(8..=16), &mut r);
        articles
            .push([
                aid.into(),
                id(user_base, authors.sample(&mut r)).into(),
                data::slug(&title, aid).into(),
                title.into(),
                description.into(),
                data::body(&mut r).into(),
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
    let fame = Zipf::new(c.users, 1.0, &mut r);
    let users_n = c.users;
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
                id(user_base, r.random_range(0..c.users)).into(),
                body.into(),
                at(now, ago),
                at(now, ago),
            ])
            .await?;
    }
    comments.flush().await?;
    timings.push(timing("comments", comments.rows, started));
    Ok(timings)
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
