//! 信用組合: the platform's credit unions, for platform staff (issue #22) —
//! found by code or name, fifty to a page, each with its last 30 days beside
//! the others'; a platform admin suspends or resumes one, with a reason;
//! 「この組合を操作」 makes the console act for one (its accounts, log,
//! funnel, maintenance, apps and staff) until another is chosen.

use crate::components::layout::Layout;
use crate::components::notice::{Notice, NoticeText};
use crate::{Session, api};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use renkei_shared::staff::{InstitutionView, StaffRole};
use renkei_web::submit::Submit;

#[component]
pub fn InstitutionsPage() -> impl IntoView {
    view! {
        <Layout title="信用組合">
            <Institutions />
        </Layout>
    }
}

#[component]
fn Institutions() -> impl IntoView {
    let session = expect_context::<Session>();
    let rows = RwSignal::new(Vec::<InstitutionView>::new());
    let next = RwSignal::new(None::<String>);
    // The `after` of each page shown so far, for 前へ.
    let trail = RwSignal::new(Vec::<Option<String>>::new());
    let search = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let notice = Notice::new();
    let csrf = move || session.csrf();
    let is_admin = move || session.me.get().is_some_and(|m| m.role >= StaffRole::Admin);
    let load = Submit::new(
        move |after: &Option<String>| {
            Some(api::institutions(search.get_untracked(), after.clone()))
        },
        move |page| {
            rows.set(page.institutions);
            next.set(page.next);
        },
        move |e| notice.refused(e),
    );
    let first_page = move || {
        trail.set(vec![None]);
        load.run(None);
    };
    first_page();
    let find = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        first_page();
    };
    let forward = move |_| {
        if let Some(after) = next.get_untracked() {
            trail.update(|t| t.push(Some(after.clone())));
            load.run(Some(after));
        }
    };
    let back = move |_| {
        trail.update(|t| {
            t.pop();
        });
        load.run(trail.get_untracked().last().cloned().flatten());
    };
    let change = Submit::new(
        move |(code, suspended): &(String, bool)| {
            let suspended = *suspended;
            let sent =
                api::set_institution_state(csrf(), code.clone(), suspended, reason.get_untracked());
            Some(async move { sent.await.map(|_| suspended) })
        },
        move |suspended| {
            notice.done(if suspended {
                "利用を停止しました。"
            } else {
                "利用を再開しました。"
            });
            load.run(trail.get_untracked().last().cloned().flatten());
        },
        move |e| notice.refused(e),
    );
    let change = move |code: String, suspended: bool| change.run((code, suspended));
    let navigate = use_navigate();
    // The header's union and every page after this one are the chosen
    // union's: `me` is read again under its name.
    let act_for = move |code: String| {
        api::act_for(Some(&code));
        session.me.set(None);
        navigate("/staff", Default::default());
    };
    let acting = api::acting();
    view! {
        <form class="search" on:submit=find role="search">
            <label for="union-search">"金融機関コードまたは名称"</label>
            <input id="union-search" bind:value=search />
            <button type="submit">"検索"</button>
        </form>
        <NoticeText notice=notice />
        <Show when=is_admin>
            <label for="union-reason">"停止・再開の理由（必須）"</label>
            <input id="union-reason" bind:value=reason />
        </Show>
        <table>
            <caption>"直近30日の連携（開始・完了）"</caption>
            <thead><tr>
                <th scope="col">"金融機関コード"</th><th scope="col">"名称"</th>
                <th scope="col">"開始"</th><th scope="col">"完了"</th><th scope="col">"状態"</th>
                <th scope="col">"操作"</th>
            </tr></thead>
            <tbody>
                <For each=move || rows.get() key=|r| (r.code.clone(), r.suspended) let:r>
                    {
                        let code = r.code.clone();
                        let suspended = r.suspended;
                        let chosen = acting.as_deref() == Some(r.code.as_str());
                        let act_for = act_for.clone();
                        let act_code = r.code.clone();
                        let label = format!("{}を操作", r.name);
                        view! { <tr>
                            <td>{r.code.clone()}</td><td>{r.name.clone()}</td>
                            <td>{r.started}</td><td>{r.granted}</td>
                            <td>
                                {if suspended { "停止中" } else { "利用中" }}
                                {r.state_reason.clone().map(|why| view! { <br /><span class="switched">{why}</span> })}
                                <Show when=is_admin>
                                    {
                                        let code = code.clone();
                                        view! {
                                            <button type="button" class="secondary"
                                                on:click=move |_| change(code.clone(), !suspended)>
                                                {if suspended { "再開する" } else { "停止する" }}
                                            </button>
                                        }
                                    }
                                </Show>
                            </td>
                            <td>
                                {if chosen {
                                    view! { <span>"操作中"</span> }.into_any()
                                } else {
                                    view! {
                                        <button type="button" class="secondary" aria-label=label
                                            on:click=move |_| act_for(act_code.clone())>
                                            "この組合を操作"
                                        </button>
                                    }.into_any()
                                }}
                            </td>
                        </tr> }
                    }
                </For>
            </tbody>
        </table>
        <nav class="pages" aria-label="ページ">
            <button type="button" class="secondary" on:click=back
                disabled=move || trail.get().len() <= 1>"前の50件"</button>
            <button type="button" class="secondary" on:click=forward
                disabled=move || next.get().is_none()>"次の50件"</button>
        </nav>
    }
}
