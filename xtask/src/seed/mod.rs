//! `cargo xtask seed`: fills the app's database with realistic data.
//!
//! Connects with the app's own settings (`DATABASE_URL`, the service's prefixed variables, config file),
//! migrates, then writes the seeded tables ([`tables`]) in ONE transaction with multi-row
//! `INSERT`s, so a failed run leaves the database as it was, then refreshes PostgreSQL's
//! planner statistics (`ANALYZE`). Ids are assigned here (continuing after the current
//! maximum), so child rows can reference them without reading anything back.
//!
//! Seeded accounts are `user<ID>` / `user<ID>@example.com`, all with the same password
//! ([`DEFAULT_PASSWORD`] unless `--password`), hashed once with the app's argon2 settings.

pub mod data;
// Multi-row INSERTs (public: a feature's seeded tables use them too), and the users
// table, which every project has.
pub mod sql;
pub mod tables;

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::Context;
use application::ports::PasswordHasher;
use domain::PlainPassword;
use infrastructure::Settings;
use infrastructure::security::Argon2Hasher;

use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, Statement, TransactionTrait};

/// The password of every seeded account.
pub const DEFAULT_PASSWORD: &str = "password123";

/// The platform's seeded table, `users`, with explicit ids: every feature's tables
/// reference it, so it is emptied last and written first.
const USERS: (&str, bool) = ("users", true);

/// Every table the seed writes, children first (the order `--existing reset` empties them
/// in: the features' in reverse `crate::FEATURES` order, then users), and whether the seed
/// gives its rows explicit ids (a PostgreSQL sequence must then be moved past them, and
/// rows already there make the seed refuse without `--existing`).
pub fn tables() -> Vec<(&'static str, bool)> {
    let mut tables: Vec<(&'static str, bool)> =
        crate::FEATURES.iter().rev().flat_map(|f| f.seed.tables().iter().copied()).collect();
    tables.push(USERS);
    tables
}

/// One count a feature's seed takes (`--rows NAME=N`), with its preset per `--scale`.
#[derive(Debug, Clone, Copy)]
pub struct Count {
    pub name: &'static str,
    pub about: &'static str,
    /// For tiny, small, medium and large.
    pub preset: [usize; 4],
}

/// A feature's seeded tables: they reference the users (and the tables of the features
/// before it in `crate::FEATURES`), and are written after them in the one transaction.
#[async_trait::async_trait]
pub trait SeedTables: Sync {
    /// Its tables, children first, and whether the seed gives their rows explicit ids.
    fn tables(&self) -> &'static [(&'static str, bool)];

    /// The counts it takes, by name.
    fn counts(&self) -> &'static [Count];

    /// Refuses combinations that cannot be built (favorites without articles, ...).
    ///
    /// # Errors
    /// The first impossible count, with the reason.
    fn validate(&self, counts: &Counts) -> anyhow::Result<()>;

    /// Writes its rows after the users, in dependency order, timing each table.
    ///
    /// # Errors
    /// A statement fails (for example a name that already exists in append mode).
    async fn write(
        &self,
        txn: &DatabaseTransaction,
        options: &SeedOptions,
        start: &tables::Start,
        timings: &mut Vec<TableTiming>,
    ) -> anyhow::Result<()>;
}

/// How many rows of each kind to add: users, and the features' counts by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub users: usize,
    /// The features' counts ([`Count::name`]); a name not given is 0.
    pub rows: BTreeMap<&'static str, usize>,
}

impl Counts {
    /// `users` users and no other rows.
    pub fn users(users: usize) -> Self {
        Self { users, ..Self::default() }
    }

    /// The count called `name` (0 when not given).
    pub fn get(&self, name: &str) -> usize {
        self.rows.get(name).copied().unwrap_or(0)
    }

