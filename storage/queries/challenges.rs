//! The phone callback: SOA209's challenges and the calls the carrier
//! reported.

use crate::*;

/// Voids every challenge of a flow (open or released): the flow restarted,
/// ended, or is opening a newer one.
pub(crate) async fn void_flow_challenges(tx: &mut Tx, flow_id: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE phone_challenges SET state = 'void'
             WHERE flow_id = $1 AND state IN ('open', 'released') AND institution_id = $2",
        flow_id,
        tx.institution,
    )
    .execute(tx.cx())
    .await?;
    Ok(())
}

impl Tenant {
    /// The flow's current challenge, if any (a released one included: its
    /// flow sees it as expired, never as a fresh window).
    pub async fn current_challenge(&self, flow_id: &str) -> sqlx::Result<Option<ChallengeRow>> {
        sqlx::query_as!(
            ChallengeRow,
            "SELECT id, expected_caller, called_number, deadline, verified_at FROM phone_challenges
             WHERE flow_id = $1 AND state IN ('open', 'released') AND institution_id = $2
             ORDER BY id DESC LIMIT 1",
            flow_id,
            self.institution,
        )
        .fetch_optional(&mut *self.read().await?)
        .await
    }

    /// Opens a challenge for `expected_caller` on the first number of
    /// `pool` that is free for this flow, and logs it, in one transaction.
    /// A number is free when no *other* flow of this phone holds its
    /// (caller, number) pair: a pair stays bound to the flow it was given to
    /// until `bound_until` (the window's end plus the quiet period), whether
    /// that flow was verified, cancelled or abandoned meanwhile, so a redial
    /// or a late call can only ever reach the flow that showed the number.
    /// The binding is taken by one conditional upsert on the pair's row, so
    /// two instances racing for it cannot both win. Any earlier challenge of
    /// the same flow is void. `None` when every number is bound elsewhere.
    /// A pair is the platform's, not one union's: unions may share a
    /// toll-free number, and the binding still names the one flow a call
    /// from that phone to that number can reach.
    pub async fn create_challenge(
        &self,
        expected_caller: &str,
        pool: &[String],
        deadline: i64,
        bound_until: i64,
        log: OpLog<'_>,
    ) -> sqlx::Result<Option<ChallengeRow>> {
        let now = log.at;
        let flow_id = log.flow_id.unwrap_or_default();
        let mut tx = self.begin().await?;
        // This reads and voids the open challenges of the phone's other
        // flows: two flows of one phone opening SOA209 at once take turns.
        tx.serialize_on("phone", expected_caller).await?;
        void_flow_challenges(&mut tx, flow_id).await?;
        // Open challenges of this phone whose window has passed hold the
        // unique index of open pairs no longer (their binding still holds),
        // at whichever union they were opened.
        sqlx::query!(
            "UPDATE phone_challenges SET state = 'released'
             WHERE expected_caller = $1 AND deadline <= $2 AND state = 'open'
               AND verified_at IS NULL",
            expected_caller,
            now,
        )
        .execute(tx.cx())
        .await?;
        // The numbers other flows of this phone hold now; the first of the
        // pool that is not among them is taken by a conditional upsert,
        // which also settles a race with another instance (the loser tries
        // the next number; at most the pool's size, a handful).
        let held: Vec<String> = sqlx::query_scalar!(
            "SELECT called_number FROM callback_bindings
             WHERE expected_caller = $1 AND bound_until > $2 AND flow_id <> $3",
            expected_caller,
            now,
            flow_id,
        )
        .fetch_all(tx.cx())
        .await?;
        let mut bound = None;
        for number in pool.iter().filter(|n| !held.contains(n)) {
            let taken: Option<String> = sqlx::query_scalar!(
            "INSERT INTO callback_bindings (expected_caller, called_number, flow_id, bound_until,
                                            institution_id)
                 VALUES ($1, $2, $3, $4, $6)
                 ON CONFLICT (expected_caller, called_number) DO UPDATE
                    SET flow_id = excluded.flow_id, bound_until = excluded.bound_until,
                        institution_id = excluded.institution_id
                    WHERE callback_bindings.bound_until <= $5
                       OR (callback_bindings.flow_id = excluded.flow_id
                           AND callback_bindings.institution_id = excluded.institution_id)
                 RETURNING called_number",
            expected_caller,
            number,
            flow_id,
            bound_until,
            now,
            self.institution,
        )
            .fetch_optional(tx.cx())
            .await?;
            if taken.is_some() {
                bound = Some(number);
                break;
            }
        }
        let Some(number) = bound else {
            return Ok(None);
        };
        let row = sqlx::query_as!(
            ChallengeRow,
            "INSERT INTO phone_challenges (flow_id, expected_caller, called_number, created_at,
                                           deadline, institution_id)
             VALUES ($1, $2, $3, $4, $5, $6)
             RETURNING id AS \"id!\", expected_caller, called_number, deadline, verified_at",
            flow_id,
            expected_caller,
            number,
            now,
            deadline,
            self.institution,
        )
        .fetch_one(tx.cx())
        .await?;
        Storage::insert_log(&mut tx, &log).await?;
        tx.commit().await?;
        Ok(Some(row))
    }
}

