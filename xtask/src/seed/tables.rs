//! What every table writer shares (a random generator per table, timestamps, ids, timing)
//! and the first table, users.

use std::time::Instant;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ConnectionTrait, Statement, Value};

use super::data;
use super::sql::BatchInsert;
use super::{SeedOptions, TableTiming};

/// The seeded history spans this many days before now.
const HISTORY_DAYS: i64 = 730;

/// Per-table random generators derived from the one seed, so each table's data does not
/// depend on how much randomness the tables before it consumed.
pub fn rng(options: &SeedOptions, table: u64) -> StdRng {
    StdRng::seed_from_u64(options.rng_seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(table))
}

pub fn at(now: DateTime<Utc>, seconds_ago: i64) -> Value {
    Value::from(now - Duration::seconds(seconds_ago))
}

/// A moment between `since_seconds_ago` and now.
pub fn after(rng: &mut impl Rng, since_seconds_ago: i64) -> i64 {
    rng.random_range(0..=since_seconds_ago.max(0))
}

pub async fn max_id(conn: &impl ConnectionTrait, table: &str) -> anyhow::Result<i64> {
    let sql = format!("SELECT COALESCE(MAX(id), 0) AS m FROM {table}");
    let row = conn.query_one_raw(Statement::from_string(conn.get_database_backend(), sql)).await?;
    Ok(row.map(|r| r.try_get::<i64>("", "m")).transpose()?.unwrap_or(0))
}

pub fn timing(table: &'static str, rows: u64, started: Instant) -> TableTiming {
    TableTiming { table, rows, seconds: started.elapsed().as_secs_f64() }
}

pub fn id(base: i64, index: usize) -> i64 {
    base + i64::try_from(index).unwrap_or(i64::MAX - base) + 1
}

/// Where the seeded rows start, read once before the first table is written.
#[derive(Debug, Clone, Copy)]
pub struct Start {
    /// The seeded rows' "now", in microseconds as PostgreSQL stores them, so both
    /// databases hold the same values.
    pub now: DateTime<Utc>,
    /// The seeded history spans this many seconds before `now`.
    pub history: i64,
    /// The `i`-th seeded user gets the id `id(user_base, i)`, after the existing ones.
    pub user_base: i64,
}

impl Start {
    /// # Errors
    /// The users table cannot be read.
    pub async fn read(conn: &impl ConnectionTrait) -> anyhow::Result<Self> {
        Ok(Self {
            now: Utc::now().trunc_subsecs(6),
            history: HISTORY_DAYS * 86_400,
            user_base: max_id(conn, "users").await?,
        })
    }
}

/// Writes the users: accounts created over the whole history, all with the password
/// whose hash is `hash`.
///
/// # Errors
/// A statement fails (for example a name that already exists in append mode).
pub async fn write_users(
    conn: &impl ConnectionTrait,
    options: &SeedOptions,
    hash: &str,
    start: &Start,
    timings: &mut Vec<TableTiming>,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut r = rng(options, 1);
    // Named columns: columns the app adds later keep their defaults.
    let mut users = BatchInsert::new(
        conn,
        "users",
        &["id", "username", "email", "password_hash", "bio", "image", "is_admin", "created_at", "updated_at"],
        options.batch_rows,
    );
    for i in 0..options.counts.users {
        let uid = id(start.user_base, i);
        let ago = after(&mut r, start.history);
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
                at(start.now, ago),
                at(start.now, ago),
            ])
            .await?;
    }
    users.flush().await?;
    timings.push(timing("users", users.rows, started));
    Ok(())
}
