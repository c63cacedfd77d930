//! Any URL the SPA does not know.

use crate::components::layout::Layout;
use leptos::prelude::*;
use renkei_shared::ErrorCode;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <Layout title="API連携認証" screen_id="-">
            <div class="notice error" role="alert">
                <p>{ErrorCode::NotFound.message()}</p>
                <p>"お手数ですが、ご利用のアプリから操作をやり直して下さい。"</p>
            </div>
        </Layout>
    }
}
