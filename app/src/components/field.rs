//! One labelled form field with its hint and its error, tied together for
//! assistive technology (`for`, `aria-describedby`, `aria-invalid`).

use leptos::prelude::*;
use renkei_shared::{FieldCode, FieldErrors};

/// The first error message for `field`, if any.
pub fn field_error(
    errors: RwSignal<FieldErrors>,
    field: &'static str,
) -> Signal<Option<&'static str>> {
    Signal::derive(move || {
        errors
            .get()
            .get(field)
            .and_then(|codes| codes.first().copied())
            .map(FieldCode::message)
    })
}

/// Label, hint and error around whatever input `children` renders. The input
/// must use `id` and `aria-describedby=describedby(id)`.
#[component]
pub fn Field(
    /// The input's id; the label points at it.
    id: &'static str,
    label: &'static str,
    /// Shown under the label, e.g. 「（半角数字3桁）」.
    #[prop(optional)]
    hint: Option<&'static str>,
    #[prop(default = true)] required: bool,
    error: Signal<Option<&'static str>>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id class="field-label">
                {required.then(|| view! { <span class="required">"【必須】"</span> })}
                {label}
            </label>
            {hint.map(|h| view! { <p class="field-hint" id=format!("{id}-hint")>{h}</p> })}
            <p class="field-error" id=format!("{id}-error") role="alert">
                {move || error.get().unwrap_or_default()}
            </p>
            {children()}
        </div>
    }
}

/// The `aria-describedby` value for an input with id `id`.
pub fn describedby(id: &str) -> String {
    format!("{id}-hint {id}-error")
}
