//! 監査ログ (supervisor and up): the operation log searched by day, step,
//! outcome, app and staff member, newest first, a page at a time, and the
//! same search as CSV (UTF-8 with BOM, for Excel).

use crate::api;
use crate::components::layout::{ErrorText, Layout};
use leptos::prelude::*;
use renkei_shared::ErrorBody;
use renkei_shared::oplog::{LogStep, Outcome};
use renkei_shared::staff::AuditLine;
use renkei_web::submit::Submit;

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <Layout title="監査ログ">
            <Audit />
        </Layout>
    }
}

#[component]
fn Audit() -> impl IntoView {
    let day = RwSignal::new(String::new());
    let step = RwSignal::new(String::new());
    let outcome = RwSignal::new(String::new());
    let app = RwSignal::new(String::new());
    let staff = RwSignal::new(String::new());
    let lines = RwSignal::new(Vec::<AuditLine>::new());
    let next = RwSignal::new(None::<i64>);
    let error = RwSignal::new(None::<String>);
    let filters = move || {
        vec![
            ("day", day.get_untracked()),
            ("step", step.get_untracked()),
            ("outcome", outcome.get_untracked()),
            ("app", app.get_untracked()),
            ("staff", staff.get_untracked()),
        ]
    };
    let fetch = Submit::new(
        move |before: &Option<i64>| {
            let before = *before;
            let page = api::audit(api::audit_query(&filters(), before));
            Some(async move { page.await.map(|p| (before, p)) })
        },
        move |(before, page)| {
            error.set(None);
            if before.is_none() {
                lines.set(page.lines);
            } else {
                lines.update(|l| l.extend(page.lines));
            }
            next.set(page.next_before);
        },
        move |e: ErrorBody| error.set(Some(e.message)),
    );
    let csv_href = RwSignal::new(api::audit_csv_href(""));
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        csv_href.set(api::audit_csv_href(&api::audit_query(&filters(), None)));
        fetch.run(None);
    };
    view! {
        <form class="search" on:submit=search aria-label="監査ログの検索">
            <label for="day">"日付"</label>
            <input id="day" type="date" bind:value=day />
            <label for="step">"ステップ"</label>
            <select id="step" on:change=move |ev| step.set(event_target_value(&ev))>
                <option value="">"（すべて）"</option>
                {LogStep::ALL.iter().map(|s| view! {
                    <option value=s.code()>{s.label()}</option>
                }).collect_view()}
            </select>
            <label for="outcome">"結果"</label>
            <select id="outcome" on:change=move |ev| outcome.set(event_target_value(&ev))>
                <option value="">"（すべて）"</option>
                {Outcome::all().map(|o| view! {
                    <option value=o.code()>{o.label()}</option>
                }).collect_view()}
            </select>
            <label for="app">"アプリ（client_id）"</label>
            <input id="app" bind:value=app />
            <label for="staff">"職員"</label>
            <input id="staff" bind:value=staff />
            <button type="submit">"検索"</button>
        </form>
        <p><a href=move || csv_href.get() download="renkei-audit.csv">"検索結果をCSVで出力"</a></p>
        <ErrorText error=error />
        <table>
            <thead><tr>
                <th scope="col">"日時"</th><th scope="col">"フロー"</th><th scope="col">"アプリ"</th>
                <th scope="col">"ステップ"</th><th scope="col">"結果"</th>
                <th scope="col">"操作者"</th><th scope="col">"職員"</th><th scope="col">"詳細"</th>
            </tr></thead>
            <tbody>
                <For each=move || lines.get() key=|l| l.id let:l>
                    <tr>
                        <td>{l.at}</td><td>{l.flow}</td><td>{l.app}</td><td>{l.step.label()}</td>
                        <td>{l.outcome.label()}</td><td>{l.step.actor().label()}</td>
                        <td>{l.staff}</td><td>{l.detail}</td>
                    </tr>
                </For>
            </tbody>
        </table>
        <Show when=move || next.get().is_some()>
            <button type="button" class="secondary" on:click=move |_| fetch.run(next.get_untracked())>
                "さらに古い行を表示"
            </button>
        </Show>
    }
}
