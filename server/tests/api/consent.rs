//! SOA206 and the completion mail.

use crate::helpers::{
    DEMO_REDIRECT, ISSUER, code_of, query, smtp_listener, spawn_app, spawn_app_with,
};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use renkei_shared::api::{ConsentForm, Empty};
use renkei_shared::oplog::{LogStep, Outcome};
use serde_json::{Value, json};
use std::time::Duration;

#[tokio::test]
async fn consent_needs_the_terms_agreed_whatever_the_browser_sends() {
    let app = spawn_app().await;
    let csrf = app.at_consent_step().await;
    for body in [json!({"agree": false}), json!({})] {
        let resp = app
            .post(renkei_shared::api::CONSENT_PATH, &csrf, &body)
            .await;
        assert!(resp.status() == 422 || resp.status() == 400, "{body}");
        if resp.status() == 422 {
            assert_eq!(code_of(resp).await, "consent_required");
        }
    }
    assert_eq!(app.flow().await.step, renkei_shared::api::Step::Consent);
}

#[tokio::test]
async fn allow_returns_code_state_and_iss_and_ends_the_flow() {
    let app = spawn_app().await;
    let csrf = app.at_consent_step().await;
    let resp = app
        .post(
            renkei_shared::api::CONSENT_PATH,
            &csrf,
            &ConsentForm { agree: true },
        )
        .await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    let url = url::Url::parse(body["return_to"].as_str().unwrap()).unwrap();
    assert!(url.as_str().starts_with(DEMO_REDIRECT));
    assert_eq!(query(&url, "code").map(|c| c.len()), Some(43));
    assert_eq!(query(&url, "state").as_deref(), Some("st-123"));
    assert_eq!(query(&url, "iss").as_deref(), Some(ISSUER));
    assert_eq!(app.flow().await.step, renkei_shared::api::Step::Completed);
    // Once is enough.
    let again = app
        .post(
            renkei_shared::api::CONSENT_PATH,
            &csrf,
            &ConsentForm { agree: true },
        )
        .await;
    assert_eq!(code_of(again).await, "flow_out_of_order");
}

#[tokio::test]
async fn deny_returns_access_denied_and_writes_the_notice_as_an_eml_without_smtp() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().to_path_buf();
    let app = spawn_app_with(move |c| {
        c.mail.outbox_dir = outbox;
        c.mail.poll_secs = 1;
    })
    .await;
    let csrf = app.at_consent_step().await;
    let resp = app
        .post(renkei_shared::api::DENY_PATH, &csrf, &Empty {})
        .await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    let url = url::Url::parse(body["return_to"].as_str().unwrap()).unwrap();
    assert_eq!(query(&url, "error").as_deref(), Some("access_denied"));
    let log = app.storage.operation_log().await.unwrap();
    assert!(
        log.iter()
            .any(|l| l.step == LogStep::Consent && l.outcome == Outcome::Denied)
    );

    let eml = first_eml(dir.path()).await;
    assert!(eml.contains("To: taro@example.jp"), "{eml}");
    let (_, text) = decode_message(&eml);
    assert!(text.contains("拒否されました"), "{text}");
}

