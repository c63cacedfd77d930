//! The append-only operation log (a trigger refuses updates and deletes).

use super::{Storage, Tx};
use sqlx::FromRow;

/// One line of the operation log.
#[derive(Debug, Default, Clone)]
pub struct OpLog<'a> {
    pub at: i64,
    pub flow_id: Option<&'a str>,
    pub client_id: Option<&'a str>,
    pub step: &'a str,
    pub outcome: &'a str,
    pub client_ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub kana_name: Option<&'a str>,
    pub detail: Option<&'a str>,
}

/// A logged line as read back.
#[derive(Debug, Clone, FromRow)]
pub struct OpLogRow {
    pub at: i64,
    pub flow_id: Option<String>,
    pub client_id: Option<String>,
    pub step: String,
    pub outcome: String,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
    pub kana_name: Option<String>,
    pub detail: Option<String>,
}

impl Storage {
    /// Writes one line on its own (an outcome that changes nothing else).
    pub async fn log_operation(&self, e: OpLog<'_>) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        Self::insert_log(&mut tx, &e).await?;
        tx.commit().await
    }

    /// Writes one line inside the transaction of the change it records.
    pub(super) async fn insert_log(tx: &mut Tx, e: &OpLog<'_>) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO operation_log (at, flow_id, client_id, step, outcome, client_ip,
                                        user_agent, kana_name, detail)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// The whole log, oldest first (staff tools read it).
    pub async fn operation_log(&self) -> sqlx::Result<Vec<OpLogRow>> {
        sqlx::query_as(
            "SELECT at, flow_id, client_id, step, outcome, client_ip, user_agent, kana_name, detail
             FROM operation_log ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await
    }
}
