//! パスキーの登録: opened from the one-time link `staff add` printed
//! (`/staff/enrol#<token>`; the token is in the fragment, which never
//! reaches a server log). Registers a passkey and signs the member in.

use crate::components::layout::{ErrorText, Plain};
use crate::{Session, api};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use renkei_web::submit::Submit;
use renkei_web::webauthn::Failed;

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
    let enrol = Submit::new(
        move |token: &String| Some(api::enrol(token.clone())),
        move |me| {
            session.me.set(Some(me));
            navigate("/staff", Default::default());
        },
        move |failed| {
            error.set(Some(match failed {
                Failed::Server(e) => e.message,
                Failed::Browser => {
                    "パスキーを登録できませんでした。もう一度お試し下さい。".to_owned()
                }
            }))
        },
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
