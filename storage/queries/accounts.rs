//! The bank's records: deposit accounts, their transactions and 定期預金.

use crate::*;

use renkei_shared::domain::{AccountKind, AccountNumber, BranchNumber};

impl Tenant {
    /// An account by its key, whatever its source (staff tools, the demo
    /// seed: they act on Renkei's reference).
    pub async fn find_account(
        &self,
        branch: &BranchNumber,
        kind: AccountKind,
        number: &AccountNumber,
    ) -> sqlx::Result<Option<AccountRow>> {
        sqlx::query_as!(
            AccountRow,
            "SELECT id, public_id, branch, kind, number FROM accounts
             WHERE branch = $1 AND kind = $2 AND number = $3 AND institution_id = $4",
            branch.as_str(),
            kind as _,
            number.as_str(),
            self.institution,
        )
        .fetch_optional(&mut *self.read().await?)
        .await
    }

    pub async fn account_by_id(&self, id: i64) -> sqlx::Result<Option<AccountRow>> {
        sqlx::query_as!(
            AccountRow,
            "SELECT id, public_id, branch, kind, number FROM accounts WHERE id = $1 AND institution_id = $2",
            id,
            self.institution,
        )
        .fetch_optional(&mut *self.read().await?)
        .await
    }

    /// The embedded records' account with this key, if they hold one.
    pub async fn embedded_account(
        &self,
        branch: &BranchNumber,
        kind: AccountKind,
        number: &AccountNumber,
    ) -> sqlx::Result<Option<EmbeddedAccount>> {
        let r = sqlx::query!(
            "SELECT id, public_id, branch, kind, number, status AS \"status!: AccountStatus\",
                    has_cash_card AS \"has_cash_card!: bool\", holder_kana AS \"holder_kana!\",
                    birth_date AS \"birth_date!: Day\", phone AS \"phone!\", pin_hash, moved_to,
                    balance AS \"balance!\",
                    COALESCE(available_balance, balance) AS \"available_balance!: i64\"
             FROM accounts WHERE source = 'embedded' AND branch = $1 AND kind = $2 AND number = $3
                   AND institution_id = $4",
            branch.as_str(),
            kind as _,
            number.as_str(),
            self.institution,
        )
        .fetch_optional(&mut *self.read().await?)
        .await?;
        Ok(r.map(|r| EmbeddedAccount {
            account: AccountRow {
                id: r.id,
                public_id: r.public_id,
                branch: r.branch,
                kind: r.kind,
                number: r.number,
            },
            record: RecordRow {
                status: r.status,
                has_cash_card: r.has_cash_card,
                holder_kana: r.holder_kana,
                birth_date: r.birth_date,
                phone: r.phone,
                pin_hash: r.pin_hash,
                moved_to: r.moved_to,
                balance: r.balance,
                available_balance: r.available_balance,
            },
        }))
    }

    /// The embedded record of a referenced account.
    pub async fn embedded_record(&self, id: i64) -> sqlx::Result<Option<RecordRow>> {
        sqlx::query_as!(
            RecordRow,
            "SELECT status AS \"status!: AccountStatus\",
                    has_cash_card AS \"has_cash_card!: bool\", holder_kana AS \"holder_kana!\",
                    birth_date AS \"birth_date!: Day\", phone AS \"phone!\", pin_hash, moved_to,
                    balance AS \"balance!\",
                    COALESCE(available_balance, balance) AS \"available_balance!: i64\"
             FROM accounts WHERE source = 'embedded' AND id = $1 AND institution_id = $2",
            id,
            self.institution,
        )
        .fetch_optional(&mut *self.read().await?)
        .await
    }

