//! The daily lockout's counts: failed identity/PIN attempts per account per
//! JST calendar day.

/// Whose failures, on which JST day: the unit of the daily lockout.
#[derive(Debug, Clone, Copy)]
pub struct LockKey<'a> {
    pub account_id: i64,
    /// `YYYY-MM-DD` in JST.
    pub jst_day: &'a str,
}