    /// Sets the count called `name`, which must be one of a feature's [`Count`]s.
    ///
    /// # Errors
    /// No feature takes a count of that name.
    pub fn set(&mut self, name: &str, rows: usize) -> anyhow::Result<()> {
        let known = known_counts();
        let Some(count) = known.iter().find(|c| c.name == name) else {
            let names: Vec<&str> = known.iter().map(|c| c.name).collect();
            anyhow::bail!("--rows {name}: no seeded table takes this count (known: {})", names.join(", "));
        };
        self.rows.insert(count.name, rows);
        Ok(())
    }

    /// Refuses combinations that cannot be built.
    ///
    /// # Errors
    /// The first impossible count, with the reason.
    pub fn validate(&self) -> anyhow::Result<()> {
        // Ids are drawn as `u32` (see `data::unique_pairs`).
        anyhow::ensure!(self.users <= u32::MAX as usize, "--users: too many rows");
        for feature in crate::FEATURES {
            feature.seed.validate(self)?;
        }
        Ok(())
    }
}

/// Every feature's counts.
pub fn known_counts() -> Vec<Count> {
    crate::FEATURES.iter().flat_map(|f| f.seed.counts().iter().copied()).collect()
}

/// What to do with a database that already has seeded rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Existing {
    /// Stop with an error (the default): seeding twice by accident doubles the data.
    Refuse,
    /// Delete the rows of every seeded table (and what depends on them) first.
    Reset,
    /// Add to what is there; new ids continue after the current maximum.
    Append,
}

#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub counts: Counts,
    pub existing: Existing,
    pub password: String,
    /// Seed of the random generator: the same seed gives the same data.
    pub rng_seed: u64,
    /// Rows per `INSERT` statement (capped by the databases' parameter limits).
    pub batch_rows: usize,
}

/// Time spent on one table.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TableTiming {
    pub table: &'static str,
    pub rows: u64,
    pub seconds: f64,
}

