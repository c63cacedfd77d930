//! The append-only operation log (a trigger refuses updates and deletes).

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
    /// The staff member of a console action.
    pub staff: Option<&'a str>,
    /// The account a flow's line is about (the console's account view
    /// finds an account's flows by it).
    pub account_id: Option<i64>,
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
    pub staff: Option<String>,
}

/// What the console's audit search filters on (all optional).
#[derive(Debug, Clone, Default)]
pub struct AuditFilter<'a> {
    /// [from, to) in unix seconds.
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub step: Option<&'a str>,
    pub outcome: Option<&'a str>,
    pub client_id: Option<&'a str>,
    pub staff: Option<&'a str>,
}

/// A log line as the console shows it (no address, browser or kana name).
#[derive(Debug, Clone, FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub flow_id: Option<String>,
    pub app: Option<String>,
    pub step: String,
    pub outcome: String,
    pub staff: Option<String>,
    pub detail: Option<String>,
}

/// Flows per (step, outcome) over a period: the funnel's raw numbers.
#[derive(Debug, Clone, FromRow)]
pub struct StepOutcomeCount {
    pub step: String,
    pub outcome: String,
    pub flows: i64,
    pub lines: i64,
}

/// Lines per JST day and hour, step and outcome.
#[derive(Debug, Clone, FromRow)]
pub struct TimedCount {
    /// Days since 1970-01-01 in JST.
    pub jst_day: i64,
    pub jst_hour: i64,
    pub step: String,
    pub outcome: String,
    pub lines: i64,
}
