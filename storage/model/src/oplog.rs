//! The append-only operation log (a trigger refuses updates and deletes).

pub use renkei_shared::oplog::{Actor, LogStep, Outcome};

/// One line of the operation log.
#[derive(Debug, Clone)]
pub struct OpLog<'a> {
    pub at: i64,
    pub flow_id: Option<&'a str>,
    pub client_id: Option<&'a str>,
    pub step: LogStep,
    pub outcome: Outcome,
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

impl OpLog<'_> {
    /// A line with only its time, step and outcome (the rest added with
    /// `..OpLog::new(..)`).
    pub fn new(at: i64, step: LogStep, outcome: Outcome) -> Self {
        OpLog {
            at,
            flow_id: None,
            client_id: None,
            step,
            outcome,
            client_ip: None,
            user_agent: None,
            kana_name: None,
            detail: None,
            staff: None,
            account_id: None,
        }
    }
}

/// A logged line as read back.
#[derive(Debug, Clone)]
pub struct OpLogRow {
    pub at: i64,
    pub flow_id: Option<String>,
    pub client_id: Option<String>,
    pub step: LogStep,
    pub outcome: Outcome,
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
    pub step: Option<LogStep>,
    pub outcome: Option<Outcome>,
    pub client_id: Option<&'a str>,
    pub staff: Option<&'a str>,
}

/// A log line as the console shows it (no address, browser or kana name).
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub flow_id: Option<String>,
    pub app: Option<String>,
    pub step: LogStep,
    pub outcome: Outcome,
    pub staff: Option<String>,
    pub detail: Option<String>,
}

/// Flows per (step, outcome) over a period: the funnel's raw numbers.
#[derive(Debug, Clone)]
pub struct StepOutcomeCount {
    pub step: LogStep,
    pub outcome: Outcome,
    pub flows: i64,
    pub lines: i64,
}

/// Lines per JST day and hour, step and outcome.
#[derive(Debug, Clone)]
pub struct TimedCount {
    /// Days since 1970-01-01 in JST.
    pub jst_day: i64,
    pub jst_hour: i64,
    pub step: LogStep,
    pub outcome: Outcome,
    pub lines: i64,
}
