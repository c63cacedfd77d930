//! The storage layer on PostgreSQL, through sqlx's own PostgreSQL driver:
//! several instances on one database. The statements are
//! `storage/queries/`, compiled here and in `renkei-storage-sqlite` alike,
//! so each is checked at build time against this backend's schema
//! (`migrations/`, the offline data in `.sqlx/`) and against SQLite's.

pub use renkei_storage_model::*;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnection, PgPool, PgPoolOptions};
use std::sync::Arc;
use std::time::Duration;

#[path = "../../queries/mod.rs"]
mod queries;
#[cfg(feature = "testkit")]
pub use queries::testkit;
pub use queries::{RecordsImport, Tenant};

/// The backend's connection, as `queries/` names it.
type Connection = PgConnection;

/// A pooled connection, as `queries/` names it.
type Conn = sqlx::pool::PoolConnection<sqlx::Postgres>;

/// The union connection one request's statements share (`Tenant::
/// for_request`): taken and set to the union by its first statement, kept
/// for the next ones — one `set_config` a request instead of one a
/// statement — and given back when the request's state is dropped, when a
/// transaction begins, or before a wait that is not the database's
/// (`Tenant::release`: a PIN's hash, a host gateway's answer).
#[derive(Clone, Debug, Default)]
pub struct Held(Arc<tokio::sync::Mutex<Option<Conn>>>);

/// A union connection: one of its own, or the request's held one.
enum UnionConn {
    Own(Conn),
    Held(tokio::sync::OwnedMappedMutexGuard<Option<Conn>, Conn>),
}

impl std::ops::Deref for UnionConn {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        match self {
            UnionConn::Own(c) => c,
            UnionConn::Held(c) => c,
        }
    }
}

impl std::ops::DerefMut for UnionConn {
    fn deref_mut(&mut self) -> &mut PgConnection {
        match self {
            UnionConn::Own(c) => c,
            UnionConn::Held(c) => c,
        }
    }
}

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
///
/// Row-level security (issues #22, #31) is the second wall between the
/// credit unions, and it fails closed: every table of a union's rows (but
/// the callback pairs and phone challenges, which are the platform's across
/// unions) admits a connection set to a union (`renkei.institution`) to
/// that union's rows only — so a statement that forgets its
/// `institution_id` filter sees and writes nothing of another union's —
/// and a connection set to nothing to none. A union's statements run on
/// `unions`, whose every connection is set to its union as it is taken (a
/// transaction: for the transaction only); the platform's run on `pool`,
/// whose connections carry `renkei.scope = 'platform'`, which admits the
/// few tables the platform touches across unions (flows and pushed
/// requests for the purge, the outbox, the operation log, staff members,
/// app switches) and never a union's records, locks, windows or grants:
/// a union's statement sent there by mistake finds nothing.
#[derive(Clone, Debug)]
pub struct Storage {
    pool: PgPool,
    unions: PgPool,
}

impl Storage {
    /// Connects and brings the schema up to date. The pool is bounded: a
    /// request waits a bounded time for a connection, then fails as
    /// `system_error` rather than queue without end.
    pub async fn connect(url: &str) -> anyhow::Result<Storage> {
        // The platform's connections say so as they connect: its scope
        // admits only the tables the platform touches across unions
        // (migration 0011); a union table answers a connection that is
        // neither set to a union nor the platform's with no rows.
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(|conn, _| {
                Box::pin(async move {
                    sqlx::query!(
                        "SELECT set_config('renkei.scope', 'platform', false) AS \"set!\""
                    )
                    .fetch_one(conn)
                    .await?;
                    Ok(())
                })
            })
            .connect(url)
            .await?;
        MIGRATIONS.run(&pool).await?;
        let unions = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await?;
        Ok(Storage { pool, unions })
    }

    /// The pool for statements that only read.
    fn read(&self) -> &PgPool {
        &self.pool
    }

    /// The pool for statements that write outside a transaction.
    fn write(&self) -> &PgPool {
        &self.pool
    }

    /// A connection admitting only union `institution`'s rows: `held`'s
    /// if the request holds one (set when it was taken), else one taken
    /// and set now — and kept in `held` for the request's next statements.
    async fn union_conn(
        &self,
        institution: i64,
        _write: bool,
        held: Option<&Held>,
    ) -> sqlx::Result<UnionConn> {
        let Some(held) = held else {
            return Ok(UnionConn::Own(self.set_union(institution).await?));
        };
        let mut slot = held.0.clone().lock_owned().await;
        if slot.is_none() {
            *slot = Some(self.set_union(institution).await?);
        }
        match tokio::sync::OwnedMutexGuard::try_map(slot, Option::as_mut) {
            Ok(conn) => Ok(UnionConn::Held(conn)),
            // Filled just above.
            Err(_) => Err(sqlx::Error::PoolClosed),
        }
    }

    /// A union connection taken now, set to union `institution` for as
    /// long as it is taken (every taking sets it again).
    async fn set_union(&self, institution: i64) -> sqlx::Result<Conn> {
        let mut conn = self.unions.acquire().await?;
        sqlx::query!(
            "SELECT set_config('renkei.institution', $1, false) AS \"set!\"",
            institution.to_string(),
        )
        .fetch_one(&mut *conn)
        .await?;
        Ok(conn)
    }

    /// Gives the request's held connection back to the pool.
    async fn release(held: &Held) {
        held.0.lock().await.take();
    }

    /// A writing transaction admitting only union `institution`'s rows. A
    /// request's held connection goes back first: a request never holds
    /// two, so requests cannot starve the pool waiting for a second.
    async fn union_begin(&self, institution: i64, held: Option<&Held>) -> sqlx::Result<Tx> {
        if let Some(held) = held {
            Self::release(held).await;
        }
        let mut tx = Tx {
            tx: self.unions.begin().await?,
            institution: Some(institution),
        };
        sqlx::query!(
            "SELECT set_config('renkei.institution', $1, true) AS \"set!\"",
            institution.to_string(),
        )
        .fetch_one(tx.cx())
        .await?;
        Ok(tx)
    }

    async fn begin(&self) -> sqlx::Result<Tx> {
        Ok(Tx {
            tx: self.pool.begin().await?,
            institution: None,
        })
    }
}
