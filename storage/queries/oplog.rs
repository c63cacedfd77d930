//! The append-only operation log (a trigger refuses updates and deletes).

use crate::*;

impl Tenant {
    /// Writes one line on its own (an outcome that changes nothing else).
    pub async fn log_operation(&self, e: OpLog<'_>) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        Storage::insert_log(&mut tx, &e).await?;
        tx.commit().await
    }
}

impl Storage {
    /// Writes one line of the platform's own log (no union's).
    pub async fn log_platform(&self, e: OpLog<'_>) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        Storage::insert_log(&mut tx, &e).await?;
        tx.commit().await
    }

    /// Writes one line inside the transaction of the change it records, as
    /// the line of the transaction's institution (the platform's: none).
    pub(crate) async fn insert_log(tx: &mut Tx, e: &OpLog<'_>) -> sqlx::Result<()> {
        sqlx::query!(
            "INSERT INTO operation_log (at, flow_id, client_id, step, outcome, client_ip,
                                        user_agent, kana_name, detail, staff, account_id,
                                        institution_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            e.at,
            e.flow_id,
            e.client_id,
            e.step as _,
            e.outcome as _,
            e.client_ip,
            e.user_agent,
            e.kana_name,
            e.detail,
            e.staff,
            e.account_id,
            tx.institution,
        )
        .execute(tx.cx())
        .await?;
        Ok(())
    }

    /// The whole log, every union's, oldest first (the tests read it).
    pub async fn operation_log(&self) -> sqlx::Result<Vec<OpLogRow>> {
        sqlx::query_as!(
            OpLogRow,
            "SELECT at, flow_id, client_id, step AS \"step: _\", outcome AS \"outcome: _\", client_ip, user_agent, kana_name, detail,
                    staff
             FROM operation_log ORDER BY id",
        )
        .fetch_all(self.read())
        .await
    }
}

impl Tenant {
    /// Newest first, older than `before` (an id), at most `limit`.
    pub async fn audit(
        &self,
        f: &AuditFilter<'_>,
        before: Option<i64>,
        limit: i64,
    ) -> sqlx::Result<Vec<AuditRow>> {
        sqlx::query_as!(
            AuditRow,
            "SELECT l.id, l.at, l.flow_id, c.display_name AS \"app?\", l.step AS \"step: _\",
                    l.outcome AS \"outcome: _\", l.staff,
                    l.detail
             FROM operation_log l LEFT JOIN clients c ON c.client_id = l.client_id
             WHERE (l.at >= $1 OR $1 IS NULL) AND (l.at < $2 OR $2 IS NULL)
               AND (l.step = $3 OR $3 IS NULL) AND (l.outcome = $4 OR $4 IS NULL)
               AND (l.client_id = $5 OR $5 IS NULL) AND (l.staff = $6 OR $6 IS NULL)
               AND (l.id < $7 OR $7 IS NULL) AND l.institution_id = $9
             ORDER BY l.id DESC LIMIT $8",
            f.from,
            f.to,
            f.step as _,
            f.outcome as _,
            f.client_id,
            f.staff,
            before,
            limit,
            self.institution,
        )
        .fetch_all(&mut *self.read().await?)
        .await
    }

    /// Distinct flows and lines per (step, outcome) in [from, to).
    pub async fn step_outcomes(
        &self,
        from: i64,
        to: i64,
        client_id: Option<&str>,
    ) -> sqlx::Result<Vec<StepOutcomeCount>> {
        sqlx::query_as!(
            StepOutcomeCount,
            "SELECT step AS \"step: _\", outcome AS \"outcome: _\", COUNT(DISTINCT flow_id) AS \"flows!\", COUNT(*) AS \"lines!\"
             FROM operation_log
             WHERE at >= $1 AND at < $2 AND (client_id = $3 OR $3 IS NULL)
               AND institution_id = $4
             GROUP BY step, outcome",
            from,
            to,
            client_id,
            self.institution,
        )
        .fetch_all(&mut *self.read().await?)
        .await
    }

    /// Lines per JST day, hour, step and outcome in [from, to).
    pub async fn timed_outcomes(
        &self,
        from: i64,
        to: i64,
        client_id: Option<&str>,
    ) -> sqlx::Result<Vec<TimedCount>> {
        sqlx::query_as!(
            TimedCount,
            "SELECT (at + 32400) / 86400 AS \"jst_day!: i64\",
                    ((at + 32400) / 3600) % 24 AS \"jst_hour!: i64\",
                    step AS \"step: _\", outcome AS \"outcome: _\", COUNT(*) AS \"lines!\"
             FROM operation_log
             WHERE at >= $1 AND at < $2 AND (client_id = $3 OR $3 IS NULL)
               AND institution_id = $4
             GROUP BY 1, 2, step, outcome",
            from,
            to,
            client_id,
            self.institution,
        )
        .fetch_all(&mut *self.read().await?)
        .await
    }

    /// Consents granted and consents ended in [from, to).
    pub async fn consent_counts(
        &self,
        from: i64,
        to: i64,
        client_id: Option<&str>,
    ) -> sqlx::Result<(i64, i64)> {
        let r = sqlx::query!(
            "SELECT COUNT(CASE WHEN granted_at >= $1 AND granted_at < $2 THEN 1 END) AS \"granted!: i64\",
                    COUNT(CASE WHEN revoked_at >= $1 AND revoked_at < $2 THEN 1 END) AS \"ended!: i64\"
             FROM consents WHERE (client_id = $3 OR $3 IS NULL) AND institution_id = $4",
            from,
            to,
            client_id,
            self.institution,
        )
        .fetch_one(&mut *self.read().await?)
        .await?;
        Ok((r.granted, r.ended))
    }
}
