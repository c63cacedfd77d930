//! The mail outbox: mails queued in the transaction that caused them,
//! claimed with a lease by the delivery worker.

use crate::*;

pub(crate) async fn enqueue_mail(tx: &mut Tx, mail: MailToSend<'_>, now: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO mail_outbox (to_addr, subject, body, created_at, next_attempt_at,
                                  institution_id)
         VALUES ($1, $2, $3, $4, $4, $5)",
        mail.to,
        mail.subject,
        mail.body,
        now,
        tx.institution,
    )
    .execute(tx.cx())
    .await?;
    Ok(())
}

/// One worker sends every union's mail (each from its own sender).
impl Storage {
    /// Claims up to `limit` due mails for `lease_secs`, so two instances
    /// never send the same mail at once. The lease is tested again outside
    /// the subquery: on PostgreSQL an instance that waited for another's
    /// claim of a row re-checks only the outer conditions on the row's new
    /// version, and must find it leased.
    pub async fn claim_mail(
        &self,
        now: i64,
        lease_secs: i64,
        limit: i64,
    ) -> sqlx::Result<Vec<MailRow>> {
        sqlx::query_as!(
            MailRow,
            "UPDATE mail_outbox SET locked_until = $1
             WHERE id IN (SELECT id FROM mail_outbox
                          WHERE sent_at IS NULL AND dropped_at IS NULL
                            AND next_attempt_at <= $2 AND locked_until <= $2
                          ORDER BY id LIMIT $3)
               AND sent_at IS NULL AND dropped_at IS NULL AND locked_until <= $2
             RETURNING id, institution_id, created_at, to_addr, subject, body, attempts",
            now + lease_secs,
            now,
            limit,
        )
        .fetch_all(self.write())
        .await
    }

    /// Sent: the address is erased (FAQ Q5), the rest kept as a record.
    /// Mails neither sent nor given up: the outbox's depth.
    pub async fn mail_pending(&self) -> sqlx::Result<i64> {
        sqlx::query_scalar!(
            "SELECT COUNT(*) AS \"n!\" FROM mail_outbox WHERE sent_at IS NULL AND dropped_at IS NULL",
        )
        .fetch_one(self.read())
        .await
    }

    pub async fn mail_sent(&self, id: i64, now: i64) -> sqlx::Result<()> {
        sqlx::query!(
            "UPDATE mail_outbox SET sent_at = $1, to_addr = '', last_error = NULL WHERE id = $2",
            now,
            id,
        )
        .execute(self.write())
        .await?;
        Ok(())
    }

    /// Given up after failing for too long: the address is erased and
    /// the operation log (the mail's union's) says so, in one transaction.
    pub async fn mail_dropped(&self, id: i64, error: &str, log: OpLog<'_>) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        tx.institution = sqlx::query_scalar!(
            "UPDATE mail_outbox SET dropped_at = $1, to_addr = '', last_error = $2, locked_until = 0
             WHERE id = $3 RETURNING institution_id",
            log.at,
            error,
            id,
        )
        .fetch_optional(tx.cx())
        .await?;
        Self::insert_log(&mut tx, &log).await?;
        tx.commit().await
    }

    pub async fn mail_failed(&self, id: i64, error: &str, retry_at: i64) -> sqlx::Result<()> {
        sqlx::query!(
            "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2,
                                    locked_until = 0
             WHERE id = $3",
            error,
            retry_at,
            id,
        )
        .execute(self.write())
        .await?;
        Ok(())
    }
}
