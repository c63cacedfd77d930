//! サインイン: the staff member's name, then their passkey (user
//! verification required). No passwords exist.

use crate::components::layout::{ErrorText, Plain};
use crate::{Session, api};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use renkei_web::submit::Submit;
use renkei_web::webauthn::Failed;

#[component]
pub fn SignInPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let sign_in = Submit::new(
        move |name: &String| Some(api::sign_in(name.clone())),
        move |me| {
            session.me.set(Some(me));
            navigate("/staff", Default::default());
        },
        move |failed| {
            error.set(Some(match failed {
                Failed::Server(e) => e.message,
                Failed::Browser => "サインインできませんでした。".to_owned(),
            }))
        },
    );
    let busy = sign_in.pending();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        sign_in.run(name.get_untracked());
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
