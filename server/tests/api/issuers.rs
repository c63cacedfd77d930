//! One issuer per credit union (issue #22): each union's metadata, screens'
//! profile and endpoints under `/institutions/{code}`, a linkage there by
//! its issuer alone, and every object one union issued refused at another
//! — on both backends. (Client assertions and DPoP proofs made for one
//! union are in `fapi.rs`.)

use crate::helpers::{DEMO_REDIRECT, ISSUER, error_of, get_json, query, spawn_app};
use crate::platform::second_union;
use renkei_shared::api::INSTITUTION_PATH;
use renkei_shared::oauth::METADATA_PATH;
use serde_json::Value;

#[tokio::test]
async fn each_union_has_its_own_issuer_and_metadata_by_rfc_8414_path_insertion() {
    let app = spawn_app().await;
    let second = second_union(&app).await;
    let ours: Value = get_json(&app.http, app.url(METADATA_PATH)).await;
    assert_eq!(ours["issuer"], ISSUER);
    assert_eq!(ours["token_endpoint"], format!("{ISSUER}/oauth/token"));

    let issuer = format!("{ISSUER}/institutions/2011");
    let inserted = format!("{}{METADATA_PATH}/institutions/2011", app.root);
    let theirs: Value = get_json(&app.http, &inserted).await;
    assert_eq!(theirs["issuer"], issuer);
    for (key, path) in [
        ("authorization_endpoint", "/oauth/authorize"),
        ("token_endpoint", "/oauth/token"),
        ("pushed_authorization_request_endpoint", "/oauth/par"),
        ("revocation_endpoint", "/oauth/revoke"),
        ("introspection_endpoint", "/oauth/introspect"),
    ] {
        assert_eq!(theirs[key], format!("{issuer}{path}"), "{key}");
    }
    // Also where a client that appends the well-known path looks.
    let appended: Value = get_json(&app.http, second.url(METADATA_PATH)).await;
    assert_eq!(appended, theirs);

    // The screens are told each union's own profile.
    let profile: Value = get_json(&app.http, second.url(INSTITUTION_PATH)).await;
    assert_eq!(profile["name"], "ぐんまみらい信用組合");
    assert_eq!(profile["code"], "2011");
    assert_eq!(profile["contact_phone"], "0120-219-190");
    assert_eq!(profile["brand_color"], "#006934");
    let first: Value = get_json(&app.http, app.url(INSTITUTION_PATH)).await;
    assert_eq!(first["name"], "しんくみ信用組合");

    // A code no union has, and the platform's own paths under a union's
    // prefix, are nobody's.
    for path in [
        format!("{}{METADATA_PATH}/institutions/9999", app.root),
        format!("{}/institutions/9999{METADATA_PATH}", app.root),
        format!("{}/institutions/9999{INSTITUTION_PATH}", app.root),
        second.url("/healthz"),
        second.url("/openapi.json"),
        second.url("/staff/api/session"),
        second.url(renkei_shared::telephony::PATH),
    ] {
        let resp = app.http.get(&path).send().await.unwrap();
        assert_eq!(resp.status(), 404, "{path}");
    }
}

