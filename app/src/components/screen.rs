//! Which screen shows: the URL's path, kept in step with the browser's
//! history. The SPA has eight fixed paths, one per step, and the server
//! decides which comes next; this is all of a router it needs, and leaving
//! `leptos_router` out keeps ~10 KB of brotli'd wasm off the first screen.

use leptos::prelude::*;
use renkei_shared::api::Step;
use wasm_bindgen::JsValue;

/// The path shown now. `Copy`: screens keep it to move on from async work.
#[derive(Clone, Copy)]
pub struct Screen(RwSignal<String>);

/// The screen of the URL the browser opened, following Back and Forward.
pub fn provide_screen() -> Screen {
    let screen = Screen(RwSignal::new(current_path()));
    // The SPA lives as long as the page: the listener is never removed.
    let _ = window_event_listener(leptos::ev::popstate, move |_| {
        screen.show(current_path());
    });
    provide_context(screen);
    screen
}

/// The screen in this component's context.
pub fn use_screen() -> Screen {
    expect_context::<Screen>()
}

fn current_path() -> String {
    window().location().pathname().unwrap_or_default()
}

impl Screen {
    /// The path shown, tracked.
    pub fn path(self) -> String {
        self.0.get()
    }

    /// Shows `step`'s screen as a new history entry, or in place of the
    /// current one (`replace`: a correction the customer should not step
    /// back into).
    pub fn go(self, step: Step, replace: bool) {
        let path = step.path();
        if let Ok(history) = window().history()
            && self.0.get_untracked() != path
        {
            let _ = if replace {
                history.replace_state_with_url(&JsValue::NULL, "", Some(path))
            } else {
                history.push_state_with_url(&JsValue::NULL, "", Some(path))
            };
        }
        window().scroll_to_with_x_and_y(0.0, 0.0);
        self.show(path.to_owned());
    }

    fn show(self, path: String) {
        if self.0.get_untracked() != path {
            self.0.set(path);
        }
    }
}
