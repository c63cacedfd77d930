//! パスキーの登録: opened from the one-time link `staff add` printed
//! (`/staff/enrol#<token>`; the token is in the fragment, which never
//! reaches a server log). Registers a passkey and signs the member in.

use crate::api;
use crate::components::layout::{ErrorText, Plain};
use crate::components::passkey::passkey_submit;
use leptos::prelude::*;

fn token_from_fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_owned())
        .unwrap_or_default()
}

#[component]
pub fn EnrolPage() -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let enrol = passkey_submit(
        api::enrol,
        error,
        "パスキーを登録できませんでした。もう一度お試し下さい。",
    );
    let busy = enrol.pending();
    let enrol = move |_| {
        error.set(None);
        enrol.run(token_from_fragment());
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
