//! Renkei's screens: a Leptos client-side SPA. One file per screen under
//! `pages/`; shared pieces under `components/`; `api` is the typed client of
//! the server's flow API. The server owns the flow: every screen asks it
//! where the flow stands and shows that step, so a reload resumes.

pub mod api;
pub mod components;
pub mod pages;

use leptos::prelude::*;
use pages::*;
use renkei_shared::api::Step;

#[component]
pub fn App() -> impl IntoView {
    components::institution::provide_institution();
    let screen = components::screen::provide_screen();
    // Every step has its screen: the match is exhaustive.
    move || match screen.step() {
        Some(Step::Account) => view! { <account::AccountPage /> }.into_any(),
        Some(Step::Customer) => view! { <customer::CustomerPage /> }.into_any(),
        Some(Step::PhoneConfirm) => view! { <phone::PhonePage /> }.into_any(),
        Some(Step::PhoneCall) => view! { <call::CallPage /> }.into_any(),
        Some(Step::Pin) => view! { <pin::PinPage /> }.into_any(),
        Some(Step::Consent) => view! { <consent::ConsentPage /> }.into_any(),
        Some(Step::Completed) => view! { <completed::CompletedPage /> }.into_any(),
        Some(Step::Cancelled) => view! { <cancelled::CancelledPage /> }.into_any(),
        None => view! { <not_found::NotFound /> }.into_any(),
    }
}
