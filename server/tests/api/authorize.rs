use crate::helpers::{DEMO_REDIRECT, ISSUER, authorize_params, location, query, spawn_app};
use renkei_shared::api::Step;

/// Changes a valid authorize query into an invalid one.
type Tweak = Box<dyn Fn(&mut Vec<(&'static str, String)>)>;

#[tokio::test]
async fn a_valid_request_opens_a_flow_and_lands_on_soa201() {
    let app = spawn_app().await;
    let resp = app.authorize(&authorize_params()).await;
    assert_eq!(resp.status(), 303);
    assert_eq!(location(&resp).path(), "/flow/account");
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("renkei_flow="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    // 256-bit token, base64url: 43 characters.
    let value = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("renkei_flow=");
    assert_eq!(value.len(), 43);

    let flow = app.flow().await;
    assert_eq!(flow.step, Step::Account);
    assert_eq!(flow.client_name, "しんくみアプリ with CRECO");
    assert!(flow.csrf_token.len() >= 43);
    assert!(flow.account.is_none());
}

#[tokio::test]
async fn unknown_client_or_redirect_uri_gets_an_error_page_never_a_redirect() {
    let app = spawn_app().await;
    let cases: Vec<(&str, Tweak)> = vec![
        (
            "no client_id",
            Box::new(|p| p.retain(|(k, _)| *k != "client_id")),
        ),
        ("unknown client", Box::new(|p| p[1].1 = "evil-app".into())),
        (
            "no redirect_uri",
            Box::new(|p| p.retain(|(k, _)| *k != "redirect_uri")),
        ),
        (
            "unregistered redirect",
            Box::new(|p| p[2].1 = "https://evil.example/cb".into()),
        ),
        (
            "redirect with extra path",
            Box::new(|p| p[2].1 = format!("{DEMO_REDIRECT}/x")),
        ),
        (
            "redirect with extra query",
            Box::new(|p| p[2].1 = format!("{DEMO_REDIRECT}?a=1")),
        ),
    ];
    for (why, tweak) in cases {
        let mut params = authorize_params();
        tweak(&mut params);
        let resp = app.authorize(&params).await;
        assert_eq!(resp.status(), 400, "{why}");
        assert!(
            resp.headers().get("location").is_none(),
            "{why}: must not redirect"
        );
        assert!(resp.headers().get("set-cookie").is_none(), "{why}: no flow");
        let html = resp.text().await.unwrap();
        assert!(html.contains("API連携認証を開始できません"), "{why}");
    }
}

#[tokio::test]
async fn other_errors_go_back_to_the_app_with_error_state_and_iss() {
    let app = spawn_app().await;
    let cases: Vec<(&str, &str, Tweak)> = vec![
        (
            "token flow",
            "unsupported_response_type",
            Box::new(|p| p[0].1 = "token".into()),
        ),
        (
            "no response_type",
            "unsupported_response_type",
            Box::new(|p| p.retain(|(k, _)| *k != "response_type")),
        ),
        (
            "no state",
            "invalid_request",
            Box::new(|p| p.retain(|(k, _)| *k != "state")),
        ),
        (
            "plain PKCE",
            "invalid_request",
            Box::new(|p| p[6].1 = "plain".into()),
        ),
        (
            "no PKCE method",
            "invalid_request",
            Box::new(|p| p.retain(|(k, _)| *k != "code_challenge_method")),
        ),
        (
            "no challenge",
            "invalid_request",
            Box::new(|p| p.retain(|(k, _)| *k != "code_challenge")),
        ),
        (
            "short challenge",
            "invalid_request",
            Box::new(|p| p[5].1 = "abc".into()),
        ),
        (
            "unknown scope",
            "invalid_scope",
            Box::new(|p| p[3].1 = "payments".into()),
        ),
        (
            "no scope",
            "invalid_scope",
            Box::new(|p| p.retain(|(k, _)| *k != "scope")),
        ),
    ];
    for (why, want, tweak) in cases {
        let mut params = authorize_params();
        tweak(&mut params);
        let resp = app.authorize(&params).await;
        assert_eq!(resp.status(), 303, "{why}");
        let loc = location(&resp);
        assert!(loc.as_str().starts_with(DEMO_REDIRECT), "{why}: {loc}");
        assert_eq!(query(&loc, "error").as_deref(), Some(want), "{why}");
        assert_eq!(query(&loc, "iss").as_deref(), Some(ISSUER), "{why}");
        let state_sent = params.iter().any(|(k, _)| *k == "state");
        let want_state = state_sent.then(|| "st-123".to_owned());
        assert_eq!(query(&loc, "state"), want_state, "{why}");
        assert!(resp.headers().get("set-cookie").is_none(), "{why}: no flow");
    }
}

#[tokio::test]
async fn no_cookie_means_no_flow() {
    let app = spawn_app().await;
    let resp = app
        .http
        .get(app.url(renkei_shared::api::FLOW_PATH))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "flow_not_found");
}

#[tokio::test]
async fn a_flow_expires_after_its_lifetime() {
    let app = spawn_app().await;
    app.start_flow().await;
    app.clock.advance(jiff::SignedDuration::from_secs(15 * 60));
    let resp = app
        .http
        .get(app.url(renkei_shared::api::FLOW_PATH))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 410);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "flow_expired");
}
