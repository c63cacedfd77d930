//! お客様情報入力 `POST /api/flow/customer`.

use crate::helpers::wire;
use crate::helpers::{code_of, happy_customer, spawn_app};
use renkei_shared::api::Empty;
use renkei_shared::api::Step;
use renkei_shared::oplog::{LogStep, Outcome};
use serde_json::{Value, json};

#[tokio::test]
async fn the_happy_path_customer_passes_with_hiragana_and_full_width_input() {
    let app = spawn_app().await;
    let csrf = app.at_customer_step("115", "ordinary", "1100026").await;
    let resp = app
        .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &happy_customer())
        .await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["next"], "phone_confirm");
    assert_eq!(app.flow().await.step, Step::PhoneConfirm);

    // The operation log keeps the kana name (FAQ Q4), never the phone or e-mail.
    let log = app.storage.operation_log().await.unwrap();
    let line = log
        .iter()
        .find(|l| l.step == LogStep::Customer)
        .expect("logged");
    assert_eq!(line.outcome, Outcome::Ok);
    assert_eq!(line.kana_name.as_deref(), Some("ﾃﾞ-ﾀ ﾀﾛｳ"));
    let everything = format!("{log:?}");
    assert!(
        !everything.contains("09011113333"),
        "no full phone number in the log"
    );
    assert!(
        !everything.contains("taro@example.jp"),
        "no e-mail in the log"
    );
}

#[tokio::test]
async fn every_field_is_validated_on_the_server() {
    let app = spawn_app().await;
    let csrf = app.at_customer_step("115", "ordinary", "1100026").await;
    let cases = [
        ("name", json!("Taro"), "name_chars"),
        ("name", json!("ア".repeat(49)), "name_too_long"),
        ("birth_year", json!("80"), "birth_year_format"),
        ("birth_day", json!("31"), "birth_date_invalid"), // with month 02 below
        ("phone", json!("090-1111-3333"), "phone_format"),
        ("email", json!("not-an-address"), "email_format"),
        ("email_confirm", json!("other@example.jp"), "email_mismatch"),
    ];
    for (field, value, code) in cases {
        // Field by field, by name: the body as it goes on the wire.
        let mut body = wire(&happy_customer());
        body[field] = value;
        if field == "birth_day" {
            body["birth_month"] = json!("02");
        }
        let resp = app
            .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &body)
            .await;
        assert_eq!(resp.status(), 422, "{field}");
        let got: Value = resp.json().await.unwrap();
        assert_eq!(got["code"], "invalid_input", "{field}");
        let key = if field.starts_with("birth") {
            "birth_date"
        } else {
            field
        };
        assert_eq!(got["fields"][key], json!([code]), "{field}");
    }
    // Refused input is not a failed identity check: nothing was counted.
    let resp = app
        .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &happy_customer())
        .await;
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn empty_fields_are_required_missing() {
    let app = spawn_app().await;
    let csrf = app.at_customer_step("115", "ordinary", "1100026").await;
    let resp = app
        .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &Empty {})
        .await;
    // Missing keys are a malformed body; empty strings are the form's case.
    assert_eq!(resp.status(), 400);
    let empty = json!({"name": "", "birth_year": "", "birth_month": "01", "birth_day": "01",
                       "phone": "", "email": "", "email_confirm": ""});
    let resp = app
        .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &empty)
        .await;
    assert_eq!(resp.status(), 422);
    let got: Value = resp.json().await.unwrap();
    assert_eq!(got["code"], "required_missing");
    for f in ["name", "birth_date", "phone", "email", "email_confirm"] {
        assert_eq!(got["fields"][f], json!(["required"]), "{f}");
    }
}

#[tokio::test]
async fn a_mismatch_in_any_part_is_identity_mismatch() {
    let app = spawn_app().await;
    let csrf = app.at_customer_step("115", "ordinary", "1100026").await;
    for (field, value) in [
        ("name", "ﾃﾞｰﾀ ｼﾞﾛｳ"),
        ("birth_year", "1981"),
        ("phone", "09011113334"),
    ] {
        let mut body = wire(&happy_customer());
        body[field] = json!(value);
        let resp = app
            .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &body)
            .await;
        assert_eq!(resp.status(), 422, "{field}");
        let got: Value = resp.json().await.unwrap();
        assert_eq!(got["code"], "identity_mismatch", "{field}");
        assert_eq!(
            got["message"],
            "本人認証情報が誤っています。本人認証項目をご確認のうえ、再度入力して下さい。"
        );
    }
    assert_eq!(
        app.flow().await.step,
        Step::Customer,
        "still at the same step"
    );
}

#[tokio::test]
async fn customer_step_before_soa201_is_out_of_order() {
    let app = spawn_app().await;
    let flow = app.start_flow().await;
    let resp = app
        .post(
            renkei_shared::api::CUSTOMER_PATH,
            &flow.csrf_token,
            &happy_customer(),
        )
        .await;
    assert_eq!(resp.status(), 409);
    assert_eq!(code_of(resp).await, "flow_out_of_order");
}
