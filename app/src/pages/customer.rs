//! SOA202 「API連携認証（お客様情報入力）」: お名前 (half-width kana, converted
//! as typed and shown back), 生年月日, the registered 電話番号, and the
//! e-mail address for the completion mail, typed twice.

use crate::api;
use crate::components::flow::{FatalError, load_flow};
use crate::components::layout::Layout;
use crate::components::step_form::{StepActions, StepForm};
use leptos::prelude::*;
use renkei_shared::api::{CustomerForm, Step};
use renkei_shared::kana::normalize_name;
use renkei_web::dialog::ErrorDialog;
use renkei_web::field::{TextField, field_error};

#[component]
pub fn CustomerPage() -> impl IntoView {
    let flow = load_flow(Step::Customer);
    let name = RwSignal::new(String::new());
    let year = RwSignal::new(String::new());
    let month = RwSignal::new("01".to_owned());
    let day = RwSignal::new("01".to_owned());
    let phone = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let email_confirm = RwSignal::new(String::new());
    let form = StepForm::new(flow, |csrf, input: &CustomerForm| {
        let input = input.clone();
        async move { api::submit_customer(&csrf, &input).await }
    });
    let StepForm { errors, dialog, .. } = form;
    // What will be sent, after conversion to half-width kana.
    let converted = Memo::new(move |_| normalize_name(&name.get()));

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = CustomerForm {
            name: name.get_untracked(),
            birth_year: year.get_untracked(),
            birth_month: month.get_untracked(),
            birth_day: day.get_untracked(),
            phone: phone.get_untracked(),
            email: email.get_untracked(),
            email_confirm: email_confirm.get_untracked(),
        };
        form.submit(input.parse(api::today_jst()), input);
    };

    let two_digits = |n: u8| format!("{n:02}");
    let birth_error = field_error(errors, "birth_date");

    view! {
        <Layout title="API連携認証（お客様情報入力）" screen_id="SOA202">
            {move || flow.fatal.get().map(|e| view! { <FatalError error=e /> })}
            <p class="lead">"本人確認を行います。"<br />"お名前、生年月日、電話番号を入力してください。"</p>
            <section class="summary" aria-labelledby="account-title">
                <h2 id="account-title">"ご利用口座情報"</h2>
                <p class="account-line">
                    {move || flow.view.get().and_then(|f| f.account).map(|a| {
                        format!("店番 {} {} {}", a.branch, a.kind.label(), a.number)
                    })}
                </p>
            </section>
            <form class="form" novalidate on:submit=on_submit>
                <h2 class="form-section">"お客様情報の入力"</h2>
                <TextField id="name" label="お名前" hint="(半角カタカナ) (例) ﾃﾞｰﾀ ﾀﾛｳ" value=name errors=errors
                    describedby_extra="name-converted">
                    <p class="converted" id="name-converted" aria-live="polite">
                        {move || {
                            let c = converted.get();
                            (!c.is_empty()).then(|| format!("送信するお名前：{c}"))
                        }}
                    </p>
                </TextField>
                <fieldset class="field birth" class:has-error=move || birth_error.get().is_some()>
                    <legend class="field-label"><span class="required">"【必須】"</span>"生年月日"</legend>
                    <p class="field-hint" id="birth-hint">"(半角数字)"</p>
                    <p class="field-error" id="birth-error" role="alert">{move || birth_error.get().unwrap_or_default()}</p>
                    <div class="birth-row">
                        <label for="birth-year">"西暦"</label>
                        <input
                            id="birth-year"
                            name="birth_year"
                            class="year"
                            type="text"
                            inputmode="numeric"
                            autocomplete="bday-year"
                            maxlength="4"
                            aria-describedby="birth-hint birth-error"
                            aria-invalid=move || birth_error.get().is_some().to_string()
                            prop:value=year
                            on:input=move |ev| year.set(event_target_value(&ev))
                        />
                        <span aria-hidden="true">"年"</span>
                        <label for="birth-month" class="visually-hidden">"月"</label>
                        <select id="birth-month" name="birth_month" on:change=move |ev| month.set(event_target_value(&ev))>
                            {(1..=12u8).map(|m| view! { <option value=two_digits(m)>{two_digits(m)}</option> }).collect_view()}
                        </select>
                        <span aria-hidden="true">"月"</span>
                        <label for="birth-day" class="visually-hidden">"日"</label>
                        <select id="birth-day" name="birth_day" on:change=move |ev| day.set(event_target_value(&ev))>
                            {(1..=31u8).map(|d| view! { <option value=two_digits(d)>{two_digits(d)}</option> }).collect_view()}
                        </select>
                        <span aria-hidden="true">"日"</span>
                    </div>
                </fieldset>
                <TextField id="phone" label="電話番号" hint="当信用組合にお届けいただいている電話番号を入力してください。（入力された電話番号から当信用組合指定の「認証先電話番号」に電話をかけていただきます。）(半角数字ハイフン無し)"
                    value=phone errors=errors input_type="tel" inputmode="numeric"
                    autocomplete="tel-national" maxlength="11" />
                <p class="lead">"メールアドレス"<br />"認可操作後に完了のお知らせを送信するメールアドレスを入力してください。"</p>
                <TextField id="email" label="メールアドレス" hint="(半角英数字記号)" value=email errors=errors
                    input_type="email" autocomplete="email" maxlength="64" />
                <TextField id="email_confirm" label="メールアドレス（確認用）" hint="(半角英数字記号) 確認のため2回入力してください"
                    value=email_confirm errors=errors input_type="email" maxlength="64" />
                <StepActions form=form flow=flow />
            </form>
            <ErrorDialog message=dialog />
        </Layout>
    }
}
