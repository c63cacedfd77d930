//! SOA208 「API連携認証（電話番号の確認）」. Stage 1 ends here for now: the
//! phone callback (SOA208/SOA209) is the next step to be built; until then
//! this screen confirms stage 1 passed and offers 中止する.

use crate::components::dialog::ErrorDialog;
use crate::components::flow::{CancelButton, FatalError, load_flow};
use crate::components::layout::Layout;
use leptos::prelude::*;
use renkei_shared::api::Step;

#[component]
pub fn PhonePage() -> impl IntoView {
    let flow = load_flow(Step::PhoneConfirm);
    let dialog = RwSignal::new(None::<String>);
    view! {
        <Layout title="API連携認証（電話番号の確認）" screen_id="SOA208">
            {move || flow.fatal.get().map(|e| view! { <FatalError error=e /> })}
            <p class="lead">"電話番号での認証を行います。"</p>
            <div class="actions">
                <CancelButton flow=flow error=dialog />
            </div>
            <ErrorDialog message=dialog />
        </Layout>
    }
}
