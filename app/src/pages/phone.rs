//! SOA208 「API連携認証（電話番号の確認）」: the registered phone, masked
//! (`*****3333`); 電話番号の決定 moves on to SOA209.

use crate::api;
use crate::components::cancel::CancelButton;
use crate::components::flow::{FatalError, load_flow};
use crate::components::layout::Layout;
use crate::components::submit::Submit;
use leptos::prelude::*;
use renkei_shared::ErrorBody;
use renkei_shared::api::Step;
use renkei_web::dialog::ErrorDialog;

#[component]
pub fn PhonePage() -> impl IntoView {
    let flow = load_flow(Step::PhoneConfirm);
    let dialog = RwSignal::new(None::<String>);
    let decide = Submit::new(
        flow,
        |csrf, _: &()| async move { api::decide_phone(&csrf).await },
        move |e: ErrorBody| dialog.set(Some(e.message)),
    );
    let pending = decide.pending();
    view! {
        <Layout title="API連携認証（電話番号の確認）" screen_id="SOA208">
            {move || flow.fatal.get().map(|e| view! { <FatalError error=e /> })}
            <p class="lead">"電話番号での認証を行います。"</p>
            <section class="summary" aria-labelledby="phone-title">
                <h2 id="phone-title">"お届け先電話番号"</h2>
                <dl class="pairs">
                    <dt>"電話番号"</dt>
                    <dd class="phone" data-testid="masked-phone">
                        {move || flow.view.get().and_then(|f| f.masked_phone)}
                    </dd>
                </dl>
            </section>
            <div class="actions">
                <button
                    type="button"
                    class="button primary"
                    on:click=move |_| decide.run(())
                    disabled=move || pending.get() || flow.view.get().is_none()
                >
                    "電話番号の決定"
                </button>
                <CancelButton flow=flow error=dialog />
            </div>
            <ErrorDialog message=dialog />
        </Layout>
    }
}