impl Storage {
    /// Forgets bindings whose quiet period is over.
    pub(crate) async fn purge_bindings(tx: &mut Tx, now: i64) -> sqlx::Result<()> {
        sqlx::query!("DELETE FROM callback_bindings WHERE bound_until <= $1", now,)
            .execute(tx.cx())
            .await?;
        Ok(())
    }

    /// Records an inbound call once and, for a new call from a shown number,
    /// verifies the one open challenge it matches, and logs the outcome —
    /// in one transaction. `None` for a replayed `call_id` (nothing happens
    /// twice), otherwise what the call did. The platform's: the call is
    /// the union's whose flow its pair is bound to (its log line too), and
    /// no union's when it reached no flow.
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
        let inserted = sqlx::query!(
            "INSERT INTO inbound_calls (call_id, caller_mask, called, received_at, outcome,
                                        institution_id)
             VALUES ($1, $2, $3, $4, $5, NULL) ON CONFLICT (call_id) DO NOTHING",
            call.call_id,
            call.caller_mask,
            call.called,
            call.now,
            provisional as _,
        )
        .execute(tx.cx())
        .await
        .map(|r| r.rows_affected())?;
        if inserted == 0 {
            return Ok(None);
        }
        let outcome = match call.caller {
            None => provisional,
            Some(caller) => Self::answer_call(&mut tx, &call, caller).await?,
        };
        if outcome != provisional || tx.institution.is_some() {
            sqlx::query!(
                "UPDATE inbound_calls SET outcome = $1, institution_id = $2 WHERE call_id = $3",
                outcome as _,
                tx.institution,
                call.call_id,
            )
            .execute(tx.cx())
            .await?;
        }
        let log = OpLog {
            outcome: outcome.into(),
            ..log
        };
        Self::insert_log(&mut tx, &log).await?;
        tx.commit().await?;
        Ok(Some(outcome))
    }

    /// What a call from a shown number does. The pair's binding names the
    /// one flow it can reach: the call verifies that flow's open challenge
    /// inside its window, and otherwise is answered for that flow (already
    /// verified, or too late) and verifies nothing at all. The transaction
    /// becomes that flow's union's.
    async fn answer_call(
        tx: &mut Tx,
        call: &InboundCall<'_>,
        caller: &str,
    ) -> sqlx::Result<CallOutcome> {
        let bound = sqlx::query!(
            "SELECT flow_id, institution_id FROM callback_bindings
             WHERE expected_caller = $1 AND called_number = $2 AND bound_until > $3",
            caller,
            call.called,
            call.now,
        )
        .fetch_optional(tx.cx())
        .await?;
        let Some(bound) = bound else {
            return Ok(CallOutcome::NoMatchingChallenge);
        };
        let flow_id = bound.flow_id;
        tx.institution = Some(bound.institution_id);
        let verified = sqlx::query!(
            "UPDATE phone_challenges SET verified_at = $1, call_id = $2
             WHERE flow_id = $3 AND expected_caller = $4 AND called_number = $5
               AND deadline > $1 AND verified_at IS NULL AND state = 'open'
               AND institution_id = $6",
            call.now,
            call.call_id,
            &flow_id,
            caller,
            call.called,
            bound.institution_id,
        )
        .execute(tx.cx())
        .await
        .map(|r| r.rows_affected())?
            == 1;
        if verified {
            return Ok(CallOutcome::Verified);
        }
        let already: Option<i64> = sqlx::query_scalar!(
            "SELECT id FROM phone_challenges
             WHERE flow_id = $1 AND expected_caller = $2 AND called_number = $3
               AND verified_at IS NOT NULL AND institution_id = $4
             LIMIT 1",
            &flow_id,
            caller,
            call.called,
            bound.institution_id,
        )
        .fetch_optional(tx.cx())
        .await?;
        Ok(if already.is_some() {
            CallOutcome::AlreadyVerified
        } else {
            CallOutcome::TooLate
        })
    }
}
