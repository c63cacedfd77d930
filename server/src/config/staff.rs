//! The staff console's settings: its own listener (a bank keeps it off
//! the internet), the origin its passkeys are bound to, how long an
//! enrolment link lasts, and the sign-in throttle.

use super::read::{ConfigError, ranged, var_nonzero, var_of};
use std::net::SocketAddr;
use url::Url;

#[derive(Debug, Clone)]
pub struct StaffSettings {
    /// `RENKEI_STAFF_LISTEN`: the staff console on its own address (and
    /// not on `RENKEI_LISTEN`), so a bank can keep it off the internet.
    pub listen: Option<SocketAddr>,
    /// `RENKEI_STAFF_URL`: where staff open the console (default: the
    /// public URL, a loopback address as `localhost`): its passkeys are
    /// bound to this host.
    pub url: Url,
    /// `RENKEI_STAFF_ENROLMENT_SECS`: how long a staff enrolment link
    /// lasts (default 24 h).
    pub enrolment_secs: i64,
    /// `RENKEI_THROTTLE_SIGN_IN_PER_MIN`: staff sign-in starts a minute per
    /// client address and per name (default 10).
    pub throttle_sign_in: std::num::NonZeroU32,
}

pub(super) fn read(
    get: &impl Fn(&str) -> Option<String>,
    public_url: &Url,
) -> Result<StaffSettings, ConfigError> {
    let err = |var: &'static str, why: String| ConfigError { var, why };
    let staff_listen = match get("RENKEI_STAFF_LISTEN").filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => Some(
            v.parse::<SocketAddr>()
                .map_err(|e| err("RENKEI_STAFF_LISTEN", format!("{e}")))?,
        ),
    };
    // The console's own origin: its passkeys are bound to this host.
    let staff_url: Url = match get("RENKEI_STAFF_URL").filter(|v| !v.is_empty()) {
        // WebAuthn refuses an IP address: a loopback address (`make
        // run`) becomes `localhost`, the same machine by name.
        None => {
            let mut u = public_url.clone();
            let loopback = u
                .host_str()
                .and_then(|h| h.trim_matches(['[', ']']).parse::<std::net::IpAddr>().ok())
                .is_some_and(|ip| ip.is_loopback());
            if loopback {
                let _ = u.set_host(Some("localhost"));
            }
            u
        }
        Some(v) => v
            .parse::<Url>()
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
            .ok_or_else(|| err("RENKEI_STAFF_URL", "an http(s) URL".into()))?,
    };
    if staff_listen.is_some() && get("RENKEI_STAFF_URL").is_none_or(|v| v.is_empty()) {
        return Err(err(
            "RENKEI_STAFF_URL",
            "required with RENKEI_STAFF_LISTEN (the console's own address, for its passkeys)"
                .into(),
        ));
    }
    Ok(StaffSettings {
        listen: staff_listen,
        url: staff_url,
        enrolment_secs: ranged(
            get,
            "RENKEI_STAFF_ENROLMENT_SECS",
            "86400",
            300..=7 * 86400,
            "seconds between 300 and 604800",
        )?,
        throttle_sign_in: var_nonzero(
            &var_of(get, "RENKEI_THROTTLE_SIGN_IN_PER_MIN", "10"),
            "RENKEI_THROTTLE_SIGN_IN_PER_MIN",
        )?,
    })
}
