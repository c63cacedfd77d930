//! The modal dialogs: the seed's error dialog (「エラー」 with OK) and a
//! question with two answers (the console's confirmations). Each is a
//! native `<dialog>` opened with `showModal()`: the browser moves focus
//! into it, keeps it there, and gives it back to the element that had it
//! when the dialog closes.

use leptos::html;
use leptos::prelude::*;

/// Opens `dialog` while `open` is true, closes it when it turns false.
fn follow(dialog: NodeRef<html::Dialog>, open: impl Fn() -> bool + 'static) {
    Effect::new(move |_| {
        let open = open();
        if let Some(d) = dialog.get() {
            if open && !d.open() {
                let _ = d.show_modal();
            } else if !open && d.open() {
                d.close();
            }
        }
    });
}

/// Shows `message` in a modal while it is `Some`; OK (or Esc) clears it.
#[component]
pub fn ErrorDialog(message: RwSignal<Option<String>>) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    follow(dialog, move || message.get().is_some());
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

/// A question asked before something that cannot be undone.
#[derive(Clone)]
pub struct Question {
    pub title: String,
    /// What will happen, naming what it happens to.
    pub message: String,
    /// The answer that goes ahead (e.g. 「終了する」).
    pub yes: &'static str,
    /// Run when that answer is chosen.
    pub on_yes: Callback<()>,
}

/// Asks `question` in a modal while it is `Some`. The answer that goes
/// ahead runs its callback; 「やめる」, Esc or closing changes nothing.
#[component]
pub fn ConfirmDialog(question: RwSignal<Option<Question>>) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    follow(dialog, move || question.get().is_some());
    let yes = move |_| {
        if let Some(q) = question.get_untracked() {
            question.set(None);
            q.on_yes.run(());
        }
    };
    view! {
        <dialog
            node_ref=dialog
            class="dialog"
            aria-labelledby="confirm-title"
            aria-describedby="confirm-message"
            on:close=move |_| question.set(None)
        >
            <h2 id="confirm-title" class="dialog-title">
                {move || question.get().map(|q| q.title).unwrap_or_default()}
            </h2>
            <p id="confirm-message" class="dialog-message">
                {move || question.get().map(|q| q.message).unwrap_or_default()}
            </p>
            <form method="dialog" class="dialog-actions">
                <button type="submit" class="secondary" autofocus>"やめる"</button>
                <button type="button" class="danger" on:click=yes>
                    {move || question.get().map(|q| q.yes).unwrap_or_default()}
                </button>
            </form>
        </dialog>
    }
}
