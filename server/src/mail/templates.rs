//! The mails' wording: the completion mail after 許可する (FAQ 2 Q3/Q5) and
//! the notice after 拒否する.

use crate::clock::jst;
use renkei_shared::api::Institution;

/// 「…年…月…日 …:…（日本時間）」 for an instant in unix seconds.
pub fn jst_text(secs: i64) -> String {
    match jiff::Timestamp::from_second(secs) {
        Ok(t) => t
            .to_zoned(jst().clone())
            .strftime("%Y年%m月%d日 %H:%M（日本時間）")
            .to_string(),
        Err(_) => String::new(),
    }
}

/// The mail after 許可する: what, to which app, until when, how to revoke.
pub fn granted_mail(
    bank: &Institution,
    client_name: &str,
    account: &str,
    expires_at: i64,
) -> (String, String) {
    let subject = format!("【{}】API連携認証完了のお知らせ", bank.name);
    let body = format!(
        "いつも当信用組合をご利用いただきありがとうございます。\n\
         API連携認証が完了しましたので、お知らせいたします。\n\n\
         連携先アプリ：{client_name}\n\
         対象口座：{account}\n\
         許可した内容：口座情報・明細情報へのアクセス（お客様の口座の資産情報へのアクセス）\n\
         有効期限：{until}まで\n\n\
         有効期限を過ぎると、アプリから改めてAPI連携認証を行っていただく必要があります。\n\
         連携を解除したい場合は、アプリの連携解除機能をご利用いただくか、当信用組合のお客様相談室\n\
         （{phone} 受付時間：{hours}）までご連絡ください。\n\n\
         お心当たりのない場合は、お手数ですが至急当信用組合までご連絡ください。\n\
         ※本メールは送信専用です。ご返信いただいてもお答えできません。\n\n{name}\n",
        until = jst_text(expires_at),
        phone = bank.contact_phone,
        hours = bank.contact_hours,
        name = bank.name,
    );
    (subject, body)
}

/// The mail after 拒否する.
pub fn denied_mail(bank: &Institution, client_name: &str) -> (String, String) {
    let subject = format!("【{}】API連携認証中止のお知らせ", bank.name);
    let body = format!(
        "いつも当信用組合をご利用いただきありがとうございます。\n\
         {client_name}からのAPI連携認証のご依頼は、お客様の操作により拒否されました。\n\
         アプリへの情報の提供は行われません。\n\n\
         お心当たりのない場合は、お手数ですが当信用組合のお客様相談室\n\
         （{phone} 受付時間：{hours}）までご連絡ください。\n\
         ※本メールは送信専用です。ご返信いただいてもお答えできません。\n\n{name}\n",
        phone = bank.contact_phone,
        hours = bank.contact_hours,
        name = bank.name,
    );
    (subject, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_is_written_in_jst() {
        let t: jiff::Timestamp = "2026-12-26T01:00:00Z".parse().unwrap();
        assert_eq!(jst_text(t.as_second()), "2026年12月26日 10:00（日本時間）");
    }

    #[test]
    fn the_granted_mail_names_app_scope_expiry_and_how_to_revoke() {
        let bank = crate::config::institution::Profile::demo().public;
        let (subject, body) = granted_mail(
            &bank,
            "しんくみアプリ with CRECO",
            "店番115 普通預金 ***0026",
            1_798_246_800,
        );
        assert_eq!(subject, "【しんくみ信用組合】API連携認証完了のお知らせ");
        for part in [
            "しんくみアプリ with CRECO",
            "口座情報・明細情報へのアクセス",
            "有効期限",
            "連携を解除",
            "***0026",
            "（0120-000-000 受付時間：月曜日～金曜日 午前9時～午後5時）",
        ] {
            assert!(body.contains(part), "{part}");
        }
    }
}
