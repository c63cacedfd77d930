//! Renkei's screens: a Leptos client-side SPA. One file per screen under
//! `pages/`; shared pieces under `components/`; `api` is the typed client of
//! the server's flow API. The server owns the flow: every screen asks it
//! where the flow stands and shows that step, so a reload resumes.

pub mod api;
pub mod components;
pub mod pages;

use leptos::prelude::*;
use pages::*;

#[component]
pub fn App() -> impl IntoView {
    components::institution::provide_institution();
    let screen = components::screen::provide_screen();
    move || match screen.path().as_str() {
        "/flow/account" => view! { <account::AccountPage /> }.into_any(),
        "/flow/customer" => view! { <customer::CustomerPage /> }.into_any(),
        "/flow/phone" => view! { <phone::PhonePage /> }.into_any(),
        "/flow/call" => view! { <call::CallPage /> }.into_any(),
        "/flow/pin" => view! { <pin::PinPage /> }.into_any(),
        "/flow/consent" => view! { <consent::ConsentPage /> }.into_any(),
        "/flow/completed" => view! { <completed::CompletedPage /> }.into_any(),
        "/flow/cancelled" => view! { <cancelled::CancelledPage /> }.into_any(),
        _ => view! { <not_found::NotFound /> }.into_any(),
    }
}
