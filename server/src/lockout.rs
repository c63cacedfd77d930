//! The daily lockout shared by the identity step and the PIN step (FAQ 2
//! Q1/Q2): failures per account per JST day; the attempt that reaches the
//! threshold gets `locked`, every later one that day `locked_b84`.

use crate::clock::jst_date;
use crate::state::AppState;
use crate::storage::LockKey;
use renkei_shared::ErrorCode;
use renkei_shared::api::Step;
use std::cmp::Ordering;

/// One guarded attempt on one account, on the bank's calendar day of `now`.
pub struct Guard<'a> {
    app: &'a AppState,
    account_id: i64,
    day: String,
}

impl<'a> Guard<'a> {
    pub fn new(app: &'a AppState, account_id: i64) -> Self {
        Guard {
            app,
            account_id,
            day: jst_date(app.clock.now()).to_string(),
        }
    }

    fn key(&self) -> LockKey<'_> {
        LockKey {
            account_id: self.account_id,
            jst_day: &self.day,
        }
    }

    /// `Err(LockedB84)` if the account is locked today.
    pub async fn check(&self) -> anyhow::Result<Result<(), ErrorCode>> {
        let failures = self.app.storage.failures(self.key()).await?;
        Ok(if failures >= self.app.config.lockout_threshold {
            Err(ErrorCode::LockedB84)
        } else {
            Ok(())
        })
    }

    /// Counts a failed attempt; returns the code the customer gets.
    pub async fn fail(&self) -> anyhow::Result<ErrorCode> {
        let count = self.app.storage.record_failure(self.key()).await?;
        Ok(match count.cmp(&self.app.config.lockout_threshold) {
            Ordering::Less => ErrorCode::IdentityMismatch,
            Ordering::Equal => ErrorCode::Locked,
            Ordering::Greater => ErrorCode::LockedB84,
        })
    }

    /// Takes the step `from` → `to` unless the account got locked meanwhile
    /// (one statement); otherwise says why not.
    pub async fn pass(
        &self,
        flow_id: &str,
        from: Step,
        to: Step,
        email: Option<&str>,
        now: i64,
    ) -> anyhow::Result<Result<(), ErrorCode>> {
        let threshold = self.app.config.lockout_threshold;
        let moved = self
            .app
            .storage
            .advance_unless_locked(flow_id, from, to, email, self.key(), threshold, now)
            .await?;
        if moved {
            return Ok(Ok(()));
        }
        // Locked by a concurrent attempt, or the flow moved on in another tab.
        Ok(match self.check().await? {
            Err(code) => Err(code),
            Ok(()) => Err(ErrorCode::FlowOutOfOrder),
        })
    }
}
