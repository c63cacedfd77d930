//! Renkei's staff console: a Leptos client-side SPA of its own (built into
//! `dist/staff`, so the customer's first screen does not grow). One file
//! per page under `pages/`; `api` is the typed client of `/staff/api/*`;
//! the toolkit (`renkei-web`) drives the passkey ceremony, sends and shows. The server owns
//! every rule: a page hidden from a role is also refused by the API.

pub mod api;
pub mod components;
pub mod pages;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use renkei_shared::staff::Me;

/// Who is signed in (`None` until `/staff/api/me` answered).
#[derive(Clone, Copy)]
pub struct Session {
    pub me: RwSignal<Option<Me>>,
}

impl Session {
    /// The session's CSRF token, for a change (empty before `me` answered:
    /// the server then refuses the change).
    pub fn csrf(&self) -> String {
        self.me
            .get_untracked()
            .map(|m| m.csrf_token)
            .unwrap_or_default()
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_context(Session {
        me: RwSignal::new(None),
    });
    view! {
        <Router>
            <Routes fallback=pages::lookup::LookupPage>
                <Route path=path!("/staff/sign-in") view=pages::sign_in::SignInPage />
                <Route path=path!("/staff/enrol") view=pages::enrol::EnrolPage />
                <Route path=path!("/staff") view=pages::lookup::LookupPage />
                <Route path=path!("/staff/audit") view=pages::audit::AuditPage />
                <Route path=path!("/staff/funnel") view=pages::funnel::FunnelPage />
                <Route path=path!("/staff/maintenance") view=pages::maintenance::MaintenancePage />
                <Route path=path!("/staff/apps") view=pages::apps::AppsPage />
                <Route path=path!("/staff/members") view=pages::members::MembersPage />
                <Route path=path!("/staff/institutions") view=pages::institutions::InstitutionsPage />
            </Routes>
        </Router>
    }
}
