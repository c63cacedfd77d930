//! SOA211 「API連携認証（キャッシュカード暗証番号認証）」: the 4-digit PIN.
//! The field is a password field: never shown, never autocompleted, and the
//! value is dropped from the page once sent.

use crate::api;
use crate::components::dialog::ErrorDialog;
use crate::components::field::{Field, describedby, field_error};
use crate::components::flow::{FatalError, load_flow};
use crate::components::layout::Layout;
use crate::components::step_form::{StepActions, StepForm};
use leptos::prelude::*;
use renkei_shared::FieldErrors;
use renkei_shared::api::{PinForm, Step};
use renkei_shared::domain::Pin;

#[component]
pub fn PinPage() -> impl IntoView {
    let flow = load_flow(Step::Pin);
    let pin = RwSignal::new(String::new());
    let form = StepForm::new();
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
        if form.check(checked) {
            // Whatever happens, the PIN does not stay in the page.
            form.send(
                flow,
                move |csrf| async move { api::submit_pin(&csrf, &input).await },
                move || pin.set(String::new()),
            );
        }
    };

    view! {
        <Layout title="API連携認証（キャッシュカード暗証番号認証）" screen_id="SOA211">
            {move || flow.fatal.get().map(|e| view! { <FatalError error=e /> })}
            <section class="summary" aria-labelledby="pin-title">
                <h2 id="pin-title">"キャッシュカード暗証番号"</h2>
                <p>"キャッシュカード暗証番号での認証を行います。"</p>
            </section>
            <form class="form" novalidate on:submit=on_submit>
                <Field id="pin" label="キャッシュカードの暗証番号" hint="(半角数字4桁)" error=field_error(errors, "pin")>
                    <input
                        id="pin"
                        name="pin"
                        type="password"
                        inputmode="numeric"
                        autocomplete="off"
                        maxlength="4"
                        aria-describedby=describedby("pin")
                        aria-invalid=move || field_error(errors, "pin").get().is_some().to_string()
                        prop:value=pin
                        on:input=move |ev| pin.set(event_target_value(&ev))
                    />
                </Field>
                <StepActions form=form flow=flow />
            </form>
            <ErrorDialog message=dialog />
        </Layout>
    }
}
