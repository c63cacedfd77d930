//! 「API連携認証の中止」: the flow is over; 連携元画面へ returns to the app.

use crate::components::flow::load_flow;
use crate::components::layout::EndScreen;
use leptos::prelude::*;
use renkei_shared::api::Step;

#[component]
pub fn CancelledPage() -> impl IntoView {
    let flow = load_flow(Step::Cancelled);
    view! {
        <EndScreen title="API連携認証の中止" flow=flow>
            <ul class="notice info">
                <li>"API連携認証を中止しました。"</li>
            </ul>
            {move || flow.view.get().and_then(|f| f.return_to).map(|href| view! {
                <div class="actions">
                    <a class="button primary" href=href rel="external">"連携元画面へ"</a>
                </div>
            })}
        </EndScreen>
    }
}
