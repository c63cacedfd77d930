//! SOA209 「API連携認証（電話番号認証）」: call the toll-free 認証先電話番号
//! from the registered phone within 120 seconds.
//!
//! The server owns the window. The screen shows `deadline − server time`,
//! where server time is the browser's clock corrected by the offset measured
//! when the challenge was read, so a backgrounded or reloaded page shows the
//! true remaining time. It also polls the challenge every 2 s and moves on
//! by itself once the call is verified; 確定する keeps working.

use crate::api;
use crate::components::cancel::CancelButton;
use crate::components::flow::{FatalError, load_flow};
use crate::components::layout::Layout;
use crate::components::screen::use_screen;
use crate::components::submit::Submit;
use leptos::prelude::*;
use leptos::task::spawn_local;
use renkei_shared::api::{CallChallenge, Step};
use renkei_shared::{ErrorBody, ErrorCode};
use renkei_web::dialog::ErrorDialog;
use std::time::Duration;

/// What the screen shows below the instructions.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    Waiting,
    /// 確定する before the call landed: 「認証中（認証着信待ち）」.
    Pending,
    /// The 120 seconds ran out; the server has voided the attempt.
    Expired,
}

#[component]
pub fn CallPage() -> impl IntoView {
    let flow = load_flow(Step::PhoneCall);
    let challenge = RwSignal::new(None::<CallChallenge>);
    // Server time minus browser time, in ms.
    let offset = RwSignal::new(0.0_f64);
    let now = RwSignal::new(api::now_ms());
    let status = RwSignal::new(Status::Waiting);
    let dialog = RwSignal::new(None::<String>);
    let screen = use_screen();

    // Opens the challenge once the flow is known to stand here.
    Effect::new(move |opened: Option<bool>| {
        if opened == Some(true) {
            return true;
        }
        let Some(csrf) = flow.view.get().map(|f| f.csrf_token) else {
            return false;
        };
        spawn_local(async move {
            let t0 = api::now_ms();
            match api::open_call(&csrf).await {
                Ok(c) => {
                    let t1 = api::now_ms();
                    offset.set(c.server_now_ms as f64 - (t0 + t1) / 2.0);
                    // The tick may be up to one interval old: reading the
                    // server's clock through it would show 121 秒 for a
                    // moment. From now on, never more than the server said.
                    now.set(t1);
                    challenge.set(Some(c));
                }
                Err(e) => dialog.set(Some(e.message)),
            }
        });
        true
    });

    let remaining = Memo::new(move |_| {
        challenge.get().map(|c| {
            let left = c.deadline_ms as f64 - (now.get() + offset.get());
            (left / 1000.0).ceil().max(0.0) as i64
        })
    });

    // 確定する, also used when the poll sees the call verified or the
    // countdown reaches zero. The server decides what happened.
    let submit = Submit::new(
        flow,
        |csrf, _: &()| async move { api::confirm_call(&csrf).await },
        move |e: ErrorBody| match e.code {
            ErrorCode::CallbackPending => status.set(Status::Pending),
            ErrorCode::CallbackExpired => status.set(Status::Expired),
            _ => dialog.set(Some(e.message)),
        },
    );
    let busy = submit.pending();
    let confirm = move || {
        if !busy.get_untracked() && status.get_untracked() != Status::Expired {
            submit.run(());
        }
    };

    // The clock tick and the poll, cleared when the screen goes away.
    let tick = move || {
        now.set(api::now_ms());
        if remaining.get_untracked() == Some(0) && status.get_untracked() != Status::Expired {
            confirm();
        }
    };
    if let Ok(handle) = set_interval_with_handle(tick, Duration::from_millis(250)) {
        on_cleanup(move || handle.clear());
    }
    let poll = move || {
        if challenge.get_untracked().is_none() || status.get_untracked() == Status::Expired {
            return;
        }
        spawn_local(async move {
            if let Ok(c) = api::call_status().await
                && c.verified
            {
                confirm();
            }
        });
    };
    if let Ok(handle) = set_interval_with_handle(poll, Duration::from_secs(2)) {
        on_cleanup(move || handle.clear());
    }

    let masked = move || challenge.get().map(|c| c.masked_phone);
    let number = move || {
        challenge
            .get()
            .map(|c| c.callback_number)
            .unwrap_or_default()
    };
    let restart = move |_| screen.go(Step::Account, false);
    let on_confirm = move |_| confirm();

    view! {
        <Layout title="API連携認証（電話番号認証）" screen_id="SOA209">
            {move || flow.fatal.get().map(|e| view! { <FatalError error=e /> })}
            <section class="summary" aria-labelledby="call-title">
                <h2 id="call-title">"電話番号認証"</h2>
                <p>
                    "電話番号での認証を行います。お届け出電話番号から認証先電話番号にお電話ください。"<br />
                    "電話番号認証完了後、「確定する」ボタンを押してください。"
                </p>
                <dl class="pairs">
                    <dt>"発信元"</dt>
                    <dd>"お届け出電話番号 " <span data-testid="masked-phone">{masked}</span></dd>
                    <dt>"発信先"</dt>
                    <dd>
                        "認証先電話番号（通話料無料） "
                        <a class="tel" href=move || format!("tel:{}", number())>{number}</a>
                    </dd>
                </dl>
            </section>
            <p class="countdown" role="timer" aria-live="off" data-testid="countdown">
                {move || remaining.get().map(|s| format!("残り {s} 秒"))}
            </p>
            {move || match status.get() {
                Status::Pending => Some(view! {
                    <div role="status"><ul class="notice info"><li>{ErrorCode::CallbackPending.message()}</li></ul></div>
                }.into_any()),
                Status::Expired => Some(view! {
                    <div class="notice error" role="alert">
                        <p>{ErrorCode::CallbackExpired.message()}</p>
                    </div>
                }.into_any()),
                Status::Waiting => None,
            }}
            <section class="notice warning" aria-labelledby="call-caution">
                <h2 id="call-caution">"注意"</h2>
                <ul>
                    <li>"本画面が表示されてから120秒以内に、お電話ください。"</li>
                    <li>"電話番号が非通知設定になっている場合は認証できません。非通知設定を解除していただくか、架電時に「186」をつけてください。"</li>
                    <li>"呼出音がない場合は、再度お電話ください。"</li>
                    <li>"電話番号のおかけ間違いがないようご注意ください。"</li>
                    <li>"2～3コール後、自動で電話が切れ、認証完了します。アナウンスは流れません。"</li>
                    <li>"<スマートフォンをご利用の方へ>通話が終了しても電話アプリケーションが自動で終了しない場合は、ダイヤルキャンセルボタンを押してブラウザに戻ってください。"</li>
                </ul>
            </section>
            <div class="actions">
                {move || if status.get() == Status::Expired {
                    view! {
                        <button type="button" class="button primary" on:click=restart>
                            "API連携認証の最初に戻る"
                        </button>
                    }.into_any()
                } else {
                    view! {
                        <button type="button" class="button primary" on:click=on_confirm
                            disabled=move || busy.get() || challenge.get().is_none()>
                            "確定する"
                        </button>
                    }.into_any()
                }}
                <CancelButton flow=flow error=dialog />
            </div>
            <ErrorDialog message=dialog />
        </Layout>
    }
}
