//! Loading the flow for a screen, and what a screen shows when it cannot go on.

use crate::api;
use crate::components::screen::use_screen;
use leptos::prelude::*;
use leptos::task::spawn_local;
use renkei_shared::ErrorBody;
use renkei_shared::api::{FlowView, Step};

/// What a screen knows about its flow.
#[derive(Clone, Copy)]
pub struct FlowState {
    pub view: RwSignal<Option<FlowView>>,
    /// A failure that ends the screen (flow expired, not found, ...).
    pub fatal: RwSignal<Option<ErrorBody>>,
}

/// Asks the server where this browser's flow stands. If it stands at another
/// step than `expected`, goes there: the server, not the URL, decides.
pub fn load_flow(expected: Step) -> FlowState {
    let state = FlowState {
        view: RwSignal::new(None),
        fatal: RwSignal::new(None),
    };
    let screen = use_screen();
    spawn_local(async move {
        match api::flow().await {
            Ok(f) if f.step == expected => state.view.set(Some(f)),
            Ok(f) => screen.go(f.step, true),
            Err(e) => state.fatal.set(Some(e)),
        }
    });
    state
}

/// Shown instead of a screen when its flow cannot go on.
#[component]
pub fn FatalError(error: ErrorBody) -> impl IntoView {
    view! {
        <div class="notice error" role="alert" data-code=error.code.code()>
            <p>{error.message.clone()}</p>
        </div>
    }
}
