//! The demo app's pages: it starts a linkage exactly as a real client
//! would — a fresh `state` and PKCE verifier per attempt, kept in its own
//! cookie — and shows what comes back to its redirect URI; once linked, the
//! account (see `account`). `/demo/phone` plays the customer's phone.

use crate::client::CLIENT_ID;
use crate::html::{esc, page};
use crate::{CLIENT_NAME, Demo, random_token, sha256_hex};
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use renkei_shared::oauth::TokenResponse;
use serde::Deserialize;
use url::Url;

const DEMO_COOKIE: &str = "renkei_demo_client";

pub fn router() -> Router<Demo> {
    Router::new()
        .route("/demo", get(home))
        .route("/demo/link", get(link))
        .route("/demo/callback", get(callback))
        .route("/demo/phone", get(phone).post(call))
        .route("/demo/unlink", axum::routing::post(unlink))
        .route("/demo/jwks.json", get(jwks))
}

/// The app's public keys, where an app publishes them for the bank to
/// fetch (a `jwks_uri`).
async fn jwks(State(demo): State<Demo>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/jwk-set+json")],
        demo.0.client.jwks(),
    )
        .into_response()
}

fn shell(body: &str) -> Html<String> {
    page(
        CLIENT_NAME,
        &format!(
            "<header class=\"demo-bar\"><span class=\"demo-logo\">{}</span>\
             <span class=\"demo-tag\">デモアプリ</span></header><main class=\"card\">{body}</main>",
            esc(CLIENT_NAME)
        ),
    )
}

const SESSION_COOKIE: &str = "renkei_demo_session";

/// The demo app's session id from its cookie.
fn session_id(jar: &CookieJar) -> Option<String> {
    jar.get(SESSION_COOKIE).map(|c| sha256_hex(c.value()))
}

/// `?union=` on the home page and the link: the credit union chosen.
#[derive(Debug, Default, Deserialize)]
struct Chosen {
    union: Option<String>,
}

/// The app's home: the linked account, or the button to link one.
async fn home(State(app): State<Demo>, jar: CookieJar, Query(c): Query<Chosen>) -> Response {
    if let Some(id) = session_id(&jar) {
        match crate::account::page(&app, &id).await {
            Ok(Some(body)) => return shell(&body).into_response(),
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(error = %e, "demo app could not read the account");
                return shell(
                    "<h1>口座情報を取得できませんでした</h1><p role=\"alert\">しばらくしてから、もう一度お試しください。</p>",
                )
                .into_response();
            }
        }
    }
    unlinked(&app, c.union.as_deref()).into_response()
}

/// 連携を解除: the app revokes its grant (RFC 7009) and forgets the tokens.
async fn unlink(State(app): State<Demo>, jar: CookieJar) -> Response {
    if let Some(id) = session_id(&jar)
        && let Err(e) = crate::account::unlink(&app, &id).await
    {
        tracing::warn!(error = %e, "demo app could not revoke");
    }
    (
        StatusCode::SEE_OTHER,
        jar.remove(Cookie::build(SESSION_COOKIE).path("/demo")),
        [(header::LOCATION, "/demo")],
    )
        .into_response()
}

/// The unlinked home: which credit union (the first unless the customer
/// picks another, each a link: the page works without script) and
/// 口座を連携する for it.
fn unlinked(app: &Demo, chosen: Option<&str>) -> Html<String> {
    let Some(chosen) = app.union(chosen) else {
        return shell("<h1>口座の連携</h1><p role=\"alert\">連携できる信用組合がありません。</p>");
    };
    let choices: String = app
        .0
        .settings
        .unions
        .iter()
        .map(|u| {
            if u.code == chosen.code {
                format!(
                    "<li><strong aria-current=\"true\" data-union=\"{0}\">{1}</strong>（選択中）</li>",
                    esc(&u.code),
                    esc(&u.name)
                )
            } else {
                format!(
                    "<li><a href=\"/demo?union={0}\" data-union=\"{0}\">{1}</a></li>",
                    esc(&u.code),
                    esc(&u.name)
                )
            }
        })
        .collect();
    shell(&format!(
        "<h1>口座の連携</h1>\
         <p>信用組合の預金口座をアプリに連携すると、残高や入出金明細をアプリで確認できます。</p>\
         <h2>ご利用の信用組合</h2><ul class=\"unions\">{choices}</ul>\
         <p>連携には、お届けの電話番号からの発信と、キャッシュカードの暗証番号が必要です。</p>\
         <p><a class=\"button\" href=\"/demo/link?union={code}\">口座を連携する</a></p>\
         <p>デモでは、お客様の電話の代わりに <a href=\"/demo/phone\" target=\"_blank\">デモ用の電話</a> \
         から認証先電話番号へ発信できます。</p>",
        code = esc(&chosen.code),
    ))
}

