//! The daily lockout's counts: failed identity/PIN attempts per account per
//! JST calendar day.

use crate::*;

impl Tenant {
    /// Failures counted so far for this account today.
    pub async fn failures(&self, lock: LockKey<'_>) -> sqlx::Result<i64> {
        let n: Option<i64> = sqlx::query_scalar!(
            "SELECT failures FROM auth_failures
             WHERE account_id = $1 AND jst_day = $2 AND institution_id = $3",
            lock.account_id,
            lock.jst_day,
            self.institution,
        )
        .fetch_optional(&mut *self.read().await?)
        .await?;
        Ok(n.unwrap_or(0))
    }

    /// Counts one more failure, atomically (20 concurrent failures count
    /// exactly 20), but never past `threshold`: an attempt that finds the
    /// account already locked — however many instances raced to it — is
    /// `None` and counts nothing. Writes its operation-log row in the same
    /// transaction with the outcome `outcome(new count)`.
    pub async fn record_failure(
        &self,
        lock: LockKey<'_>,
        threshold: i64,
        log: OpLog<'_>,
        outcome: impl FnOnce(Option<i64>) -> Outcome,
    ) -> sqlx::Result<Option<i64>> {
        let mut tx = self.begin().await?;
        let count: Option<i64> = sqlx::query_scalar!(
            "INSERT INTO auth_failures (account_id, jst_day, failures, institution_id)
             SELECT $1, $2, 1, $4 WHERE EXISTS
                 (SELECT 1 FROM accounts WHERE id = $1 AND institution_id = $4)
             ON CONFLICT (account_id, jst_day) DO UPDATE SET failures = auth_failures.failures + 1
                 WHERE auth_failures.failures < $3
             RETURNING failures",
            lock.account_id,
            lock.jst_day,
            threshold,
            self.institution,
        )
        .fetch_optional(tx.cx())
        .await?;
        let log = OpLog {
            outcome: outcome(count),
            ..log
        };
        Storage::insert_log(&mut tx, &log).await?;
        tx.commit().await?;
        Ok(count)
    }

    /// Staff lift today's lock early; `false` if there was nothing to lift.
    pub async fn lift_lock(&self, lock: LockKey<'_>, log: OpLog<'_>) -> sqlx::Result<bool> {
        let mut tx = self.begin().await?;
        let done = sqlx::query!(
            "DELETE FROM auth_failures
             WHERE account_id = $1 AND jst_day = $2 AND institution_id = $3",
            lock.account_id,
            lock.jst_day,
            self.institution,
        )
        .execute(tx.cx())
        .await
        .map(|r| r.rows_affected())?;
        let lifted = done > 0;
        let log = OpLog {
            outcome: if lifted {
                Outcome::LockLifted
            } else {
                Outcome::LockLiftNothing
            },
            ..log
        };
        Storage::insert_log(&mut tx, &log).await?;
        tx.commit().await?;
        Ok(lifted)
    }
}
