//! The phone callback's settings: the toll-free numbers customers call
//! (a pool: each open challenge holds one), the window and quiet period, and
//! the carriers' webhook secrets.

use super::read::{ConfigError, ranged, var_of};

/// The carrier webhook's secret in demo mode when none is set (the demo
/// data's; only a build with it has a demo mode).
#[cfg(feature = "fixture")]
use renkei_fixture::DEMO_TELEPHONY_SECRET;
#[cfg(not(feature = "fixture"))]
const DEMO_TELEPHONY_SECRET: &str = "";

#[derive(Debug, Clone)]
pub struct TelephonySettings {
    /// `RENKEI_CALLBACK_NUMBER`: the toll-free 認証先電話番号 customers call
    /// (the pool's first).
    pub callback_number: String,
    /// `RENKEI_CALLBACK_NUMBERS`: the pool of toll-free numbers, comma
    /// separated (default: the one `RENKEI_CALLBACK_NUMBER`). Each open
    /// challenge holds one number through its window and quiet period.
    pub callback_numbers: Vec<String>,
    /// `RENKEI_CALLBACK_WINDOW_SECS`: how long after SOA209 is shown a call
    /// counts (default 120, the seed's).
    pub window_secs: i64,
    /// `RENKEI_CALLBACK_QUIET_SECS`: how long after a window ends its
    /// number stays with its flow (default: the window).
    pub quiet_secs: i64,
    /// `RENKEI_TELEPHONY_SECRET`: HMAC key the carrier gateway signs with.
    pub secret: Option<String>,
    /// `RENKEI_TWILIO_AUTH_TOKEN`: enables the Twilio-shaped webhook.
    pub twilio_auth_token: Option<String>,
}

pub(super) fn read(
    get: &impl Fn(&str) -> Option<String>,
    demo: bool,
) -> Result<TelephonySettings, ConfigError> {
    let var = |k: &'static str, default: &str| var_of(get, k, default);
    let err = |var: &'static str, why: String| ConfigError { var, why };
    let toll_free = |n: &str| (10..=11).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit());
    let callback_number = var("RENKEI_CALLBACK_NUMBER", "0120000111");
    if !toll_free(&callback_number) {
        return Err(err(
            "RENKEI_CALLBACK_NUMBER",
            "10 or 11 digits, no hyphens".into(),
        ));
    }
    // Demo mode gets a pool of four by default, so that the same demo
    // customer can link again at once (a number stays bound to its flow
    // through its window and quiet period); a bank sets its own.
    let default_pool = if demo {
        [
            callback_number.as_str(),
            "0120000112",
            "0120000113",
            "0120000114",
        ]
        .join(",")
    } else {
        callback_number.clone()
    };
    let mut callback_numbers: Vec<String> = var("RENKEI_CALLBACK_NUMBERS", &default_pool)
        .split(',')
        .map(|n| n.trim().to_owned())
        .collect();
    if !callback_numbers.iter().all(|n| toll_free(n)) {
        return Err(err(
            "RENKEI_CALLBACK_NUMBERS",
            "comma-separated numbers of 10 or 11 digits, no hyphens".into(),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    callback_numbers.retain(|n| seen.insert(n.clone()));
    let callback_number = callback_numbers[0].clone();
    let callback_window_secs: i64 = ranged(
        get,
        "RENKEI_CALLBACK_WINDOW_SECS",
        "120",
        1..=600,
        "seconds between 1 and 600",
    )?;
    let callback_quiet_secs: i64 = ranged(
        get,
        "RENKEI_CALLBACK_QUIET_SECS",
        &callback_window_secs.to_string(),
        0..=3600,
        "seconds between 0 and 3600",
    )?;
    let telephony_secret = get("RENKEI_TELEPHONY_SECRET")
        .filter(|v| !v.is_empty())
        .or_else(|| demo.then(|| DEMO_TELEPHONY_SECRET.to_owned()));
    if telephony_secret.as_ref().is_some_and(|s| s.len() < 16) {
        return Err(err(
            "RENKEI_TELEPHONY_SECRET",
            "at least 16 characters".into(),
        ));
    }
    let twilio_auth_token = get("RENKEI_TWILIO_AUTH_TOKEN").filter(|v| !v.is_empty());
    Ok(TelephonySettings {
        callback_number,
        callback_numbers,
        window_secs: callback_window_secs,
        quiet_secs: callback_quiet_secs,
        secret: telephony_secret,
        twilio_auth_token,
    })
}
