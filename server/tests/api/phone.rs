//! Stage 2: SOA208, SOA209 and the telephony webhooks.

use crate::helpers::{
    CALLBACK_NUMBER, TELEPHONY_SECRET, code_of, get_json, spawn_app, spawn_app_with,
};
use renkei_server::clock::Clock;
use renkei_shared::api::Empty;
use renkei_shared::api::Step;
use renkei_shared::oplog::LogStep;
use serde_json::{Value, json};

#[tokio::test]
async fn soa208_shows_only_the_masked_number() {
    let app = spawn_app().await;
    let csrf = app.at_customer_step("115", "ordinary", "1100026").await;
    app.post(
        renkei_shared::api::CUSTOMER_PATH,
        &csrf,
        &crate::helpers::happy_customer(),
    )
    .await;
    let resp = app
        .http
        .get(app.url(renkei_shared::api::FLOW_PATH))
        .send()
        .await
        .unwrap();
    let text = resp.text().await.unwrap();
    assert!(text.contains(r#""masked_phone":"*****3333""#), "{text}");
    assert!(
        !text.contains("0901111"),
        "the whole number never leaves the server"
    );
    let resp = app
        .post(renkei_shared::api::PHONE_PATH, &csrf, &Empty {})
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(app.flow().await.step, Step::PhoneCall);
}

#[tokio::test]
async fn the_window_is_the_servers_and_a_reload_gets_the_same_deadline() {
    let app = spawn_app().await;
    let csrf = app.at_call_step().await;
    let first = app.open_call(&csrf).await;
    let now = app.clock.now().as_millisecond();
    assert_eq!(first.server_now_ms, now);
    assert_eq!(first.deadline_ms - now, 120_000);
    assert_eq!(first.callback_number, CALLBACK_NUMBER);
    assert_eq!(first.masked_phone, "*****3333");
    assert!(!first.verified);
    app.clock.advance(jiff::SignedDuration::from_secs(30));
    let again = app.open_call(&csrf).await;
    assert_eq!(
        again.deadline_ms, first.deadline_ms,
        "no fresh window on reload"
    );
    assert_eq!(again.deadline_ms - again.server_now_ms, 90_000);
}

#[tokio::test]
async fn confirm_before_the_call_is_pending_and_after_it_moves_on() {
    let app = spawn_app().await;
    let csrf = app.at_call_step().await;
    app.open_call(&csrf).await;
    let resp = app
        .post(renkei_shared::api::CALL_CONFIRM_PATH, &csrf, &Empty {})
        .await;
    assert_eq!(resp.status(), 409);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "callback_pending");
    assert_eq!(body["message"], "認証中（認証着信待ち）");

    let resp = app.signed_call("call-1", "09011113333").await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["result"], "verified");
    let status: Value = get_json(&app.http, app.url(renkei_shared::api::CALL_PATH)).await;
    assert_eq!(status["verified"], true);
    let resp = app
        .post(renkei_shared::api::CALL_CONFIRM_PATH, &csrf, &Empty {})
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(app.flow().await.step, Step::Pin);
}

#[tokio::test]
async fn e164_callers_verify_too() {
    let app = spawn_app().await;
    let csrf = app.at_call_step().await;
    app.open_call(&csrf).await;
    let resp = app.signed_call("call-e164", "+819011113333").await;
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["result"], "verified");
}