#[tokio::test]
async fn a_linkage_at_a_union_goes_through_its_issuer_and_what_it_issued_works_there_only() {
    let app = spawn_app().await;
    let second = second_union(&app).await;

    // The app sends the customer to the second union's authorize: its
    // screens follow under its prefix, and the answer names its issuer.
    let resp = second.authorize(&crate::helpers::authorize_params()).await;
    assert_eq!(resp.status(), 303);
    assert_eq!(
        resp.headers()["location"],
        format!(
            "/institutions/2011{}",
            renkei_shared::api::Step::Account.path()
        )
        .as_str(),
        "SOA201 of that union"
    );
    let view = second.flow().await;
    let back = second.consent_from_soa201(&view.csrf_token).await;
    assert!(back.as_str().starts_with(DEMO_REDIRECT));
    assert_eq!(
        query(&back, "iss").as_deref(),
        Some(format!("{ISSUER}/institutions/2011").as_str())
    );
    let code = query(&back, "code").unwrap();

    // Its code is nothing at the first union; then it works at its own.
    let refused = app.exchange(&code).await;
    assert_eq!(refused.status(), 400);
    assert_eq!(error_of(refused).await, "invalid_grant");
    let resp = second.exchange(&code).await;
    assert_eq!(resp.status(), 200);
    let tokens: Value = resp.json().await.unwrap();
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();

    // The access token reads the second union's record, and nothing at
    // the first (where the same account number is another record).
    let accounts = renkei_shared::account::ACCOUNTS_PATH;
    let read =
        |t: &crate::helpers::TestApp| t.http.get(t.url(accounts)).bearer_auth(&access).send();
    let mine = read(&second).await.unwrap();
    assert_eq!(mine.status(), 200);
    let mine: Value = mine.json().await.unwrap();
    assert_eq!(mine["accounts"][0]["balance"], 91_000);
    assert_eq!(read(&app).await.unwrap().status(), 401);

    // Introspection and revocation at the other union know nothing of it.
    let info = app.introspect(&access).await;
    assert_eq!(info["active"], false);
    assert_eq!(second.introspect(&access).await["active"], true);
    let refresh_form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh.as_str()),
    ];
    let resp = app.token(crate::helpers::DEMO_CREDS, &refresh_form).await;
    assert_eq!(error_of(resp).await, "invalid_grant");
    let revoked = app
        .http
        .post(app.url(renkei_shared::oauth::REVOKE_PATH))
        .basic_auth(
            crate::helpers::DEMO_CREDS.0,
            Some(crate::helpers::DEMO_CREDS.1),
        )
        .form(&[("token", access.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        revoked.status(),
        200,
        "RFC 7009: an unknown token is no error"
    );
    assert_eq!(read(&second).await.unwrap().status(), 200, "still live");
    let resp = second
        .token(crate::helpers::DEMO_CREDS, &refresh_form)
        .await;
    assert_eq!(resp.status(), 200);

    // The other way round: a code of the first union is nothing here.
    let first_code = app.consent_and_get_code().await;
    let resp = second.exchange(&first_code).await;
    assert_eq!(error_of(resp).await, "invalid_grant");
    assert_eq!(app.exchange(&first_code).await.status(), 200);
}

#[tokio::test]
async fn a_flow_begun_at_one_union_is_not_found_at_another() {
    let app = spawn_app().await;
    let second = second_union(&app).await;
    // The browser's flow is the first union's: the second's API does not
    // find it, nor take a step of it.
    let view = app.start_flow().await;
    let resp = second
        .http
        .get(second.url(renkei_shared::api::FLOW_PATH))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "flow_not_found");
    let c = renkei_fixture::HAPPY;
    let resp = second
        .browser()
        .post(
            renkei_shared::api::ACCOUNT_PATH,
            &view.csrf_token,
            &crate::helpers::account_body(c.branch, c.kind, c.number),
        )
        .await;
    assert_eq!(resp.status(), 401);
    // At its own union it goes on.
    let resp = app
        .browser()
        .post(
            renkei_shared::api::ACCOUNT_PATH,
            &view.csrf_token,
            &crate::helpers::account_body(c.branch, c.kind, c.number),
        )
        .await;
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn a_suspended_union_links_nobody_and_its_tokens_stop_while_the_others_go_on() {
    let app = spawn_app().await;
    let second = second_union(&app).await;
    let code = {
        let resp = second.authorize(&crate::helpers::authorize_params()).await;
        assert_eq!(resp.status(), 303);
        let view = second.flow().await;
        let back = second.consent_from_soa201(&view.csrf_token).await;
        query(&back, "code").unwrap()
    };
    let tokens: Value = second.exchange(&code).await.json().await.unwrap();
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    // A flow in progress at the moment of suspension.
    let other = second.other_browser();
    let in_progress = other.start_flow().await;

    let out = crate::helpers::output_of(app.cli(&[
        "institution",
        "suspend",
        "--code",
        "2011",
        "--reason",
        "システム移行",
    ]))
    .await;
    assert!(out.status.success());

    let accounts = renkei_shared::account::ACCOUNTS_PATH;
    let resp = second
        .http
        .get(second.url(accounts))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(second.introspect(&access).await["active"], false);
    let resp = second
        .token(
            crate::helpers::DEMO_CREDS,
            &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
        )
        .await;
    assert_eq!(error_of(resp).await, "invalid_grant");
    // A new linkage gets the seed's message and a way back to the app.
    let resp = second.authorize(&crate::helpers::authorize_params()).await;
    assert_eq!(resp.status(), 503);
    let page = resp.text().await.unwrap();
    assert!(
        page.contains(renkei_shared::ErrorCode::ServiceUnavailable.message()),
        "{page}"
    );
    // The flow in progress cannot take its next step.
    let c = renkei_fixture::HAPPY;
    let resp = other
        .post(
            renkei_shared::api::ACCOUNT_PATH,
            &in_progress.csrf_token,
            &crate::helpers::account_body(c.branch, c.kind, c.number),
        )
        .await;
    assert_eq!(resp.status(), 503);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "service_unavailable");

    // The first union is untouched.
    let first_code = app.consent_and_get_code().await;
    assert_eq!(app.exchange(&first_code).await.status(), 200);

    // Resumed: the same token reads again.
    let out = crate::helpers::output_of(app.cli(&[
        "institution",
        "resume",
        "--code",
        "2011",
        "--reason",
        "移行完了",
    ]))
    .await;
    assert!(out.status.success());
    let resp = second
        .http
        .get(second.url(accounts))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn the_demo_platform_serves_a_second_union_with_its_own_customers() {
    let app = spawn_app().await;
    let second = app.at(renkei_fixture::SECOND_CODE);
    let profile: Value = get_json(&app.http, second.url(INSTITUTION_PATH)).await;
    assert_eq!(profile["name"], renkei_fixture::SECOND_NAME);
    assert_eq!(profile["code"], "2998");
    assert_eq!(profile["contact_phone"], "0120-298-298");
    assert_eq!(profile["brand_color"], "#7b2d26");

    // Its customer links there, and reads its own record.
    let c = renkei_fixture::SECOND_CUSTOMERS[0];
    let tokens = second.other_browser().link(&c).await;
    let page: Value = second
        .http
        .get(second.url(renkei_shared::account::ACCOUNTS_PATH))
        .bearer_auth(&tokens.access_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["accounts"][0]["branch"], c.branch);
    assert_eq!(page["accounts"][0]["masked_number"], "***2468");

    // The first union's customer is not the second's, and vice versa.
    let h = renkei_fixture::HAPPY;
    let (_, resp) = second
        .other_browser()
        .account_attempt(&crate::helpers::account_body(h.branch, h.kind, h.number))
        .await;
    assert_eq!(resp.status(), 422);
    let (_, resp) = app
        .other_browser()
        .account_attempt(&crate::helpers::account_body(c.branch, c.kind, c.number))
        .await;
    assert_eq!(resp.status(), 422);
}

#[tokio::test]
async fn a_unions_mail_comes_from_it_and_is_signed_by_it() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().to_path_buf();
    let app = crate::helpers::spawn_app_with(move |c| {
        c.mail.outbox_dir = outbox;
        c.mail.poll_secs = 1;
    })
    .await;
    let second = app.at(renkei_fixture::SECOND_CODE);
    // 拒否する at the second union: its notice.
    let browser = second.browser();
    let csrf = browser
        .at_consent(&renkei_fixture::SECOND_CUSTOMERS[0])
        .await;
    let resp = browser
        .post(
            renkei_shared::api::DENY_PATH,
            &csrf,
            &renkei_shared::api::Empty {},
        )
        .await;
    assert_eq!(resp.status(), 200);
    let eml = crate::consent::first_eml(dir.path()).await;
    assert!(eml.contains("noreply@mirai.example"), "{eml}");
    let (subject, text) = crate::consent::decode_message(&eml);
    assert_eq!(subject, "【みらい信用組合】API連携認証中止のお知らせ");
    assert!(text.contains("0120-298-298"), "{text}");
    assert!(text.trim_end().ends_with("みらい信用組合"), "{text}");
    assert!(!text.contains("しんくみ信用組合"), "{text}");
}

