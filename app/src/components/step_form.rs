//! What every step's form does the same way: check the shared rules first
//! for an instant answer (per-field messages and the seed's dialog), then
//! submit the step and go where the server says — or show the server's
//! verdict, which has the last word.

use crate::api::ApiResult;
use crate::components::cancel::CancelButton;
use crate::components::flow::FlowState;
use crate::components::submit::Submit;
use leptos::prelude::*;
use renkei_shared::api::StepDone;
use renkei_shared::{ErrorBody, FieldErrors};
use std::future::Future;

pub struct StepForm<I: 'static> {
    pub errors: RwSignal<FieldErrors>,
    pub dialog: RwSignal<Option<String>>,
    submit: Submit<I>,
}

impl<I: 'static> Clone for StepForm<I> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I: 'static> Copy for StepForm<I> {}

impl<I: 'static> StepForm<I> {
    /// Call while setting the screen up, inside the router; `send` takes
    /// the CSRF token and the form.
    pub fn new<F, Fut>(flow: FlowState, send: F) -> Self
    where
        F: Fn(String, &I) -> Fut + 'static,
        Fut: Future<Output = ApiResult<StepDone>> + 'static,
    {
        let errors = RwSignal::new(FieldErrors::new());
        let dialog = RwSignal::new(None);
        let submit = Submit::new(flow, send, move |e: ErrorBody| {
            errors.set(e.fields.clone());
            dialog.set(Some(e.message));
        });
        StepForm {
            errors,
            dialog,
            submit,
        }
    }

    /// Shows what the shared rules refused, or sends `input` when nothing
    /// was.
    pub fn submit<T>(&self, parsed: Result<T, FieldErrors>, input: I) {
        match parsed {
            Ok(_) => {
                self.errors.set(FieldErrors::new());
                self.submit.run(input);
            }
            Err(fields) => {
                let body = ErrorBody::from_fields(fields);
                self.errors.set(body.fields.clone());
                self.dialog.set(Some(body.message));
            }
        }
    }

    pub fn pending(&self) -> Memo<bool> {
        self.submit.pending()
    }
}

/// 次へ (submits the form; disabled while sending or before the flow is
/// known) and 中止する.
#[component]
pub fn StepActions<I: 'static>(form: StepForm<I>, flow: FlowState) -> impl IntoView {
    let pending = form.pending();
    view! {
        <div class="actions">
            <button
                type="submit"
                class="button primary"
                disabled=move || pending.get() || flow.view.get().is_none()
            >
                "次へ"
            </button>
            <CancelButton flow=flow error=form.dialog />
        </div>
    }
}
