//! What a page tells the clerk after a request: the server's refusal
//! (announced as an alert) or what was done (as a status).

use leptos::prelude::*;
use renkei_shared::ErrorBody;

#[derive(Clone, Copy)]
pub struct Notice {
    pub error: RwSignal<Option<String>>,
    pub done: RwSignal<Option<String>>,
}

impl Notice {
    pub fn new() -> Self {
        Notice {
            error: RwSignal::new(None),
            done: RwSignal::new(None),
        }
    }

    /// The server refused: its message, in the seed's words.
    pub fn refused(&self, e: ErrorBody) {
        self.error.set(Some(e.message));
    }

    /// A change went through: say so, and clear an earlier refusal.
    pub fn done(&self, message: impl Into<String>) {
        self.error.set(None);
        self.done.set(Some(message.into()));
    }

    /// A read went through: clear an earlier refusal.
    pub fn read(&self) {
        self.error.set(None);
    }
}

impl Default for Notice {
    fn default() -> Self {
        Notice::new()
    }
}

/// Both lines of a [`Notice`].
#[component]
pub fn NoticeText(notice: Notice) -> impl IntoView {
    view! {
        <p class="error" role="alert">{move || notice.error.get()}</p>
        <p class="done" role="status">{move || notice.done.get()}</p>
    }
}