impl TableTiming {
    pub fn rows_per_second(&self) -> f64 {
        if self.seconds > 0.0 { self.rows as f64 / self.seconds } else { 0.0 }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SeedReport {
    pub backend: String,
    pub tables: Vec<TableTiming>,
    pub hash_seconds: f64,
    pub commit_seconds: f64,
    /// PostgreSQL only: refreshing planner statistics after the load.
    pub analyze_seconds: f64,
    pub total_seconds: f64,
}

impl SeedReport {
    pub fn total_rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }

    /// A fixed-width table: rows, seconds and rows/s per table, then the totals.
    pub fn render(&self) -> String {
        let mut out =
            format!("seeded {}\n{:<14} {:>10} {:>9} {:>11}\n", self.backend, "table", "rows", "seconds", "rows/s");
        for t in &self.tables {
            out.push_str(&format!("{:<14} {:>10} {:>9.3} {:>11.0}\n", t.table, t.rows, t.seconds, t.rows_per_second()));
        }
        out.push_str(&format!("{:<14} {:>10} {:>9.3}\n", "password hash", 1, self.hash_seconds));
        out.push_str(&format!("{:<14} {:>10} {:>9.3}\n", "commit", "", self.commit_seconds));
        out.push_str(&format!("{:<14} {:>10} {:>9.3}\n", "analyze", "", self.analyze_seconds));
        let total = self.total_rows() as f64 / self.total_seconds.max(f64::EPSILON);
        out.push_str(&format!(
            "{:<14} {:>10} {:>9.3} {:>11.0}\n",
            "total",
            self.total_rows(),
            self.total_seconds,
            total
        ));
        out
    }
}

/// Connects with `settings`, migrates, and seeds.
///
/// # Errors
/// The database cannot be reached, is not empty under [`Existing::Refuse`], or rejects a row.
pub async fn run(settings: &Settings, options: &SeedOptions) -> anyhow::Result<SeedReport> {
    options.counts.validate()?;
    let db = infrastructure::db::connect(&settings.database).await?;
    infrastructure::db::run_migrations(&db).await?;
    let report = seed(&db, settings, options).await;
    db.close().await.ok();
    let mut report = report?;
    report.backend = infrastructure::db::describe(&settings.database);
    Ok(report)
}

/// Seeds an open, migrated database.
///
/// # Errors
/// As for [`run`].
pub async fn seed(db: &DatabaseConnection, settings: &Settings, options: &SeedOptions) -> anyhow::Result<SeedReport> {
    let started = Instant::now();
    let mut existing = Vec::new();
    for (table, _) in tables().iter().filter(|(_, explicit_ids)| *explicit_ids) {
        let rows = count(db, table).await?;
        if rows > 0 {
            existing.push(format!("{rows} {table}"));
        }
    }
    if !existing.is_empty() && options.existing == Existing::Refuse {
        anyhow::bail!(
            "the database already has {}; pass --existing reset to wipe them or --existing append to add to them",
            existing.join(", ")
        );
    }

    let hash_started = Instant::now();
    let password = PlainPassword::parse(Some(&options.password)).map_err(|e| anyhow::anyhow!("--password: {e:?}"))?;
    let hash = Argon2Hasher::new(&settings.auth)?.hash(&password).await?;
    let hash_seconds = hash_started.elapsed().as_secs_f64();

    let txn = db.begin().await?;
    if options.existing == Existing::Reset {
        reset(&txn).await?;
    }
    let start = tables::Start::read(&txn).await?;
    let mut timings = Vec::new();
    tables::write_users(&txn, options, &hash.0, &start, &mut timings).await?;
    for feature in crate::FEATURES {
        // Then the features' tables, which reference the users.
        feature.seed.write(&txn, options, &start, &mut timings).await?;
    }
    // Every table is written; on PostgreSQL the id sequences now lag behind.
    if txn.get_database_backend() == DbBackend::Postgres {
        // Explicit ids do not advance the sequences; the app's next INSERT would collide.
        for (table, _) in tables().iter().filter(|(_, explicit_ids)| *explicit_ids) {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
            );
            txn.execute_unprepared(&sql).await.with_context(|| format!("advancing the id sequence of {table}"))?;
        }
    }
    let commit_started = Instant::now();
    txn.commit().await.context("commit failed")?;
    let commit_seconds = commit_started.elapsed().as_secs_f64();
    let analyze_started = Instant::now();
    if db.get_database_backend() == DbBackend::Postgres {
        // Fresh planner statistics: right after a bulk load PostgreSQL has none until
        // autovacuum gets to it, and picks plans that made reads 4x slower in
        // docs/benchmarks.md ("Load test").
        db.execute_unprepared("ANALYZE").await.context("ANALYZE after seeding")?;
    }
    let analyze_seconds = analyze_started.elapsed().as_secs_f64();
    Ok(SeedReport {
        backend: format!("{:?}", db.get_database_backend()),
        tables: timings,
        hash_seconds,
        commit_seconds,
        analyze_seconds,
        total_seconds: started.elapsed().as_secs_f64(),
    })
}

async fn count(db: &impl ConnectionTrait, table: &str) -> anyhow::Result<i64> {
    let sql = format!("SELECT COUNT(*) AS n FROM {table}");
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await?;
    Ok(row.map(|r| r.try_get::<i64>("", "n")).transpose()?.unwrap_or(0))
}

/// Deletes the seeded kinds of rows (and, through the foreign keys, what references them).
async fn reset(txn: &impl ConnectionTrait) -> anyhow::Result<()> {
    if txn.get_database_backend() == DbBackend::Postgres {
        let tables: Vec<&str> = tables().iter().map(|(table, _)| *table).collect();
        let sql = format!("TRUNCATE {} RESTART IDENTITY CASCADE", tables.join(", "));
        txn.execute_unprepared(&sql).await.context("--existing reset")?;
    } else {
        for (table, _) in tables() {
            txn.execute_unprepared(&format!("DELETE FROM {table}"))
                .await
                .with_context(|| format!("emptying {table}"))?;
        }
    }
    Ok(())
}
