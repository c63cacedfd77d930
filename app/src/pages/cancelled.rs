//! 「API連携認証の中止」: the flow is over; 連携元画面へ returns to the app.

use crate::components::flow::{FatalError, load_flow};
use crate::components::layout::BrandBar;
use leptos::prelude::*;
use renkei_shared::api::Step;

#[component]
pub fn CancelledPage() -> impl IntoView {
    let flow = load_flow(Step::Cancelled);
    view! {
        <BrandBar />
        <main class="screen" id="main">
            <h1 class="screen-title">"API連携認証の中止"</h1>
            {move || flow.fatal.get().map(|e| view! { <FatalError error=e /> })}
            <ul class="notice info">
                <li>"API連携認証を中止しました。"</li>
            </ul>
            {move || flow.view.get().and_then(|f| f.return_to).map(|href| view! {
                <div class="actions">
                    <a class="button primary" href=href rel="external">"連携元画面へ"</a>
                </div>
            })}
        </main>
    }
}
