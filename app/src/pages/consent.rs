//! SOA206 「API連携認証（情報連携認可）」: what the app asks for and for how
//! long; 許可する only once the API terms are accepted; 拒否する.

use crate::api;
use crate::components::flow::{FatalError, load_flow};
use crate::components::layout::Layout;
use crate::components::submit::Submit;
use leptos::prelude::*;
use renkei_shared::ErrorBody;
use renkei_shared::api::Step;
use renkei_web::dialog::ErrorDialog;

#[component]
pub fn ConsentPage() -> impl IntoView {
    let flow = load_flow(Step::Consent);
    let agree = RwSignal::new(false);
    let dialog = RwSignal::new(None::<String>);
    let client = move || flow.view.get().map(|f| f.client_name).unwrap_or_default();
    let terms = crate::components::institution::institution_text(|i| i.terms_url.clone());
    // 許可する → back to the app with the code; 拒否する → the app learns
    // access_denied, exactly as after 中止する.
    let decide = Submit::new(
        flow,
        |csrf, &(allow, agreed): &(bool, bool)| async move {
            if allow {
                api::allow(&csrf, agreed).await
            } else {
                api::deny(&csrf).await
            }
        },
        move |e: ErrorBody| dialog.set(Some(e.message)),
    );
    let pending = decide.pending();
    let decide = move |allow: bool| decide.run((allow, agree.get_untracked()));

    view! {
        <Layout title="API連携認証（情報連携認可）" screen_id="SOA206">
            {move || flow.fatal.get().map(|e| view! { <FatalError error=e /> })}
            <p class="lead"><strong>{client}</strong>"が以下の許可を求めています。"</p>
            <section class="summary" aria-labelledby="scope-title">
                <h2 id="scope-title">"口座情報・明細情報へのアクセス"</h2>
                <p>"お客様の口座の資産情報へのアクセスを許可します。"</p>
            </section>
            <section class="summary" aria-labelledby="period-title">
                <h2 id="period-title">"認可期間"</h2>
                <p class="account-line">"30日"</p>
            </section>
            <section class="notice warning" aria-labelledby="consent-caution">
                <h2 id="consent-caution">"ご注意"</h2>
                <ul>
                    <li>"次に進む前に、Webサイトを信頼できるかどうかをお客様自身の判断で確認してください。"</li>
                    <li>"「許可する」ボタンをクリックすることによって、お客様は" {client} "の利用規約のもと利用を続けることになります。"</li>
                    <li>"お客様の入力された暗証番号等の認証情報はAPI連携先には開示されません。また、API連携先との間の通信は暗号化されています。"</li>
                    <li>"本アプリケーションへのアクセスは、当信用組合へ連絡することでも解除することができます。"</li>
                </ul>
            </section>
            <p>"当信用組合のAPI利用規定に従って、API連携事業者にお客様の金融情報を提供します。"</p>
            <div class="checkbox">
                <input
                    id="agree"
                    type="checkbox"
                    prop:checked=agree
                    on:change=move |ev| agree.set(event_target_checked(&ev))
                />
                <label for="agree">
                    "当信用組合の"
                    <a href=terms rel="external" target="_blank">"API利用規定"</a>
                    "を確認し、同意します。"
                </label>
            </div>
            <div class="actions">
                <button
                    type="button"
                    class="button primary"
                    on:click=move |_| decide(true)
                    disabled=move || !agree.get() || pending.get() || flow.view.get().is_none()
                >
                    "許可する"
                </button>
                <button
                    type="button"
                    class="button secondary"
                    on:click=move |_| decide(false)
                    disabled=move || pending.get() || flow.view.get().is_none()
                >
                    "拒否する"
                </button>
            </div>
            <ErrorDialog message=dialog />
        </Layout>
    }
}
