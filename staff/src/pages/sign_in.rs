//! サインイン: the staff member's name, then their passkey (user
//! verification required). No passwords exist.

use crate::api;
use crate::components::layout::{ErrorText, Plain};
use crate::components::passkey::passkey_submit;
use leptos::prelude::*;

#[component]
pub fn SignInPage() -> impl IntoView {
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let sign_in = passkey_submit(api::sign_in, error, "サインインできませんでした。");
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
