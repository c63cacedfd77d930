//! The storage layer as the server sees it: one [`Storage`] whichever
//! database `DATABASE_URL` names, each backend on its own sqlx driver in
//! its own crate (`storage/sqlite`, `storage/postgres`) with every
//! statement of `storage/queries/` checked at build time against that
//! backend's schema. The rows and inputs are `renkei-storage-model`'s, the
//! same for both. This file only chooses: a method here is the backend's
//! method of the same name (documented there).
//!
//! Chosen at start, not by a cargo feature: one `match` per call on a
//! two-variant enum costs nothing next to the statement (the bench's
//! CPU per linkage does not move when the other backend is compiled out).

pub use renkei_storage_model::*;
pub use renkei_storage_sqlite::sqlite_path;

use renkei_shared::domain::{AccountKind, AccountNumber, BranchNumber};
use renkei_shared::staff::StaffRole;
use renkei_storage_model::import::{AccountRecord, TimeDepositRecord, TransactionRecord};
use renkei_storage_postgres as postgres;
use renkei_storage_sqlite as sqlite;

/// How many migrations this build carries (readiness wants them all).
pub static MIGRATIONS: std::sync::LazyLock<usize> =
    std::sync::LazyLock::new(|| sqlite::MIGRATIONS.iter().count());

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

/// The bank's database, on the backend `DATABASE_URL` names.
#[derive(Clone, Debug)]
pub enum Storage {
    Sqlite(sqlite::Storage),
    Postgres(postgres::Storage),
}

/// `backend!(value, (s, b) => expr)`: `expr` with `s` the backend's own
/// value (a `Storage` or a `RecordsImport`) and `b` its crate (the
/// testkit's backend-specific reads).
#[cfg(feature = "testkit")]
macro_rules! backend {
    ($v:expr, ($s:ident, $b:ident) => $body:expr) => {
        match $v {
            $crate::db::Storage::Sqlite($s) => {
                #[allow(unused_imports)]
                use renkei_storage_sqlite as $b;
                $body
            }
            $crate::db::Storage::Postgres($s) => {
                #[allow(unused_imports)]
                use renkei_storage_postgres as $b;
                $body
            }
        }
    };
}
#[cfg(feature = "testkit")]
pub(crate) use backend;

/// Each method as the backend's own.
macro_rules! delegate {
    ($ty:ident { $(fn $name:ident(&self $(, $arg:ident: $t:ty)*) -> $ret:ty;)* }) => {
        impl $ty {
            // The backends' own signatures, as they are (one of them has
            // eight parameters, allowed where it is written).
            $(#[allow(clippy::too_many_arguments)]
            pub async fn $name(&self $(, $arg: $t)*) -> $ret {
                match self {
                    $ty::Sqlite(s) => s.$name($($arg),*).await,
                    $ty::Postgres(s) => s.$name($($arg),*).await,
                }
            })*
        }
    };
    ($ty:ident { $(fn $name:ident(&mut self $(, $arg:ident: $t:ty)*) -> $ret:ty;)* }) => {
        impl $ty {
            $(pub async fn $name(&mut self $(, $arg: $t)*) -> $ret {
                match self {
                    $ty::Sqlite(s) => s.$name($($arg),*).await,
                    $ty::Postgres(s) => s.$name($($arg),*).await,
                }
            })*
        }
    };
}

impl Storage {
    /// Opens the database `url` names and brings its schema up to date.
    pub async fn connect(url: &str) -> anyhow::Result<Storage> {
        Ok(match Backend::of(url)? {
            Backend::Sqlite => Storage::Sqlite(sqlite::Storage::connect(url).await?),
            Backend::Postgres => Storage::Postgres(postgres::Storage::connect(url).await?),
        })
    }

    /// Institution `institution`'s part (its row id): the only way to its
    /// rows.
    pub fn tenant(&self, institution: i64) -> Tenant {
        match self {
            Storage::Sqlite(s) => Tenant::Sqlite(s.tenant(institution)),
            Storage::Postgres(s) => Tenant::Postgres(s.tenant(institution)),
        }
    }
}

/// One credit union's part of the database (see the storage crates'
/// `Tenant`): every statement on a union's rows is a method of this.
#[derive(Clone, Debug)]
pub enum Tenant {
    Sqlite(sqlite::Tenant),
    Postgres(postgres::Tenant),
}

impl Tenant {
    /// The institution's row id.
    pub fn institution(&self) -> i64 {
        match self {
            Tenant::Sqlite(t) => t.institution(),
            Tenant::Postgres(t) => t.institution(),
        }
    }

