//! The one way a page sends something to the server and waits: built on
//! `Action::new_local` (the browser's single thread), busy while the
//! request runs (`pending`, for disabling the buttons), then the answer to
//! `on_ok` or the refusal to `on_err`. A page never spawns its own task.

use leptos::prelude::*;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;

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

/// One sending, made when the page asked for it: the action only awaits it.
type Job = Pin<Box<dyn Future<Output = ()>>>;
/// What turns the page's input into a job (`None`: nothing to send).
type Make<I> = Box<dyn Fn(I) -> Option<Job>>;

/// The one action every hook runs on: its input is the job itself, so the
/// action's machinery is compiled once for all of a bundle's pages (each
/// page's types only reach the small closure that makes the job), which
/// keeps the bundles small.
fn action() -> Action<RefCell<Option<Job>>, ()> {
    Action::new_local(|job: &RefCell<Option<Job>>| {
        let job = job.borrow_mut().take();
        async move {
            if let Some(job) = job {
                job.await;
            }
        }
    })
}

/// A page's sending of `I`.
pub struct Submit<I: 'static> {
    action: Action<RefCell<Option<Job>>, ()>,
    make: StoredValue<Make<I>, LocalStorage>,
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
        let make: Make<I> = Box::new(move |input: I| {
            let sent = send(&input)?;
            let (on_ok, on_err) = (on_ok.clone(), on_err.clone());
            Some(Box::pin(async move {
                match sent.await {
                    Ok(answer) => {
                        if let After::Leaving = on_ok(answer).into() {
                            std::future::pending::<()>().await;
                        }
                    }
                    Err(e) => on_err(e),
                }
            }))
        });
        Submit {
            action: action(),
            make: StoredValue::new_local(make),
        }
    }

    /// Sends `input` (a press while one is on its way is still sent: the
    /// buttons are disabled by `pending`).
    pub fn run(&self, input: I) {
        let job = self.make.with_value(|make| make(input));
        if let Some(job) = job {
            self.action.dispatch_local(RefCell::new(Some(job)));
        }
    }

    /// Whether a sending is on its way.
    pub fn pending(&self) -> Memo<bool> {
        self.action.pending()
    }
}
