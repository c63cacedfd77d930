//! 職員 (admin): staff accounts — the list with each member's role and
//! passkeys, a new member or another passkey (a one-time link, shown
//! once, to hand over in person), disabling a member (their sessions end
//! at once), a member's passkeys and removing one (a lost device: their
//! sessions end too).

use crate::components::layout::Layout;
use crate::components::notice::{Notice, NoticeText};
use crate::{Session, api};
use leptos::prelude::*;
use renkei_shared::staff::{NewStaff, StaffMember, StaffPasskey, StaffRole};
use renkei_web::submit::Submit;

#[component]
pub fn MembersPage() -> impl IntoView {
    view! {
        <Layout title="職員">
            <Members />
        </Layout>
    }
}

#[component]
fn Members() -> impl IntoView {
    let session = expect_context::<Session>();
    let members = RwSignal::new(Vec::<StaffMember>::new());
    let notice = Notice::new();
    let name = RwSignal::new(String::new());
    let role = RwSignal::new("operator".to_owned());
    let reason = RwSignal::new(String::new());
    // Whose passkeys are shown, and they.
    let keys_of = RwSignal::new(None::<(String, Vec<StaffPasskey>)>);
    let csrf = move || session.csrf();
    let refused = move |e| notice.refused(e);
    let load = Submit::new(
        |_: &()| Some(api::staff_members()),
        move |m| members.set(m),
        refused,
    );
    load.run(());
    let add = Submit::new(
        move |_: &()| {
            let body = NewStaff {
                name: name.get_untracked(),
                role: StaffRole::parse(&role.get_untracked()).unwrap_or(StaffRole::Operator),
            };
            Some(api::add_staff(csrf(), body))
        },
        move |l| {
            notice.done(format!("登録用リンク（24時間有効・1回限り）: {}", l.link));
            name.set(String::new());
            load.run(());
        },
        refused,
    );
    let adding = add.pending();
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        add.run(());
    };
    let new_link = Submit::new(
        move |who: &String| {
            let (who, sent) = (who.clone(), api::staff_link(csrf(), who.clone()));
            Some(async move { sent.await.map(|l| (who, l)) })
        },
        move |(who, l)| notice.done(format!("{who}さんの登録用リンク: {}", l.link)),
        refused,
    );
    let new_link = move |who: String| new_link.run(who);
    let disable = Submit::new(
        move |who: &String| {
            let sent = api::disable_staff(csrf(), who.clone(), reason.get_untracked());
            let who = who.clone();
            Some(async move { sent.await.map(|_| who) })
        },
        move |who| {
            notice.done(format!("{who}さんを無効にしました。"));
            load.run(());
        },
        refused,
    );
    let disable = move |who: String| disable.run(who);
    let show_keys = Submit::new(
        move |who: &String| {
            let (who, sent) = (who.clone(), api::staff_passkeys(who.clone()));
            Some(async move { sent.await.map(|k| (who, k)) })
        },
        move |(who, k)| {
            notice.read();
            keys_of.set(Some((who, k)));
        },
        refused,
    );
    let remove_key = Submit::new(
        move |(who, id): &(String, i64)| {
            let sent = api::remove_passkey(csrf(), who.clone(), *id, reason.get_untracked());
            let who = who.clone();
            Some(async move { sent.await.map(|_| who) })
        },
        move |who: String| {
            notice.done(format!("{who}さんのパスキーを削除しました。"));
            load.run(());
            show_keys.run(who);
        },
        refused,
    );
    let show_keys = move |who: String| show_keys.run(who);
    let remove_key = move |who: String, id: i64| remove_key.run((who, id));
    view! {
        <form class="action" on:submit=add aria-labelledby="add-staff-title">
            <h2 id="add-staff-title">"職員の追加"</h2>
            <label for="staff-new-name">"職員名"</label>
            <input id="staff-new-name" required bind:value=name />
            <label for="staff-role">"役割"</label>
            <select id="staff-role" on:change=move |ev| role.set(event_target_value(&ev))>
                <option value="operator">{StaffRole::Operator.label()}</option>
                <option value="supervisor">{StaffRole::Supervisor.label()}</option>
                <option value="admin">{StaffRole::Admin.label()}</option>
            </select>
            <button type="submit" disabled=move || adding.get()>"追加して登録用リンクを発行"</button>
        </form>
        <NoticeText notice=notice />
        <label for="disable-reason">"無効にする・パスキーを削除する理由（必須）"</label>
        <input id="disable-reason" bind:value=reason />
        <table>
            <thead><tr>
                <th scope="col">"職員名"</th><th scope="col">"役割"</th><th scope="col">"パスキー"</th>
                <th scope="col">"状態"</th><th scope="col">"操作"</th>
            </tr></thead>
            <tbody>
                <For each=move || members.get() key=|m| (m.name.clone(), m.disabled, m.passkeys) let:m>
                    {
                        let (a, b, c) = (m.name.clone(), m.name.clone(), m.name.clone());
                        let disabled = m.disabled;
                        view! { <tr>
                            <td>{m.name.clone()}</td><td>{m.role.label()}</td><td>{m.passkeys}</td>
                            <td>{if disabled { "無効" } else { "有効" }}</td>
                            <td>{(!disabled).then(|| view! {
                                <button type="button" class="secondary"
                                    on:click=move |_| new_link(a.clone())>"登録用リンクを発行"</button>
                                <button type="button" class="secondary"
                                    on:click=move |_| disable(b.clone())>"無効にする"</button>
                                <button type="button" class="secondary"
                                    on:click=move |_| show_keys(c.clone())>"パスキーを表示"</button>
                            })}</td>
                        </tr> }
                    }
                </For>
            </tbody>
        </table>
        {move || keys_of.get().map(|(who, keys)| view! {
            <section aria-labelledby="keys-title">
                <h2 id="keys-title">{format!("{who}さんのパスキー")}</h2>
                <table>
                    <thead><tr>
                        <th scope="col">"番号"</th><th scope="col">"登録日時"</th>
                        <th scope="col">"最終使用"</th><th scope="col">"操作"</th>
                    </tr></thead>
                    <tbody>
                        {keys.into_iter().map(|k| {
                            let who = who.clone();
                            view! { <tr>
                                <td>{k.id}</td><td>{k.created_at}</td>
                                <td>{k.last_used_at.unwrap_or_else(|| "—".into())}</td>
                                <td><button type="button" class="secondary"
                                    on:click=move |_| remove_key(who.clone(), k.id)>"削除する"</button></td>
                            </tr> }
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        })}
    }
}