#[tokio::test]
async fn an_app_switched_off_at_one_union_keeps_working_at_another() {
    let app = spawn_app().await;
    let second = app.at(renkei_fixture::SECOND_CODE);
    let theirs = second
        .other_browser()
        .link(&renkei_fixture::SECOND_CUSTOMERS[0])
        .await;
    let ours = app.other_browser().link(&renkei_fixture::HAPPY).await;
    let read = |at: &crate::helpers::TestApp, token: &str| {
        at.http
            .get(at.url(renkei_shared::account::ACCOUNTS_PATH))
            .bearer_auth(token)
            .send()
    };
    let client = crate::helpers::DEMO_CREDS.0;
    // `client VERB` of the demo app at the second union, with `more` flags.
    let switch = |verb: &str, more: &[&str]| {
        let mut args = vec![
            "client",
            verb,
            "--client-id",
            client,
            "--institution",
            "2998",
        ];
        args.extend_from_slice(more);
        crate::helpers::output_of(app.cli(&args))
    };

    // A reason is required for one union's switch.
    let out = switch("disable", &[]).await;
    assert!(!out.status.success());
    let out = switch("disable", &["--reason", "提携終了"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Off at the second union: its customers' tokens, a refresh, a new
    // linkage — all refused there.
    assert_eq!(
        read(&second, &theirs.access_token).await.unwrap().status(),
        401
    );
    let resp = second
        .token(
            crate::helpers::DEMO_CREDS,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &theirs.refresh_token),
            ],
        )
        .await;
    assert_eq!(resp.status(), 401);
    assert_eq!(error_of(resp).await, "invalid_client");
    let resp = second.authorize(&crate::helpers::authorize_params()).await;
    assert_eq!(resp.status(), 503);
    // At the first union the same app goes on.
    assert_eq!(read(&app, &ours.access_token).await.unwrap().status(), 200);
    let first_code = app.consent_and_get_code().await;
    assert_eq!(app.exchange(&first_code).await.status(), 200);

    // The union's own log says who switched it, when and why; the first's
    // has no such line.
    let lines = |t: renkei_server::db::Tenant| async move {
        t.audit(&Default::default(), None, 200).await.unwrap()
    };
    let switched: Vec<_> = lines(app.storage.tenant(app.institution_id("2998").await))
        .await
        .into_iter()
        .filter(|l| l.outcome == renkei_shared::oplog::Outcome::ClientDisabled)
        .collect();
    assert_eq!(switched.len(), 1);
    assert!(
        switched[0]
            .detail
            .as_deref()
            .unwrap_or("")
            .contains("提携終了"),
        "{:?}",
        switched[0].detail
    );
    assert!(
        !lines(app.storage.tenant(crate::helpers::SEED_UNION))
            .await
            .iter()
            .any(|l| l.outcome == renkei_shared::oplog::Outcome::ClientDisabled)
    );

    // On again at that union: the same token reads.
    let out = switch("enable", &["--reason", "再提携"]).await;
    assert!(out.status.success());
    assert_eq!(
        read(&second, &theirs.access_token).await.unwrap().status(),
        200
    );
}

