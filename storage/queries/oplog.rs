//! The append-only operation log (a trigger refuses updates and deletes).

use crate::*;


impl Storage {
    /// Writes one line on its own (an outcome that changes nothing else).
    pub async fn log_operation(&self, e: OpLog<'_>) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        Self::insert_log(&mut tx, &e).await?;
        tx.commit().await
    }

    /// Writes one line inside the transaction of the change it records.
    pub(crate) async fn insert_log(tx: &mut Tx, e: &OpLog<'_>) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO operation_log (at, flow_id, client_id, step, outcome, client_ip,
                                        user_agent, kana_name, detail, staff, account_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(e.at)
        .bind(e.flow_id)
        .bind(e.client_id)
        .bind(e.step)
        .bind(e.outcome)
        .bind(e.client_ip)
        .bind(e.user_agent)
        .bind(e.kana_name)
        .bind(e.detail)
        .bind(e.staff)
        .bind(e.account_id)
        .execute(tx.cx())
        .await.map(|r| r.rows_affected())?;
        Ok(())
    }

    /// The whole log, oldest first (staff tools read it).
    pub async fn operation_log(&self) -> sqlx::Result<Vec<OpLogRow>> {
        sqlx::query_as(
            "SELECT at, flow_id, client_id, step, outcome, client_ip, user_agent, kana_name, detail,
                    staff
             FROM operation_log ORDER BY id",
        )
        .fetch_all(self.read())
        .await
    }
}

impl Storage {
    /// Newest first, older than `before` (an id), at most `limit`.
    pub async fn audit(
        &self,
        f: &AuditFilter<'_>,
        before: Option<i64>,
        limit: i64,
    ) -> sqlx::Result<Vec<AuditRow>> {
        sqlx::query_as(
            "SELECT l.id, l.at, l.flow_id, c.display_name AS app, l.step, l.outcome, l.staff,
                    l.detail
             FROM operation_log l LEFT JOIN clients c ON c.client_id = l.client_id
             WHERE ($1 IS NULL OR l.at >= $2) AND ($3 IS NULL OR l.at < $4)
               AND ($5 IS NULL OR l.step = $6) AND ($7 IS NULL OR l.outcome = $8)
               AND ($9 IS NULL OR l.client_id = $10) AND ($11 IS NULL OR l.staff = $12)
               AND ($13 IS NULL OR l.id < $14)
             ORDER BY l.id DESC LIMIT $15",
        )
        .bind(f.from)
        .bind(f.from)
        .bind(f.to)
        .bind(f.to)
        .bind(f.step)
        .bind(f.step)
        .bind(f.outcome)
        .bind(f.outcome)
        .bind(f.client_id)
        .bind(f.client_id)
        .bind(f.staff)
        .bind(f.staff)
        .bind(before)
        .bind(before)
        .bind(limit)
        .fetch_all(self.read())
        .await
    }

    /// Distinct flows and lines per (step, outcome) in [from, to).
    pub async fn step_outcomes(
        &self,
        from: i64,
        to: i64,
        client_id: Option<&str>,
    ) -> sqlx::Result<Vec<StepOutcomeCount>> {
        sqlx::query_as(
            "SELECT step, outcome, COUNT(DISTINCT flow_id) AS flows, COUNT(*) AS lines
             FROM operation_log
             WHERE at >= $1 AND at < $2 AND ($3 IS NULL OR client_id = $4)
             GROUP BY step, outcome",
        )
        .bind(from)
        .bind(to)
        .bind(client_id)
        .bind(client_id)
        .fetch_all(self.read())
        .await
    }

    /// Lines per JST day, hour, step and outcome in [from, to).
    pub async fn timed_outcomes(
        &self,
        from: i64,
        to: i64,
        client_id: Option<&str>,
    ) -> sqlx::Result<Vec<TimedCount>> {
        sqlx::query_as(
            "SELECT (at + 32400) / 86400 AS jst_day, ((at + 32400) / 3600) % 24 AS jst_hour,
                    step, outcome, COUNT(*) AS lines
             FROM operation_log
             WHERE at >= $1 AND at < $2 AND ($3 IS NULL OR client_id = $4)
             GROUP BY jst_day, jst_hour, step, outcome",
        )
        .bind(from)
        .bind(to)
        .bind(client_id)
        .bind(client_id)
        .fetch_all(self.read())
        .await
    }

    /// Consents granted and consents ended in [from, to).
    pub async fn consent_counts(
        &self,
        from: i64,
        to: i64,
        client_id: Option<&str>,
    ) -> sqlx::Result<(i64, i64)> {
        sqlx::query_as(
            "SELECT COALESCE(SUM(CASE WHEN granted_at >= $1 AND granted_at < $2 THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN revoked_at >= $3 AND revoked_at < $4 THEN 1 ELSE 0 END), 0)
             FROM consents WHERE ($5 IS NULL OR client_id = $6)",
        )
        .bind(from)
        .bind(to)
        .bind(from)
        .bind(to)
        .bind(client_id)
        .bind(client_id)
        .fetch_one(self.read())
        .await
    }
}