    /// The same part for one request: its statements share a connection
    /// (see the storage crates' `Tenant::for_request`).
    pub fn for_request(&self) -> Tenant {
        match self {
            Tenant::Sqlite(t) => Tenant::Sqlite(t.for_request()),
            Tenant::Postgres(t) => Tenant::Postgres(t.for_request()),
        }
    }

    /// Gives a request's connection back before a wait that is not the
    /// database's.
    pub async fn release(&self) {
        match self {
            Tenant::Sqlite(t) => t.release().await,
            Tenant::Postgres(t) => t.release().await,
        }
    }

    /// One import run of this union's records (see [`RecordsImport`]).
    pub async fn begin_import(&self, mode: ImportMode, now: i64) -> sqlx::Result<RecordsImport> {
        Ok(match self {
            Tenant::Sqlite(s) => RecordsImport::Sqlite(s.begin_import(mode, now).await?),
            Tenant::Postgres(s) => RecordsImport::Postgres(s.begin_import(mode, now).await?),
        })
    }
}

delegate!(Storage {
    fn add_staff(&self, institution: Option<i64>, name: &str, role: StaffRole, user_handle: &str, enrolment_hash: &str, expires_at: i64, log: OpLog<'_>) -> sqlx::Result<i64>;
    fn record_inbound_call(&self, call: InboundCall<'_>, log: OpLog<'_>) -> sqlx::Result<Option<CallOutcome>>;
    fn upsert_client(&self, c: NewClient<'_>) -> sqlx::Result<()>;
    fn find_client(&self, client_id: &str) -> sqlx::Result<Option<ClientRow>>;
    fn list_clients(&self) -> sqlx::Result<Vec<ClientSummary>>;
    fn set_client_enabled(&self, client_id: &str, enabled: bool, log: OpLog<'_>) -> sqlx::Result<bool>;
    fn log_platform(&self, e: OpLog<'_>) -> sqlx::Result<()>;
    fn oldest_institution(&self) -> sqlx::Result<Option<InstitutionRow>>;
    fn claim_jwks_check(&self, client_id: &str, now: i64, min_interval: i64) -> sqlx::Result<bool>;
    fn store_fetched_jwks(&self, client_id: &str, jwks: &str) -> sqlx::Result<()>;
    fn purge_expired_flows(&self, now: i64) -> sqlx::Result<u64>;
    fn migrations_applied(&self) -> sqlx::Result<usize>;
    fn operation_log(&self) -> sqlx::Result<Vec<OpLogRow>>;
    fn claim_mail(&self, now: i64, lease_secs: i64, limit: i64) -> sqlx::Result<Vec<MailRow>>;
    fn mail_pending(&self) -> sqlx::Result<i64>;
    fn mail_sent(&self, id: i64, now: i64) -> sqlx::Result<()>;
    fn mail_dropped(&self, id: i64, error: &str, log: OpLog<'_>) -> sqlx::Result<()>;
    fn mail_failed(&self, id: i64, error: &str, retry_at: i64) -> sqlx::Result<()>;
    fn remember_jti(&self, jti_hash: &str, expires_at: i64, now: i64) -> sqlx::Result<bool>;
    fn server_secret(&self, name: &str) -> anyhow::Result<[u8; 32]>;
    fn add_enrolment(&self, staff_id: i64, enrolment_hash: &str, expires_at: i64, log: OpLog<'_>) -> sqlx::Result<()>;
    fn revoke_enrolments(&self, staff_id: i64, log: OpLog<'_>) -> sqlx::Result<u64>;
    fn staff_by_name(&self, name: &str) -> sqlx::Result<Option<StaffRow>>;
    fn staff_by_id(&self, id: i64) -> sqlx::Result<Option<StaffRow>>;
    fn enrolment_staff(&self, hash: &str, now: i64) -> sqlx::Result<Option<StaffRow>>;
    fn save_ceremony(&self, id_hash: &str, kind: &str, staff_id: Option<i64>, enrolment: Option<&str>, state: &str, expires_at: i64, now: i64) -> sqlx::Result<()>;
    fn take_ceremony(&self, id_hash: &str, kind: &str, now: i64) -> sqlx::Result<Option<CeremonyRow>>;
    fn add_passkey(&self, staff_id: i64, enrolment_hash: &str, credential_id: &str, passkey: &str, log: OpLog<'_>) -> sqlx::Result<bool>;
    fn passkeys_of(&self, staff_id: i64) -> sqlx::Result<Vec<PasskeyRow>>;
    fn passkey_list(&self, staff_id: i64) -> sqlx::Result<Vec<PasskeyListRow>>;
    fn remove_passkey(&self, staff_id: i64, passkey_id: i64, log: OpLog<'_>) -> sqlx::Result<bool>;
    fn sign_in(&self, staff_id: i64, passkey: Option<(&str, &str)>, session_hash: &str, csrf_token: &str, log: OpLog<'_>) -> sqlx::Result<()>;
    fn staff_session(&self, hash: &str, now: i64, limits: SessionLimits) -> sqlx::Result<Option<StaffSessionRow>>;
    fn end_staff_session(&self, hash: &str) -> sqlx::Result<()>;
    fn disable_staff(&self, staff_id: i64, log: OpLog<'_>) -> sqlx::Result<()>;
    fn add_institution(&self, p: InstitutionProfile<'_>, log: OpLog<'_>) -> sqlx::Result<Option<i64>>;
    fn set_institution_profile(&self, id: i64, p: InstitutionProfile<'_>) -> sqlx::Result<bool>;
    fn institution_by_code(&self, code: &str) -> sqlx::Result<Option<InstitutionRow>>;
    fn institution_by_id(&self, id: i64) -> sqlx::Result<Option<InstitutionRow>>;
    fn institutions(&self, search: Option<&str>, after: Option<&str>, limit: i64) -> sqlx::Result<Vec<InstitutionRow>>;
    fn union_counts(&self, window_start: i64, today_start: i64, now: i64) -> sqlx::Result<Vec<(i64, i64, i64)>>;
    fn set_institution_state(&self, code: &str, state: InstitutionState, reason: &str, log: OpLog<'_>) -> sqlx::Result<Option<bool>>;
});

delegate!(Tenant {
    fn app_switched_on(&self, client_id: &str) -> sqlx::Result<bool>;
    fn app_switches(&self) -> sqlx::Result<Vec<AppSwitchRow>>;
    fn switch_app(&self, client_id: &str, enabled: bool, reason: &str, log: OpLog<'_>) -> sqlx::Result<bool>;
    fn find_account(&self, branch: &BranchNumber, kind: AccountKind, number: &AccountNumber) -> sqlx::Result<Option<AccountRow>>;
    fn account_by_id(&self, id: i64) -> sqlx::Result<Option<AccountRow>>;
    fn embedded_account(&self, branch: &BranchNumber, kind: AccountKind, number: &AccountNumber) -> sqlx::Result<Option<EmbeddedAccount>>;
    fn embedded_record(&self, id: i64) -> sqlx::Result<Option<RecordRow>>;
    fn gateway_reference(&self, branch: &BranchNumber, kind: AccountKind, number: &AccountNumber) -> sqlx::Result<AccountRow>;
    fn insert_account(&self, a: NewAccount<'_>) -> sqlx::Result<i64>;
    fn mark_moved(&self, old: i64, new: i64, log: Option<OpLog<'_>>) -> sqlx::Result<()>;
    fn transactions(&self, account_id: i64, arg1: (Day, Day), cursor: Option<(Day, i64)>, limit: i64) -> sqlx::Result<Vec<TransactionRow>>;
    fn time_deposits(&self, account_id: i64) -> sqlx::Result<Vec<TimeDepositRow>>;
    fn current_challenge(&self, flow_id: &str) -> sqlx::Result<Option<ChallengeRow>>;
    fn create_challenge(&self, expected_caller: &str, pool: &[String], deadline: i64, bound_until: i64, log: OpLog<'_>) -> sqlx::Result<Option<ChallengeRow>>;
    fn create_flow(&self, f: NewFlow<'_>, log: OpLog<'_>) -> sqlx::Result<()>;
    fn find_flow(&self, id: &str, now: i64) -> sqlx::Result<Option<FlowRead>>;
    fn flow_email(&self, flow_id: &str) -> sqlx::Result<Option<String>>;
    fn transition(&self, m: Move<'_>) -> sqlx::Result<bool>;
    fn find_code(&self, code_hash: &str) -> sqlx::Result<Option<CodeRow>>;
    fn use_code(&self, code_hash: &str, now: i64) -> sqlx::Result<bool>;
    fn revoke_grant(&self, consent_id: i64, by: RevokedBy, now: i64) -> sqlx::Result<()>;
    fn revoke_account_consents(&self, account_id: i64, only: Option<i64>, log: OpLog<'_>, detail: impl FnOnce(u64) -> String) -> sqlx::Result<u64>;
    fn insert_tokens(&self, tokens: &[NewToken<'_>]) -> sqlx::Result<()>;
    fn find_token(&self, token_hash: &str) -> sqlx::Result<Option<TokenRow>>;
    fn rotate_refresh(&self, token_hash: &str, now: i64) -> sqlx::Result<bool>;
    fn access_grant(&self, token_hash: &str) -> sqlx::Result<Option<AccessGrant>>;
    fn failures(&self, lock: LockKey<'_>) -> sqlx::Result<i64>;
    fn record_failure(&self, lock: LockKey<'_>, threshold: i64, log: OpLog<'_>, outcome: impl FnOnce(Option<i64>) -> Outcome) -> sqlx::Result<Option<i64>>;
    fn lift_lock(&self, lock: LockKey<'_>, log: OpLog<'_>) -> sqlx::Result<bool>;
    fn add_maintenance(&self, arg0: (i64, i64), reason: &str, log: OpLog<'_>) -> sqlx::Result<i64>;
    fn in_maintenance(&self, now: i64) -> sqlx::Result<bool>;
    fn maintenance_from(&self, now: i64) -> sqlx::Result<Vec<MaintenanceRow>>;
    fn cancel_maintenance(&self, id: i64, log: OpLog<'_>) -> sqlx::Result<bool>;
    fn log_operation(&self, e: OpLog<'_>) -> sqlx::Result<()>;
    fn audit(&self, f: &AuditFilter<'_>, before: Option<i64>, limit: i64) -> sqlx::Result<Vec<AuditRow>>;
    fn step_outcomes(&self, from: i64, to: i64, client_id: Option<&str>) -> sqlx::Result<Vec<StepOutcomeCount>>;
    fn timed_outcomes(&self, from: i64, to: i64, client_id: Option<&str>) -> sqlx::Result<Vec<TimedCount>>;
    fn consent_counts(&self, from: i64, to: i64, client_id: Option<&str>) -> sqlx::Result<(i64, i64)>;
    fn records_status(&self) -> sqlx::Result<RecordsStatus>;
    fn insert_par(&self, uri_hash: &str, client_id: &str, params: &str, expires_at: i64) -> sqlx::Result<()>;
    fn take_par(&self, uri_hash: &str, client_id: &str, now: i64) -> sqlx::Result<Option<String>>;
    fn list_staff(&self) -> sqlx::Result<Vec<StaffListRow>>;
    fn failures_on(&self, account_id: i64, jst_day: &str) -> sqlx::Result<i64>;
    fn account_consents(&self, account_id: i64) -> sqlx::Result<Vec<AccountConsentRow>>;
    fn account_flows(&self, account_id: i64, limit: i64) -> sqlx::Result<Vec<AccountFlowRow>>;
});

/// One import run, open until [`RecordsImport::commit`]; dropped, it rolls
/// back.
pub enum RecordsImport {
    Sqlite(sqlite::RecordsImport),
    Postgres(postgres::RecordsImport),
}

impl RecordsImport {
    pub async fn commit(self, mode: ImportMode, c: &ImportCounts) -> sqlx::Result<()> {
        match self {
            RecordsImport::Sqlite(i) => i.commit(mode, c).await,
            RecordsImport::Postgres(i) => i.commit(mode, c).await,
        }
    }
}

delegate!(RecordsImport {
    fn upsert_account(&mut self, a: &AccountRecord) -> sqlx::Result<()>;
    fn link_move(&mut self, a: &AccountRecord) -> sqlx::Result<bool>;
    fn upsert_transaction(&mut self, t: &TransactionRecord) -> sqlx::Result<bool>;
    fn upsert_time_deposit(&mut self, d: &TimeDepositRecord) -> sqlx::Result<bool>;
    fn close_unlisted_accounts(&mut self) -> sqlx::Result<i64>;
    fn remove_unlisted_time_deposits(&mut self) -> sqlx::Result<()>;
    fn end_linkages_of_inactive_accounts(&mut self) -> sqlx::Result<i64>;
    fn purge_transactions_before(&mut self, oldest: Day) -> sqlx::Result<i64>;
});

#[cfg(test)]
mod tests {
    /// The bank's schema holds the bank's data only: the demo app keeps
    /// its keys and sessions in its own database.
    use renkei_storage_postgres::MIGRATIONS as POSTGRES_MIGRATIONS;
    use renkei_storage_sqlite::MIGRATIONS as SQLITE_MIGRATIONS;

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
