//! SOA201 `POST /api/flow/account`.

use crate::helpers::account_body;
use crate::helpers::spawn_app;
use renkei_shared::api::Step;
use serde_json::{Value, json};

#[tokio::test]
async fn empty_fields_get_required_missing_with_each_field_named() {
    let app = spawn_app().await;
    let flow = app.start_flow().await;
    let resp = app
        .post(
            renkei_shared::api::ACCOUNT_PATH,
            &flow.csrf_token,
            &account_body("", "", ""),
        )
        .await;
    assert_eq!(resp.status(), 422);
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "required_missing");
    assert_eq!(body["message"], "入力されていない項目があります。");
    for f in ["branch", "kind", "number"] {
        assert_eq!(body["fields"][f], json!(["required"]), "{f}");
    }
    assert_eq!(app.flow().await.step, Step::Account, "nothing moved");
}

#[tokio::test]
async fn malformed_values_are_named_per_field() {
    let app = spawn_app().await;
    let flow = app.start_flow().await;
    let cases = [
        (
            account_body("15", "ordinary", "1100026"),
            "branch",
            "branch_format",
        ),
        (
            account_body("115", "time", "1100026"),
            "kind",
            "account_kind_unknown",
        ),
        (
            account_body("115", "ordinary", "12345678"),
            "number",
            "account_number_format",
        ),
        (
            account_body("115", "ordinary", "11-0026"),
            "number",
            "account_number_format",
        ),
    ];
    for (body, field, code) in cases {
        let resp = app
            .post(renkei_shared::api::ACCOUNT_PATH, &flow.csrf_token, &body)
            .await;
        assert_eq!(resp.status(), 422, "{body:?}");
        let got: Value = resp.json().await.unwrap();
        assert_eq!(got["code"], "invalid_input", "{body:?}");
        assert_eq!(got["fields"][field], json!([code]), "{body:?}");
    }
}

#[tokio::test]
async fn malformed_json_gets_the_wire_format_not_plain_text() {
    let app = spawn_app().await;
    let flow = app.start_flow().await;
    for (ct, body) in [
        ("application/json", "{not json"),
        ("application/json", "{\"branch\": 115}"),
        ("text/plain", "{}"),
    ] {
        let resp = app
            .http
            .post(app.url(renkei_shared::api::ACCOUNT_PATH))
            .header(renkei_shared::api::CSRF_HEADER, &flow.csrf_token)
            .header("content-type", ct)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{ct} {body}");
        let got: Value = resp.json().await.unwrap();
        assert_eq!(got["code"], "invalid_input");
    }
}

#[tokio::test]
async fn without_the_csrf_token_nothing_happens() {
    let app = spawn_app().await;
    app.start_flow().await;
    let body = account_body("115", "ordinary", "1100026");
    for token in ["", "wrong-token"] {
        let resp = app
            .post(renkei_shared::api::ACCOUNT_PATH, token, &body)
            .await;
        assert_eq!(resp.status(), 403);
        let got: Value = resp.json().await.unwrap();
        assert_eq!(got["code"], "csrf_rejected");
    }
    assert_eq!(app.flow().await.step, Step::Account);
}

#[tokio::test]
async fn the_demo_account_moves_on_with_full_width_digits_too() {
    let app = spawn_app().await;
    let flow = app.start_flow().await;
    let resp = app
        .post(
            renkei_shared::api::ACCOUNT_PATH,
            &flow.csrf_token,
            &account_body("１１５", "ordinary", "1100026"),
        )
        .await;
    assert_eq!(resp.status(), 200);
    let got: Value = resp.json().await.unwrap();
    assert_eq!(got["next"], "customer");
    let view = app.flow().await;
    assert_eq!(view.step, Step::Customer);
    let acct = view.account.expect("account chosen");
    assert_eq!(
        (acct.branch.as_str(), acct.number.as_str()),
        ("115", "1100026")
    );

    // The step is done: submitting SOA201 again is out of order.
    let again = app
        .post(
            renkei_shared::api::ACCOUNT_PATH,
            &flow.csrf_token,
            &account_body("115", "ordinary", "1100026"),
        )
        .await;
    assert_eq!(again.status(), 409);
    let got: Value = again.json().await.unwrap();
    assert_eq!(got["code"], "flow_out_of_order");
}

#[tokio::test]
async fn short_account_numbers_are_padded_to_seven_digits() {
    let app = spawn_app().await;
    let flow = app.start_flow().await;
    let resp = app
        .post(
            renkei_shared::api::ACCOUNT_PATH,
            &flow.csrf_token,
            &account_body("005", "savings", "123"),
        )
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(app.flow().await.account.unwrap().number, "0000123");
}

#[tokio::test]
async fn accounts_that_do_not_qualify_are_refused_alike() {
    let cases = [
        (account_body("010", "ordinary", "1234567"), "no cash card"),
        (
            account_body("011", "ordinary", "1111111"),
            "moved away (口座移管)",
        ),
        (account_body("115", "savings", "1100026"), "wrong kind"),
        (
            account_body("999", "ordinary", "1100026"),
            "no such account",
        ),
    ];
    for (body, why) in cases {
        let app = spawn_app().await;
        let flow = app.start_flow().await;
        let resp = app
            .post(renkei_shared::api::ACCOUNT_PATH, &flow.csrf_token, &body)
            .await;
        assert_eq!(resp.status(), 422, "{why}");
        let got: Value = resp.json().await.unwrap();
        assert_eq!(got["code"], "account_not_eligible", "{why}");
        assert_eq!(
            got["message"], "ご指定の口座は、本サービスではお取り扱いできません。",
            "{why}"
        );
    }
    // The new number of the moved account does qualify.
    let app = spawn_app().await;
    let (_, resp) = app
        .account_attempt(&account_body("022", "ordinary", "2222222"))
        .await;
    assert_eq!(resp.status(), 200);
}