#[tokio::test]
async fn a_union_has_its_own_callback_numbers_and_lockout_threshold() {
    let app = spawn_app().await;
    let profile = format!(
        "{}callback_numbers = [\"0120555001\", \"0120555002\"]\nlockout_threshold = 2\n",
        crate::platform::SECOND
    );
    let second = crate::platform::second_union_with(&app, &profile).await;
    let h = renkei_fixture::HAPPY;

    // SOA209 shows the union's own number; the first union's stays its.
    let csrf = second.at_call_step().await;
    let shown = second.open_call(&csrf).await;
    assert_eq!(shown.callback_number, "0120555001");
    let csrf = app.at_call_step().await;
    assert_eq!(
        app.open_call(&csrf).await.callback_number,
        crate::helpers::CALLBACK_NUMBER
    );

    // Two wrong PINs lock the account at the second union (its threshold),
    // while the first union's threshold is the deployment's five.
    let b = second.other_browser();
    let csrf = b.at_customer_step(h.branch, h.kind, h.number).await;
    let mut wrong = crate::helpers::happy_customer();
    wrong.birth_year = "1999".into();
    let mut codes = Vec::new();
    for _ in 0..3 {
        let resp = b
            .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &wrong)
            .await;
        let body: Value = resp.json().await.unwrap();
        codes.push(body["code"].as_str().unwrap().to_owned());
    }
    assert_eq!(codes, ["identity_mismatch", "locked", "locked_b84"]);
    let b = app.other_browser();
    let csrf = b.at_customer_step(h.branch, h.kind, h.number).await;
    let resp = b
        .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &wrong)
        .await;
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "identity_mismatch");
    let resp = b
        .post(renkei_shared::api::CUSTOMER_PATH, &csrf, &wrong)
        .await;
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body["code"], "identity_mismatch",
        "the first union's threshold is 5"
    );
}
