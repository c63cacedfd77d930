//! The submission of a passkey ceremony, for both pages that run one
//! (enrolment and sign-in): signed in, the console opens; refused, the
//! server's message, or the page's own words when the browser did not
//! finish the ceremony (cancelled, no authenticator).

use crate::Session;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use renkei_shared::staff::Me;
use renkei_web::submit::Submit;
use renkei_web::webauthn::Failed;
use std::future::Future;

/// `ceremony` runs it for the page's input (a name, an enrolment token).
pub fn passkey_submit<Fut>(
    ceremony: impl Fn(String) -> Fut + 'static,
    error: RwSignal<Option<String>>,
    browser_refused: &'static str,
) -> Submit<String>
where
    Fut: Future<Output = Result<Me, Failed>> + 'static,
{
    let session = expect_context::<Session>();
    let navigate = use_navigate();
    Submit::new(
        move |input: &String| Some(ceremony(input.clone())),
        move |me| {
            session.me.set(Some(me));
            navigate("/staff", Default::default());
        },
        move |failed| {
            error.set(Some(match failed {
                Failed::Server(e) => e.message,
                Failed::Browser => browser_refused.to_owned(),
            }))
        },
    )
}
