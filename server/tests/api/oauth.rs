//! The token endpoint, refresh, revocation and introspection.

use crate::helpers::{DEMO_CREDS, DEMO_REDIRECT, VERIFIER, error_of, get_json, spawn_app};
use renkei_server::clock::Clock;
use serde_json::Value;

#[tokio::test]
async fn the_whole_grant_code_token_introspect_refresh_revoke() {
    let app = spawn_app().await;
    let code = app.consent_and_get_code().await;
    let resp = app.exchange(&code).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let t: Value = resp.json().await.unwrap();
    assert_eq!(t["token_type"], "Bearer");
    assert_eq!(t["expires_in"], 600);
    assert_eq!(t["scope"], "account_info");
    let now = app.clock.now().as_second();
    assert_eq!(
        t["consent_expires_at"].as_i64().unwrap() - now,
        30 * 24 * 3600
    );
    let access = t["access_token"].as_str().unwrap().to_owned();
    let refresh = t["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(access.len(), 43, "256 bits, base64url");
    // Stored only as hashes.
    let stored = renkei_server::testkit::stored_token_hashes(&app.storage)
        .await
        .unwrap();
    assert_eq!(stored.len(), 2, "one access and one refresh token");
    assert!(!stored.contains(&access) && !stored.contains(&refresh));

    let info = app.introspect(&access).await;
    assert_eq!(info["active"], true);
    assert_eq!(info["client_id"], "demo-creco");
    assert_eq!(info["token_type"], "Bearer");

    // Refresh rotates: a new pair, the old refresh token is spent.
    let resp = app
        .token(
            DEMO_CREDS,
            &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
        )
        .await;
    assert_eq!(resp.status(), 200);
    let t2: Value = resp.json().await.unwrap();
    let access2 = t2["access_token"].as_str().unwrap().to_owned();
    let refresh2 = t2["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(refresh2, refresh);
    assert_eq!(app.introspect(&access2).await["active"], true);

    // Revocation ends every token of the grant at once.
    let resp = app
        .http
        .post(app.url(renkei_shared::oauth::REVOKE_PATH))
        .basic_auth(DEMO_CREDS.0, Some(DEMO_CREDS.1))
        .form(&[("token", refresh2.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(app.introspect(&access2).await["active"], false);
    assert_eq!(app.introspect(&access).await["active"], false);
    let resp = app
        .token(
            DEMO_CREDS,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &refresh2),
            ],
        )
        .await;
    assert_eq!(error_of(resp).await, "invalid_grant");
}

#[tokio::test]
async fn a_reused_code_is_refused_and_revokes_what_it_issued() {
    let app = spawn_app().await;
    let code = app.consent_and_get_code().await;
    let first: Value = app.exchange(&code).await.json().await.unwrap();
    let resp = app.exchange(&code).await;
    assert_eq!(resp.status(), 400);
    assert_eq!(error_of(resp).await, "invalid_grant");
    assert_eq!(
        app.introspect(first["access_token"].as_str().unwrap())
            .await["active"],
        false
    );
}

#[tokio::test]
async fn a_reused_refresh_token_ends_the_grant() {
    let app = spawn_app().await;
    let code = app.consent_and_get_code().await;
    let t: Value = app.exchange(&code).await.json().await.unwrap();
    let refresh = t["refresh_token"].as_str().unwrap();
    let t2: Value = app
        .token(
            DEMO_CREDS,
            &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
        )
        .await
        .json()
        .await
        .unwrap();
    let resp = app
        .token(
            DEMO_CREDS,
            &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
        )
        .await;
    assert_eq!(error_of(resp).await, "invalid_grant");
    assert_eq!(
        app.introspect(t2["access_token"].as_str().unwrap()).await["active"],
        false
    );
}

/// (why, client credentials, form, expected error)
type Case<'a> = (
    &'a str,
    (&'a str, &'a str),
    Vec<(&'a str, &'a str)>,
    &'a str,
);

#[tokio::test]
async fn code_errors() {
    let app = spawn_app().await;
    let other = app
        .add_app(
            "他のアプリ",
            &["https://other.example/cb".into()],
            &Default::default(),
        )
        .await
        .unwrap();
    let other = (other.client_id, other.secret.unwrap());
    let code = app.consent_and_get_code().await;
    let wrong_verifier = "A".repeat(43);
    let cases: Vec<Case> = vec![
        (
            "wrong verifier",
            DEMO_CREDS,
            vec![
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", DEMO_REDIRECT),
                ("code_verifier", &wrong_verifier),
            ],
            "invalid_grant",
        ),
        (
            "no verifier",
            DEMO_CREDS,
            vec![
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", DEMO_REDIRECT),
            ],
            "invalid_request",
        ),
        (
            "wrong redirect",
            DEMO_CREDS,
            vec![
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", "http://renkei.test/x"),
                ("code_verifier", VERIFIER),
            ],
            "invalid_grant",
        ),
        (
            "another client",
            (&other.0, &other.1),
            vec![
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", DEMO_REDIRECT),
                ("code_verifier", VERIFIER),
            ],
            "invalid_grant",
        ),
        (
            "unknown code",
            DEMO_CREDS,
            vec![
                ("grant_type", "authorization_code"),
                ("code", "nope"),
                ("redirect_uri", DEMO_REDIRECT),
                ("code_verifier", VERIFIER),
            ],
            "invalid_grant",
        ),
        (
            "unknown grant",
            DEMO_CREDS,
            vec![("grant_type", "password")],
            "unsupported_grant_type",
        ),
    ];
    for (why, creds, form, want) in cases {
        let resp = app.token(creds, &form).await;
        assert_eq!(resp.status(), 400, "{why}");
        assert_eq!(error_of(resp).await, want, "{why}");
    }
    // None of those used the code up.
    assert_eq!(app.exchange(&code).await.status(), 200);
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let app = spawn_app().await;
    let code = app.consent_and_get_code().await;
    app.clock.advance(jiff::SignedDuration::from_secs(60));
    let resp = app.exchange(&code).await;
    assert_eq!(error_of(resp).await, "invalid_grant");
}

#[tokio::test]
async fn bad_client_authentication_is_invalid_client() {
    let app = spawn_app().await;
    let code = app.consent_and_get_code().await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", DEMO_REDIRECT),
        ("code_verifier", VERIFIER),
    ];
    for (why, creds) in [
        ("wrong secret", ("demo-creco", "wrong")),
        ("unknown client", ("nobody", "x")),
    ] {
        let resp = app.token(creds, &form).await;
        assert_eq!(resp.status(), 401, "{why}");
        assert!(
            resp.headers()["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Basic"),
            "{why}"
        );
        assert_eq!(error_of(resp).await, "invalid_client", "{why}");
    }
    let resp = app
        .http
        .post(app.url(renkei_shared::oauth::TOKEN_PATH))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401, "no credentials");
    assert_eq!(app.exchange(&code).await.status(), 200);
}

