//! Stage 3: SOA211, the cash-card PIN.

use crate::helpers::account_body;
use crate::helpers::{ServerProcess, code_of, get_json, spawn_app};
use renkei_shared::api::Step;
use renkei_shared::api::{Empty, PinForm};
use serde_json::{Value, json};

async fn at_pin_step(app: &crate::helpers::TestApp) -> String {
    let csrf = app.at_call_step().await;
    app.open_call(&csrf).await;
    app.signed_call("pin-test-call", "09011113333").await;
    assert_eq!(
        app.post(renkei_shared::api::CALL_CONFIRM_PATH, &csrf, &Empty {})
            .await
            .status(),
        200
    );
    assert_eq!(app.flow().await.step, Step::Pin);
    csrf
}

#[tokio::test]
async fn the_right_pin_reaches_consent() {
    let app = spawn_app().await;
    let csrf = at_pin_step(&app).await;
    let resp = app
        .post(
            renkei_shared::api::PIN_PATH,
            &csrf,
            &PinForm { pin: "1234".into() },
        )
        .await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["next"], "consent");
    assert_eq!(app.flow().await.step, Step::Consent);
}

#[tokio::test]
async fn a_malformed_pin_is_a_field_error_not_a_failure() {
    let app = spawn_app().await;
    let csrf = at_pin_step(&app).await;
    for pin in ["", "123", "12345", "12a4"] {
        let resp = app
            .post(renkei_shared::api::PIN_PATH, &csrf, &json!({"pin": pin}))
            .await;
        assert_eq!(resp.status(), 422, "{pin:?}");
        let body: Value = resp.json().await.unwrap();
        assert!(body["fields"]["pin"].is_array(), "{pin:?}");
    }
    assert_eq!(
        app.post(
            renkei_shared::api::PIN_PATH,
            &csrf,
            &PinForm { pin: "1234".into() }
        )
        .await
        .status(),
        200
    );
}

#[tokio::test]
async fn wrong_pins_lock_and_then_even_the_right_pin_gets_b84() {
    let app = spawn_app().await;
    let csrf = at_pin_step(&app).await;
    for i in 1..=4 {
        let resp = app
            .post(
                renkei_shared::api::PIN_PATH,
                &csrf,
                &PinForm { pin: "0000".into() },
            )
            .await;
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["code"], "identity_mismatch", "attempt {i}");
        assert_eq!(
            body["message"],
            "本人認証情報が誤っています。本人認証項目をご確認のうえ、再度入力して下さい。"
        );
    }
    let resp = app
        .post(
            renkei_shared::api::PIN_PATH,
            &csrf,
            &PinForm { pin: "0000".into() },
        )
        .await;
    assert_eq!(code_of(resp).await, "locked");
    let resp = app
        .post(
            renkei_shared::api::PIN_PATH,
            &csrf,
            &PinForm { pin: "1234".into() },
        )
        .await;
    assert_eq!(code_of(resp).await, "locked_b84");
    assert_eq!(app.flow().await.step, Step::Pin);
}