#[tokio::test]
async fn bad_signatures_are_refused_before_anything_happens() {
    let app = spawn_app().await;
    let csrf = app.at_call_step().await;
    app.open_call(&csrf).await;
    let now = app.clock.now().as_second();
    let cases = [
        ("wrong key", now, "another-secret-of-some-length"),
        ("stale", now - 301, TELEPHONY_SECRET),
        ("from the future", now + 301, TELEPHONY_SECRET),
    ];
    for (why, ts, secret) in cases {
        let resp = app
            .signed_call_at(why, "09011113333", CALLBACK_NUMBER, ts, secret)
            .await;
        assert_eq!(resp.status(), 401, "{why}");
    }
    // No signature at all.
    let resp = app
        .http
        .post(app.url(renkei_shared::telephony::PATH))
        .header("content-type", "application/json")
        .body(json!({"call_id": "x", "from": "09011113333", "to": CALLBACK_NUMBER, "received_at": ""}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let status: Value = get_json(&app.http, app.url(renkei_shared::api::CALL_PATH)).await;
    assert_eq!(status["verified"], false, "nothing was verified");
    // Just inside the window still counts.
    let resp = app
        .signed_call_at(
            "edge",
            "09011113333",
            CALLBACK_NUMBER,
            now - 300,
            TELEPHONY_SECRET,
        )
        .await;
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn withheld_and_other_numbers_never_verify() {
    let app = spawn_app().await;
    let csrf = app.at_call_step().await;
    app.open_call(&csrf).await;
    for (id, from, want) in [
        ("c-anon", "anonymous", "withheld"),
        ("c-empty", "", "withheld"),
        ("c-other", "09099998888", "no_matching_challenge"),
    ] {
        let body: Value = app.signed_call(id, from).await.json().await.unwrap();
        assert_eq!(body["result"], want, "{from:?}");
    }
    // Right caller, wrong number called.
    let ts = app.clock.now().as_second();
    let resp = app
        .signed_call_at("c-to", "09011113333", "0120999999", ts, TELEPHONY_SECRET)
        .await;
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["result"], "no_matching_challenge");
    let resp = app
        .post(renkei_shared::api::CALL_CONFIRM_PATH, &csrf, &Empty {})
        .await;
    assert_eq!(code_of(resp).await, "callback_pending");
    let log = app.storage.operation_log().await.unwrap();
    let calls: Vec<_> = log
        .iter()
        .filter(|l| l.step == LogStep::Telephony)
        .collect();
    assert_eq!(calls.len(), 4);
    assert!(
        calls
            .iter()
            .all(|l| !l.detail.as_deref().unwrap_or("").contains("0901111")),
        "masked"
    );
}

#[tokio::test]
async fn a_replayed_call_id_has_no_second_effect() {
    let app = spawn_app().await;
    let csrf = app.at_call_step().await;
    app.open_call(&csrf).await;
    let body: Value = app
        .signed_call("same-id", "09011113333")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["result"], "verified");
    app.post(renkei_shared::api::CALL_CONFIRM_PATH, &csrf, &Empty {})
        .await;

    // A second flow for the same customer waits for its own call; the replay
    // of the first call must not verify it.
    let other = app.other_browser();
    let csrf2 = other.at_customer_step("115", "ordinary", "1100026").await;
    other
        .post(
            renkei_shared::api::CUSTOMER_PATH,
            &csrf2,
            &crate::helpers::happy_customer(),
        )
        .await;
    other
        .post(renkei_shared::api::PHONE_PATH, &csrf2, &Empty {})
        .await;
    let resp = other
        .post(renkei_shared::api::CALL_PATH, &csrf2, &Empty {})
        .await;
    assert_eq!(resp.status(), 200);
    let resp = app.signed_call("same-id", "09011113333").await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["result"], "duplicate");
    let resp = other
        .post(renkei_shared::api::CALL_CONFIRM_PATH, &csrf2, &Empty {})
        .await;
    assert_eq!(code_of(resp).await, "callback_pending");
}

#[tokio::test]
async fn a_call_before_the_screen_does_nothing() {
    let app = spawn_app().await;
    let csrf = app.at_call_step().await;
    let body: Value = app
        .signed_call("early", "09011113333")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["result"], "no_matching_challenge");
    app.open_call(&csrf).await;
    let resp = app
        .post(renkei_shared::api::CALL_CONFIRM_PATH, &csrf, &Empty {})
        .await;
    assert_eq!(code_of(resp).await, "callback_pending");
}

