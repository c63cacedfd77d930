//! The storage layer: every SQL statement of the bank server lives under
//! this folder, one file per aggregate, so a handler never sees a query
//! string and a move to another database touches one place. Rows come back
//! typed (`types`): a corrupt value is an error, never a guess.
//!
//! | file | tables |
//! |---|---|
//! | `clients` | clients, client_redirect_uris |
//! | `accounts` | accounts, transactions, time_deposits (the bank's records) |
//! | `flows` | flows — and [`Storage::transition`], the one way a flow moves |
//! | `lockout` | auth_failures |
//! | `challenges` | phone_challenges, callback_bindings, inbound_calls |
//! | `grants` | consents, auth_codes, tokens |
//! | `requests` | par_requests, used_jtis |
//! | `secrets` | server_secrets (keys every instance shares) |
//! | `maintenance` | maintenance_windows |
//! | `outbox` | mail_outbox |
//! | `oplog` | operation_log (append-only) |
//! | `records` | one import run of the bank's records (accounts, transactions, time_deposits, record_imports) |

/// `on_pool!(pool, cx => expr)`: `expr` with `cx` the backend's own pool,
/// written once and compiled for each backend (so each is checked with
/// its own types).
macro_rules! on_pool {
    ($pool:expr, $c:ident => $body:expr) => {
        match $pool {
            $crate::db::Pool::Sqlite($c) => $body,
            $crate::db::Pool::Postgres($c) => $body,
        }
    };
}

/// `on_tx!(tx, cx => expr)`: `expr` with `cx` the open transaction of the
/// backend's own driver (`&mut **cx` is its connection).
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match &mut *$tx {
            $crate::db::Tx::Sqlite($c) => $body,
            $crate::db::Tx::Postgres($c) => $body,
        }
    };
}
#[cfg(feature = "testkit")]
pub(crate) use on_pool;

mod accounts;
mod challenges;
mod clients;
mod flows;
mod grants;
mod lockout;
mod maintenance;
mod oplog;
mod outbox;
mod records;
mod requests;
mod secrets;
mod staff;
pub mod types;

pub use accounts::{
    AccountRow, EmbeddedAccount, NewAccount, NewTimeDeposit, NewTransaction, RecordRow,
    TimeDepositRow, TransactionRow,
};
pub use challenges::{ChallengeRow, InboundCall};
pub use clients::{ClientRow, ClientSummary, NewClient};
pub use flows::{AccountChange, EmailChange, FlowRead, FlowRow, Move, NewFlow, NewGrant};
pub use grants::{AccessGrant, CodeRow, NewToken, TokenRow};
pub use lockout::LockKey;
pub use maintenance::MaintenanceRow;
pub use oplog::{AuditFilter, AuditRow, OpLog, OpLogRow, StepOutcomeCount, TimedCount};
pub use outbox::{MailRow, MailToSend};
pub use records::{ImportCounts, ImportMode, RecordsImport, RecordsStatus};
pub use staff::{
    AccountConsentRow, AccountFlowRow, CeremonyRow, PasskeyRow, SessionLimits, StaffListRow,
    StaffRow, StaffSessionRow,
};
pub use types::{AccountStatus, AuthMethod, CallOutcome, Day, RevokedBy, TokenKind};

use sqlx::Sqlite;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgPool, PgPoolOptions, Postgres};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;

/// The schema, once per backend, kept in step: the same versions with the
/// same descriptions (a unit test below compares them).
static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// How many migrations this build carries (readiness wants them all).
pub static MIGRATIONS: std::sync::LazyLock<usize> =
    std::sync::LazyLock::new(|| SQLITE_MIGRATIONS.iter().count());

/// Which database `DATABASE_URL` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// One instance, embedded: `sqlite://PATH`.
    Sqlite,
    /// Several instances on one server: `postgres://…`.
    Postgres,
}

impl Backend {
    pub fn of(url: &str) -> anyhow::Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite: or postgres:")
        }
    }
}

/// A pool of one backend's own driver: no `Any` layer between a query and
/// the database (it cost about 3 ms of CPU per linkage on SQLite).
#[derive(Clone, Debug)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A writing transaction on the backend's own driver.
pub(crate) enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl Tx {
    /// Until this transaction ends, others that ask for the same `(kind,
    /// key)` wait: for a step that reads several rows of one key (one
    /// phone's challenges, one staff member's links) and then writes, so
    /// two of them cannot interleave or deadlock. On PostgreSQL a
    /// transaction-scoped advisory lock on a hash of the key (the rest of
    /// the database is untouched); on SQLite nothing, the one writer is
    /// alone already.
    pub(crate) async fn serialize_on(&mut self, kind: &str, key: &str) -> sqlx::Result<()> {
        if let Tx::Postgres(t) = self {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind(format!("{kind}:{key}"))
                .execute(&mut **t)
                .await?;
        }
        Ok(())
    }

    pub(crate) async fn commit(self) -> sqlx::Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }
}

