//! SOA201 「API連携認証（ご利用口座情報入力）」: 店番, 科目, 口座番号.

use crate::api;
use crate::components::flow::{FatalError, load_flow};
use crate::components::layout::Layout;
use crate::components::step_form::{StepActions, StepForm};
use leptos::prelude::*;
use renkei_shared::api::{AccountForm, Step};
use renkei_shared::domain::AccountKind;
use renkei_web::dialog::ErrorDialog;
use renkei_web::field::{Field, TextField, describedby, field_error};

#[component]
pub fn AccountPage() -> impl IntoView {
    let flow = load_flow(Step::Account);
    let branch = RwSignal::new(String::new());
    let kind = RwSignal::new(AccountKind::Ordinary.code().to_owned());
    let number = RwSignal::new(String::new());
    let form = StepForm::new(flow, |csrf, input: &AccountForm| {
        let input = input.clone();
        async move { api::submit_account(&csrf, &input).await }
    });
    let StepForm { errors, dialog, .. } = form;

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = AccountForm {
            branch: branch.get_untracked(),
            kind: kind.get_untracked(),
            number: number.get_untracked(),
        };
        // The shared rules first, for an instant answer; the server applies
        // the same rules again and has the last word.
        form.submit(input.parse(), input);
    };

    view! {
        <Layout title="API連携認証（ご利用口座情報入力）" screen_id="SOA201">
            {move || flow.fatal.get().map(|e| view! { <FatalError error=e /> })}
            <section class="notice warning" aria-labelledby="disclaimer-title">
                <h2 id="disclaimer-title">"⚠ 免責事項"</h2>
                <ul>
                    <li>
                        "本機能はお客様の金融情報を"
                        {move || flow.view.get().map(|f| f.client_name).unwrap_or_else(|| "API連携".into())}
                        "事業者に提供するものです。当信用組合のAPI利用規定（画面下部のリンクからご確認ください）に同意し、必ずお客様自身の責任において行って頂きますようお願いいたします。"
                    </li>
                </ul>
            </section>
            <section class="notice warning" aria-labelledby="caution-title">
                <h2 id="caution-title">"⚠ 注意事項"</h2>
                <ul>
                    <li>
                        "当信用組合を装ったメールやSMSにご注意ください。当信用組合では、メール等で暗証番号等の入力をいただくようなことは絶対にありません。そのような不審なメール等への返信やリンク先へのアクセスは行わないようお願いいたします。"
                    </li>
                </ul>
            </section>
            <p class="lead">
                "当信用組合をご利用いただきましてありがとうございます。"<br />
                "お手元にご利用中の口座のキャッシュカードをご準備いただき口座情報を入力してください。"
            </p>
            <form class="form" novalidate on:submit=on_submit>
                <TextField id="branch" label="店番" hint="（半角数字3桁）" value=branch errors=errors
                    inputmode="numeric" maxlength="3" />
                <Field id="kind" label="科目" error=field_error(errors, "kind")>
                    <select
                        id="kind"
                        name="kind"
                        aria-describedby=describedby("kind")
                        on:change=move |ev| kind.set(event_target_value(&ev))
                    >
                        {AccountKind::ALL
                            .into_iter()
                            .map(|k| view! { <option value=k.code() selected=move || kind.get() == k.code()>{k.label()}</option> })
                            .collect_view()}
                    </select>
                </Field>
                <TextField id="number" label="口座番号" hint="（半角数字）" value=number errors=errors
                    inputmode="numeric" maxlength="7" />
                <StepActions form=form flow=flow />
            </form>
            <ErrorDialog message=dialog />
        </Layout>
    }
}
