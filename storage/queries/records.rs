//! Loading the bank's records from its core system's files: one import run
//! is one transaction ([`RecordsImport`]), so a run that fails half-way —
//! a bad reference, a crash — leaves the records exactly as they were.

use crate::import::{
    AccountKey, AccountRecord, RecordKind, RecordStatus, TimeDepositRecord, TransactionRecord,
};
use crate::*;

use renkei_shared::domain::AccountKind;

/// One import run, open until [`RecordsImport::commit`]; dropped, it rolls
/// back.
pub struct RecordsImport {
    tx: Tx,
    run: i64,
    now: i64,
    /// The account the previous transaction or deposit line named: export
    /// files list an account's rows together, so most lines skip the lookup.
    last: Option<(AccountKey, i64)>,
}

impl Tenant {
    pub async fn begin_import(&self, mode: ImportMode, now: i64) -> sqlx::Result<RecordsImport> {
        let mut tx = self.begin().await?;
        // One import at a time (a full one closes what its run did not
        // touch, which another run's lines must not be); linkages go on.
        // One union's import does not wait for another's.
        tx.serialize_on("records-import", &self.institution.to_string())
            .await?;
        let run = sqlx::query_scalar!(
            "INSERT INTO record_imports (at, mode, accounts, not_linkable, transactions,
                                         time_deposits, closed, purged, institution_id)
             VALUES ($1, $2, 0, 0, 0, 0, 0, 0, $3) RETURNING id AS \"id!\"",
            now,
            mode as _,
            self.institution,
        )
        .fetch_one(tx.cx())
        .await?;
        Ok(RecordsImport {
            tx,
            run,
            now,
            last: None,
        })
    }

    pub async fn records_status(&self) -> sqlx::Result<RecordsStatus> {
        let accounts = sqlx::query!(
            "SELECT kind, status AS \"status!: AccountStatus\", COUNT(*) AS \"n!\"
             FROM accounts WHERE source = 'embedded' AND institution_id = $1
             GROUP BY kind, status ORDER BY kind, status",
            self.institution,
        )
        .fetch_all(&mut *self.read().await?)
        .await?
        .into_iter()
        .map(|r| (r.kind, r.status, r.n))
        .collect();
        let transactions = sqlx::query_scalar!(
            "SELECT COUNT(*) AS \"n!\" FROM transactions WHERE institution_id = $1",
            self.institution,
        )
        .fetch_one(&mut *self.read().await?)
        .await?;
        let time_deposits = sqlx::query_scalar!(
            "SELECT COUNT(*) AS \"n!\" FROM time_deposits WHERE institution_id = $1",
            self.institution,
        )
        .fetch_one(&mut *self.read().await?)
        .await?;
        let newest = sqlx::query!(
            "SELECT at, mode, accounts, not_linkable, transactions, time_deposits, closed, purged
             FROM record_imports WHERE institution_id = $1 ORDER BY id DESC LIMIT 1",
            self.institution,
        )
        .fetch_optional(&mut *self.read().await?)
        .await?
        .map(|n| {
            let counts = ImportCounts {
                accounts: n.accounts,
                not_linkable: n.not_linkable,
                transactions: n.transactions,
                time_deposits: n.time_deposits,
                closed: n.closed,
                purged: n.purged,
            };
            (n.at, n.mode, counts)
        });
        let oldest_transaction = sqlx::query_scalar!(
            "SELECT MIN(booked_on) AS \"oldest: Day\" FROM transactions WHERE institution_id = $1",
            self.institution,
        )
        .fetch_one(&mut *self.read().await?)
        .await?;
        Ok(RecordsStatus {
            accounts,
            transactions,
            time_deposits,
            newest_import: newest,
            oldest_transaction,
        })
    }
}

