//! The host gateway's contract (`docs/host-gateway.openapi.yaml`) as
//! types: what the adapter (`gateway.rs`) sends and reads, and what the
//! stand-in (`renkei-host-gateway`) answers. Unknown fields are refused,
//! as the contract's `additionalProperties: false`.

use crate::db::AccountStatus;
use jiff::civil::Date;
use renkei_shared::domain::AccountKind;
use serde::{Deserialize, Serialize};

/// An account's resource, under the gateway's base URL; `rest` is one of
/// the paths below (or empty for the account itself).
pub fn account_path(branch: &str, kind: AccountKind, number: &str, rest: &str) -> String {
    format!("v1/accounts/{branch}/{}/{number}{rest}", kind.code())
}
/// The stand-in's route of an account (axum's path syntax).
pub const ACCOUNT_ROUTE: &str = "/v1/accounts/{branch}/{kind}/{number}";
pub const PIN_CHECKS: &str = "/pin-checks";
pub const BALANCE: &str = "/balance";
pub const TRANSACTIONS: &str = "/transactions";
pub const TIME_DEPOSITS: &str = "/time-deposits";

/// Where a moved account now is.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MovedTo {
    pub branch: String,
    pub number: String,
}

/// `checkPin`'s body: the PIN travels only here.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PinCheckRequest {
    pub pin: String,
}

/// `listTransactions`'s query.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TxnQuery {
    pub from: Date,
    pub to: Date,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
}

/// The contract's `Account` (only what the port uses is kept; unknown
/// fields are refused, as the contract's `additionalProperties: false`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountBody {
    pub branch: String,
    pub kind: String,
    pub number: String,
    pub status: AccountStatus,
    pub cash_card: bool,
    #[serde(default)]
    /// Where a moved account went (口座移管; Renkei reads the status alone).
    pub moved_to: Option<MovedTo>,
    pub holder_kana: String,
    pub birth_date: Date,
    pub phone: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PinCheck {
    #[serde(rename = "match")]
    pub matches: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BalanceBody {
    pub balance: i64,
    pub available_balance: i64,
    /// When the gateway read it (Renkei answers with its own clock's instant).
    pub as_of: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TxnPageBody {
    pub transactions: Vec<TxnBody>,
    #[serde(default)]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TxnBody {
    pub txn_id: String,
    pub booked_on: Date,
    pub description: String,
    pub amount_in: i64,
    pub amount_out: i64,
    pub balance_after: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeDepositsBody {
    pub time_deposits: Vec<TimeDepositBody>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeDepositBody {
    /// The core system's id (the account API does not expose it).
    pub deposit_id: String,
    pub principal: i64,
    pub rate_bp: i64,
    pub start_on: Date,
    pub maturity_on: Date,
}
