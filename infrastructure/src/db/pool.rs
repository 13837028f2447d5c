//! Pool introspection for `/admin/db-pool-status` and the pool gauges of `/metrics`.

use application::ports::{PoolMonitor, PoolStatus};
use sea_orm::sqlx::{Database, Pool};
use sea_orm::{DatabaseBackend, DatabaseConnection};

/// Reads the sqlx pool behind a sea-orm connection (no query is run).
pub struct SqlxPoolMonitor {
    db: DatabaseConnection,
}

impl SqlxPoolMonitor {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

fn snapshot<DB: Database>(pool: &Pool<DB>) -> PoolStatus {
    let size = pool.size();
    let idle = u32::try_from(pool.num_idle()).unwrap_or(u32::MAX).min(size);
    let options = pool.options();
    PoolStatus {
        size,
        idle,
        in_use: size - idle,
        max: options.get_max_connections(),
        min: options.get_min_connections(),
        acquire_timeout: options.get_acquire_timeout(),
    }
}

impl PoolMonitor for SqlxPoolMonitor {
    fn status(&self) -> PoolStatus {
        // The pool getters panic on the other backend, so branch on the backend first.
        match self.db.get_database_backend() {
            DatabaseBackend::Postgres => snapshot(self.db.get_postgres_connection_pool()),
            _ => snapshot(self.db.get_sqlite_connection_pool()),
        }
    }
}