#[tokio::test]
async fn after_thirty_days_refresh_is_refused_and_tokens_are_inactive() {
    let app = spawn_app().await;
    let code = app.consent_and_get_code().await;
    let t: Value = app.exchange(&code).await.json().await.unwrap();
    app.clock
        .advance(jiff::SignedDuration::from_secs(30 * 24 * 3600));
    let refresh = t["refresh_token"].as_str().unwrap();
    let resp = app
        .token(
            DEMO_CREDS,
            &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
        )
        .await;
    assert_eq!(error_of(resp).await, "invalid_grant");
    assert_eq!(app.introspect(refresh).await["active"], false);
}

#[tokio::test]
async fn metadata_lists_the_token_endpoints_and_what_they_accept() {
    let app = spawn_app().await;
    let m: Value = get_json(&app.http, app.url(renkei_shared::oauth::METADATA_PATH)).await;
    assert_eq!(m["token_endpoint"], "http://renkei.test/oauth/token");
    assert_eq!(m["revocation_endpoint"], "http://renkei.test/oauth/revoke");
    assert_eq!(
        m["introspection_endpoint"],
        "http://renkei.test/oauth/introspect"
    );
    assert_eq!(
        m["token_endpoint_auth_methods_supported"],
        serde_json::json!(["private_key_jwt", "client_secret_basic"])
    );
    assert_eq!(
        m["pushed_authorization_request_endpoint"],
        "http://renkei.test/oauth/par"
    );
    assert_eq!(
        m["require_pushed_authorization_requests"], false,
        "demo mode"
    );
    assert_eq!(
        m["dpop_signing_alg_values_supported"],
        serde_json::json!(["ES256", "PS256", "EdDSA"])
    );
    assert!(!m.to_string().contains("HS256") && !m.to_string().contains("\"none\""));
    assert_eq!(
        m["grant_types_supported"],
        serde_json::json!(["authorization_code", "refresh_token"])
    );
}
