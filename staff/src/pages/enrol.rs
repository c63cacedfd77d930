//! パスキーの登録: opened from the one-time link `staff add` printed
//! (`/staff/enrol#<token>`; the token is in the fragment, which never
//! reaches a server log). Registers a passkey and signs the member in.

use crate::components::layout::{ErrorText, Plain};
use crate::{Session, api, webauthn};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use renkei_shared::staff::CeremonyDone;

fn token_from_fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_owned())
        .unwrap_or_default()
}

#[component]
pub fn EnrolPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let navigate = use_navigate();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let enrol = move |_| {
        let navigate = navigate.clone();
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let token = token_from_fragment();
            let result = async {
                let ceremony = api::enrol_start(&token).await.map_err(|e| e.message)?;
                let credential = webauthn::create(&ceremony.options).await.map_err(|_| {
                    "パスキーを登録できませんでした。もう一度お試し下さい。".to_owned()
                })?;
                api::enrol_finish(&CeremonyDone {
                    ceremony: ceremony.ceremony,
                    credential,
                })
                .await
                .map_err(|e| e.message)
            }
            .await;
            busy.set(false);
            match result {
                Ok(me) => {
                    session.me.set(Some(me));
                    navigate("/staff", Default::default());
                }
                Err(message) => error.set(Some(message)),
            }
        });
    };
    view! {
        <Plain title="パスキーの登録">
            <p>
                "この端末にパスキーを登録します。登録後はパスワードなしで、この端末の生体認証または画面ロックでサインインできます。"
            </p>
            <button type="button" on:click=enrol disabled=move || busy.get()>"パスキーを登録する"</button>
            <ErrorText error=error />
        </Plain>
    }
}
