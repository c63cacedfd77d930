//! 口座照会: find a customer's linkages by 店番 + 科目 + 口座番号 — the
//! account's eligibility, today's failures and lock, every consent, the
//! recent flows — and, with a reason, lift today's lock or end linkages.
//! Never the PIN, the full phone number or an e-mail address.

use crate::components::layout::Layout;
use crate::components::notice::{Notice, NoticeText};
use crate::{Session, api};
use leptos::prelude::*;
use renkei_shared::staff::AccountView;
use renkei_shared::{ErrorBody, FieldErrors};
use renkei_web::dialog::{ConfirmDialog, Question};
use renkei_web::field::{Field, TextField, describedby, field_error};
use renkei_web::submit::Submit;

fn status_label(s: &str) -> &'static str {
    match s {
        "active" => "有効",
        "closed" => "解約",
        "moved" => "口座移管済み",
        _ => "記録なし",
    }
}

fn revoked_by_label(s: &str) -> &'static str {
    match s {
        "app" => "アプリ",
        "staff" => "職員",
        "code_reuse" | "refresh_reuse" => "不正利用の検知",
        _ => "その他",
    }
}

/// The account as the clerk names it: 店番005 貯蓄預金 0000123.
fn account_name(v: &AccountView) -> String {
    format!("店番{} {} {}", v.branch, v.kind.label(), v.number)
}

#[component]
pub fn LookupPage() -> impl IntoView {
    view! {
        <Layout title="口座照会">
            <Lookup />
        </Layout>
    }
}

