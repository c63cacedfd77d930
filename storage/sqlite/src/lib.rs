//! The storage layer on SQLite, through sqlx's own SQLite driver: the
//! embedded default (one instance). The statements are `storage/queries/`,
//! compiled here and in `renkei-storage-postgres` alike, so each is checked
//! at build time against this backend's schema (`migrations/`, the offline
//! data in `.sqlx/`) and against PostgreSQL's.

pub use renkei_storage_model::*;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;

#[path = "../../queries/mod.rs"]
mod queries;
#[cfg(feature = "testkit")]
pub use queries::testkit;
pub use queries::{RecordsImport, Tenant};

/// The backend's connection, as `queries/` names it.
type Connection = SqliteConnection;

/// A pooled connection, as `queries/` names it.
type Conn = sqlx::pool::PoolConnection<sqlx::Sqlite>;

/// What a request holds between its statements: nothing on SQLite, whose
/// union connections need no setting (no row-level security) and whose
/// one writer must never wait on a reader held elsewhere.
#[derive(Clone, Debug, Default)]
pub struct Held(());

/// The schema of this backend.
pub static MIGRATIONS: Migrator = sqlx::migrate!("./migrations");

/// A writing transaction: `BEGIN IMMEDIATE` on the one writer connection.
pub struct Tx {
    tx: sqlx::Transaction<'static, sqlx::Sqlite>,
    /// The institution whose rows it writes (`None`: the platform's own);
    /// what the operation log and the outbox record for it.
    institution: Option<i64>,
}

impl Tx {
    /// The connection the transaction runs on.
    fn cx(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }

    /// Nothing on SQLite: the one writer is alone already (see the
    /// PostgreSQL crate's advisory lock on the key).
    async fn serialize_on(&mut self, _kind: &str, _key: &str) -> sqlx::Result<()> {
        Ok(())
    }

    pub async fn commit(self) -> sqlx::Result<()> {
        self.tx.commit().await
    }
}

/// The bank's database on SQLite. Every writer goes through one connection
/// (`write`), so writers queue on the pool — in order, woken when the
/// connection is free — instead of polling SQLite's busy handler for the
/// file lock; readers have their own read-only connections (WAL: they never
/// wait for the writer).
#[derive(Clone, Debug)]
pub struct Storage {
    read: SqlitePool,
    write: SqlitePool,
}

impl Storage {
    /// Opens (creating it and its folder when missing) the database file of
    /// a `sqlite:` URL and brings its schema up to date. The pools are
    /// bounded: a request waits a bounded time for a connection, then fails
    /// as `system_error` rather than queue without end.
    pub async fn connect(url: &str) -> anyhow::Result<Storage> {
        // WAL: readers never block the writer. FULL: a commit is on disk
        // before it is acknowledged, so a consent the browser was told about
        // survives power loss (NORMAL could lose the last commits). Another
        // process (a `records import` beside the server) can hold the file's
        // write lock: a writer waits up to 15 s for it.
        let options = SqliteConnectOptions::from_str(&sqlite_url(url)?)?
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(15));
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(15))
            .connect_with(options.clone())
            .await?;
        MIGRATIONS.run(&write).await?;
        let read = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options.read_only(true))
            .await?;
        Ok(Storage { read, write })
    }

    /// The pool for statements that only read.
    fn read(&self) -> &SqlitePool {
        &self.read
    }

    /// The pool for statements that write outside a transaction.
    fn write(&self) -> &SqlitePool {
        &self.write
    }

    /// A connection for one union's statement (SQLite has no row-level
    /// security: the statements' own filters are the isolation).
    async fn union_conn(
        &self,
        _institution: i64,
        write: bool,
        _held: Option<&Held>,
    ) -> sqlx::Result<Conn> {
        if write {
            self.write.acquire().await
        } else {
            self.read.acquire().await
        }
    }

    /// Nothing is held between statements here.
    async fn release(_held: &Held) {}

    /// A writing transaction for one union's rows.
    async fn union_begin(&self, institution: i64, _held: Option<&Held>) -> sqlx::Result<Tx> {
        let mut tx = self.begin().await?;
        tx.institution = Some(institution);
        Ok(tx)
    }

    /// A writing transaction, `BEGIN IMMEDIATE`: a deferred transaction
    /// that reads first and then writes fails at once with "database is
    /// locked" (the busy timeout does not apply to that upgrade) when
    /// another process — a `records import` — wrote in between.
    async fn begin(&self) -> sqlx::Result<Tx> {
        Ok(Tx {
            tx: self.write.begin_with("BEGIN IMMEDIATE").await?,
            institution: None,
        })
    }
}

/// The file of a `sqlite://PATH[?options]` URL (also `sqlite:PATH`); `None`
/// for another database.
pub fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    Some(rest.split('?').next().unwrap_or(rest))
}

/// A SQLite URL that creates the file (and its folder) when missing.
fn sqlite_url(url: &str) -> anyhow::Result<String> {
    if let Some(dir) = sqlite_path(url).and_then(|p| std::path::Path::new(p).parent())
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)?;
    }
    Ok(if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    })
}
