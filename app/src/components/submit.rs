//! The one way a screen sends a decision to the server: take the flow's
//! CSRF token, be busy while the request runs (`pending`, for disabling the
//! buttons), then go where the server says — the next screen, or back to
//! the app — or hand the error to the screen. Built on the toolkit's hook
//! (`renkei_web::submit`).

use crate::api::{self, ApiResult};
use crate::components::flow::FlowState;
use leptos::prelude::*;
use renkei_shared::ErrorBody;
use renkei_shared::api::{Cancelled, Finished, Step, StepDone};
use renkei_web::submit::After;
use std::future::Future;

/// Where a decision the server accepted leads.
pub enum Next {
    /// Another screen of the flow.
    Step(Step),
    /// Out of the SPA, back to the app (a full navigation).
    App(String),
}

impl From<StepDone> for Next {
    fn from(d: StepDone) -> Self {
        Next::Step(d.next)
    }
}

impl From<Finished> for Next {
    fn from(f: Finished) -> Self {
        Next::App(f.return_to)
    }
}

impl From<Cancelled> for Next {
    fn from(_: Cancelled) -> Self {
        Next::Step(Step::Cancelled)
    }
}

/// A screen's submission of `I`: the toolkit's hook with the flow's CSRF
/// token and its way on (the next screen, or back to the app).
pub struct Submit<I: 'static>(renkei_web::submit::Submit<I>);

impl<I: 'static> Clone for Submit<I> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I: 'static> Copy for Submit<I> {}

impl<I: 'static> Submit<I> {
    /// Call while setting the screen up (inside the router). `send` gets the
    /// CSRF token and the input; `on_error` gets the server's verdict when
    /// it refused.
    pub fn new<F, Fut, N>(
        flow: FlowState,
        send: F,
        on_error: impl Fn(ErrorBody) + Clone + 'static,
    ) -> Self
    where
        F: Fn(String, &I) -> Fut + 'static,
        Fut: Future<Output = ApiResult<N>> + 'static,
        N: Into<Next>,
    {
        let screen = crate::components::screen::use_screen();
        Submit(renkei_web::submit::Submit::new(
            move |input: &I| flow.view.get_untracked().map(|f| send(f.csrf_token, input)),
            move |next: N| match next.into() {
                Next::Step(step) => {
                    screen.go(step, false);
                    After::Done
                }
                Next::App(url) => {
                    api::leave_for(&url);
                    After::Leaving
                }
            },
            on_error,
        ))
    }

    pub fn run(&self, input: I) {
        self.0.run(input);
    }

    /// Whether a submission is on its way.
    pub fn pending(&self) -> Memo<bool> {
        self.0.pending()
    }
}
