//! SOA211 「API連携認証（キャッシュカード暗証番号認証）」: the 4-digit PIN.
//! The field is a password field: never shown, never autocompleted, and the
//! value is dropped from the page once sent.

use crate::api;
use crate::components::flow::{FatalError, load_flow};
use crate::components::layout::Layout;
use crate::components::step_form::{StepActions, StepForm};
use leptos::prelude::*;
use renkei_shared::FieldErrors;
use renkei_shared::api::{PinForm, Step};
use renkei_shared::domain::Pin;
use renkei_web::dialog::ErrorDialog;
use renkei_web::field::TextField;

#[component]
pub fn PinPage() -> impl IntoView {
    let flow = load_flow(Step::Pin);
    let pin = RwSignal::new(String::new());
    let form = StepForm::new(flow, |csrf, input: &PinForm| {
        let input = input.clone();
        async move { api::submit_pin(&csrf, &input).await }
    });
    let StepForm { errors, dialog, .. } = form;

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = PinForm {
            pin: pin.get_untracked(),
        };
        let checked = Pin::parse(&input.pin).map_err(|code| {
            let mut fields = FieldErrors::new();
            fields.insert("pin".into(), vec![code]);
            fields
        });
        // Whatever happens, the PIN does not stay in the page.
        pin.set(String::new());
        form.submit(checked, input);
    };

    view! {
        <Layout title="API連携認証（キャッシュカード暗証番号認証）" screen_id="SOA211">
            {move || flow.fatal.get().map(|e| view! { <FatalError error=e /> })}
            <section class="summary" aria-labelledby="pin-title">
                <h2 id="pin-title">"キャッシュカード暗証番号"</h2>
                <p>"キャッシュカード暗証番号での認証を行います。"</p>
            </section>
            <form class="form" novalidate on:submit=on_submit>
                <TextField id="pin" label="キャッシュカードの暗証番号" hint="(半角数字4桁)" value=pin errors=errors
                    input_type="password" inputmode="numeric" maxlength="4" />
                <StepActions form=form flow=flow />
            </form>
            <ErrorDialog message=dialog />
        </Layout>
    }
}
