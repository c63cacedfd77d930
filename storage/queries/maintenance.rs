//! Maintenance windows set by staff.

use crate::*;

impl Tenant {
    /// Adds a window [starts_at, ends_at) and its operation-log row.
    pub async fn add_maintenance(
        &self,
        (starts_at, ends_at): (i64, i64),
        reason: &str,
        log: OpLog<'_>,
    ) -> sqlx::Result<i64> {
        let mut tx = self.begin().await?;
        let id = sqlx::query_scalar!(
            "INSERT INTO maintenance_windows (starts_at, ends_at, reason, created_at, institution_id)
             VALUES ($1, $2, $3, $4, $5) RETURNING id AS \"id!\"",
            starts_at,
            ends_at,
            reason,
            log.at,
            self.institution,
        )
        .fetch_one(tx.cx())
        .await?;
        Storage::insert_log(&mut tx, &log).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn in_maintenance(&self, now: i64) -> sqlx::Result<bool> {
        let n: i64 = sqlx::query_scalar!(
            "SELECT COUNT(*) AS \"n!\" FROM maintenance_windows
             WHERE starts_at <= $1 AND ends_at > $1 AND cancelled_at IS NULL
               AND institution_id = $2",
            now,
            self.institution,
        )
        .fetch_one(&mut *self.read().await?)
        .await?;
        Ok(n > 0)
    }

    /// Windows that have not ended by `now`, cancelled ones included.
    pub async fn maintenance_from(&self, now: i64) -> sqlx::Result<Vec<MaintenanceRow>> {
        sqlx::query_as!(
            MaintenanceRow,
            "SELECT id, starts_at, ends_at, reason, cancelled_at FROM maintenance_windows
             WHERE ends_at > $1 AND institution_id = $2 ORDER BY starts_at, id",
            now,
            self.institution,
        )
        .fetch_all(&mut *self.read().await?)
        .await
    }

    /// Cancels a window that has not ended, with its log row; false when
    /// there is no such window.
    pub async fn cancel_maintenance(&self, id: i64, log: OpLog<'_>) -> sqlx::Result<bool> {
        let mut tx = self.begin().await?;
        let done = sqlx::query!(
            "UPDATE maintenance_windows SET cancelled_at = $1
             WHERE id = $2 AND cancelled_at IS NULL AND ends_at > $1 AND institution_id = $3",
            log.at,
            id,
            self.institution,
        )
        .execute(tx.cx())
        .await
        .map(|r| r.rows_affected())?;
        if done != 1 {
            return Ok(false);
        }
        Storage::insert_log(&mut tx, &log).await?;
        tx.commit().await?;
        Ok(true)
    }
}
