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
//! | `challenges` | phone_challenges, inbound_calls |
//! | `grants` | consents, auth_codes, tokens |
//! | `requests` | par_requests, used_jtis |
//! | `maintenance` | maintenance_windows |
//! | `outbox` | mail_outbox |
//! | `oplog` | operation_log (append-only) |
//! | `records` | one import run of the bank's records (accounts, transactions, time_deposits, record_imports) |

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

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

/// How many migrations this build carries (readiness wants them all).
pub static MIGRATIONS: std::sync::LazyLock<usize> =
    std::sync::LazyLock::new(|| sqlx::migrate!("./migrations").iter().count());

/// The bank's database.
#[derive(Clone, Debug)]
pub struct Storage {
    pool: SqlitePool,
}

type Tx = sqlx::Transaction<'static, sqlx::Sqlite>;

impl Storage {
    /// Opens (creating if missing) the database and brings its schema up to
    /// date. The pool is bounded: requests wait at most `acquire_timeout`
    /// for a connection, then fail as `system_error` rather than queue.
    pub async fn connect(url: &str) -> anyhow::Result<Storage> {
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .map(|p| p.split('?').next().unwrap_or(p))
            && let Some(dir) = std::path::Path::new(path).parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir)?;
        }
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            // WAL: readers never block the writer; with synchronous=NORMAL a
            // crash loses at most the last commits, never consistency.
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Storage { pool })
    }

    /// Every transaction here writes, so it takes SQLite's write lock at
    /// `BEGIN`: a deferred transaction that reads first and then writes
    /// fails at once with "database is locked" (the busy timeout does not
    /// apply to that upgrade) when another connection or process — the
    /// outbox worker, a `records import` — wrote in between.
    async fn begin(&self) -> sqlx::Result<Tx> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }

    /// How many migrations this database has applied successfully.
    pub async fn migrations_applied(&self) -> sqlx::Result<usize> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
            .fetch_one(&self.pool)
            .await?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Test-only access to the pool, for the test-only helpers in
    /// `crate::testkit` (never used by the service itself).
    #[cfg(feature = "testkit")]
    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

#[cfg(test)]
mod tests {
    /// The bank's schema holds the bank's data only: the demo app keeps
    /// its keys and sessions in its own database.
    #[test]
    fn no_migration_creates_a_demo_table() {
        let migrator = sqlx::migrate!("./migrations");
        assert!(migrator.iter().count() > 0);
        for m in migrator.iter() {
            let sql = m.sql.as_str().to_lowercase();
            assert!(
                !sql.contains("demo_"),
                "migration {} mentions demo_",
                m.version
            );
        }
    }
}