#[component]
fn Lookup() -> impl IntoView {
    let session = expect_context::<Session>();
    let branch = RwSignal::new(String::new());
    let kind = RwSignal::new("ordinary".to_owned());
    let number = RwSignal::new(String::new());
    let view_data = RwSignal::new(None::<AccountView>);
    let notice = Notice::new();
    // The server's verdict on each of the three fields, shown beside it.
    let field_errors = RwSignal::new(FieldErrors::new());
    let lift_reason = RwSignal::new(String::new());
    let end_reason = RwSignal::new(String::new());
    // The question a change that cannot be taken back asks first.
    let question = RwSignal::new(None::<Question>);
    let key = move || {
        (
            branch.get_untracked(),
            kind.get_untracked(),
            number.get_untracked(),
        )
    };

    let load = Submit::new(
        move |_: &()| Some(api::account(key())),
        move |v| {
            notice.read();
            field_errors.set(FieldErrors::new());
            view_data.set(Some(v));
        },
        move |e: ErrorBody| {
            view_data.set(None);
            field_errors.set(e.fields.clone());
            notice.refused(e);
        },
    );
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        notice.done.set(None);
        load.run(());
    };
    let csrf = move || session.csrf();
    let lift_now = Submit::new(
        move |_: &()| Some(api::lift_lock(csrf(), key(), lift_reason.get_untracked())),
        move |_| {
            lift_reason.set(String::new());
            notice.done("本日のロックを解除しました。");
            load.run(());
        },
        move |e| notice.refused(e),
    );
    let lift = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(v) = view_data.get_untracked() else {
            return;
        };
        question.set(Some(Question {
            title: "ロックの解除".into(),
            message: format!(
                "{} の本日のロックを解除します。よろしいですか。",
                account_name(&v)
            ),
            yes: "解除する",
            on_yes: Callback::new(move |()| lift_now.run(())),
        }));
    };
    let end_now = Submit::new(
        move |consent: &Option<i64>| {
            Some(api::end_linkages(
                csrf(),
                key(),
                *consent,
                end_reason.get_untracked(),
            ))
        },
        move |d| {
            end_reason.set(String::new());
            notice.done(format!("{}件の連携を終了しました。", d.changed));
            load.run(());
        },
        move |e| notice.refused(e),
    );
    let end = move |consent: Option<i64>, apps: String| {
        let Some(v) = view_data.get_untracked() else {
            return;
        };
        question.set(Some(Question {
            title: "連携の終了".into(),
            message: format!(
                "{} の{}を終了します。アプリは口座情報を読めなくなります。よろしいですか。",
                account_name(&v),
                apps
            ),
            yes: "終了する",
            on_yes: Callback::new(move |()| end_now.run(consent)),
        }));
    };

    view! {
        <form class="search" on:submit=search aria-label="口座の検索">
            <TextField id="branch" label="店番" value=branch errors=field_errors
                hint="（半角数字3桁）" inputmode="numeric" maxlength="3" />
            <Field id="kind" label="科目" error=field_error(field_errors, "kind")>
                <select id="kind" aria-describedby=describedby("kind")
                    on:change=move |ev| kind.set(event_target_value(&ev))>
                    <option value="ordinary">"普通預金"</option>
                    <option value="savings">"貯蓄預金"</option>
                </select>
            </Field>
            <TextField id="number" label="口座番号" value=number errors=field_errors
                hint="（半角数字7桁まで）" inputmode="numeric" maxlength="7" />
            <button type="submit">"照会"</button>
        </form>
        <NoticeText notice=notice />
        <ConfirmDialog question=question />
        {move || view_data.get().map(|v| {
            let locked = v.locked;
            let liftable = locked || v.failures_today > 0;
            let live_apps: Vec<String> = v
                .consents
                .iter()
                .filter(|c| c.revoked_at.is_none())
                .map(|c| format!("「{}」", c.app))
                .collect();
            let any_live = !live_apps.is_empty();
            let all_apps = format!("{}とのすべての連携", live_apps.join("、"));
            view! {
                <section aria-labelledby="account-title">
                    <h2 id="account-title">
                        {account_name(&v)}
                    </h2>
                    <dl class="facts">
                        <dt>"口座の状態"</dt><dd>{status_label(&v.status)}</dd>
                        <dt>"キャッシュカード"</dt><dd>{if v.cash_card { "発行済み" } else { "なし" }}</dd>
                        <dt>"API連携"</dt><dd>{if v.can_link { "可能" } else { "不可" }}</dd>
                        <dt>"登録電話番号"</dt><dd>{v.masked_phone.clone().unwrap_or_default()}</dd>
                        <dt>"本日の認証失敗"</dt>
                        <dd>{format!("{} / {} 回", v.failures_today, v.lockout_threshold)}</dd>
                        <dt>"ロック"</dt>
                        <dd data-testid="lock-state">{if locked { "ロック中（本日0:00まで）" } else { "なし" }}</dd>
                    </dl>
                </section>
                <Show when=move || liftable>
                    <form class="action" on:submit=lift aria-labelledby="lift-title">
                        <h2 id="lift-title">"本日のロックを解除"</h2>
                        <label for="lift-reason">"理由（必須）"</label>
                        <input id="lift-reason" required bind:value=lift_reason />
                        <button type="submit">"ロックを解除する"</button>
                    </form>
                </Show>
                <section aria-labelledby="consents-title">
                    <h2 id="consents-title">"連携（同意）"</h2>
                    <table>
                        <thead><tr>
                            <th scope="col">"アプリ"</th><th scope="col">"同意日時"</th>
                            <th scope="col">"有効期限"</th><th scope="col">"終了"</th>
                            <th scope="col">"操作"</th>
                        </tr></thead>
                        <tbody>
                            {v.consents.iter().map(|c| {
                                let id = c.id;
                                let app = format!("「{}」との連携", c.app);
                                let live = c.revoked_at.is_none();
                                let ended = c.revoked_at.clone().map(|at| format!(
                                    "{}（{}）", at,
                                    revoked_by_label(c.revoked_by.as_deref().unwrap_or(""))
                                ));
                                view! { <tr>
                                    <td>{c.app.clone()}</td><td>{c.granted_at.clone()}</td>
                                    <td>{c.expires_at.clone()}</td><td>{ended}</td>
                                    <td>{live.then(|| view! {
                                        <button type="button" class="secondary"
                                            on:click=move |_| end(Some(id), app.clone())>"この連携を終了"</button>
                                    })}</td>
                                </tr> }
                            }).collect_view()}
                        </tbody>
                    </table>
                    <Show when=move || any_live>
                        <div class="action">
                            <label for="end-reason">"連携を終了する理由（必須）"</label>
                            <input id="end-reason" required bind:value=end_reason />
                            <button type="button" on:click={
                                let apps = all_apps.clone();
                                move |_| end(None, apps.clone())
                            }>"すべての連携を終了"</button>
                        </div>
                    </Show>
                </section>
                <section aria-labelledby="flows-title">
                    <h2 id="flows-title">"最近のAPI連携認証"</h2>
                    <table>
                        <thead><tr>
                            <th scope="col">"開始"</th><th scope="col">"アプリ"</th>
                            <th scope="col">"最後の画面"</th><th scope="col">"結果"</th>
                        </tr></thead>
                        <tbody>
                            {v.recent_flows.iter().map(|f| view! { <tr>
                                <td>{f.started_at.clone()}</td><td>{f.app.clone()}</td>
                                <td>{f.last_step.label()}</td><td>{f.last_outcome.label()}</td>
                            </tr> }).collect_view()}
                        </tbody>
                    </table>
                </section>
            }
        })}
    }
}
