//! The storage layer on PostgreSQL, through sqlx's own PostgreSQL driver:
//! several instances on one database. The statements are
//! `storage/queries/`, compiled here and in `renkei-storage-sqlite` alike,
//! so each is checked at build time against this backend's schema
//! (`migrations/`, the offline data in `.sqlx/`) and against SQLite's.

pub use renkei_storage_model::*;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnection, PgPool, PgPoolOptions};
use std::time::Duration;

#[path = "../../queries/mod.rs"]
mod queries;
#[cfg(feature = "testkit")]
pub use queries::testkit;
pub use queries::{RecordsImport, Tenant};

/// The pools' type, as `queries/` names it.
type Pool = PgPool;

/// The schema of this backend.
pub static MIGRATIONS: Migrator = sqlx::migrate!("./migrations");

/// A writing transaction: READ COMMITTED, and no lock of its own.
pub struct Tx {
    tx: sqlx::Transaction<'static, sqlx::Postgres>,
    /// The institution whose rows it writes (`None`: the platform's own);
    /// what the operation log and the outbox record for it.
    institution: Option<i64>,
}

impl Tx {
    /// The connection the transaction runs on.
    fn cx(&mut self) -> &mut PgConnection {
        &mut self.tx
    }

    /// Until this transaction ends, others that ask for the same `(kind,
    /// key)` wait: for a step that reads several rows of one key (one
    /// phone's challenges, one staff member's links) and then writes, so
    /// two of them cannot interleave or deadlock. A transaction-scoped
    /// advisory lock on a hash of the key: the rest of the database is
    /// untouched.
    async fn serialize_on(&mut self, kind: &str, key: &str) -> sqlx::Result<()> {
        sqlx::query!(
            "SELECT 1 AS \"locked!: i32\" FROM pg_advisory_xact_lock(hashtextextended($1, 0))",
            format!("{kind}:{key}"),
        )
        .fetch_one(self.cx())
        .await?;
        Ok(())
    }

    pub async fn commit(self) -> sqlx::Result<()> {
        self.tx.commit().await
    }
}

/// The bank's database on PostgreSQL: one bounded pool for readers and
/// writers. Each invariant holds through its statements — a conditional
/// `UPDATE … WHERE <state>` (re-checked on the row's newest version once a
/// concurrent writer commits), `INSERT … ON CONFLICT`, a unique index — and
/// the few read-then-write steps over several rows take a lock on their own
/// key ([`Tx::serialize_on`]). Two linkages of different accounts never
/// wait on each other.
#[derive(Clone, Debug)]
pub struct Storage {
    pool: PgPool,
}

impl Storage {
    /// Connects and brings the schema up to date. The pool is bounded: a
    /// request waits a bounded time for a connection, then fails as
    /// `system_error` rather than queue without end.
    pub async fn connect(url: &str) -> anyhow::Result<Storage> {
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await?;
        MIGRATIONS.run(&pool).await?;
        Ok(Storage { pool })
    }

    /// The pool for statements that only read.
    fn read(&self) -> &PgPool {
        &self.pool
    }

    /// The pool for statements that write outside a transaction.
    fn write(&self) -> &PgPool {
        &self.pool
    }

    async fn begin(&self) -> sqlx::Result<Tx> {
        Ok(Tx {
            tx: self.pool.begin().await?,
            institution: None,
        })
    }
}
