//! The frame of every screen: the credit union's bar, the screen title,
//! and the seed's footer (画面ID, API利用規定, よくあるご質問, お問い合わせ先).

use crate::components::flow::{FatalError, FlowState};
use crate::components::institution::institution_text;
use leptos::prelude::*;

/// The page frame.
#[component]
pub fn Layout(
    /// The heading, e.g. 「API連携認証（ご利用口座情報入力）」.
    title: &'static str,
    /// The seed's screen ID shown in the footer, e.g. `SOA201`.
    screen_id: &'static str,
    children: Children,
) -> impl IntoView {
    let name = institution_text(|i| i.name.clone());
    let phone = institution_text(|i| i.contact_phone.clone());
    let tel = institution_text(|i| i.tel_href());
    let terms = institution_text(|i| i.terms_url.clone());
    let faq = institution_text(|i| i.faq_url.clone());
    view! {
        <BrandBar />
        <main class="screen" id="main">
            <h1 class="screen-title">{title}</h1>
            {children()}
        </main>
        <footer class="footer">
            <p class="screen-id">"画面ID : " {screen_id}</p>
            <nav aria-label="関連情報">
                <a href=terms rel="external">"API利用規定"</a>
                <a href=faq rel="external">"よくあるご質問"</a>
                <span>"お問い合わせ先 " <a href=tel>{phone}</a></span>
            </nav>
            <p class="copyright">"Copyright © " {name} " All Rights Reserved."</p>
        </footer>
    }
}

/// The credit union's bar at the top of every screen.
#[component]
pub fn BrandBar() -> impl IntoView {
    let name = institution_text(|i| i.name.clone());
    view! {
        <header class="brand-bar">
            <span class="brand">{name}</span>
            <span class="brand-sub">"API連携認証"</span>
        </header>
    }
}

/// The frame of the two screens after a flow has ended (中止, 完了): the bar
/// and a title, no screen ID or footer links, and the flow's fatal error
/// if it could not be loaded.
#[component]
pub fn EndScreen(title: &'static str, flow: FlowState, children: Children) -> impl IntoView {
    view! {
        <BrandBar />
        <main class="screen" id="main">
            <h1 class="screen-title">{title}</h1>
            {move || flow.fatal.get().map(|e| view! { <FatalError error=e /> })}
            {children()}
        </main>
    }
}
