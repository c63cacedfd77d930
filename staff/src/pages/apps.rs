//! アプリ: the platform's fintech apps as the union the console acts for
//! has them; switching one on or off there (supervisor and up, with a
//! reason). Registering one is the platform's (platform admin): a secret
//! (shown this once), an uploaded JWK Set or the URL it is published at;
//! a new app is off at every union until switched on there.

use crate::components::layout::Layout;
use crate::components::notice::{Notice, NoticeText};
use crate::{Session, api};
use leptos::prelude::*;
use renkei_shared::staff::{AppView, NewApp, StaffRole, clerk_time};
use renkei_web::submit::Submit;

#[component]
pub fn AppsPage() -> impl IntoView {
    view! {
        <Layout title="アプリ">
            <Apps />
        </Layout>
    }
}

#[component]
fn Apps() -> impl IntoView {
    let session = expect_context::<Session>();
    let apps = RwSignal::new(Vec::<AppView>::new());
    let notice = Notice::new();
    let reason = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let uris = RwSignal::new(String::new());
    let jwks = RwSignal::new(String::new());
    let jwks_uri = RwSignal::new(String::new());
    let par = RwSignal::new(true);
    let dpop = RwSignal::new(false);
    let csrf = move || session.csrf();
    let is_platform_admin = move || {
        session
            .me
            .get()
            .is_some_and(|m| m.platform && m.role >= StaffRole::Admin)
    };
    let load = Submit::new(
        |_: &()| Some(api::apps()),
        move |a| apps.set(a),
        move |e| notice.refused(e),
    );
    load.run(());
    let toggle = Submit::new(
        move |(client_id, enabled): &(String, bool)| {
            let enabled = *enabled;
            let sent =
                api::set_app_enabled(csrf(), client_id.clone(), enabled, reason.get_untracked());
            Some(async move { sent.await.map(|_| enabled) })
        },
        move |enabled| {
            notice.done(if enabled {
                "有効にしました。"
            } else {
                "停止しました。"
            });
            load.run(());
        },
        move |e| notice.refused(e),
    );
    let toggle = move |client_id: String, enabled: bool| toggle.run((client_id, enabled));
    let register = Submit::new(
        move |_: &()| {
            let body = NewApp {
                name: name.get_untracked(),
                redirect_uris: uris
                    .get_untracked()
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect(),
                jwks: Some(jwks.get_untracked()).filter(|j| !j.trim().is_empty()),
                jwks_uri: Some(jwks_uri.get_untracked()).filter(|u| !u.trim().is_empty()),
                require_par: par.get_untracked(),
                require_dpop: dpop.get_untracked(),
            };
            Some(api::register_app(csrf(), body))
        },
        move |r| {
            notice.done(match r.secret {
                Some(s) => format!(
                    "登録しました。client_id: {} ／ シークレット（この一度だけ表示）: {s}",
                    r.client_id
                ),
                None => format!("登録しました。client_id: {}", r.client_id),
            });
            load.run(());
        },
        move |e| notice.refused(e),
    );
    let registering = register.pending();
    let register = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        register.run(());
    };
    view! {
        <NoticeText notice=notice />
        <label for="toggle-reason">"停止・再開の理由（必須）"</label>
        <input id="toggle-reason" bind:value=reason />
        <table>
            <thead><tr>
                <th scope="col">"アプリ"</th><th scope="col">"client_id"</th><th scope="col">"認証方式"</th>
                <th scope="col">"リダイレクトURI"</th><th scope="col">"状態"</th>
            </tr></thead>
            <tbody>
                <For each=move || apps.get() key=|a| (a.client_id.clone(), a.enabled) let:a>
                    {
                        let id = a.client_id.clone();
                        let enabled = a.enabled;
                        view! { <tr>
                            <td>{a.name.clone()}</td><td>{a.client_id.clone()}</td>
                            <td>
                                {a.auth_method.clone()}
                                {a.jwks_uri.clone().map(|u| view! { <br /><span class="jwks-uri">"公開鍵URL: "{u}</span> })}
                            </td>
                            <td>{a.redirect_uris.join(" ")}</td>
                            <td>
                                {if enabled { "有効" } else { "停止中" }}
                                {a.switched_at.map(|t| view! {
                                    <br /><span class="switched">
                                        {clerk_time(t, false)}"："{a.switch_reason.clone().unwrap_or_default()}
                                    </span>
                                })}
                                <button type="button" class="secondary"
                                    on:click=move |_| toggle(id.clone(), !enabled)>
                                    {if enabled { "停止する" } else { "再開する" }}
                                </button>
                            </td>
                        </tr> }
                    }
                </For>
            </tbody>
        </table>
        <Show when=is_platform_admin>
            <form class="register" on:submit=register aria-labelledby="register-title">
                <h2 id="register-title">"アプリの登録"</h2>
                <p class="field-hint">"登録したアプリは、各信用組合で有効にするまで利用できません。"</p>
                <label for="app-name">"名称"</label>
                <input id="app-name" required bind:value=name />
                <label for="app-uris">"リダイレクトURI（1行に1つ）"</label>
                <textarea id="app-uris" required bind:value=uris></textarea>
                <p id="keys-hint" class="field-hint">"公開鍵はJWK Setの貼り付けかURLのどちらか一方（任意）。どちらもなければシークレットを発行します。"</p>
                <label for="app-jwks">"公開鍵（JWK Set）"</label>
                <textarea id="app-jwks" aria-describedby="keys-hint" bind:value=jwks></textarea>
                <label for="app-jwks-uri">"公開鍵のURL（jwks_uri、https）"</label>
                <input id="app-jwks-uri" type="url" inputmode="url" aria-describedby="keys-hint" bind:value=jwks_uri />
                <label><input type="checkbox" bind:checked=par />" PARを必須にする"</label>
                <label><input type="checkbox" bind:checked=dpop />" DPoPを必須にする"</label>
                <button type="submit" disabled=move || registering.get()>"登録"</button>
            </form>
        </Show>
    }
}
