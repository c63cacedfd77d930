//! What the records port answers, whichever adapter reads the records:
//! an account's holder and standing, its balance, transactions and 定期預金.

use crate::db::{AccountStatus, RecordRow};
use jiff::civil::Date;

/// What the bank holds of an account's holder and standing.
#[derive(Debug, Clone)]
pub struct Holder {
    pub status: AccountStatus,
    pub cash_card: bool,
    /// In the 全銀 normalisation the screen applies.
    pub holder_kana: String,
    pub birth_date: Date,
    /// Domestic digits.
    pub phone: String,
}

impl Holder {
    /// Seed section 3: only active ordinary/savings accounts with a cash
    /// card (the kind is one of the two by its type). A moved account's old
    /// number no longer qualifies (FAQ 3 Q4).
    pub fn can_link(&self) -> bool {
        self.status == AccountStatus::Active && self.cash_card
    }
}

impl From<&RecordRow> for Holder {
    fn from(r: &RecordRow) -> Self {
        Holder {
            status: r.status,
            cash_card: r.has_cash_card,
            holder_kana: r.holder_kana.clone(),
            birth_date: r.birth_date.0,
            phone: r.phone.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Balance {
    pub balance: i64,
    pub available_balance: i64,
}

/// One booked transaction. `id` is opaque to the app.
#[derive(Debug, Clone)]
pub struct Txn {
    pub id: String,
    pub booked_on: Date,
    pub description: String,
    pub amount_in: i64,
    pub amount_out: i64,
    pub balance_after: i64,
}

/// One page of transactions, newest first; `next` is the cursor of the
/// page after it (opaque to the app; stable while transactions are added).
#[derive(Debug, Clone, Default)]
pub struct TxnPage {
    pub items: Vec<Txn>,
    pub next: Option<String>,
}

#[derive(Debug, Clone)]
pub struct TimeDeposit {
    pub principal: i64,
    pub rate_bp: i64,
    pub start_on: Date,
    pub maturity_on: Date,
}

/// A cursor the app sent that this adapter never made.
#[derive(Debug)]
pub struct BadCursor;
