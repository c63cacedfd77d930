//! The credit union whose screens these are, from `GET /api/institution`
//! (its profile file on the server): asked once when the SPA starts and
//! shared by context, so a bank changes its name, contact number and links
//! without rebuilding the SPA.

use leptos::prelude::*;
use renkei_shared::api::Institution;

/// The profile, once the server has answered.
#[derive(Clone, Copy)]
pub struct InstitutionCtx(pub ReadSignal<Option<Institution>>);

/// Asks the server for the profile and provides it to every screen; the
/// document's title follows it.
pub fn provide_institution() {
    let (get, set) = signal(None::<Institution>);
    provide_context(InstitutionCtx(get));
    leptos::task::spawn_local(async move {
        if let Ok(i) = crate::api::institution().await {
            let doc = document();
            doc.set_title(&format!("API連携認証 | {}", i.name));
            // The theme's --brand, set through the CSSOM (which the CSP's
            // style-src allows, unlike a style attribute).
            if let Some(root) = doc.document_element() {
                use wasm_bindgen::JsCast;
                if let Ok(root) = root.dyn_into::<web_sys::HtmlElement>() {
                    let _ = root.style().set_property("--brand", &i.brand_color);
                }
            }
            set.set(Some(i));
        }
    });
}

/// The profile's `field`, or "" until it is known.
pub fn institution_text(field: fn(&Institution) -> String) -> impl Fn() -> String + Copy {
    let ctx = use_context::<InstitutionCtx>();
    move || {
        ctx.and_then(|c| c.0.with(|i| i.as_ref().map(field)))
            .unwrap_or_default()
    }
}
