//! Loading the bank's records from its core system's files: one import run
//! is one transaction ([`RecordsImport`]), so a run that fails half-way —
//! a bad reference, a crash — leaves the records exactly as they were.

use crate::*;

use renkei_shared::domain::AccountKind;

/// `--mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum ImportMode {
    /// The files are the whole truth: what they no longer list is closed.
    Full,
    /// Upserts only.
    Delta,
}

/// What one run did, as `record_imports` keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub accounts: i64,
    pub not_linkable: i64,
    pub transactions: i64,
    pub time_deposits: i64,
    pub closed: i64,
    pub purged: i64,
}

impl std::fmt::Display for ImportCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} accounts ({} 当座/定期 not kept), {} transactions, {} time deposits; closed {}, purged {}",
            self.accounts,
            self.not_linkable,
            self.transactions,
            self.time_deposits,
            self.closed,
            self.purged
        )
    }
}

/// What `records status` prints.
#[derive(Debug, Clone)]
pub struct RecordsStatus {
    /// (科目, status, count)
    pub accounts: Vec<(AccountKind, AccountStatus, i64)>,
    pub transactions: i64,
    pub time_deposits: i64,
    /// (when, mode, counts) of the newest import.
    pub newest_import: Option<(i64, ImportMode, ImportCounts)>,
    pub oldest_transaction: Option<Day>,
}
