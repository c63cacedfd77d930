//! Maintenance windows set by staff.

#[derive(Debug, Clone)]
pub struct MaintenanceRow {
    pub id: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub reason: String,
    pub cancelled_at: Option<i64>,
}
