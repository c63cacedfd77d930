//! The frame of every screen: the credit union's bar, the screen title,
//! and the seed's footer (画面ID, API利用規定, よくあるご質問, お問い合わせ先).

use crate::components::flow::{FatalError, FlowState};
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
    view! {
        <BrandBar />
        <main class="screen" id="main">
            <h1 class="screen-title">{title}</h1>
            {children()}
        </main>
        <footer class="footer">
            <p class="screen-id">"画面ID : " {screen_id}</p>
            <nav aria-label="関連情報">
                <a href="/public/terms.html" rel="external">"API利用規定"</a>
                <a href="/public/faq.html" rel="external">"よくあるご質問"</a>
                <span>"お問い合わせ先 " <a href="tel:0120000000">"0120-000-000"</a></span>
            </nav>
            <p class="copyright">"Copyright © しんくみ信用組合 All Rights Reserved."</p>
        </footer>
    }
}

/// The credit union's bar at the top of every screen.
#[component]
pub fn BrandBar() -> impl IntoView {
    view! {
        <header class="brand-bar">
            <span class="brand">"しんくみ信用組合"</span>
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
