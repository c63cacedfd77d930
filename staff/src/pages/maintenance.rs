//! 保守 (supervisor and up): the maintenance windows staff set, beside the
//! seed's fixed calendar for the coming 14 days; add one, cancel one, each
//! with a reason.

use crate::components::layout::Layout;
use crate::components::notice::{Notice, NoticeText};
use crate::{Session, api};
use leptos::prelude::*;
use renkei_shared::staff::{Maintenance, NewMaintenance, clerk_time_of};
use renkei_web::submit::Submit;

#[component]
pub fn MaintenancePage() -> impl IntoView {
    view! {
        <Layout title="保守時間帯">
            <MaintenanceView />
        </Layout>
    }
}

/// `2026-12-01T01:00` from a datetime-local input, as JST with its offset.
fn jst(local: &str) -> String {
    format!("{local}:00+09:00")
}

#[component]
fn MaintenanceView() -> impl IntoView {
    let session = expect_context::<Session>();
    let data = RwSignal::new(None::<Maintenance>);
    let notice = Notice::new();
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let cancel_reason = RwSignal::new(String::new());
    let csrf = move || session.csrf();
    let load = Submit::new(
        |_: &()| Some(api::maintenance()),
        move |m| data.set(Some(m)),
        move |e| notice.refused(e),
    );
    load.run(());
    let add = Submit::new(
        move |_: &()| {
            let body = NewMaintenance {
                from: jst(&from.get_untracked()),
                to: jst(&to.get_untracked()),
                reason: reason.get_untracked(),
            };
            Some(api::add_maintenance(csrf(), body))
        },
        move |_| {
            notice.done("保守時間帯を追加しました。");
            reason.set(String::new());
            load.run(());
        },
        move |e| notice.refused(e),
    );
    let adding = add.pending();
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        add.run(());
    };
    let cancel = Submit::new(
        move |id: &i64| {
            Some(api::cancel_maintenance(
                csrf(),
                *id,
                cancel_reason.get_untracked(),
            ))
        },
        move |_| {
            notice.done("保守時間帯を取り消しました。");
            load.run(());
        },
        move |e| notice.refused(e),
    );
    let cancel = move |id: i64| cancel.run(id);
    view! {
        <form class="action" on:submit=add aria-labelledby="add-title">
            <h2 id="add-title">"保守時間帯の追加（日本時間）"</h2>
            <label for="from">"開始"</label>
            <input id="from" type="datetime-local" required bind:value=from />
            <label for="to">"終了"</label>
            <input id="to" type="datetime-local" required bind:value=to />
            <label for="reason">"理由（必須）"</label>
            <input id="reason" required bind:value=reason />
            <button type="submit" disabled=move || adding.get()>"追加"</button>
        </form>
        <NoticeText notice=notice />
        {move || data.get().map(|m| view! {
            <section aria-labelledby="windows-title">
                <h2 id="windows-title">"設定済みの保守時間帯"</h2>
                <label for="cancel-reason">"取消の理由"</label>
                <input id="cancel-reason" bind:value=cancel_reason />
                <table>
                    <thead><tr>
                        <th scope="col">"開始"</th><th scope="col">"終了"</th>
                        <th scope="col">"理由"</th><th scope="col">"状態"</th>
                    </tr></thead>
                    <tbody>
                        {m.windows.iter().map(|w| {
                            let id = w.id;
                            let cancelled = w.cancelled;
                            view! { <tr>
                                <td>{clerk_time_of(&w.starts_at)}</td><td>{clerk_time_of(&w.ends_at)}</td>
                                <td>{w.reason.clone()}</td>
                                <td>{if cancelled {
                                    view! { <span>"取消済み"</span> }.into_any()
                                } else {
                                    view! { <button type="button" class="secondary"
                                        on:click=move |_| cancel(id)>"取り消す"</button> }.into_any()
                                }}</td>
                            </tr> }
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
            <section aria-labelledby="calendar-title">
                <h2 id="calendar-title">"定例の休止時間（今後14日間）"</h2>
                <table>
                    <thead><tr>
                        <th scope="col">"開始"</th><th scope="col">"終了"</th><th scope="col">"区分"</th>
                    </tr></thead>
                    <tbody>
                        {m.calendar.iter().map(|c| view! { <tr>
                            <td>{clerk_time_of(&c.starts_at)}</td><td>{clerk_time_of(&c.ends_at)}</td><td>{c.label.clone()}</td>
                        </tr> }).collect_view()}
                    </tbody>
                </table>
            </section>
        })}
    }
}
