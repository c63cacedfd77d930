//! The seed's error dialog (「エラー」 with OK). A native `<dialog>` opened
//! with `showModal()`: the browser moves focus into it, keeps it there, and
//! gives it back to the element that had it when the dialog closes.

use leptos::html;
use leptos::prelude::*;

/// Shows `message` in a modal while it is `Some`; OK (or Esc) clears it.
#[component]
pub fn ErrorDialog(message: RwSignal<Option<String>>) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    Effect::new(move |_| {
        let open = message.get().is_some();
        if let Some(d) = dialog.get() {
            if open && !d.open() {
                let _ = d.show_modal();
            } else if !open && d.open() {
                d.close();
            }
        }
    });
    view! {
        <dialog
            node_ref=dialog
            class="dialog"
            aria-labelledby="dialog-title"
            aria-describedby="dialog-message"
            on:close=move |_| message.set(None)
        >
            <h2 id="dialog-title" class="dialog-title">"エラー"</h2>
            <p id="dialog-message" class="dialog-message">{move || message.get().unwrap_or_default()}</p>
            <form method="dialog">
                <button type="submit" class="button primary" autofocus>"OK"</button>
            </form>
        </dialog>
    }
}
