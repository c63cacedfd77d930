//! Renkei's screens: a Leptos client-side SPA. One file per screen under
//! `pages/`; shared pieces under `components/`; `api` is the typed client of
//! the server's flow API. The server owns the flow: every screen asks it
//! where the flow stands and shows that step, so a reload resumes.

pub mod api;
pub mod components;
pub mod pages;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    components::institution::provide_institution();
    view! {
        <Router>
            <Routes fallback=pages::not_found::NotFound>
                <Route path=path!("/flow/account") view=pages::account::AccountPage />
                <Route path=path!("/flow/customer") view=pages::customer::CustomerPage />
                <Route path=path!("/flow/phone") view=pages::phone::PhonePage />
                <Route path=path!("/flow/call") view=pages::call::CallPage />
                <Route path=path!("/flow/pin") view=pages::pin::PinPage />
                <Route path=path!("/flow/consent") view=pages::consent::ConsentPage />
                <Route path=path!("/flow/completed") view=pages::completed::CompletedPage />
                <Route path=path!("/flow/cancelled") view=pages::cancelled::CancelledPage />
            </Routes>
        </Router>
    }
}
