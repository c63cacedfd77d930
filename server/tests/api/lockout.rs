//! The daily lockout (FAQ 2 Q1/Q2): per account per JST day.

use crate::helpers::{
    code_of, failures_on_test_day, happy_customer, jst, spawn_app, spawn_app_with,
};
use futures::future::join_all;
use renkei_shared::api::CustomerForm;
use renkei_shared::oplog::Outcome;
use serde_json::json;

fn wrong() -> CustomerForm {
    let mut b = happy_customer();
    b.birth_year = "1999".into();
    b
}

#[tokio::test]
async fn the_fifth_failure_locks_and_every_later_attempt_gets_b84_until_midnight_jst() {
    let app = spawn_app().await;
    app.clock.set(jst("2026-11-26T23:50:00"));
    let csrf = app.at_customer_step("115", "ordinary", "1100026").await;
    for i in 1..=4 {
        let resp = app
            .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &wrong())
            .await;
        assert_eq!(code_of(resp).await, "identity_mismatch", "attempt {i}");
    }
    let resp = app
        .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &wrong())
        .await;
    assert_eq!(resp.status(), 403);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "locked");
    assert_eq!(
        body["message"],
        "お取扱いができなくなりました。詳しくは本サービスのお問合せ窓口へご照会下さい。"
    );

    // Even the right data is refused now, with reason code B84.
    let resp = app
        .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &happy_customer())
        .await;
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "locked_b84");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .ends_with("理由コードはB84です。")
    );

    // A new linkage on the same account is refused at SOA201 already.
    let other = app.other_browser();
    app.clock.set(jst("2026-11-26T23:59:59"));
    let (_, resp) = other
        .account_attempt(&crate::helpers::account_body("115", "ordinary", "1100026"))
        .await;
    assert_eq!(code_of(resp).await, "locked_b84");

    // 0:00 JST lifts it by itself (0:00–0:01 is closed, so try at 0:01).
    app.clock.set(jst("2026-11-27T00:01:00"));
    let resp = app
        .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &happy_customer())
        .await;
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn the_lock_is_per_account() {
    let app = spawn_app().await;
    let csrf = app.at_customer_step("115", "ordinary", "1100026").await;
    for _ in 0..5 {
        app.post(renkei_shared::api::CUSTOMER_PATH, &csrf, &wrong())
            .await;
    }
    let other = app.other_browser();
    let csrf2 = other.at_customer_step("005", "savings", "123").await;
    let body = json!({"name": "ﾔﾏﾀﾞ ﾊﾅｺ", "birth_year": "1975", "birth_month": "04", "birth_day": "15",
                      "phone": "0272345678", "email": "hanako@example.jp", "email_confirm": "hanako@example.jp"});
    let resp = other
        .post(renkei_shared::api::CUSTOMER_PATH, &csrf2, &body)
        .await;
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn twenty_concurrent_failures_count_exactly_twenty() {
    let app = spawn_app_with(|c| c.lockout_threshold = 50).await;
    let csrf = app.at_customer_step("115", "ordinary", "1100026").await;
    let body = wrong();
    let attempts = (0..20).map(|_| async {
        app.post(renkei_shared::api::CUSTOMER_PATH, &csrf, &body)
            .await
            .status()
            .as_u16()
    });
    let codes = join_all(attempts).await;
    assert!(codes.iter().all(|s| *s == 422), "{codes:?}");
    let n = failures_on_test_day(&app.storage, "115", "ordinary", "1100026").await;
    assert_eq!(n, 20);
}

#[tokio::test]
async fn racing_right_and_wrong_attempts_lock_exactly_once_and_nothing_passes_after() {
    let app = spawn_app().await;
    // Five browsers with the right data, one with ten wrong attempts.
    let mut right = Vec::new();
    for _ in 0..5 {
        let b = app.other_browser();
        let csrf = b.at_customer_step("115", "ordinary", "1100026").await;
        right.push((b, csrf));
    }
    let csrf = app.at_customer_step("115", "ordinary", "1100026").await;
    let wrong_body = wrong();
    let happy = happy_customer();
    let wrong_attempts = (0..10).map(|_| async {
        let r = app
            .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &wrong_body)
            .await;
        code_of(r).await
    });
    let right_attempts = right.iter().map(|(b, csrf)| async {
        let r = b
            .post(renkei_shared::api::CUSTOMER_PATH, csrf, &happy)
            .await;
        if r.status() == 200 {
            "ok".to_owned()
        } else {
            code_of(r).await
        }
    });
    let (wrong_codes, right_codes) =
        tokio::join!(join_all(wrong_attempts), join_all(right_attempts));
    assert_eq!(
        wrong_codes.iter().filter(|c| *c == "locked").count(),
        1,
        "{wrong_codes:?}"
    );
    assert_eq!(
        wrong_codes
            .iter()
            .filter(|c| *c == "identity_mismatch")
            .count(),
        4,
        "{wrong_codes:?}"
    );
    assert_eq!(
        wrong_codes.iter().filter(|c| *c == "locked_b84").count(),
        5,
        "{wrong_codes:?}"
    );
    assert!(
        right_codes.iter().all(|c| c == "ok" || c == "locked_b84"),
        "{right_codes:?}"
    );
    // After the race the account is locked for everyone.
    let late = app.other_browser();
    let (_, resp) = late
        .account_attempt(&crate::helpers::account_body("115", "ordinary", "1100026"))
        .await;
    assert_eq!(code_of(resp).await, "locked_b84");
}

#[tokio::test]
async fn staff_can_lift_a_lock_early_with_a_reason_in_the_operation_log() {
    let app = spawn_app().await;
    let csrf = app.at_customer_step("115", "ordinary", "1100026").await;
    for _ in 0..5 {
        app.post(renkei_shared::api::CUSTOMER_PATH, &csrf, &wrong())
            .await;
    }
    let resp = app
        .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &happy_customer())
        .await;
    assert_eq!(code_of(resp).await, "locked_b84");

    let lifted = app
        .staff()
        .lift_lock(&crate::helpers::happy_account(), "本人確認済み（窓口）")
        .await
        .unwrap();
    assert!(lifted);
    let log = app.storage.operation_log().await.unwrap();
    let staff = log
        .iter()
        .find(|l| l.outcome == Outcome::LockLifted)
        .expect("logged");
    assert!(
        staff
            .detail
            .as_deref()
            .unwrap()
            .contains("本人確認済み（窓口）")
    );

    let resp = app
        .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &happy_customer())
        .await;
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn wrong_attempts_racing_from_many_flows_count_exactly_the_threshold() {
    let app = spawn_app().await;
    let mut browsers = Vec::new();
    for _ in 0..8 {
        let b = app.other_browser();
        let csrf = b.at_customer_step("115", "ordinary", "1100026").await;
        browsers.push((b, csrf));
    }
    let body = wrong();
    // Five attempts from each of eight flows at once: the attempts that
    // come to be counted after the fifth find the account locked and count
    // nothing.
    let attempts = (0..40).map(|i| {
        let (b, csrf) = &browsers[i % 8];
        let body = &body;
        async move { code_of(b.post(renkei_shared::api::CUSTOMER_PATH, csrf, body).await).await }
    });
    let codes = join_all(attempts).await;
    let count = |c: &str| codes.iter().filter(|x| *x == c).count();
    assert_eq!(count("identity_mismatch"), 4, "{codes:?}");
    assert_eq!(count("locked"), 1, "{codes:?}");
    assert_eq!(count("locked_b84"), 35, "{codes:?}");
    let n = failures_on_test_day(&app.storage, "115", "ordinary", "1100026").await;
    assert_eq!(n, 5);
}
