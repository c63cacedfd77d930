//! The delivery worker. Mails are queued in `mail_outbox` in the same
//! transaction as the consent (or denial), then delivered here with
//! retries, so a mail failure never loses or delays a consent. Delivery is
//! SMTP through lettre, or — with no `RENKEI_SMTP_URL` — an `.eml` file
//! under `RENKEI_OUTBOX_DIR`, so the demo shows it. Once sent, the address
//! is erased.

use crate::db::{LogStep, OpLog, Outcome};
use crate::state::AppState;

/// Undeliverable mail is retried for a day, then dropped (logged).
pub const GIVE_UP_SECS: i64 = 24 * 3600;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

pub struct Mailer {
    transport: Transport,
}

impl Mailer {
    pub fn from_config(config: &crate::config::Config) -> anyhow::Result<Mailer> {
        let transport = match &config.mail.smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
            ),
            None => Transport::Files(config.mail.outbox_dir.clone()),
        };
        Ok(Mailer { transport })
    }

    fn message_from(
        &self,
        from: &Mailbox,
        to: &str,
        subject: &str,
        body: &str,
    ) -> anyhow::Result<Message> {
        Ok(Message::builder()
            .from(from.clone())
            .to(to.parse()?)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())?)
    }

    /// Sends one mail from `from` (its union's sender).
    async fn send(
        &self,
        id: i64,
        from: &Mailbox,
        to: &str,
        subject: &str,
        body: &str,
    ) -> anyhow::Result<()> {
        let message = self.message_from(from, to, subject, body)?;
        match &self.transport {
            Transport::Smtp(t) => {
                t.send(message).await?;
            }
            Transport::Files(dir) => {
                tokio::fs::create_dir_all(dir).await?;
                let path = dir.join(format!("mail-{id:06}.eml"));
                tokio::fs::write(path, message.formatted()).await?;
            }
        }
        Ok(())
    }
}

/// One pass over the outbox: sends what is due; returns how many were sent.
pub async fn deliver_due(app: &AppState, mailer: &Mailer) -> anyhow::Result<usize> {
    let now = app.now_secs();
    let due = app.storage.claim_mail(now, 120, 20).await?;
    let mut sent = 0;
    for mail in due {
        // A union without a usable sender fails like an unreachable relay:
        // retried, never sent from another union's address.
        let sent_now = match sender(app, mail.institution_id).await {
            Ok(from) => {
                mailer
                    .send(mail.id, &from, &mail.to_addr, &mail.subject, &mail.body)
                    .await
            }
            Err(e) => Err(e),
        };
        match sent_now {
            Ok(()) => {
                app.storage.mail_sent(mail.id, app.now_secs()).await?;
                crate::telemetry::mail_attempt("sent");
                sent += 1;
            }
            Err(e) if app.now_secs() - mail.created_at >= GIVE_UP_SECS => {
                tracing::warn!(mail = mail.id, attempts = mail.attempts + 1, error = %e, "mail dropped after 24 h");
                let detail = format!("mail {}: {} attempts", mail.id, mail.attempts + 1);
                let log = OpLog {
                    detail: Some(&detail),
                    ..OpLog::new(app.now_secs(), LogStep::Mail, Outcome::MailDropped)
                };
                app.storage
                    .mail_dropped(mail.id, &e.to_string(), log)
                    .await?;
                crate::telemetry::mail_attempt("dropped");
            }
            Err(e) => {
                // Back off 1, 2, 4 … minutes, at most an hour between tries.
                let wait = 60_i64 << mail.attempts.clamp(0, 6);
                let retry_at = app.now_secs() + wait.min(3600);
                tracing::warn!(mail = mail.id, attempts = mail.attempts + 1, error = %e, "mail not sent; will retry");
                app.storage
                    .mail_failed(mail.id, &e.to_string(), retry_at)
                    .await?;
                crate::telemetry::mail_attempt("failed");
            }
        }
    }
    Ok(sent)
}

/// Who a union's mails come from: its profile's `mail_from` (a union whose
/// profile no longer parses sends nothing until it does: retried).
async fn sender(app: &AppState, institution: i64) -> anyhow::Result<Mailbox> {
    let row = app
        .storage
        .institution_by_id(institution)
        .await?
        .ok_or_else(|| anyhow::anyhow!("institution {institution} is missing"))?;
    let (profile, _) = app
        .profiles
        .union(&row)
        .map_err(|why| anyhow::anyhow!("union {}'s profile: {why}", row.code))?;
    Ok(profile.mail_from.parse()?)
}

/// Runs the outbox, and the purge of expired flows, forever (spawned at
/// start-up).
pub async fn run_outbox(app: AppState, mailer: Arc<Mailer>) {
    let mut tick = tokio::time::interval(Duration::from_secs(app.config.mail.poll_secs));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = deliver_due(&app, &mailer).await {
            tracing::error!(error = ?e, "mail outbox pass failed");
        }
        match app.storage.mail_pending().await {
            Ok(n) => crate::telemetry::mail_pending(n),
            Err(e) => tracing::error!(error = ?e, "counting the outbox failed"),
        }
        // Housekeeping rides on the same tick: expired flows forget what
        // they kept.
        if let Err(e) = app.storage.purge_expired_flows(app.now_secs()).await {
            tracing::error!(error = ?e, "purging expired flows failed");
        }
        app.throttles.forget_idle();
    }
}