#[tokio::test]
async fn the_completion_mail_arrives_over_smtp_in_japanese_and_the_address_is_then_erased() {
    let (port, mut inbox) = smtp_listener().await;
    let app = spawn_app_with(move |c| {
        c.mail.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        c.mail.poll_secs = 1;
    })
    .await;
    app.consent_and_get_code().await;
    let raw = tokio::time::timeout(Duration::from_secs(15), inbox.recv())
        .await
        .expect("a mail arrived in time")
        .expect("a mail");
    assert!(raw.contains("To: taro@example.jp"), "{raw}");
    assert!(raw.contains("From: "), "{raw}");
    assert!(
        raw.to_ascii_lowercase()
            .contains("content-type: text/plain; charset=utf-8"),
        "{raw}"
    );
    let (subject, text) = decode_message(&raw);
    assert_eq!(subject, "【しんくみ信用組合】API連携認証完了のお知らせ");
    for part in [
        "しんくみアプリ with CRECO",
        "口座情報・明細情報へのアクセス",
        "有効期限：2026年12月26日 10:00（日本時間）まで",
        "連携を解除",
        "***0026",
    ] {
        assert!(text.contains(part), "{part} in {text}");
    }
    // Sent: the address is gone from the outbox and the flow.
    let mut erased = false;
    for _ in 0..50 {
        let rows = renkei_server::testkit::outbox(&app.storage).await.unwrap();
        if rows
            .iter()
            .all(|(to, sent, _)| to.is_empty() && sent.is_some())
        {
            erased = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(erased, "the address is erased once sent");
}

#[tokio::test]
async fn a_mail_failure_never_loses_the_consent_and_is_retried() {
    // Nothing listens on this port: every delivery fails.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let app = spawn_app_with(move |c| {
        c.mail.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        c.mail.poll_secs = 1;
    })
    .await;
    let code = app.consent_and_get_code().await;
    assert_eq!(
        app.exchange(&code).await.status(),
        200,
        "the consent stands"
    );
    let mut failed = false;
    for _ in 0..60 {
        let rows = renkei_server::testkit::outbox(&app.storage).await.unwrap();
        if rows
            .iter()
            .any(|(to, sent, attempts)| *attempts >= 1 && sent.is_none() && to == "taro@example.jp")
        {
            failed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        failed,
        "the failed mail is kept, with its address, for a retry"
    );
}

/// (decoded Subject, decoded text body) of a raw RFC 5322 message.
/// The first .eml the outbox worker writes into `dir` (it polls every
/// second; five seconds is ample).
pub async fn first_eml(dir: &std::path::Path) -> String {
    for _ in 0..50 {
        if let Some(entry) = std::fs::read_dir(dir).unwrap().flatten().next() {
            return std::fs::read_to_string(entry.path()).unwrap();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no .eml was written");
}

pub fn decode_message(raw: &str) -> (String, String) {
    let (head, body) = raw
        .split_once("\r\n\r\n")
        .or_else(|| raw.split_once("\n\n"))
        .expect("header/body split");
    // Unfold headers.
    let head = head
        .replace("\r\n ", " ")
        .replace("\r\n\t", " ")
        .replace("\n ", " ");
    let header = |name: &str| {
        head.lines()
            .find(|l| {
                l.to_ascii_lowercase()
                    .starts_with(&format!("{}:", name.to_ascii_lowercase()))
            })
            .map(|l| l[name.len() + 1..].trim().to_owned())
            .unwrap_or_default()
    };
    let subject = decode_words(&header("Subject"));
    let cte = header("Content-Transfer-Encoding").to_ascii_lowercase();
    let bytes = match cte.as_str() {
        "base64" => STANDARD
            .decode(body.split_whitespace().collect::<String>())
            .expect("base64 body"),
        "quoted-printable" => {
            quoted_printable::decode(body.as_bytes(), quoted_printable::ParseMode::Robust)
                .expect("qp body")
        }
        _ => body.as_bytes().to_vec(),
    };
    (subject, String::from_utf8(bytes).expect("utf-8 body"))
}

/// RFC 2047 encoded words (`=?utf-8?b?...?=`, `=?utf-8?q?...?=`).
fn decode_words(s: &str) -> String {
    let mut bytes = Vec::new();
    for word in s.split_whitespace() {
        let lower = word.to_ascii_lowercase();
        if let Some(rest) = lower
            .strip_prefix("=?utf-8?b?")
            .and_then(|r| r.strip_suffix("?="))
        {
            let start = word.len() - rest.len() - 2;
            bytes.extend(
                STANDARD
                    .decode(&word[start..word.len() - 2])
                    .expect("b-word"),
            );
        } else if let Some(rest) = lower
            .strip_prefix("=?utf-8?q?")
            .and_then(|r| r.strip_suffix("?="))
        {
            let start = word.len() - rest.len() - 2;
            let q = word[start..word.len() - 2].replace('_', " ");
            bytes.extend(
                quoted_printable::decode(q.as_bytes(), quoted_printable::ParseMode::Robust)
                    .expect("q-word"),
            );
        } else {
            bytes.extend(word.as_bytes());
        }
    }
    String::from_utf8(bytes).expect("utf-8 subject")
}
