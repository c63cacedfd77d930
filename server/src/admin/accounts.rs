//! Staff actions on a customer's account: lift today's lock, end every
//! linkage, 口座移管.

use super::{AccountRef, Context, reason};
use crate::clock::jst_date;
use crate::db::{LockKey, Outcome};

impl Context {
    /// Lifts today's API-linkage lock on an account before 0:00 JST.
    /// Returns whether a lock (or any counted failure) was there to lift;
    /// logged either way.
    pub async fn lift_lock(&self, a: &AccountRef, why: &str) -> anyhow::Result<bool> {
        let why = reason(why)?;
        let account = self.account(a).await?;
        let day = jst_date(self.now).to_string();
        let detail = format!("account {a}; reason: {why}");
        let key = LockKey {
            account_id: account.id,
            jst_day: &day,
        };
        Ok(self
            .tenant
            .lift_lock(key, self.log(Outcome::LockLifted, &detail))
            .await?)
    }

    /// Ends every API linkage of an account at once (all its tokens stop
    /// working); returns how many consents ended.
    pub async fn revoke_consents(&self, a: &AccountRef, why: &str) -> anyhow::Result<u64> {
        self.end_linkages(a, None, why).await
    }

    /// Ends one linkage of an account (`only`) or all of them; returns how
    /// many consents ended (0 when `only` is not a live one of this
    /// account).
    pub async fn end_linkages(
        &self,
        a: &AccountRef,
        only: Option<i64>,
        why: &str,
    ) -> anyhow::Result<u64> {
        let why = reason(why)?;
        let account = self.account(a).await?;
        let which = match only {
            Some(id) => format!("consent {id}"),
            None => "every consent".to_owned(),
        };
        let detail =
            |count: u64| format!("account {a}, {which}: {count} consent(s) ended; reason: {why}");
        Ok(self
            .tenant
            .revoke_account_consents(
                account.id,
                only,
                self.log(Outcome::ConsentsRevoked, ""),
                detail,
            )
            .await?)
    }

    /// 口座移管: the old account is marked moved to the new one; every grant
    /// on the old account stops working at once (the API answers
    /// `account_moved`).
    pub async fn move_account(
        &self,
        from: &AccountRef,
        to: &AccountRef,
        why: &str,
    ) -> anyhow::Result<()> {
        let why = reason(why)?;
        let old = self.account(from).await?;
        let new = self.account(to).await?;
        anyhow::ensure!(old.id != new.id, "the accounts are the same");
        let detail = format!("{from} -> {to}; reason: {why}");
        self.tenant
            .mark_moved(
                old.id,
                new.id,
                Some(self.log(Outcome::AccountMoved, &detail)),
            )
            .await?;
        Ok(())
    }
}
