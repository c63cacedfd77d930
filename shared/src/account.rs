//! The account-information API's contract (the resource server a linked
//! app reads): each path beside the bodies it answers with. The server
//! answers with these types; the demo app, the benchmark and the tests read
//! them. Amounts are whole yen; dates `YYYY-MM-DD` (JST), instants RFC 3339.

use serde::{Deserialize, Serialize};

/// `GET`: the linked account and its balances ([`Accounts`]).
pub const ACCOUNTS_PATH: &str = "/api/v1/accounts";
/// `GET`: a page of the account's transactions ([`Transactions`]);
/// `{account_id}` is [`Account::id`].
pub const TRANSACTIONS_PATH: &str = "/api/v1/accounts/{account_id}/transactions";
/// `GET`: the 定期預金 held with the linked account ([`TimeDeposits`]).
pub const TIME_DEPOSITS_PATH: &str = "/api/v1/time-deposits";

/// [`TRANSACTIONS_PATH`] for one account.
pub fn transactions_path(account_id: &str) -> String {
    TRANSACTIONS_PATH.replace("{account_id}", account_id)
}

/// The answer of [`ACCOUNTS_PATH`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Accounts {
    pub accounts: Vec<Account>,
}

/// One linked account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Account {
    /// Opaque, stable for the linkage (never the account number).
    pub id: String,
    /// 店番.
    pub branch: String,
    pub kind: crate::domain::AccountKind,
    /// `***` and the last four digits.
    pub masked_number: String,
    /// Always `JPY`.
    pub currency: String,
    pub balance: i64,
    pub available_balance: i64,
    /// When the balance was read (RFC 3339).
    pub as_of: String,
}

/// The answer of [`TIME_DEPOSITS_PATH`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimeDeposits {
    pub account_id: String,
    pub time_deposits: Vec<TimeDeposit>,
}

/// One 定期預金.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimeDeposit {
    pub principal: i64,
    pub currency: String,
    /// The annual rate in hundredths of a percent (25 = 0.25 %).
    pub rate_basis_points: i64,
    /// The same rate written as a percentage (`0.25`).
    pub rate_percent: String,
    pub start_date: String,
    pub maturity_date: String,
}

/// The query of [`TRANSACTIONS_PATH`], as sent (each value checked by the
/// server, which names the field it refuses).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct TransactionsQuery {
    /// `YYYY-MM-DD`, not before the retention (default: its start).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// `YYYY-MM-DD` (default: today).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// `next_cursor` of the page before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// 1–200 (default 50).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

/// The answer of [`TRANSACTIONS_PATH`]: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Transactions {
    pub account_id: String,
    pub from: String,
    pub to: String,
    /// The oldest date the bank still answers for (about three months).
    pub retained_from: String,
    pub transactions: Vec<Transaction>,
    /// The cursor of the next (older) page; none on the last.
    pub next_cursor: Option<String>,
}

/// One transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Transaction {
    /// Opaque, stable for the transaction (the core system's id).
    pub id: String,
    pub date: String,
    pub description: String,
    pub amount_in: i64,
    pub amount_out: i64,
    pub balance_after: i64,
}
