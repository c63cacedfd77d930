//! Maintenance windows set by staff.

use sqlx::FromRow;

#[derive(Debug, Clone, FromRow)]
pub struct MaintenanceRow {
    pub id: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub reason: String,
    pub cancelled_at: Option<i64>,
}