#[tokio::test]
async fn after_the_deadline_the_call_is_void_and_the_flow_starts_over() {
    let app = spawn_app().await;
    let csrf = app.at_call_step().await;
    app.open_call(&csrf).await;
    app.clock.advance(jiff::SignedDuration::from_secs(120));
    let body: Value = app
        .signed_call("late", "09011113333")
        .await
        .json()
        .await
        .unwrap();
    // Answered for this flow (its number is still bound to it), verifying
    // nothing.
    assert_eq!(body["result"], "too_late");
    let resp = app
        .post(renkei_shared::api::CALL_CONFIRM_PATH, &csrf, &Empty {})
        .await;
    assert_eq!(resp.status(), 410);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "callback_expired");
    let view = app.flow().await;
    assert_eq!(view.step, Step::Account, "back to SOA201 of the same flow");
    assert!(view.account.is_none());
}

#[tokio::test]
async fn two_customers_verify_independently() {
    let app = spawn_app().await;
    let csrf_a = app.at_call_step().await;
    app.open_call(&csrf_a).await;
    let other = app.other_browser();
    let csrf_b = other.at_customer_step("005", "savings", "0000123").await;
    let hanako = json!({"name": "ﾔﾏﾀﾞ ﾊﾅｺ", "birth_year": "1975", "birth_month": "04", "birth_day": "15",
                        "phone": "0272345678", "email": "hanako@example.jp", "email_confirm": "hanako@example.jp"});
    assert_eq!(
        other
            .post(renkei_shared::api::CUSTOMER_PATH, &csrf_b, &hanako)
            .await
            .status(),
        200
    );
    other
        .post(renkei_shared::api::PHONE_PATH, &csrf_b, &Empty {})
        .await;
    other
        .post(renkei_shared::api::CALL_PATH, &csrf_b, &Empty {})
        .await;

    let body: Value = app
        .signed_call("hanako-call", "+81272345678")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["result"], "verified");
    assert_eq!(
        other
            .post(renkei_shared::api::CALL_CONFIRM_PATH, &csrf_b, &Empty {})
            .await
            .status(),
        200
    );
    let resp = app
        .post(renkei_shared::api::CALL_CONFIRM_PATH, &csrf_a, &Empty {})
        .await;
    assert_eq!(
        code_of(resp).await,
        "callback_pending",
        "Taro has not called yet"
    );
}

#[tokio::test]
async fn twilio_webhooks_with_the_right_signature_verify_and_hang_up() {
    let token = "twilio-auth-token-for-tests";
    let app = spawn_app_with(|c| c.telephony.twilio_auth_token = Some(token.into())).await;
    let csrf = app.at_call_step().await;
    app.open_call(&csrf).await;
    let params = [
        ("CallSid", "CA0001"),
        ("From", "+819011113333"),
        ("To", "+81120000111"),
        ("CallStatus", "ringing"),
    ];
    let url = format!(
        "{}{}",
        crate::helpers::ISSUER,
        renkei_shared::telephony::TWILIO_PATH
    );
    // Twilio's scheme, written from its definition.
    let mut sorted = params.to_vec();
    sorted.sort();
    let data: String = std::iter::once(url.clone())
        .chain(sorted.iter().map(|(k, v)| format!("{k}{v}")))
        .collect();
    use base64::Engine;
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(token.as_bytes()).unwrap();
    mac.update(data.as_bytes());
    let good = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());

    let send = |sig: String| {
        app.http
            .post(app.url(renkei_shared::telephony::TWILIO_PATH))
            .header("x-twilio-signature", sig)
            .form(&params)
            .send()
    };
    let resp = send("bm90LXRoZS1zaWduYXR1cmU=".into()).await.unwrap();
    assert_eq!(resp.status(), 401);
    let resp = send(good.clone()).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/xml")
    );
    assert!(resp.text().await.unwrap().contains("<Hangup/>"));
    assert_eq!(
        app.post(renkei_shared::api::CALL_CONFIRM_PATH, &csrf, &Empty {})
            .await
            .status(),
        200
    );
    // Same CallSid again: deduplicated.
    assert_eq!(send(good).await.unwrap().status(), 200);
    let log = app.storage.operation_log().await.unwrap();
    assert_eq!(
        log.iter().filter(|l| l.step == LogStep::Telephony).count(),
        1
    );
}
