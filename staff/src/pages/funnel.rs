//! 利用状況 (supervisor and up): for a period and an app, how many flows
//! reached each screen and where the others stopped; errors by code and by
//! hour; locks by day; phone-call outcomes; consents granted and ended —
//! as SVG charts, each with its numbers as a table.

use crate::api;
use crate::components::chart::{Bar, BarChart, ColumnChart};
use crate::components::layout::{ErrorText, Layout};
use leptos::prelude::*;
use renkei_shared::ErrorBody;
use renkei_shared::staff::{Count, Funnel};
use renkei_web::submit::Submit;

#[component]
pub fn FunnelPage() -> impl IntoView {
    view! {
        <Layout title="利用状況">
            <FunnelView />
        </Layout>
    }
}

fn bars(counts: &[Count]) -> Vec<Bar> {
    counts
        .iter()
        .map(|c| Bar {
            label: c.label.clone(),
            value: c.count,
        })
        .collect()
}

#[component]
fn FunnelView() -> impl IntoView {
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let app = RwSignal::new(String::new());
    let data = RwSignal::new(None::<Funnel>);
    let error = RwSignal::new(None::<String>);
    let load = Submit::new(
        move |_: &()| {
            Some(api::funnel(
                from.get_untracked(),
                to.get_untracked(),
                app.get_untracked(),
            ))
        },
        move |f| {
            error.set(None);
            from.set(f.from.clone());
            to.set(f.to.clone());
            data.set(Some(f));
        },
        move |e: ErrorBody| error.set(Some(e.message)),
    );
    let load = move || load.run(());
    load();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        load();
    };
    view! {
        <form class="search" on:submit=submit aria-label="期間とアプリ">
            <label for="from">"開始日"</label>
            <input id="from" type="date" bind:value=from />
            <label for="to">"終了日"</label>
            <input id="to" type="date" bind:value=to />
            <label for="app">"アプリ（client_id、空欄はすべて）"</label>
            <input id="app" bind:value=app />
            <button type="submit">"表示"</button>
        </form>
        <ErrorText error=error />
        {move || data.get().map(|f| {
            let reached: Vec<Bar> = f.steps.iter().map(|s| Bar { label: s.label.clone(), value: s.reached }).collect();
            view! {
                <BarChart title="各画面に到達したフロー数".to_owned() bars=reached unit="フロー数" />
                <table aria-label="画面ごとの離脱">
                    <thead><tr>
                        <th scope="col">"画面"</th><th scope="col">"到達"</th><th scope="col">"中止"</th>
                        <th scope="col">"ロック"</th><th scope="col">"離脱"</th>
                    </tr></thead>
                    <tbody>
                        {f.steps.iter().map(|s| view! { <tr>
                            <th scope="row">{s.label.clone()}</th><td>{s.reached}</td><td>{s.cancelled}</td>
                            <td>{s.locked}</td><td>{s.left}</td>
                        </tr> }).collect_view()}
                    </tbody>
                </table>
                <BarChart title="エラー（コード別）".to_owned() bars=bars(&f.errors_by_code) unit="件数" />
                <ColumnChart title="エラー（時間帯別）".to_owned() bars=bars(&f.errors_by_hour) unit="件数" />
                <BarChart title="ロック（日別）".to_owned() bars=bars(&f.locks_by_day) unit="件数" />
                <BarChart title="電話着信の結果".to_owned() bars=bars(&f.calls) unit="件数" />
                <BarChart
                    title="連携（同意）".to_owned()
                    bars=vec![
                        Bar { label: "新規".into(), value: f.consents_granted },
                        Bar { label: "終了".into(), value: f.consents_ended },
                    ]
                    unit="件数"
                />
            }
        })}
    }
}
