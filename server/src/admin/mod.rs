//! The staff's subcommands of `renkei-server` (client, lock, consent,
//! account, maintenance, staff) and the staff console's actions. They share one [`Context`]: the database, the
//! clock's "now", and the audit helper, so every change is written with its
//! operation-log row (who-what-why) in the same transaction.

pub mod accounts;
pub mod clients;
pub mod institutions;
pub mod maintenance;
pub mod staff;

use crate::clock::SharedClock;
use crate::db::{AccountRow, LogStep, OpLog, Outcome, Storage, Tenant};
use jiff::Timestamp;
use renkei_shared::domain::{AccountKind, AccountNumber, BranchNumber};

/// What every staff command works with.
#[derive(Clone)]
pub struct Context {
    /// The platform's rows (apps, staff sign-in).
    pub storage: Storage,
    /// The union the action is for: its accounts, locks, consents,
    /// maintenance, staff list and log.
    pub tenant: Tenant,
    pub now: Timestamp,
    /// The staff member acting in the console (`None`: the command line,
    /// whose operator the host's own login records).
    pub staff: Option<String>,
    /// An app's `jwks_uri` may point at this machine
    /// (`RENKEI_JWKS_ALLOW_LOOPBACK`, development only).
    pub jwks_allow_loopback: bool,
    /// How long an enrolment link lasts (`RENKEI_STAFF_ENROLMENT_SECS`).
    pub enrolment_secs: i64,
}

/// An account as staff name it: 店番, 科目, 口座番号.
pub struct AccountRef {
    pub branch: BranchNumber,
    pub kind: AccountKind,
    pub number: AccountNumber,
}

impl AccountRef {
    /// Parses the three flags with the screen's rules.
    pub fn parse(branch: &str, kind: &str, number: &str) -> anyhow::Result<AccountRef> {
        Ok(AccountRef {
            branch: BranchNumber::parse(branch)
                .map_err(|e| anyhow::anyhow!("--branch: {}", e.message()))?,
            kind: AccountKind::parse(kind)
                .map_err(|e| anyhow::anyhow!("--kind: {}", e.message()))?,
            number: AccountNumber::parse(number)
                .map_err(|e| anyhow::anyhow!("--number: {}", e.message()))?,
        })
    }
}

impl std::fmt::Display for AccountRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (b, k, n) = (self.branch.as_str(), self.kind.code(), self.number.as_str());
        write!(f, "{b}-{k}-{n}")
    }
}

impl Context {
    /// The database named by `DATABASE_URL`, at the clock's now, acting for
    /// the root alias's union (`RENKEI_ROOT_INSTITUTION`) unless a command's
    /// `--institution` names another (`for_institution`).
    pub async fn open(config: &crate::config::Config, clock: &SharedClock) -> anyhow::Result<Self> {
        let storage = Storage::connect(&config.database_url).await?;
        let root =
            crate::state::RootAlias::resolve(&storage, config.root_institution.as_deref()).await?;
        let tenant = storage.tenant(root.id);
        Ok(Context::new(storage, tenant, clock.now()).configured(config))
    }

    /// Acting for `tenant`'s union.
    pub fn new(storage: Storage, tenant: Tenant, now: Timestamp) -> Self {
        Context {
            tenant,
            storage,
            now,
            staff: None,
            jwks_allow_loopback: false,
            enrolment_secs: staff::ENROLMENT_SECS,
        }
    }

    /// The same, allowing (or not) a `jwks_uri` on this machine.
    pub fn with_jwks_loopback(self, allow: bool) -> Self {
        Context {
            jwks_allow_loopback: allow,
            ..self
        }
    }

    /// The same, with the server's settings for what staff do.
    pub fn configured(self, config: &crate::config::Config) -> Self {
        Context {
            jwks_allow_loopback: config.oauth.jwks_allow_loopback,
            enrolment_secs: config.staff.enrolment_secs,
            ..self
        }
    }

    /// The console's context for `tenant`'s union: every log row names
    /// `staff`.
    pub fn as_staff(storage: Storage, tenant: Tenant, now: Timestamp, staff: &str) -> Self {
        Context {
            staff: Some(staff.to_owned()),
            ..Context::new(storage, tenant, now)
        }
    }

    /// The operation-log row of a staff action.
    fn log<'a>(&'a self, outcome: Outcome, detail: &'a str) -> OpLog<'a> {
        OpLog {
            detail: Some(detail),
            staff: self.staff.as_deref(),
            ..OpLog::new(self.now.as_second(), LogStep::Staff, outcome)
        }
    }

    async fn account(&self, a: &AccountRef) -> anyhow::Result<AccountRow> {
        self.tenant
            .find_account(&a.branch, a.kind, &a.number)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no account {a}"))
    }
}

/// Every change needs its reason, for the operation log.
fn reason(reason: &str) -> anyhow::Result<&str> {
    let r = reason.trim();
    anyhow::ensure!(!r.is_empty(), "--reason must not be empty");
    Ok(r)
}
