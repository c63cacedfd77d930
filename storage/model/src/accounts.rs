//! The bank's records: deposit accounts, their transactions and 定期預金.

use crate::*;

use renkei_shared::domain::AccountKind;

/// Renkei's reference to a bank account a flow chose: its key and the id
/// the account API hands out. Flows, consents and locks point at it; what
/// the bank knows of the account is asked of the records port
/// (`crate::records::Records`), never read from here.
#[derive(Debug, Clone)]
pub struct AccountRow {
    pub id: i64,
    pub public_id: String,
    pub branch: String,
    pub kind: AccountKind,
    pub number: String,
}

/// The embedded records' entry for an account (`source = 'embedded'`):
/// what `records import` or the demo seed loaded. Only the embedded
/// adapter of the records port reads it.
#[derive(Debug, Clone)]
pub struct RecordRow {
    pub status: AccountStatus,
    pub has_cash_card: bool,
    /// Already in the 全銀 normalisation the screen applies.
    pub holder_kana: String,
    pub birth_date: Day,
    pub phone: String,
    pub pin_hash: Option<String>,
    pub moved_to: Option<i64>,
    pub balance: i64,
    /// 支払可能残高 as the core system last reported it (the balance when
    /// it never did).
    pub available_balance: i64,
}

/// An embedded account: the reference and its record, from one statement.
#[derive(Debug, Clone)]
pub struct EmbeddedAccount {
    pub account: AccountRow,
    pub record: RecordRow,
}

/// An account to load, with its history.
pub struct NewAccount<'a> {
    pub branch: &'a str,
    pub kind: AccountKind,
    pub number: &'a str,
    /// Normalised by the caller (`renkei_shared::kana::normalize_name`).
    pub holder_kana: &'a str,
    pub birth_date: Day,
    pub phone: &'a str,
    pub pin_hash: Option<&'a str>,
    pub balance: i64,
    pub history: &'a [NewTransaction<'a>],
    pub time_deposits: &'a [NewTimeDeposit],
}

pub struct NewTransaction<'a> {
    pub booked_on: Day,
    pub description: &'a str,
    pub amount_in: i64,
    pub amount_out: i64,
    pub balance_after: i64,
}

pub struct NewTimeDeposit {
    pub principal: i64,
    pub rate_bp: i64,
    pub start_on: Day,
    pub maturity_on: Day,
}

#[derive(Debug, Clone)]
pub struct TransactionRow {
    pub id: i64,
    pub booked_on: Day,
    pub description: String,
    pub amount_in: i64,
    pub amount_out: i64,
    pub balance_after: i64,
}

#[derive(Debug, Clone)]
pub struct TimeDepositRow {
    pub principal: i64,
    pub rate_bp: i64,
    pub start_on: Day,
    pub maturity_on: Day,
}
