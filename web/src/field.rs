//! One labelled form field with its hint and its error, tied together for
//! assistive technology (`for`, `aria-describedby`, `aria-invalid`):
//! [`TextField`] for a text input, [`Field`] around any other control.

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
    #[prop(default = None, into)]
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

/// A labelled text input bound to `value`, with its hint and its error
/// (the first of `errors[id]`). `children` go under the input (e.g. the
/// converted name); give them ids and name them in `describedby_extra`.
#[component]
pub fn TextField(
    /// The input's id and name, and the field's key in `errors`.
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
    #[prop(default = None, into)] hint: Option<&'static str>,
    /// `type`: text (default), tel, email, password.
    #[prop(default = "text")]
    input_type: &'static str,
    #[prop(default = None, into)] inputmode: Option<&'static str>,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(default = None, into)] maxlength: Option<&'static str>,
    /// More ids for `aria-describedby`, after the hint and the error.
    #[prop(default = None, into)]
    describedby_extra: Option<&'static str>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let error = field_error(errors, id);
    let described = match describedby_extra {
        Some(extra) => format!("{} {extra}", describedby(id)),
        None => describedby(id),
    };
    view! {
        <Field id=id label=label hint=hint error=error>
            <input
                id=id
                name=id
                type=input_type
                inputmode=inputmode
                autocomplete=autocomplete
                maxlength=maxlength
                aria-describedby=described
                aria-invalid=move || error.get().is_some().to_string()
                prop:value=value
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            {children.map(|c| c())}
        </Field>
    }
}
