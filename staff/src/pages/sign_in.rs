//! サインイン: the staff member's name, then their passkey (user
//! verification required). No passwords exist.

use crate::components::layout::{ErrorText, Plain};
use crate::{Session, api, webauthn};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use renkei_shared::staff::CeremonyDone;

#[component]
pub fn SignInPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let navigate = navigate.clone();
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = async {
                let ceremony = api::sign_in_start(&name.get_untracked())
                    .await
                    .map_err(|e| e.message)?;
                let credential = webauthn::get_assertion(&ceremony.options)
                    .await
                    .map_err(|_| "サインインできませんでした。".to_owned())?;
                api::sign_in_finish(&CeremonyDone {
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
        <Plain title="サインイン">
            <form on:submit=submit>
                <label for="staff-name">"職員名"</label>
                <input
                    id="staff-name"
                    type="text"
                    autocomplete="username webauthn"
                    required
                    bind:value=name
                />
                <button type="submit" disabled=move || busy.get()>"パスキーでサインイン"</button>
            </form>
            <ErrorText error=error />
        </Plain>
    }
}
