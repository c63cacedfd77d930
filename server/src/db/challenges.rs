//! The phone callback: SOA209's challenges and the calls the carrier
//! reported.

use super::{CallOutcome, OpLog, Storage, Tx};
use sqlx::FromRow;

/// A phone challenge as the flow sees it.
#[derive(Debug, Clone, FromRow)]
pub struct ChallengeRow {
    pub id: i64,
    /// The registered phone the call must come from (domestic digits).
    pub expected_caller: String,
    /// The toll-free number SOA209 shows for this challenge.
    pub called_number: String,
    pub deadline: i64,
    pub verified_at: Option<i64>,
}

/// An inbound call as the carrier reported it.
#[derive(Debug, Clone, Copy)]
pub struct InboundCall<'a> {
    pub call_id: &'a str,
    /// Domestic digits of the caller, or `None` when withheld (非通知).
    pub caller: Option<&'a str>,
    pub caller_mask: &'a str,
    pub called: &'a str,
    pub now: i64,
}

/// Voids every challenge of a flow (open or released): the flow restarted,
/// ended, or is opening a newer one.
pub(super) async fn void_flow_challenges(tx: &mut Tx, flow_id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE phone_challenges SET void = 1 WHERE flow_id = $1 AND void IN (0, 2)")
        .bind(flow_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Storage {
    /// The flow's current challenge, if any (a released one included: its
    /// flow sees it as expired, never as a fresh window).
    pub async fn current_challenge(&self, flow_id: &str) -> sqlx::Result<Option<ChallengeRow>> {
        sqlx::query_as(
            "SELECT id, expected_caller, called_number, deadline, verified_at FROM phone_challenges
             WHERE flow_id = $1 AND void IN (0, 2) ORDER BY id DESC LIMIT 1",
        )
        .bind(flow_id)
        .fetch_optional(&self.pool)
        .await
    }

    /// Opens a challenge for `expected_caller` on the first number of
    /// `pool` that no other open challenge for that caller holds, and logs
    /// it, in one transaction. The caller's challenges whose window has
    /// passed are released first (an abandoned SOA209 holds a number for at
    /// most its window), and any earlier challenge of the same flow is void. `None` when every
    /// number is taken; a unique index on open (caller, number) pairs keeps
    /// that true even when two instances race.
    pub async fn create_challenge(
        &self,
        expected_caller: &str,
        pool: &[String],
        deadline: i64,
        log: OpLog<'_>,
    ) -> sqlx::Result<Option<ChallengeRow>> {
        let now = log.at;
        let mut tx = self.begin().await?;
        if let Some(flow_id) = log.flow_id {
            void_flow_challenges(&mut tx, flow_id).await?;
        }
        sqlx::query(
            "UPDATE phone_challenges SET void = 2
             WHERE expected_caller = $1 AND deadline <= $2 AND void = 0 AND verified_at IS NULL",
        )
        .bind(expected_caller)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let taken: Vec<String> = sqlx::query_scalar(
            "SELECT called_number FROM phone_challenges
             WHERE expected_caller = $1 AND void = 0 AND verified_at IS NULL",
        )
        .bind(expected_caller)
        .fetch_all(&mut *tx)
        .await?;
        let Some(number) = pool.iter().find(|n| !taken.contains(n)) else {
            return Ok(None);
        };
        let inserted = sqlx::query_as(
            "INSERT INTO phone_challenges (flow_id, expected_caller, called_number, created_at,
                                           deadline)
             VALUES ($1, $2, $3, $4, $5)
             RETURNING id, expected_caller, called_number, deadline, verified_at",
        )
        .bind(log.flow_id)
        .bind(expected_caller)
        .bind(number)
        .bind(now)
        .bind(deadline)
        .fetch_one(&mut *tx)
        .await;
        let row = match inserted {
            Ok(row) => row,
            // Another instance took the pair between our read and write.
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Ok(None),
            Err(e) => return Err(e),
        };
        Self::insert_log(&mut tx, &log).await?;
        tx.commit().await?;
        Ok(Some(row))
    }

    /// Records an inbound call once and, for a new call from a shown number,
    /// verifies the one open challenge it matches, and logs the outcome —
    /// in one transaction. `None` for a replayed `call_id` (nothing happens
    /// twice), otherwise what the call did.
    pub async fn record_inbound_call(
        &self,
        call: InboundCall<'_>,
        log: OpLog<'_>,
    ) -> sqlx::Result<Option<CallOutcome>> {
        let mut tx = self.begin().await?;
        let provisional = match call.caller {
            None => CallOutcome::Withheld,
            Some(_) => CallOutcome::NoMatchingChallenge,
        };
        let inserted = sqlx::query(
            "INSERT INTO inbound_calls (call_id, caller_mask, called, received_at, outcome)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (call_id) DO NOTHING",
        )
        .bind(call.call_id)
        .bind(call.caller_mask)
        .bind(call.called)
        .bind(call.now)
        .bind(provisional)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Ok(None);
        }
        let verified = match call.caller {
            None => false,
            Some(caller) => {
                sqlx::query(
                    // At most one open challenge holds a (caller, number)
                    // pair (a unique index): the call verifies that one, and
                    // only inside its window.
                    "UPDATE phone_challenges SET verified_at = $1, call_id = $2
                     WHERE expected_caller = $3 AND called_number = $4
                       AND deadline > $5 AND verified_at IS NULL AND void = 0",
                )
                .bind(call.now)
                .bind(call.call_id)
                .bind(caller)
                .bind(call.called)
                .bind(call.now)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    == 1
            }
        };
        let outcome = if verified {
            sqlx::query("UPDATE inbound_calls SET outcome = $1 WHERE call_id = $2")
                .bind(CallOutcome::Verified)
                .bind(call.call_id)
                .execute(&mut *tx)
                .await?;
            CallOutcome::Verified
        } else {
            provisional
        };
        let log = OpLog {
            outcome: outcome.code(),
            ..log
        };
        Self::insert_log(&mut tx, &log).await?;
        tx.commit().await?;
        Ok(Some(outcome))
    }
}
