//! The one way a page sends something to the server and waits: built on
//! `Action::new_local` (the browser's single thread), busy while the
//! request runs (`pending`, for disabling the buttons), then the answer to
//! `on_ok` or the refusal to `on_err`. A page never spawns its own task.

use leptos::prelude::*;
use std::future::Future;

/// What happens after an accepted answer.
pub enum After {
    /// The page goes on (the hook is free again).
    Done,
    /// The page is being left (a full navigation): stay busy until it is
    /// gone, so a second press cannot send again.
    Leaving,
}

impl From<()> for After {
    fn from(_: ()) -> Self {
        After::Done
    }
}

/// A page's sending of `I`.
pub struct Submit<I: 'static> {
    action: Action<I, ()>,
}

impl<I: 'static> Clone for Submit<I> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I: 'static> Copy for Submit<I> {}

impl<I: 'static> Submit<I> {
    /// Call while setting the page up. `send` makes the request from the
    /// input (or nothing to send: `None`); `on_ok` takes the answer,
    /// `on_err` the refusal.
    pub fn new<F, Fut, T, E, A>(
        send: F,
        on_ok: impl Fn(T) -> A + Clone + 'static,
        on_err: impl Fn(E) + Clone + 'static,
    ) -> Self
    where
        F: Fn(&I) -> Option<Fut> + 'static,
        Fut: Future<Output = Result<T, E>> + 'static,
        A: Into<After>,
    {
        let action = Action::new_local(move |input: &I| {
            let sent = send(input);
            let (on_ok, on_err) = (on_ok.clone(), on_err.clone());
            async move {
                let Some(sent) = sent else { return };
                match sent.await {
                    Ok(answer) => {
                        if let After::Leaving = on_ok(answer).into() {
                            std::future::pending::<()>().await;
                        }
                    }
                    Err(e) => on_err(e),
                }
            }
        });
        Submit { action }
    }

    /// Sends `input` (a press while one is on its way is still sent: the
    /// buttons are disabled by `pending`).
    pub fn run(&self, input: I) {
        self.action.dispatch_local(input);
    }

    /// Whether a sending is on its way.
    pub fn pending(&self) -> Memo<bool> {
        self.action.pending()
    }
}
