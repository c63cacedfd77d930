//! What every step's form does the same way: check the shared rules first
//! for an instant answer (per-field messages and the seed's dialog), then
//! send the step with the flow's CSRF token and go where the server says —
//! or show the server's verdict, which has the last word.

use crate::api::ApiResult;
use crate::components::flow::{CancelButton, FlowState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use renkei_shared::api::StepDone;
use renkei_shared::{ErrorBody, FieldErrors};
use std::future::Future;

#[derive(Clone, Copy)]
pub struct StepForm {
    pub errors: RwSignal<FieldErrors>,
    pub dialog: RwSignal<Option<String>>,
    pub pending: RwSignal<bool>,
    /// Taken from the router when the screen is set up (event handlers run
    /// outside the component, where the router's context is not at hand).
    go: Callback<String>,
}

impl StepForm {
    /// Call while setting the screen up, inside the router.
    pub fn new() -> Self {
        let navigate = use_navigate();
        StepForm {
            errors: RwSignal::new(FieldErrors::new()),
            dialog: RwSignal::new(None),
            pending: RwSignal::new(false),
            go: Callback::new(move |path: String| navigate(&path, Default::default())),
        }
    }

    /// Shows what the shared rules refused; `true` when nothing was.
    pub fn check<T>(&self, parsed: Result<T, FieldErrors>) -> bool {
        match parsed {
            Ok(_) => {
                self.errors.set(FieldErrors::new());
                true
            }
            Err(fields) => {
                let body = ErrorBody::from_fields(fields);
                self.errors.set(body.fields.clone());
                self.dialog.set(Some(body.message));
                false
            }
        }
    }

    /// Sends the step (`call` gets the CSRF token), then navigates to the
    /// next step or shows the error. `after` runs either way (e.g. to clear
    /// a PIN field).
    pub fn send<F>(
        &self,
        flow: FlowState,
        call: impl FnOnce(String) -> F + 'static,
        after: impl FnOnce() + 'static,
    ) where
        F: Future<Output = ApiResult<StepDone>> + 'static,
    {
        let Some(csrf) = flow.view.get_untracked().map(|f| f.csrf_token) else {
            return;
        };
        let form = *self;
        form.pending.set(true);
        spawn_local(async move {
            let result = call(csrf).await;
            after();
            match result {
                Ok(done) => form.go.run(done.next.path().to_owned()),
                Err(e) => {
                    form.errors.set(e.fields.clone());
                    form.dialog.set(Some(e.message));
                }
            }
            form.pending.set(false);
        });
    }
}

impl Default for StepForm {
    fn default() -> Self {
        Self::new()
    }
}

/// 次へ (submits the form; disabled while sending or before the flow is
/// known) and 中止する.
#[component]
pub fn StepActions(form: StepForm, flow: FlowState) -> impl IntoView {
    view! {
        <div class="actions">
            <button
                type="submit"
                class="button primary"
                disabled=move || form.pending.get() || flow.view.get().is_none()
            >
                "次へ"
            </button>
            <CancelButton flow=flow error=form.dialog />
        </div>
    }
}