/// The bank's database.
///
/// On SQLite every writer goes through one connection (`write`), so
/// writers queue on the pool — in order, woken when the connection is
/// free — instead of polling SQLite's busy handler for the file lock;
/// readers have their own connections (WAL: they never wait for the
/// writer). On PostgreSQL both are the same pool.
#[derive(Clone, Debug)]
pub struct Storage {
    read: Pool,
    write: Pool,
}

impl Storage {
    /// Opens (creating a SQLite file if missing) the database and brings
    /// its schema up to date. The pools are bounded: requests wait a
    /// bounded time for a connection, then fail as `system_error` rather
    /// than queue without end.
    pub async fn connect(url: &str) -> anyhow::Result<Storage> {
        match Backend::of(url)? {
            Backend::Sqlite => {
                // WAL: readers never block the writer. FULL: a commit is on
                // disk before it is acknowledged, so a consent the browser
                // was told about survives power loss (NORMAL could lose the
                // last commits). Another process (a `records import` beside
                // the server) can hold the file's write lock: a writer waits
                // up to 15 s for it.
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
                SQLITE_MIGRATIONS.run(&write).await?;
                let read = SqlitePoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(5))
                    .connect_with(options.read_only(true))
                    .await?;
                Ok(Storage {
                    read: Pool::Sqlite(read),
                    write: Pool::Sqlite(write),
                })
            }
            Backend::Postgres => {
                let pool = PgPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(5))
                    .connect(url)
                    .await?;
                POSTGRES_MIGRATIONS.run(&pool).await?;
                Ok(Storage {
                    read: Pool::Postgres(pool.clone()),
                    write: Pool::Postgres(pool),
                })
            }
        }
    }

    /// The pool for statements that only read.
    pub(crate) fn read(&self) -> &Pool {
        &self.read
    }

    /// The pool for statements that write outside a transaction.
    pub(crate) fn write(&self) -> &Pool {
        &self.write
    }

    /// A writing transaction. On SQLite, `BEGIN IMMEDIATE` on the one
    /// writer connection: a deferred transaction that reads first and then
    /// writes fails at once with "database is locked" (the busy timeout does
    /// not apply to that upgrade) when another process — a `records import`
    /// — wrote in between. On PostgreSQL, READ COMMITTED and no lock of its
    /// own: each invariant holds through its statements — a conditional
    /// `UPDATE … WHERE <state>` (re-checked on the row's newest version
    /// once a concurrent writer commits), `INSERT … ON CONFLICT`, a unique
    /// index — and the few read-then-write steps over several rows take a
    /// lock on their own key ([`Tx::serialize_on`]). Two linkages of
    /// different accounts never wait on each other.
    async fn begin(&self) -> sqlx::Result<Tx> {
        match &self.write {
            Pool::Sqlite(p) => Ok(Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?)),
            Pool::Postgres(p) => Ok(Tx::Postgres(p.begin().await?)),
        }
    }

    /// How many migrations this database has applied successfully.
    pub async fn migrations_applied(&self) -> sqlx::Result<usize> {
        let n: i64 = on_pool!(self.read(), cx => sqlx::query_scalar(
            "SELECT COUNT(*) FROM _sqlx_migrations WHERE success"
        )
        .fetch_one(cx)
        .await)?;
        Ok(usize::try_from(n).unwrap_or(0))
    }
}

/// A SQLite URL that creates the file (and its folder) when missing.
/// The file of a `sqlite://PATH[?options]` URL (also `sqlite:PATH`); `None`
/// for another database.
pub fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    Some(rest.split('?').next().unwrap_or(rest))
}

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

#[cfg(test)]
mod tests {
    /// The bank's schema holds the bank's data only: the demo app keeps
    /// its keys and sessions in its own database.
    use super::{POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};

    /// Both backends carry the same migrations: a change to the schema
    /// written for one only fails here.
    #[test]
    fn both_backends_have_the_same_migrations() {
        let names = |m: &sqlx::migrate::Migrator| {
            m.iter()
                .map(|m| (m.version, m.description.to_string()))
                .collect::<Vec<_>>()
        };
        assert!(SQLITE_MIGRATIONS.iter().count() > 0);
        assert_eq!(names(&SQLITE_MIGRATIONS), names(&POSTGRES_MIGRATIONS));
    }

    #[test]
    fn no_migration_creates_a_demo_table() {
        for m in SQLITE_MIGRATIONS.iter().chain(POSTGRES_MIGRATIONS.iter()) {
            let sql = m.sql.as_str().to_lowercase();
            assert!(
                !sql.contains("demo_"),
                "migration {} mentions demo_",
                m.version
            );
        }
    }
}