/// Starts an authorization request as a FAPI 2.0 client: a new state and
/// PKCE verifier every time, the request pushed (PAR) with a signed client
/// assertion and a DPoP proof, then the browser sent to `/oauth/authorize`
/// with only the client id and the one-time request URI — all at the chosen
/// union's authorization server, as its discovered metadata names them.
async fn link(State(app): State<Demo>, jar: CookieJar, Query(c): Query<Chosen>) -> Response {
    let state = random_token();
    let verifier = random_token();
    let Some(union) = app.union(c.union.as_deref()).cloned() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let pushed = async {
        let at = app.discover(&union.issuer).await?;
        let uri = app
            .0
            .client
            .push(
                &app,
                &at,
                &app.redirect_uri(),
                &state,
                &pkce_challenge(&verifier),
            )
            .await?;
        anyhow::Ok((at, uri))
    }
    .await;
    let (at, request_uri) = match pushed {
        Ok(pair) => pair,
        Err(e) => {
            tracing::warn!(error = %e, "demo app could not push its request");
            return shell(
                "<h1>連携を開始できませんでした</h1><p role=\"alert\">しばらくしてから、もう一度お試しください。</p>\
                 <p><a class=\"button\" href=\"/demo\">アプリのトップへ</a></p>",
            )
            .into_response();
        }
    };
    let mut url = match Url::parse(&at.authorization_endpoint) {
        Ok(u) => u,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    url.query_pairs_mut()
        .append_pair("client_id", CLIENT_ID)
        .append_pair("request_uri", &request_uri);
    let cookie = Cookie::build((DEMO_COOKIE, format!("{state}.{verifier}.{}", union.code)))
        .path("/demo")
        .http_only(true)
        .secure(app.0.settings.secure_cookies)
        .same_site(SameSite::Lax)
        .build();
    (
        StatusCode::SEE_OTHER,
        jar.add(cookie),
        [(header::LOCATION, url.to_string())],
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    iss: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

async fn callback(
    State(app): State<Demo>,
    jar: CookieJar,
    Query(p): Query<CallbackParams>,
) -> Response {
    let mut jar = jar;
    // state.verifier.union, as `link` left them.
    let pending: Option<(String, String, String)> = jar.get(DEMO_COOKIE).and_then(|c| {
        let mut parts = c.value().splitn(3, '.');
        Some((
            parts.next()?.to_owned(),
            parts.next()?.to_owned(),
            parts.next()?.to_owned(),
        ))
    });
    let (expected_state, verifier, union) = match pending {
        Some((s, v, u)) => (Some(s), Some(v), app.union(Some(&u)).cloned()),
        None => (None, None, None),
    };
    let state_ok = expected_state.is_some() && expected_state == p.state;
    // The answer must come from the union the request went to (RFC 9207).
    let iss_ok = union
        .as_ref()
        .is_some_and(|u| p.iss.as_deref() == Some(u.issuer.as_str()));
    let mut body = String::new();
    if !state_ok || !iss_ok {
        body.push_str(
            "<h1>連携できませんでした</h1><p role=\"alert\" data-result=\"rejected\">\
             応答の確認（state / iss）に失敗したため、この応答は使用しません。</p>",
        );
    } else if let Some(error) = &p.error {
        let heading = if error == "access_denied" {
            "口座の連携を中止しました"
        } else {
            "口座の連携でエラーが発生しました"
        };
        body.push_str(&format!(
            "<h1>{}</h1><p role=\"status\" data-result=\"error\">エラー: <code>{}</code>{}</p>",
            heading,
            esc(error),
            p.error_description
                .as_deref()
                .map(|d| format!("（{}）", esc(d)))
                .unwrap_or_default()
        ));
    } else if let (Some(code), Some(verifier), Some(union)) = (&p.code, &verifier, &union) {
        // Exchanged server-side, as a confidential client does. Only the
        // shape of the answer is shown, never the token values.
        match exchange(&app, &union.issuer, code, verifier).await {
            Ok(t) => {
                // The app keeps its tokens in its own session.
                let cookie_value = random_token();
                let session = crate::store::Session {
                    issuer: union.issuer.clone(),
                    access_token: t.access_token.clone(),
                    refresh_token: t.refresh_token.clone(),
                    access_expires_at: app.now_secs() + t.expires_in,
                    consent_expires_at: t.consent_expires_at,
                };
                if let Err(e) = app
                    .0
                    .store
                    .save_session(&sha256_hex(&cookie_value), &session, app.now_secs())
                    .await
                {
                    tracing::warn!(error = %e, "demo app could not keep its session");
                }
                jar = jar.add(
                    Cookie::build((SESSION_COOKIE, cookie_value))
                        .path("/demo")
                        .http_only(true)
                        .secure(app.0.settings.secure_cookies)
                        .same_site(SameSite::Lax)
                        .build(),
                );
                body.push_str(&format!(
                "<h1>口座の連携が完了しました</h1>\
                 <p role=\"status\" data-result=\"code\">認可コードをトークンに交換しました。</p>\
                 <dl class=\"pairs\"><dt>token_type</dt><dd>{}</dd><dt>expires_in</dt><dd>{} 秒</dd>\
                 <dt>scope</dt><dd>{}</dd><dt>受け取った項目</dt><dd>{}</dd>\
                 <dt>連携の有効期限</dt><dd data-testid=\"consent-expiry\">{}</dd></dl>",
                esc(&t.token_type),
                t.expires_in,
                esc(&t.scope),
                "access_token, token_type, expires_in, refresh_token, scope, consent_expires_at",
                esc(&crate::jst_text(t.consent_expires_at)),
            ));
                body.push_str("<p><a class=\"button\" href=\"/demo\">口座の情報を見る</a></p>");
            }
            Err(e) => {
                tracing::warn!(error = %e, "demo app could not exchange the code");
                body.push_str(
                    "<h1>連携できませんでした</h1><p role=\"alert\" data-result=\"exchange-failed\">\
                     認可コードをトークンに交換できませんでした。</p>",
                );
            }
        }
    } else {
        body.push_str("<h1>応答が不完全です</h1>");
    }
    body.push_str("<p><a href=\"/demo\">アプリのトップへ</a></p>");
    (jar, shell(&body)).into_response()
}

fn phone_page(app: &Demo, result: Option<&str>) -> Html<String> {
    // The demo customers' phones (the moved customer's once).
    let mut phones: Vec<(&str, &str)> = renkei_fixture::CUSTOMERS
        .iter()
        .chain(renkei_fixture::SECOND_CUSTOMERS.iter())
        .map(|c| (c.phone, c.kana))
        .collect();
    phones.dedup();
    let options: String = phones
        .iter()
        .map(|(n, who)| format!("<option value=\"{n}\">{n}（{}）</option>", esc(who)))
        .chain(std::iter::once(
            "<option value=\"anonymous\">非通知</option>".to_owned(),
        ))
        .collect();
    let result = result
        .map(|r| {
            format!(
                "<p role=\"status\" data-result=\"{0}\">発信しました。結果: <code>{0}</code></p>",
                esc(r)
            )
        })
        .unwrap_or_default();
    page(
        "デモ用の電話",
        &format!(
            "<header class=\"demo-bar\"><span class=\"demo-logo\">デモ用の電話</span>\
             <span class=\"demo-tag\">携帯電話の代わり</span></header><main class=\"card\">\
             <h1>認証先電話番号へ発信</h1>\
             <p>お客様の電話の代わりに、通信事業者からの着信通知（署名付き）をRenkeiへ送ります。</p>\
             <form method=\"post\" action=\"/demo/phone\">\
             <p><label for=\"from\">発信元（お客様の電話）</label><br><select id=\"from\" name=\"from\">{options}</select></p>\
             <p><label for=\"to\">発信先（画面に表示された認証先電話番号）</label><br>\
             <select id=\"to\" name=\"to\">{to}</select></p>\
             <p><button class=\"button\" type=\"submit\">発信する</button></p></form>{result}</main>",
            to = app
                .0
                .settings
                .callback_numbers
                .iter()
                .map(|n| format!("<option value=\"{0}\">{0}</option>", esc(n)))
                .collect::<String>(),
        ),
    )
}

async fn phone(State(app): State<Demo>) -> Html<String> {
    phone_page(&app, None)
}

#[derive(Debug, Deserialize)]
struct CallForm {
    from: String,
    /// The number dialled; the first of the pool when the form has none.
    to: Option<String>,
}

/// Sends a correctly signed webhook to this server, as the carrier would.
async fn call(State(app): State<Demo>, Form(f): Form<CallForm>) -> Html<String> {
    let settings = &app.0.settings;
    let secret = settings.telephony_secret.clone().unwrap_or_default();
    let result = renkei_carrier::send_signed_call(
        &app.0.http,
        &app.url(""),
        &secret,
        &f.from,
        f.to.as_deref()
            .filter(|to| settings.callback_numbers.iter().any(|n| n == to))
            .unwrap_or(&settings.callback_number),
        app.now(),
    )
    .await;
    let shown = match &result {
        Ok(r) => r.clone(),
        Err(e) => {
            tracing::warn!(error = %e, "demo phone could not reach the webhook");
            "error".to_owned()
        }
    };
    phone_page(&app, Some(&shown))
}

/// The code exchange at the union's token endpoint, with a client
/// assertion and a DPoP proof.
async fn exchange(
    app: &Demo,
    issuer: &str,
    code: &str,
    verifier: &str,
) -> anyhow::Result<TokenResponse> {
    let at = app.discover(issuer).await?;
    app.0
        .client
        .exchange(app, &at, &app.redirect_uri(), code, verifier)
        .await
}

/// PKCE S256: BASE64URL(SHA256(verifier)).
fn pkce_challenge(verifier: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier))
}
