//! The frame of every signed-in page: the console's bar with the pages the
//! staff member's role may open, who is signed in, and サインアウト. A page
//! opened without a session goes to the sign-in page.

use crate::{Session, api};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use renkei_shared::ErrorBody;
use renkei_shared::staff::StaffRole;
use renkei_web::submit::Submit;

#[component]
pub fn Layout(title: &'static str, children: ChildrenFn) -> impl IntoView {
    let session = expect_context::<Session>();
    let navigate = use_navigate();
    // Without an answer from /me (no session, or it ended) the page is the
    // sign-in page's.
    let to_sign_in = {
        let navigate = navigate.clone();
        move || navigate("/staff/sign-in", Default::default())
    };
    let load_me = Submit::new(
        |_: &()| Some(api::me()),
        move |me| session.me.set(Some(me)),
        {
            let to_sign_in = to_sign_in.clone();
            move |_: ErrorBody| to_sign_in()
        },
    );
    if session.me.get_untracked().is_none() {
        load_me.run(());
    }
    let role = move || session.me.get().map(|m| m.role);
    // Signing out ends the session here whatever the server answers, and
    // the tab's choice of union with it.
    let end = move || {
        api::act_for(None);
        session.me.set(None);
        to_sign_in();
    };
    let sign_out = Submit::new(
        |token: &String| Some(api::sign_out(token.clone())),
        {
            let end = end.clone();
            move |()| end()
        },
        move |_: ErrorBody| end(),
    );
    let sign_out = move |_| sign_out.run(session.csrf());
    view! {
        <header class="bar">
            <span class="brand">"職員コンソール"</span>
            <nav aria-label="メニュー">
                <a href="/staff">"口座照会"</a>
                <Show when=move || role().is_some_and(|r| r >= StaffRole::Supervisor)>
                    <a href="/staff/audit">"監査ログ"</a>
                    <a href="/staff/funnel">"利用状況"</a>
                    <a href="/staff/maintenance">"保守時間帯"</a>
                    <a href="/staff/apps">"アプリ"</a>
                </Show>
                <Show when=move || session.me.get().is_some_and(|m| m.platform)>
                    <a href="/staff/institutions">"信用組合"</a>
                </Show>
                <Show when=move || role().is_some_and(|r| r >= StaffRole::Admin)>
                    <a href="/staff/members">"職員"</a>
                </Show>
            </nav>
            <span class="who">
                {move || session.me.get().map(|m| format!("{}（{}）・{}", m.name, m.role.label(), m.institution))}
            </span>
            <button type="button" class="secondary" on:click=sign_out>"サインアウト"</button>
        </header>
        <main id="main">
            <h1>{title}</h1>
            <Show when=move || session.me.get().is_some() fallback=|| view! { <p>"読み込み中…"</p> }>
                {children()}
            </Show>
        </main>
    }
}

/// A page without a session (sign-in, enrolment).
#[component]
pub fn Plain(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <header class="bar">
            <span class="brand">"職員コンソール"</span>
        </header>
        <main id="main">
            <h1>{title}</h1>
            {children()}
        </main>
    }
}

/// A refusal from the server, announced to screen readers.
#[component]
pub fn ErrorText(error: RwSignal<Option<String>>) -> impl IntoView {
    view! {
        <p class="error" role="alert">{move || error.get()}</p>
    }
}
