//! SOA202 「API連携認証（お客様情報入力）」. Until the identity step lands this
//! screen shows the account chosen on SOA201 and 中止する.

use crate::components::dialog::ErrorDialog;
use crate::components::flow::{CancelButton, FatalError, load_flow};
use crate::components::layout::Layout;
use leptos::prelude::*;
use renkei_shared::api::Step;

#[component]
pub fn CustomerPage() -> impl IntoView {
    let flow = load_flow(Step::Customer);
    let dialog = RwSignal::new(None::<String>);
    view! {
        <Layout title="API連携認証（お客様情報入力）" screen_id="SOA202">
            {move || flow.fatal.get().map(|e| view! { <FatalError error=e /> })}
            <p class="lead">"本人確認を行います。"<br />"お名前、生年月日、電話番号を入力してください。"</p>
            <section class="summary" aria-labelledby="account-title">
                <h2 id="account-title">"ご利用口座情報"</h2>
                <p class="account-line">
                    {move || flow.view.get().and_then(|f| f.account).map(|a| {
                        format!("店番 {} {} {}", a.branch, a.kind.label(), a.number)
                    })}
                </p>
            </section>
            <div class="actions">
                <CancelButton flow=flow error=dialog />
            </div>
            <ErrorDialog message=dialog />
        </Layout>
    }
}
