//! The 中止する button every screen has (中止する works everywhere).

use crate::api;
use crate::components::flow::FlowState;
use crate::components::submit::Submit;
use leptos::prelude::*;
use renkei_shared::ErrorBody;

/// 中止する: ends the flow on the server, then shows the 中止 screen.
#[component]
pub fn CancelButton(flow: FlowState, error: RwSignal<Option<String>>) -> impl IntoView {
    let cancel = Submit::new(
        flow,
        |csrf, _: &()| async move { api::cancel(&csrf).await },
        move |e: ErrorBody| error.set(Some(e.message)),
    );
    let pending = cancel.pending();
    view! {
        <button type="button" class="button secondary" on:click=move |_| cancel.run(()) disabled=move || pending.get()>
            "中止する"
        </button>
    }
}
