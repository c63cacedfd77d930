//! The bank's records: deposit accounts, their transactions and 定期預金.

use super::types::Flag;
use super::{AccountStatus, Day, OpLog, Storage};
use renkei_shared::domain::{AccountKind, AccountNumber, BranchNumber};
use sqlx::FromRow;

/// Renkei's reference to a bank account a flow chose: its key and the id
/// the account API hands out. Flows, consents and locks point at it; what
/// the bank knows of the account is asked of the records port
/// (`crate::records::Records`), never read from here.
#[derive(Debug, Clone, FromRow)]
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
#[derive(Debug, Clone, FromRow)]
pub struct RecordRow {
    pub status: AccountStatus,
    #[sqlx(try_from = "Flag")]
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
#[derive(Debug, Clone, FromRow)]
pub struct EmbeddedAccount {
    #[sqlx(flatten)]
    pub account: AccountRow,
    #[sqlx(flatten)]
    pub record: RecordRow,
}

/// `SELECT` of an [`EmbeddedAccount`], with a `WHERE` clause.
macro_rules! embedded_select {
    ($where:literal) => {
        concat!(
            "SELECT id, public_id, branch, kind, number, status, has_cash_card, holder_kana,
                    birth_date, phone, pin_hash, moved_to, balance,
                    COALESCE(available_balance, balance) AS available_balance
             FROM accounts WHERE source = 'embedded' AND ",
            $where
        )
    };
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

#[derive(Debug, Clone, FromRow)]
pub struct TransactionRow {
    pub id: i64,
    pub booked_on: Day,
    pub description: String,
    pub amount_in: i64,
    pub amount_out: i64,
    pub balance_after: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct TimeDepositRow {
    pub principal: i64,
    pub rate_bp: i64,
    pub start_on: Day,
    pub maturity_on: Day,
}

impl Storage {
    /// An account by its key, whatever its source (staff tools, the demo
    /// seed: they act on Renkei's reference).
    pub async fn find_account(
        &self,
        branch: &BranchNumber,
        kind: AccountKind,
        number: &AccountNumber,
    ) -> sqlx::Result<Option<AccountRow>> {
        on_pool!(self.read(), cx => sqlx::query_as(
            "SELECT id, public_id, branch, kind, number FROM accounts
             WHERE branch = $1 AND kind = $2 AND number = $3",
        )
        .bind(branch.as_str())
        .bind(kind)
        .bind(number.as_str())
        .fetch_optional(cx)
        .await)
    }

    pub async fn account_by_id(&self, id: i64) -> sqlx::Result<Option<AccountRow>> {
        on_pool!(self.read(), cx => sqlx::query_as("SELECT id, public_id, branch, kind, number FROM accounts WHERE id = $1")
            .bind(id)
            .fetch_optional(cx)
            .await)
    }

    /// The embedded records' account with this key, if they hold one.
    pub async fn embedded_account(
        &self,
        branch: &BranchNumber,
        kind: AccountKind,
        number: &AccountNumber,
    ) -> sqlx::Result<Option<EmbeddedAccount>> {
        on_pool!(self.read(), cx => sqlx::query_as(embedded_select!(
            "branch = $1 AND kind = $2 AND number = $3"
        ))
        .bind(branch.as_str())
        .bind(kind)
        .bind(number.as_str())
        .fetch_optional(cx)
        .await)
    }

    /// The embedded record of a referenced account.
    pub async fn embedded_record(&self, id: i64) -> sqlx::Result<Option<RecordRow>> {
        on_pool!(self.read(), cx => sqlx::query_as(embedded_select!("id = $1"))
            .bind(id)
            .fetch_optional(cx)
            .await)
    }

    /// The reference row for an account the host gateway holds, made the
    /// first time a flow chooses it: its key and public id, nothing else.
    pub async fn gateway_reference(
        &self,
        branch: &BranchNumber,
        kind: AccountKind,
        number: &AccountNumber,
    ) -> sqlx::Result<AccountRow> {
        on_pool!(self.write(), cx => sqlx::query(
            "INSERT INTO accounts (public_id, branch, kind, number, source)
             VALUES ($1, $2, $3, $4, 'gateway')
             ON CONFLICT (branch, kind, number) DO NOTHING",
        )
        .bind(new_public_id())
        .bind(branch.as_str())
        .bind(kind)
        .bind(number.as_str())
        .execute(cx)
        .await.map(|r| r.rows_affected()))?;
        self.find_account(branch, kind, number)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }

    /// Inserts one account with its history in a single transaction, so a
    /// crash mid-load leaves either the whole account or none of it.
    pub async fn insert_account(&self, a: NewAccount<'_>) -> sqlx::Result<i64> {
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, cx => sqlx::query_scalar(
            "INSERT INTO accounts (public_id, branch, kind, number, holder_kana, birth_date, phone,
                                   has_cash_card, pin_hash, status, balance)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active', $10)
             RETURNING id",
        )
        .bind(new_public_id())
        .bind(a.branch)
        .bind(a.kind)
        .bind(a.number)
        .bind(a.holder_kana)
        .bind(a.birth_date)
        .bind(a.phone)
        .bind(i64::from(a.pin_hash.is_some()))
        .bind(a.pin_hash)
        .bind(a.balance)
        .fetch_one(&mut **cx)
        .await)?;
        for t in a.history {
            on_tx!(&mut tx, cx => sqlx::query(
                "INSERT INTO transactions (account_id, booked_on, description, amount_in,
                                           amount_out, balance_after)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(t.booked_on)
            .bind(t.description)
            .bind(t.amount_in)
            .bind(t.amount_out)
            .bind(t.balance_after)
            .execute(&mut **cx)
            .await.map(|r| r.rows_affected()))?;
        }
        for d in a.time_deposits {
            on_tx!(&mut tx, cx => sqlx::query(
                "INSERT INTO time_deposits (account_id, principal, rate_bp, start_on, maturity_on)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(d.principal)
            .bind(d.rate_bp)
            .bind(d.start_on)
            .bind(d.maturity_on)
            .execute(&mut **cx)
            .await.map(|r| r.rows_affected()))?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// 口座移管: marks `old` as moved to `new`, with the staff action's
    /// operation-log row when there is one (loading records has none).
    pub async fn mark_moved(&self, old: i64, new: i64, log: Option<OpLog<'_>>) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, cx => sqlx::query("UPDATE accounts SET status = $1, moved_to = $2 WHERE id = $3")
            .bind(AccountStatus::Moved)
            .bind(new)
            .bind(old)
            .execute(&mut **cx)
            .await.map(|r| r.rows_affected()))?;
        if let Some(log) = log {
            Self::insert_log(&mut tx, &log).await?;
        }
        tx.commit().await
    }

    /// Transactions newest first, in a stable order (date, then id), from
    /// after `cursor` (exclusive) within [from, to], at most `limit`.
    pub async fn transactions(
        &self,
        account_id: i64,
        (from, to): (Day, Day),
        cursor: Option<(Day, i64)>,
        limit: i64,
    ) -> sqlx::Result<Vec<TransactionRow>> {
        // Without a cursor, start after the newest possible row.
        let (c_date, c_id) = cursor.unwrap_or((Day(jiff::civil::Date::MAX), i64::MAX));
        on_pool!(self.read(), cx => sqlx::query_as(
            "SELECT id, booked_on, description, amount_in, amount_out, balance_after
             FROM transactions
             WHERE account_id = $1 AND booked_on >= $2 AND booked_on <= $3
               AND (booked_on < $4 OR (booked_on = $5 AND id < $6))
             ORDER BY booked_on DESC, id DESC
             LIMIT $7",
        )
        .bind(account_id)
        .bind(from)
        .bind(to)
        .bind(c_date)
        .bind(c_date)
        .bind(c_id)
        .bind(limit)
        .fetch_all(cx)
        .await)
    }

    pub async fn time_deposits(&self, account_id: i64) -> sqlx::Result<Vec<TimeDepositRow>> {
        on_pool!(self.read(), cx => sqlx::query_as(
            "SELECT principal, rate_bp, start_on, maturity_on FROM time_deposits
             WHERE account_id = $1 ORDER BY start_on, id",
        )
        .bind(account_id)
        .fetch_all(cx)
        .await)
    }
}

/// The opaque id the account API hands out for a new account row.
pub(super) fn new_public_id() -> String {
    format!("acc_{}", hex::encode(rand::random::<[u8; 16]>()))
}
