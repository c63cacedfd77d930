//! Maintenance windows set by staff.

use super::{OpLog, Storage};

impl Storage {
    /// Adds a window [starts_at, ends_at) and its operation-log row.
    pub async fn add_maintenance(
        &self,
        (starts_at, ends_at): (i64, i64),
        reason: &str,
        log: OpLog<'_>,
    ) -> sqlx::Result<i64> {
        let mut tx = self.begin().await?;
        let id = sqlx::query_scalar(
            "INSERT INTO maintenance_windows (starts_at, ends_at, reason, created_at)
             VALUES (?, ?, ?, ?) RETURNING id",
        )
        .bind(starts_at)
        .bind(ends_at)
        .bind(reason)
        .bind(log.at)
        .fetch_one(&mut *tx)
        .await?;
        Self::insert_log(&mut tx, &log).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn in_maintenance(&self, now: i64) -> sqlx::Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM maintenance_windows WHERE starts_at <= ? AND ends_at > ?",
        )
        .bind(now)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }
}
