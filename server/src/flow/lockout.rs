//! The daily lockout shared by the identity step and the PIN step (FAQ 2
//! Q1/Q2): failures per account per JST day; the attempt that reaches the
//! threshold gets `locked`, every later one that day `locked_b84`.

use crate::clock::jst_date;
use crate::db::{LockKey, OpLog};
use crate::tenancy::Union;
use renkei_shared::ErrorCode;
use std::cmp::Ordering;

/// One guarded attempt on one account, on the bank's calendar day of `now`.
pub struct Guard<'a> {
    app: &'a Union,
    account_id: i64,
    day: String,
}

impl<'a> Guard<'a> {
    pub fn new(app: &'a Union, account_id: i64) -> Self {
        Guard {
            app,
            account_id,
            day: jst_date(app.clock.now()).to_string(),
        }
    }

    pub fn key(&self) -> LockKey<'_> {
        LockKey {
            account_id: self.account_id,
            jst_day: &self.day,
        }
    }

    /// `Err(LockedB84)` if the account is locked today.
    pub async fn check(&self) -> anyhow::Result<Result<(), ErrorCode>> {
        let failures = self.app.tenant.failures(self.key()).await?;
        Ok(if failures >= self.app.lockout_threshold() {
            Err(ErrorCode::LockedB84)
        } else {
            Ok(())
        })
    }

    /// Counts a failed attempt and logs it (`log` with the outcome filled
    /// in) in one transaction; returns the code the customer gets.
    pub async fn fail(&self, log: OpLog<'_>) -> anyhow::Result<ErrorCode> {
        let threshold = self.app.lockout_threshold();
        let step = log.step;
        // `None`: already locked when this attempt came to be counted (it
        // raced the one that locked), so it counted nothing.
        let verdict = move |count: Option<i64>| match count.map(|n| n.cmp(&threshold)) {
            Some(Ordering::Less) => ErrorCode::IdentityMismatch,
            Some(Ordering::Equal) => ErrorCode::Locked,
            Some(Ordering::Greater) | None => ErrorCode::LockedB84,
        };
        let count = self
            .app
            .tenant
            .record_failure(self.key(), threshold, log, move |n| verdict(n).into())
            .await?;
        let code = verdict(count);
        crate::telemetry::flow_outcome(step, code.into());
        Ok(code)
    }
}
