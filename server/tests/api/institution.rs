//! The credit union's profile: what the screens are told, and the mails.

use crate::helpers::{spawn_app, spawn_app_with};
use renkei_shared::api::Empty;
use serde_json::{Value, json};

const GUNMA: &str = "name = \"ぐんまみらい信用組合\"\n\
    code = \"2011\"\n\
    contact_phone = \"0120-219-190\"\n\
    contact_hours = \"月曜日～金曜日（当組合休業日は除く）午前9時～午後5時\"\n\
    terms_url = \"https://www.gunmamirai.example/api-terms.html\"\n\
    terms_version = \"2026-10\"\n\
    mail_from = \"ぐんまみらい信用組合 <noreply@gunmamirai.example>\"\n\
    brand_color = \"#006934\"\n";

#[tokio::test]
async fn without_a_profile_the_screens_are_told_the_demo_institution() {
    let app = spawn_app().await;
    let resp = app
        .http
        .get(app.url(renkei_shared::api::INSTITUTION_PATH))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let got: Value = resp.json().await.unwrap();
    assert_eq!(
        got,
        json!({
            "name": "しんくみ信用組合", "code": "2999", "contact_phone": "0120-000-000",
            "contact_hours": "月曜日～金曜日 午前9時～午後5時",
            "terms_url": "/public/terms.html", "faq_url": "/public/faq.html",
            "brand_color": "#0b4f8a",
        })
    );
}

#[tokio::test]
async fn a_profile_names_the_credit_union_on_the_screens_and_in_the_mail() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().to_path_buf();
    let app = spawn_app_with(move |c| {
        c.institution_file = Some(GUNMA.to_owned());
        c.mail.outbox_dir = outbox;
        c.mail.poll_secs = 1;
    })
    .await;
    let got: Value = app
        .http
        .get(app.url(renkei_shared::api::INSTITUTION_PATH))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got["name"], "ぐんまみらい信用組合");
    assert_eq!(got["contact_phone"], "0120-219-190");
    assert_eq!(
        got["terms_url"],
        "https://www.gunmamirai.example/api-terms.html"
    );
    assert_eq!(
        got["faq_url"], "/public/faq.html",
        "a key the file lacks is the platform's page"
    );

    // 拒否する: the notice comes from and is signed by this credit union.
    let csrf = app.at_consent_step().await;
    let resp = app
        .post(renkei_shared::api::DENY_PATH, &csrf, &Empty {})
        .await;
    assert_eq!(resp.status(), 200);
    let eml = crate::consent::first_eml(dir.path()).await;
    assert!(eml.contains("noreply@gunmamirai.example"), "{eml}");
    let (subject, text) = crate::consent::decode_message(&eml);
    assert_eq!(subject, "【ぐんまみらい信用組合】API連携認証中止のお知らせ");
    assert!(
        text.contains(
            "（0120-219-190 受付時間：月曜日～金曜日（当組合休業日は除く）午前9時～午後5時）"
        ),
        "{text}"
    );
    assert!(text.trim_end().ends_with("ぐんまみらい信用組合"), "{text}");
    assert!(!text.contains("しんくみ信用組合"), "{text}");
}