#[tokio::test]
async fn the_pin_never_appears_in_the_servers_log_output() {
    // The real binary, logging everything it can, with output captured.
    let mut server = ServerProcess::start(&[("RENKEI_LOG", "trace")]).await;
    let base = server.base.clone();
    let http = crate::helpers::browser();
    let post = |path: &str, csrf: &str, body: Value| {
        http.post(format!("{base}{path}"))
            .header("x-renkei-csrf", csrf)
            .json(&body)
            .send()
    };
    let authorize = format!("{base}{}", renkei_shared::oauth::AUTHORIZE_PATH);
    let mut params = crate::helpers::authorize_params();
    params[2].1 = format!("{base}/demo/callback");
    assert_eq!(
        http.get(&authorize)
            .query(&params)
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    let view: Value = get_json(&http, format!("{base}{}", renkei_shared::api::FLOW_PATH)).await;
    let csrf = view["csrf_token"].as_str().unwrap().to_owned();
    post(
        renkei_shared::api::ACCOUNT_PATH,
        &csrf,
        crate::helpers::wire(&account_body("115", "ordinary", "1100026")),
    )
    .await
    .unwrap();
    post(
        renkei_shared::api::CUSTOMER_PATH,
        &csrf,
        crate::helpers::wire(&crate::helpers::happy_customer()),
    )
    .await
    .unwrap();
    post(renkei_shared::api::PHONE_PATH, &csrf, json!({}))
        .await
        .unwrap();
    post(renkei_shared::api::CALL_PATH, &csrf, json!({}))
        .await
        .unwrap();
    // The carrier reports the call, signed at the server's clock.
    let body = json!({
        "call_id": "pin-log-call", "from": "09011113333",
        "to": crate::helpers::CALLBACK_NUMBER, "received_at": "2026-11-26T10:00:00+09:00"
    })
    .to_string();
    let ts = crate::helpers::default_start().as_second();
    let answer: Value = http
        .post(format!("{base}{}", renkei_shared::telephony::PATH))
        .header("content-type", "application/json")
        .header("x-renkei-timestamp", ts.to_string())
        .header(
            "x-renkei-signature",
            crate::helpers::hmac_v1(crate::helpers::TELEPHONY_SECRET, ts, &body),
        )
        .body(body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["result"], "verified");
    post(renkei_shared::api::CALL_CONFIRM_PATH, &csrf, json!({}))
        .await
        .unwrap();
    let wrong = post(renkei_shared::api::PIN_PATH, &csrf, json!({"pin": "8642"}))
        .await
        .unwrap();
    assert_eq!(wrong.status(), 422);
    // A body of the wrong shape: its rejection text quotes the value.
    let malformed = post(renkei_shared::api::PIN_PATH, &csrf, json!({"pin": 8642}))
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    let right = post(renkei_shared::api::PIN_PATH, &csrf, json!({"pin": "1234"}))
        .await
        .unwrap();
    assert_eq!(right.status(), 200);

    server.child.start_kill().unwrap();
    server.child.wait().await.unwrap();
    let logs = server.log_text();
    assert!(
        logs.contains(renkei_shared::api::PIN_PATH),
        "the log did capture the PIN requests"
    );
    assert!(!leaks(&logs, "8642"), "wrong PIN leaked into the log");
    assert!(!leaks(&logs, "1234"), "right PIN leaked into the log");
    assert!(
        !logs.contains("09011113333"),
        "full phone number leaked into the log"
    );
}

/// Whether `pin` appears in `text` as a value of its own: a whole token
/// between quotes or after `=` / `:` (a JSON string or number, a
/// `key=value`, a quoted Debug value) — not four digits inside a longer
/// number, a hash or a time (`elapsed_secs=2.8642e-5`).
fn leaks(text: &str, pin: &str) -> bool {
    let opens = |c: Option<char>| {
        c.is_none_or(|c| {
            matches!(
                c,
                '"' | '\'' | '`' | '=' | ':' | ' ' | '(' | '[' | '{' | ','
            )
        })
    };
    let closes = |c: Option<char>| {
        c.is_none_or(|c| {
            matches!(
                c,
                '"' | '\'' | '`' | ' ' | ',' | '}' | ']' | ')' | '&' | ';' | '\n' | '\r'
            )
        })
    };
    text.match_indices(pin).any(|(i, _)| {
        opens(text[..i].chars().next_back()) && closes(text[i + pin.len()..].chars().next())
    })
}

#[test]
fn the_leak_check_sees_logged_pins_and_only_them() {
    // Lines that do carry the PIN, the first as the server wrote it before
    // malformed bodies stopped being logged with their rejection text.
    for line in [
        "malformed request why=Failed to deserialize the JSON body into the target type: pin: invalid type: integer `8642`, expected a string",
        r#"body={"pin":"8642"}"#,
        r#"{"pin":8642}"#,
        "pin=8642&x=1",
        "Pin(\"8642\")",
        "8642",
    ] {
        assert!(leaks(line, "8642"), "{line}");
    }
    // Lines that only contain the digits by chance.
    for line in [
        "sqlx::query elapsed_secs=2.8642e-5",
        "hash=ab8642cd",
        "at=1786420000",
        "2026-11-26T10:00:08.642Z",
        "token=x8642",
    ] {
        assert!(!leaks(line, "8642"), "{line}");
    }
}
