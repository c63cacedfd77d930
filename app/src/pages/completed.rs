//! 「API連携認証の完了」: the consent was given and the browser went back to
//! the app. Pressing Back (or reloading) lands here: the linkage is done,
//! and nothing is sent to the app again — the authorization code went once.

use crate::components::flow::load_flow;
use crate::components::layout::EndScreen;
use leptos::prelude::*;
use renkei_shared::api::Step;

#[component]
pub fn CompletedPage() -> impl IntoView {
    let flow = load_flow(Step::Completed);
    view! {
        <EndScreen title="API連携認証の完了" flow=flow>
            <div role="status">
                <ul class="notice info">
                    <li>"API連携認証は完了しています。"</li>
                    <li>
                        {move || flow.view.get().map(|f| f.client_name)}
                        "の画面にお戻りください。この画面は閉じていただいて結構です。"
                    </li>
                </ul>
            </div>
        </EndScreen>
    }
}
