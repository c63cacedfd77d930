//! The completion mail's settings: SMTP or the outbox folder, how often the
//! outbox is looked at.

use super::read::{ConfigError, ranged, var_of};
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `RENKEI_SMTP_URL` (e.g. `smtp://relay:25`, `smtps://relay:465`,
    /// `smtp://relay:587?tls=required`). Unset: mails go to `outbox_dir`.
    pub smtp_url: Option<String>,
    /// `RENKEI_OUTBOX_DIR`: where mails are written as .eml without SMTP.
    pub outbox_dir: PathBuf,
    /// `RENKEI_MAIL_POLL_SECS`: how often the outbox is looked at.
    pub poll_secs: u64,
}

/// A union's mails come from its profile's `mail_from`: no deployment-wide
/// sender that could speak for the wrong union.
pub(super) fn read(get: &impl Fn(&str) -> Option<String>) -> Result<MailSettings, ConfigError> {
    Ok(MailSettings {
        smtp_url: get("RENKEI_SMTP_URL").filter(|v| !v.is_empty()),
        outbox_dir: PathBuf::from(var_of(get, "RENKEI_OUTBOX_DIR", "data/outbox")),
        poll_secs: ranged(
            get,
            "RENKEI_MAIL_POLL_SECS",
            "2",
            1..=300,
            "seconds between 1 and 300",
        )?,
    })
}