    /// The reference row for an account the host gateway holds, made the
    /// first time a flow chooses it: its key and public id, nothing else.
    pub async fn gateway_reference(
        &self,
        branch: &BranchNumber,
        kind: AccountKind,
        number: &AccountNumber,
    ) -> sqlx::Result<AccountRow> {
        sqlx::query!(
            "INSERT INTO accounts (institution_id, public_id, branch, kind, number, source)
             VALUES ($1, $2, $3, $4, $5, 'gateway')
             ON CONFLICT (institution_id, branch, kind, number) DO NOTHING",
            self.institution,
            new_public_id(),
            branch.as_str(),
            kind as _,
            number.as_str(),
        )
        .execute(&mut *self.write().await?)
        .await?;
        self.find_account(branch, kind, number)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }

    /// Inserts one account with its history in a single transaction, so a
    /// crash mid-load leaves either the whole account or none of it.
    pub async fn insert_account(&self, a: NewAccount<'_>) -> sqlx::Result<i64> {
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar!(
            "INSERT INTO accounts (institution_id, public_id, branch, kind, number, holder_kana,
                                   birth_date, phone, has_cash_card, pin_hash, status, balance)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'active', $11)
             RETURNING id AS \"id!\"",
            self.institution,
            new_public_id(),
            a.branch,
            a.kind as _,
            a.number,
            a.holder_kana,
            a.birth_date as _,
            a.phone,
            a.pin_hash.is_some(),
            a.pin_hash,
            a.balance,
        )
        .fetch_one(tx.cx())
        .await?;
        for t in a.history {
            sqlx::query!(
                "INSERT INTO transactions (institution_id, account_id, booked_on, description,
                                           amount_in, amount_out, balance_after)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                self.institution,
                id,
                t.booked_on as _,
                t.description,
                t.amount_in,
                t.amount_out,
                t.balance_after,
            )
            .execute(tx.cx())
            .await?;
        }
        for d in a.time_deposits {
            sqlx::query!(
                "INSERT INTO time_deposits (institution_id, account_id, principal, rate_bp, start_on,
                                            maturity_on)
                 VALUES ($1, $2, $3, $4, $5, $6)",
                self.institution,
                id,
                d.principal,
                d.rate_bp,
                d.start_on as _,
                d.maturity_on as _,
            )
            .execute(tx.cx())
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// 口座移管: marks `old` as moved to `new`, with the staff action's
    /// operation-log row when there is one (loading records has none).
    pub async fn mark_moved(&self, old: i64, new: i64, log: Option<OpLog<'_>>) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query!(
            "UPDATE accounts SET status = $1, moved_to = $2
             WHERE id = $3 AND institution_id = $4
               AND EXISTS (SELECT 1 FROM accounts n WHERE n.id = $2 AND n.institution_id = $4)",
            AccountStatus::Moved as _,
            new,
            old,
            self.institution,
        )
        .execute(tx.cx())
        .await?;
        if let Some(log) = log {
            Storage::insert_log(&mut tx, &log).await?;
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
        sqlx::query_as!(
            TransactionRow,
            "SELECT id, booked_on, description, amount_in, amount_out, balance_after
             FROM transactions
             WHERE account_id = $1 AND booked_on >= $2 AND booked_on <= $3
               AND (booked_on < $4 OR (booked_on = $4 AND id < $5)) AND institution_id = $7
             ORDER BY booked_on DESC, id DESC
             LIMIT $6",
            account_id,
            from as _,
            to as _,
            c_date as _,
            c_id,
            limit,
            self.institution,
        )
        .fetch_all(&mut *self.read().await?)
        .await
    }

    pub async fn time_deposits(&self, account_id: i64) -> sqlx::Result<Vec<TimeDepositRow>> {
        sqlx::query_as!(
            TimeDepositRow,
            "SELECT principal, rate_bp, start_on, maturity_on FROM time_deposits
             WHERE account_id = $1 AND institution_id = $2 ORDER BY start_on, id",
            account_id,
            self.institution,
        )
        .fetch_all(&mut *self.read().await?)
        .await
    }
}

/// The opaque id the account API hands out for a new account row.
pub(crate) fn new_public_id() -> String {
    format!("acc_{}", hex::encode(rand::random::<[u8; 16]>()))
}
