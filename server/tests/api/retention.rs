//! Nothing kept longer than needed, and nothing usable after it ended: an
//! expired flow forgets its e-mail and is purged; undeliverable mail is
//! given up after a day (logged); a code whose consent staff ended cannot
//! be exchanged; a disabled app's tokens stop at once.

use crate::helpers::{DEMO_CREDS, code_of, happy_account, spawn_app_with};
use renkei_shared::oplog::Outcome;
use serde_json::Value;
use std::time::Duration;

/// Polls `check` every 100 ms for up to 10 s (the workers tick each second).
async fn eventually<F: std::future::Future<Output = bool>>(mut check: impl FnMut() -> F) -> bool {
    for _ in 0..100 {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test]
async fn an_expired_flow_is_purged() {
    let app = spawn_app_with(|c| c.mail.poll_secs = 1).await;
    let csrf = app.at_customer_step("115", "ordinary", "1100026").await;
    let resp = app
        .post(
            renkei_shared::api::CUSTOMER_PATH,
            &csrf,
            &crate::helpers::happy_customer(),
        )
        .await;
    assert_eq!(resp.status(), 200, "the flow holds an e-mail address now");
    // Past its 15 minutes: expired (the same message as not found)...
    app.clock.advance(jiff::SignedDuration::from_secs(901));
    let resp = app
        .http
        .get(app.url(renkei_shared::api::FLOW_PATH))
        .send()
        .await
        .unwrap();
    assert_eq!(code_of(resp).await, "flow_expired");
    // ...and an hour later gone altogether.
    app.clock.advance(jiff::SignedDuration::from_secs(3600));
    assert!(
        eventually(|| async {
            let resp = app
                .http
                .get(app.url(renkei_shared::api::FLOW_PATH))
                .send()
                .await
                .unwrap();
            code_of(resp).await == "flow_not_found"
        })
        .await
    );
}

#[tokio::test]
async fn undeliverable_mail_is_given_up_after_a_day_and_logged() {
    // Nothing listens on this port: every delivery fails.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = spawn_app_with(move |c| {
        c.mail.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        c.mail.poll_secs = 1;
    })
    .await;
    app.consent_and_get_code().await;
    let failed_once = || async {
        let rows = renkei_server::testkit::outbox(&app.storage).await.unwrap();
        rows.iter().any(|(_, _, attempts)| *attempts >= 1)
    };
    assert!(eventually(failed_once).await);
    // A day later the next try is the last.
    app.clock
        .advance(jiff::SignedDuration::from_secs(24 * 3600 + 3600));
    assert!(
        eventually(|| async {
            let log = app.storage.operation_log().await.unwrap();
            log.iter().any(|l| l.outcome == Outcome::MailDropped)
        })
        .await,
        "dropped, with an operation-log row"
    );
    let rows = renkei_server::testkit::outbox(&app.storage).await.unwrap();
    assert!(
        rows.iter()
            .all(|(to, sent, _)| to.is_empty() && sent.is_none())
    );
}

#[tokio::test]
async fn a_code_whose_consent_ended_cannot_be_exchanged() {
    let app = spawn_app_with(|_| {}).await;
    let code = app.consent_and_get_code().await;
    let ended = app
        .staff()
        .revoke_consents(&happy_account(), "お客様の申出")
        .await
        .unwrap();
    assert_eq!(ended, 1);
    let resp = app.exchange(&code).await;
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn a_disabled_apps_tokens_stop_at_once() {
    let app = spawn_app_with(|_| {}).await;
    let code = app.consent_and_get_code().await;
    let t: Value = app.exchange(&code).await.json().await.unwrap();
    let token = t["access_token"].as_str().unwrap();
    let read = || {
        app.http
            .get(app.url(renkei_shared::account::ACCOUNTS_PATH))
            .bearer_auth(token)
            .send()
    };
    assert_eq!(read().await.unwrap().status(), 200);
    app.staff()
        .set_client_enabled(DEMO_CREDS.0, false, None)
        .await
        .unwrap();
    let resp = read().await.unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(code_of(resp).await, "invalid_token");
}