impl RecordsImport {
    /// Writes one linkable account (a 当座 or 定期 line is only counted by
    /// the caller). A moved account is written active here and pointed at
    /// its new account by [`RecordsImport::link_move`] once every line is
    /// in. An empty `pin_hash` keeps the one loaded before; no cash card
    /// clears it.
    pub async fn upsert_account(&mut self, a: &AccountRecord) -> sqlx::Result<()> {
        let RecordKind::Linkable(kind) = a.kind else {
            return Ok(());
        };
        let status = match a.status {
            RecordStatus::Closed => AccountStatus::Closed,
            RecordStatus::Active | RecordStatus::Moved => AccountStatus::Active,
        };
        let pin_hash = if a.cash_card {
            a.pin_hash.as_deref()
        } else {
            None
        };
        // A card without a loaded PIN cannot be checked: not eligible yet.
        sqlx::query!(
            "INSERT INTO accounts (public_id, branch, kind, number, holder_kana, birth_date, phone,
                                   has_cash_card, pin_hash, status, moved_to, balance,
                                   available_balance, last_import, institution_id)
             VALUES ($14, $1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10, $11, $12, $15)
             ON CONFLICT (institution_id, branch, kind, number) DO UPDATE SET
                 source = 'embedded',
                 holder_kana = excluded.holder_kana,
                 birth_date = excluded.birth_date,
                 phone = excluded.phone,
                 pin_hash = CASE WHEN $13 THEN COALESCE(excluded.pin_hash, accounts.pin_hash) END,
                 has_cash_card = ($13 AND COALESCE(excluded.pin_hash, accounts.pin_hash) IS NOT NULL),
                 status = excluded.status,
                 moved_to = NULL,
                 balance = excluded.balance,
                 available_balance = excluded.available_balance,
                 last_import = excluded.last_import",
            a.branch.as_str(),
            kind as _,
            a.number.as_str(),
            a.holder_kana.as_str(),
            Day(a.birth_date) as _,
            a.phone.as_str(),
            pin_hash.is_some(),
            pin_hash,
            status as _,
            a.balance,
            a.available_balance,
            self.run,
            a.cash_card,
            super::accounts::new_public_id(),
            self.tx.institution,
        )
        .execute(self.tx.cx())
        .await?;
        Ok(())
    }

    /// 口座移管: points a moved account at its new one (same 科目). False
    /// when the new account is in neither the file nor the records.
    pub async fn link_move(&mut self, a: &AccountRecord) -> sqlx::Result<bool> {
        let (RecordKind::Linkable(kind), Some((to_branch, to_number))) = (a.kind, &a.moved_to)
        else {
            return Ok(true);
        };
        let done = sqlx::query!(
            "UPDATE accounts SET status = $1,
                 moved_to = (SELECT id FROM accounts WHERE branch = $2 AND kind = $3 AND number = $4
                                                     AND institution_id = $7)
             WHERE branch = $5 AND kind = $3 AND number = $6 AND institution_id = $7
               AND EXISTS (SELECT 1 FROM accounts WHERE branch = $2 AND kind = $3 AND number = $4
                                                    AND institution_id = $7)",
            AccountStatus::Moved as _,
            to_branch.as_str(),
            kind as _,
            to_number.as_str(),
            a.branch.as_str(),
            a.number.as_str(),
            self.tx.institution,
        )
        .execute(self.tx.cx())
        .await
        .map(|r| r.rows_affected())?;
        Ok(done == 1)
    }

    async fn account_id(&mut self, k: &AccountKey) -> sqlx::Result<Option<i64>> {
        if let Some((key, id)) = &self.last
            && key == k
        {
            return Ok(Some(*id));
        }
        let id = sqlx::query_scalar!(
            "SELECT id FROM accounts
             WHERE branch = $1 AND kind = $2 AND number = $3 AND institution_id = $4",
            k.branch.as_str(),
            k.kind as _,
            k.number.as_str(),
            self.tx.institution,
        )
        .fetch_optional(self.tx.cx())
        .await?;
        self.last = id.map(|id| (k.clone(), id));
        Ok(id)
    }

    /// One transaction, keyed by the core system's id: a re-import updates
    /// it, never duplicates it. False when the account is unknown.
    pub async fn upsert_transaction(&mut self, t: &TransactionRecord) -> sqlx::Result<bool> {
        let Some(account_id) = self.account_id(&t.account).await? else {
            return Ok(false);
        };
        sqlx::query!(
            "INSERT INTO transactions (account_id, txn_id, booked_on, description, amount_in,
                                       amount_out, balance_after, institution_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (account_id, txn_id) DO UPDATE SET
                 booked_on = excluded.booked_on,
                 description = excluded.description,
                 amount_in = excluded.amount_in,
                 amount_out = excluded.amount_out,
                 balance_after = excluded.balance_after",
            account_id,
            &t.txn_id,
            Day(t.booked_on) as _,
            &t.description,
            t.amount_in,
            t.amount_out,
            t.balance_after,
            self.tx.institution,
        )
        .execute(self.tx.cx())
        .await?;
        Ok(true)
    }

    /// One 定期預金, keyed by the core system's id. False when the account
    /// is unknown.
    pub async fn upsert_time_deposit(&mut self, d: &TimeDepositRecord) -> sqlx::Result<bool> {
        let Some(account_id) = self.account_id(&d.account).await? else {
            return Ok(false);
        };
        sqlx::query!(
            "INSERT INTO time_deposits (account_id, deposit_id, principal, rate_bp, start_on,
                                        maturity_on, last_import, institution_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (account_id, deposit_id) DO UPDATE SET
                 principal = excluded.principal,
                 rate_bp = excluded.rate_bp,
                 start_on = excluded.start_on,
                 maturity_on = excluded.maturity_on,
                 last_import = excluded.last_import",
            account_id,
            &d.deposit_id,
            d.principal,
            d.rate_bp,
            Day(d.start_on) as _,
            Day(d.maturity_on) as _,
            self.run,
            self.tx.institution,
        )
        .execute(self.tx.cx())
        .await?;
        Ok(true)
    }

    /// A full accounts file: every account it did not list is closed.
    /// Returns how many were closed.
    pub async fn close_unlisted_accounts(&mut self) -> sqlx::Result<i64> {
        let done = sqlx::query!(
            "UPDATE accounts SET status = $1, moved_to = NULL
             WHERE (last_import IS NULL OR last_import != $2) AND status != $1
               AND institution_id = $3",
            AccountStatus::Closed as _,
            self.run,
            self.tx.institution,
        )
        .execute(self.tx.cx())
        .await
        .map(|r| r.rows_affected())?;
        Ok(done as i64)
    }

    /// A full time-deposits file: the deposits it did not list are gone
    /// (matured or cancelled).
    pub async fn remove_unlisted_time_deposits(&mut self) -> sqlx::Result<()> {
        sqlx::query!(
            "DELETE FROM time_deposits
             WHERE (last_import IS NULL OR last_import != $1) AND institution_id = $2",
            self.run,
            self.tx.institution,
        )
        .execute(self.tx.cx())
        .await?;
        Ok(())
    }

    /// Ends every live linkage of an account that is no longer active
    /// (closed or moved by this run), each with its operation-log row.
    /// Returns how many linkages ended.
    pub async fn end_linkages_of_inactive_accounts(&mut self) -> sqlx::Result<i64> {
        let ended: Vec<(i64, String, AccountKind, String, Option<AccountStatus>)> = sqlx::query!(
            "SELECT c.id, a.branch, a.kind, a.number, a.status
             FROM consents c JOIN accounts a ON a.id = c.account_id
             WHERE c.revoked_at IS NULL AND a.status != $1 AND c.institution_id = $2",
            AccountStatus::Active as _,
            self.tx.institution,
        )
        .fetch_all(self.tx.cx())
        .await?
        .into_iter()
        .map(|r| (r.id, r.branch, r.kind, r.number, r.status))
        .collect();
        for (consent_id, branch, kind, number, status) in &ended {
            crate::queries::grants::revoke_in(
                &mut self.tx,
                *consent_id,
                RevokedBy::Staff,
                self.now,
            )
            .await?;
            let detail = format!(
                "{branch}-{}-{number}: {} in the core system's records",
                kind.code(),
                match status {
                    Some(AccountStatus::Moved) => "moved",
                    _ => "closed",
                }
            );
            let log = OpLog {
                detail: Some(&detail),
                ..OpLog::new(self.now, LogStep::RecordsImport, Outcome::LinkageEnded)
            };
            Storage::insert_log(&mut self.tx, &log).await?;
        }
        Ok(ended.len() as i64)
    }

    /// Drops transactions booked before `oldest` (the retention).
    pub async fn purge_transactions_before(&mut self, oldest: Day) -> sqlx::Result<i64> {
        let done = sqlx::query!(
            "DELETE FROM transactions WHERE booked_on < $1 AND institution_id = $2",
            oldest as _,
            self.tx.institution,
        )
        .execute(self.tx.cx())
        .await
        .map(|r| r.rows_affected())?;
        Ok(done as i64)
    }

    /// Records what the run did — in `record_imports` and, for the audit,
    /// the operation log — and makes it visible, all at once.
    pub async fn commit(mut self, mode: ImportMode, c: &ImportCounts) -> sqlx::Result<()> {
        let detail = c.to_string();
        let outcome = match mode {
            ImportMode::Full => Outcome::ImportedFull,
            ImportMode::Delta => Outcome::ImportedDelta,
        };
        let log = OpLog {
            detail: Some(&detail),
            ..OpLog::new(self.now, LogStep::RecordsImport, outcome)
        };
        Storage::insert_log(&mut self.tx, &log).await?;
        sqlx::query!(
            "UPDATE record_imports SET accounts = $1, not_linkable = $2, transactions = $3,
                 time_deposits = $4, closed = $5, purged = $6
             WHERE id = $7 AND institution_id = $8",
            c.accounts,
            c.not_linkable,
            c.transactions,
            c.time_deposits,
            c.closed,
            c.purged,
            self.run,
            self.tx.institution,
        )
        .execute(self.tx.cx())
        .await?;
        self.tx.commit().await
    }
}
