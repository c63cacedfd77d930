//! Which screen shows: the step whose path (`Step::path`) the URL has,
//! kept in step with the browser's history. The SPA has eight fixed paths,
//! one per step, and the server decides which comes next; this is all of a
//! router it needs, and leaving `leptos_router` out keeps 36 KB of brotli'd
//! wasm off the first screen.

use leptos::prelude::*;
use renkei_shared::api::{INSTITUTIONS_PREFIX, Step, institution_of};
use wasm_bindgen::JsValue;

/// The step shown now (`None`: a path that is no step's). `Copy`: screens
/// keep it to move on from async work.
#[derive(Clone, Copy)]
pub struct Screen(RwSignal<Option<Step>>);

/// The screen of the URL the browser opened, following Back and Forward.
pub fn provide_screen() -> Screen {
    let screen = Screen(RwSignal::new(current_step()));
    // The SPA lives as long as the page: the listener is never removed.
    let _ = window_event_listener(leptos::ev::popstate, move |_| {
        screen.show(current_step());
    });
    provide_context(screen);
    screen
}

/// The screen in this component's context.
pub fn use_screen() -> Screen {
    expect_context::<Screen>()
}

/// The step whose path the browser's URL has (under a credit union's
/// prefix, `/institutions/{code}`, when the page is that union's).
fn current_step() -> Option<Step> {
    let path = window().location().pathname().unwrap_or_default();
    let path = institution_of(&path).map_or(path.as_str(), |(_, rest)| rest);
    Step::ALL.into_iter().find(|s| s.path() == path)
}

/// `step`'s path as this page's union has it.
fn path_of(step: Step) -> String {
    let page = window().location().pathname().unwrap_or_default();
    match institution_of(&page) {
        Some((code, _)) => format!("{INSTITUTIONS_PREFIX}{code}{}", step.path()),
        None => step.path().to_owned(),
    }
}

impl Screen {
    /// The step shown, tracked.
    pub fn step(self) -> Option<Step> {
        self.0.get()
    }

    /// Shows `step`'s screen as a new history entry, or in place of the
    /// current one (`replace`: a correction the customer should not step
    /// back into).
    pub fn go(self, step: Step, replace: bool) {
        let path = path_of(step);
        let path = path.as_str();
        if let Ok(history) = window().history()
            && self.0.get_untracked() != Some(step)
        {
            let _ = if replace {
                history.replace_state_with_url(&JsValue::NULL, "", Some(path))
            } else {
                history.push_state_with_url(&JsValue::NULL, "", Some(path))
            };
        }
        window().scroll_to_with_x_and_y(0.0, 0.0);
        self.show(Some(step));
    }

    fn show(self, step: Option<Step>) {
        if self.0.get_untracked() != step {
            self.0.set(step);
        }
    }
}
