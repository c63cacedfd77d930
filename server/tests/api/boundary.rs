//! The platform's trust boundary (issue #31), over HTTP on both backends:
//! the root URLs are one union's only issuer (its prefixed URLs redirect
//! there); caching is decided on the routed path, so a union's token and
//! account answers are never stored, as the root's are not; a union whose
//! stored profile no longer parses is unavailable, never another's.

use crate::helpers::{DEMO_CREDS, TestApp, output_of, spawn_app};
use crate::records::text;
use renkei_shared::api::INSTITUTION_PATH;
use renkei_shared::oauth::{METADATA_PATH, PAR_PATH, TOKEN_PATH};

fn cache_control(resp: &reqwest::Response) -> String {
    resp.headers()
        .get("cache-control")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_root_alias_is_its_unions_only_issuer() {
    let app = spawn_app().await;
    // The seed's union (2999) is the root alias: its prefixed URLs answer
    // 308 to the same path and query at the root.
    for (asked, location) in [
        (
            format!("{}/institutions/2999{INSTITUTION_PATH}?x=1", app.root),
            format!("{INSTITUTION_PATH}?x=1"),
        ),
        (
            format!("{}/institutions/2999{TOKEN_PATH}", app.root),
            TOKEN_PATH.to_owned(),
        ),
        (
            format!("{}{METADATA_PATH}/institutions/2999", app.root),
            METADATA_PATH.to_owned(),
        ),
    ] {
        let resp = app.http.get(&asked).send().await.unwrap();
        assert_eq!(resp.status(), 308, "{asked}");
        assert_eq!(resp.headers()["location"], location.as_str(), "{asked}");
    }
    // A grant made at the root is refused under another union's prefix.
    let ours = app.other_browser().link(&renkei_fixture::HAPPY).await;
    let second = app.at(renkei_fixture::SECOND_CODE);
    let resp = second
        .http
        .get(second.url(renkei_shared::account::ACCOUNTS_PATH))
        .bearer_auth(&ours.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
}

/// Every API answer — tokens (RFC 6749 §5.1), balances, discovery, the
/// flow's, errors included — carries `no-store` at the root and under a
/// union's prefix alike.
#[tokio::test]
async fn api_answers_are_never_stored_at_the_root_or_under_a_prefix() {
    let app = spawn_app().await;
    let second = app.at(renkei_fixture::SECOND_CODE);
    let linked = [
        (&app, app.other_browser().link(&renkei_fixture::HAPPY).await),
        (
            &second,
            second
                .other_browser()
                .link(&renkei_fixture::SECOND_CUSTOMERS[0])
                .await,
        ),
    ];
    for (at, tokens) in linked {
        let at: &TestApp = at;
        let mut answers = vec![];
        let refreshed = at
            .token(
                DEMO_CREDS,
                &[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", &tokens.refresh_token),
                ],
            )
            .await;
        assert_eq!(refreshed.status(), 200);
        answers.push(("token", refreshed));
        let refused = at
            .token(DEMO_CREDS, &[("grant_type", "refresh_token")])
            .await;
        assert_eq!(refused.status(), 400);
        answers.push(("token refused", refused));
        let read = at
            .http
            .get(at.url(renkei_shared::account::ACCOUNTS_PATH))
            .bearer_auth(&tokens.access_token)
            .send()
            .await
            .unwrap();
        assert_eq!(read.status(), 200);
        answers.push(("accounts", read));
        let unauthorised = at
            .http
            .get(at.url(renkei_shared::account::ACCOUNTS_PATH))
            .send()
            .await
            .unwrap();
        answers.push(("accounts refused", unauthorised));
        answers.push((
            "metadata",
            at.http.get(at.url(METADATA_PATH)).send().await.unwrap(),
        ));
        answers.push((
            "par refused",
            at.http.post(at.url(PAR_PATH)).send().await.unwrap(),
        ));
        answers.push((
            "profile",
            at.http.get(at.url(INSTITUTION_PATH)).send().await.unwrap(),
        ));
        for (what, resp) in &answers {
            assert_eq!(cache_control(resp), "no-store", "{what} at {:?}", at.prefix);
        }
    }
    // An answer made before routing (an unknown union) is not stored either.
    let resp = app
        .http
        .get(format!("{}/institutions/9999{TOKEN_PATH}", app.root))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    assert_eq!(cache_control(&resp), "no-store");
}

#[tokio::test]
async fn a_union_whose_profile_no_longer_parses_is_unavailable_not_the_demos() {
    let app = spawn_app().await;
    let second = app.at(renkei_fixture::SECOND_CODE);
    assert_eq!(
        output_of(app.cli(&["institution", "check"]))
            .await
            .status
            .code(),
        Some(0)
    );
    // As an upgrade that changed the format would leave it.
    let id = app.institution_id(renkei_fixture::SECOND_CODE).await;
    let changed = app
        .storage
        .set_institution_profile(
            id,
            renkei_server::db::InstitutionProfile {
                code: renkei_fixture::SECOND_CODE,
                name: renkei_fixture::SECOND_NAME,
                profile: "name = \"みらい信用組合\"\nbrand_colour = \"#7b2d26\"\n",
            },
        )
        .await
        .unwrap();
    assert!(changed);
    let resp = second
        .http
        .get(second.url(INSTITUTION_PATH))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 503);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "service_unavailable");
    let resp = second
        .token(DEMO_CREDS, &[("grant_type", "refresh_token")])
        .await;
    assert_eq!(resp.status(), 503);
    assert_eq!(
        crate::helpers::error_of(resp).await,
        "temporarily_unavailable"
    );
    let resp = second.authorize(&crate::helpers::authorize_params()).await;
    assert_eq!(resp.status(), 503);
    // Every other union is served as before.
    let resp = app
        .http
        .get(app.url(INSTITUTION_PATH))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);

    let out = output_of(app.cli(&["institution", "check"])).await;
    assert_eq!(out.status.code(), Some(1));
    let listed = text(&out.stdout);
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(
        listed.starts_with("2998\tbrand_colour: unknown field `brand_colour`"),
        "{listed}"
    );
}
