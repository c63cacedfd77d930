//! The phone callback: SOA209's challenges and the calls the carrier
//! reported.

/// A phone challenge as the flow sees it.
#[derive(Debug, Clone)]
pub struct ChallengeRow {
    pub id: i64,
    /// The registered phone the call must come from (domestic digits).
    pub expected_caller: String,
    /// The toll-free number SOA209 shows for this challenge.
    pub called_number: String,
    pub deadline: i64,
    pub verified_at: Option<i64>,
}

/// An inbound call as the carrier reported it.
#[derive(Debug, Clone, Copy)]
pub struct InboundCall<'a> {
    pub call_id: &'a str,
    /// Domestic digits of the caller, or `None` when withheld (非通知).
    pub caller: Option<&'a str>,
    pub caller_mask: &'a str,
    pub called: &'a str,
    pub now: i64,
}
