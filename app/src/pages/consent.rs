//! SOA206 「API連携認証（情報連携認可）」. Stage 3 ends here for now: the
//! consent itself (許可する / 拒否する) and the authorization the app
//! receives are the next step to be built; until then this screen shows
//! what the app asks for and offers 中止する.

use crate::components::dialog::ErrorDialog;
use crate::components::flow::{CancelButton, FatalError, load_flow};
use crate::components::layout::Layout;
use leptos::prelude::*;
use renkei_shared::api::Step;

#[component]
pub fn ConsentPage() -> impl IntoView {
    let flow = load_flow(Step::Consent);
    let dialog = RwSignal::new(None::<String>);
    view! {
        <Layout title="API連携認証（情報連携認可）" screen_id="SOA206">
            {move || flow.fatal.get().map(|e| view! { <FatalError error=e /> })}
            <p class="lead">
                {move || flow.view.get().map(|f| f.client_name)}
                "が以下の許可を求めています。"
            </p>
            <section class="summary">
                <h2>"口座情報・明細情報へのアクセス"</h2>
                <p>"お客様の口座の資産情報へのアクセスを許可します。"</p>
                <h2>"認可期間"</h2>
                <p>"30日"</p>
            </section>
            <div class="actions">
                <CancelButton flow=flow error=dialog />
            </div>
            <ErrorDialog message=dialog />
        </Layout>
    }
}
