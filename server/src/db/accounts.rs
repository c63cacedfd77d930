//! The bank's records: deposit accounts, their transactions and 定期預金.

use super::{AccountStatus, Day, OpLog, Storage};
use renkei_shared::domain::{AccountKind, AccountNumber, BranchNumber};
use sqlx::FromRow;

/// `SELECT` of every [`AccountRow`] column, with a `WHERE` clause.
macro_rules! account_select {
    ($where:literal) => {
        concat!(
            "SELECT id, public_id, branch, kind, number, holder_kana, birth_date, phone,
                    has_cash_card, pin_hash, status, moved_to, balance
             FROM accounts WHERE ",
            $where
        )
    };
}

/// The bank's record of a deposit account.
#[derive(Debug, Clone, FromRow)]
pub struct AccountRow {
    pub id: i64,
    pub public_id: String,
    pub branch: String,
    pub kind: AccountKind,
    pub number: String,
    /// Already in the 全銀 normalisation the screen applies.
    pub holder_kana: String,
    pub birth_date: Day,
    pub phone: String,
    pub has_cash_card: bool,
    pub pin_hash: Option<String>,
    pub status: AccountStatus,
    pub moved_to: Option<i64>,
    pub balance: i64,
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
    pub async fn find_account(
        &self,
        branch: &BranchNumber,
        kind: AccountKind,
        number: &AccountNumber,
    ) -> sqlx::Result<Option<AccountRow>> {
        sqlx::query_as(account_select!("branch = ? AND kind = ? AND number = ?"))
            .bind(branch.as_str())
            .bind(kind)
            .bind(number.as_str())
            .fetch_optional(&self.pool)
            .await
    }

    /// Inserts one account with its history in a single transaction, so a
    /// crash mid-load leaves either the whole account or none of it.
    pub async fn insert_account(&self, a: NewAccount<'_>) -> sqlx::Result<i64> {
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO accounts (public_id, branch, kind, number, holder_kana, birth_date, phone,
                                   has_cash_card, pin_hash, balance)
             VALUES ('acc_' || lower(hex(randomblob(16))), ?, ?, ?, ?, ?, ?, ?, ?, ?)
             RETURNING id",
        )
        .bind(a.branch)
        .bind(a.kind)
        .bind(a.number)
        .bind(a.holder_kana)
        .bind(a.birth_date)
        .bind(a.phone)
        .bind(a.pin_hash.is_some())
        .bind(a.pin_hash)
        .bind(a.balance)
        .fetch_one(&mut *tx)
        .await?;
        for t in a.history {
            sqlx::query(
                "INSERT INTO transactions (account_id, booked_on, description, amount_in,
                                           amount_out, balance_after)
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(t.booked_on)
            .bind(t.description)
            .bind(t.amount_in)
            .bind(t.amount_out)
            .bind(t.balance_after)
            .execute(&mut *tx)
            .await?;
        }
        for d in a.time_deposits {
            sqlx::query(
                "INSERT INTO time_deposits (account_id, principal, rate_bp, start_on, maturity_on)
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(d.principal)
            .bind(d.rate_bp)
            .bind(d.start_on)
            .bind(d.maturity_on)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// 口座移管: marks `old` as moved to `new`, with the staff action's
    /// operation-log row when there is one (loading records has none).
    pub async fn mark_moved(&self, old: i64, new: i64, log: Option<OpLog<'_>>) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE accounts SET status = ?, moved_to = ? WHERE id = ?")
            .bind(AccountStatus::Moved)
            .bind(new)
            .bind(old)
            .execute(&mut *tx)
            .await?;
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
        sqlx::query_as(
            "SELECT id, booked_on, description, amount_in, amount_out, balance_after
             FROM transactions
             WHERE account_id = ? AND booked_on >= ? AND booked_on <= ?
               AND (booked_on < ? OR (booked_on = ? AND id < ?))
             ORDER BY booked_on DESC, id DESC
             LIMIT ?",
        )
        .bind(account_id)
        .bind(from)
        .bind(to)
        .bind(c_date)
        .bind(c_date)
        .bind(c_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }

    pub async fn time_deposits(&self, account_id: i64) -> sqlx::Result<Vec<TimeDepositRow>> {
        sqlx::query_as(
            "SELECT principal, rate_bp, start_on, maturity_on FROM time_deposits
             WHERE account_id = ? ORDER BY start_on, id",
        )
        .bind(account_id)
        .fetch_all(&self.pool)
        .await
    }
}
