//! What the demo app shows once linked, like a household-budget app would:
//! the balance, the transactions by month with in/out totals, a small
//! balance chart (SVG drawn here, no chart library for one line), the
//! 定期預金, and 連携を解除. It reads the account-information API as a
//! client must: DPoP-bound tokens, refreshed when the access token ends.

use crate::Demo;
use crate::client::FapiClient;
use crate::html::esc;
use crate::store::Session;
use renkei_shared::account::{
    self, Account, Accounts, TimeDeposits, Transaction, Transactions, TransactionsQuery,
};
use renkei_shared::domain::AccountKind;
use std::collections::BTreeMap;

/// The linked page body, or `None` when there is no usable link (never
/// linked, revoked, or the 30 days are over: the app must link again).
pub async fn page(app: &Demo, session_id: &str) -> anyhow::Result<Option<String>> {
    let Some(mut session) = session(app, session_id).await? else {
        return Ok(None);
    };
    let issuer = session.issuer.clone();
    let client = &app.0.client;
    // Refresh ahead of time, as a client should, and once more on a 401.
    if session.access_expires_at <= app.now_secs()
        && !refresh(app, client, session_id, &mut session).await?
    {
        return Ok(None);
    }
    let mut accounts = client
        .get(
            app,
            &issuer,
            renkei_shared::account::ACCOUNTS_PATH,
            &session.access_token,
        )
        .await?;
    if accounts.status() == 401 {
        if !refresh(app, client, session_id, &mut session).await? {
            return Ok(None);
        }
        accounts = client
            .get(
                app,
                &issuer,
                renkei_shared::account::ACCOUNTS_PATH,
                &session.access_token,
            )
            .await?;
    }
    if !accounts.status().is_success() {
        // Revoked by staff, moved account, ...: the link is gone.
        app.0.store.delete_session(session_id).await?;
        return Ok(None);
    }
    let accounts: Accounts = accounts.json().await?;
    let Some(account) = accounts.accounts.first() else {
        return Ok(None);
    };
    let mut txs: Vec<Transaction> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = TransactionsQuery {
            limit: Some("200".into()),
            cursor: cursor.take(),
            ..Default::default()
        };
        let path = format!(
            "{}?{}",
            account::transactions_path(&account.id),
            serde_urlencoded::to_string(&query)?
        );
        let page: Transactions = client
            .get(app, &issuer, &path, &session.access_token)
            .await?
            .json()
            .await?;
        txs.extend(page.transactions);
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    let deposits: TimeDeposits = client
        .get(
            app,
            &issuer,
            account::TIME_DEPOSITS_PATH,
            &session.access_token,
        )
        .await?
        .json()
        .await?;
    Ok(Some(render(
        account,
        &txs,
        &deposits,
        session.consent_expires_at,
    )))
}

async fn refresh(
    app: &Demo,
    client: &FapiClient,
    id: &str,
    s: &mut Session,
) -> anyhow::Result<bool> {
    let refreshed = match app.discover(&s.issuer).await {
        Ok(at) => client.refresh(app, &at, &s.refresh_token).await,
        Err(e) => Err(e),
    };
    match refreshed {
        Ok(t) => {
            s.access_token = t.access_token;
            s.refresh_token = t.refresh_token;
            s.access_expires_at = app.now_secs() + t.expires_in;
            app.0.store.save_session(id, s, app.now_secs()).await?;
            Ok(true)
        }
        Err(_) => {
            app.0.store.delete_session(id).await?;
            Ok(false)
        }
    }
}

/// The app's session with its tokens and the union that granted them (a
/// session from before the app served several unions is the first's).
async fn session(app: &Demo, id: &str) -> anyhow::Result<Option<Session>> {
    let Some(mut s) = app.0.store.session(id).await? else {
        return Ok(None);
    };
    if s.issuer.is_empty()
        && let Some(first) = app.union(None)
    {
        s.issuer = first.issuer.clone();
    }
    Ok(Some(s))
}

/// 連携を解除: revoke (which ends every token of the grant) and forget.
pub async fn unlink(app: &Demo, session_id: &str) -> anyhow::Result<()> {
    if let Some(s) = session(app, session_id).await? {
        let at = app.discover(&s.issuer).await?;
        app.0.client.revoke(app, &at, &s.refresh_token).await?;
    }
    app.0.store.delete_session(session_id).await?;
    Ok(())
}

/// 1234567 → 「1,234,567円」.
pub fn yen(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{}{out}円", if n < 0 { "-" } else { "" })
}

fn render(
    account: &Account,
    txs: &[Transaction],
    deposits: &TimeDeposits,
    consent_expires_at: i64,
) -> String {
    let mut html = format!(
        "<h1>口座の残高</h1><section class=\"balance\" aria-labelledby=\"balance-title\">\
         <h2 id=\"balance-title\">店番{} {} {}</h2>\
         <p class=\"big\" data-testid=\"balance\">{}</p>\
         <p>連携の有効期限: {}</p></section>",
        esc(&account.branch),
        match account.kind {
            AccountKind::Savings => "貯蓄預金",
            AccountKind::Ordinary => "普通預金",
        },
        esc(&account.masked_number),
        yen(account.balance),
        esc(&crate::jst_text(consent_expires_at)),
    );
    html.push_str(&chart(txs));
    // Month by month, newest first, with in/out totals.
    let mut months: BTreeMap<String, Vec<&Transaction>> = BTreeMap::new();
    for t in txs {
        let month = t.date.get(..7).unwrap_or("").to_owned();
        months.entry(month).or_default().push(t);
    }
    html.push_str("<h2>入出金明細</h2>");
    for (month, items) in months.iter().rev() {
        let total_in: i64 = items.iter().map(|t| t.amount_in).sum();
        let total_out: i64 = items.iter().map(|t| t.amount_out).sum();
        let (y, m) = month.split_once('-').unwrap_or((month, ""));
        html.push_str(&format!(
            "<section class=\"month\"><h3>{y}年{m}月</h3>\
             <p class=\"totals\">入金合計 {} ／ 出金合計 {}</p><ul class=\"tx\">",
            yen(total_in),
            yen(total_out)
        ));
        for t in items {
            let (sign, amount) = if t.amount_in > 0 {
                ("入金", t.amount_in)
            } else {
                ("出金", t.amount_out)
            };
            html.push_str(&format!(
                "<li><span>{}</span> <span>{}</span> <span>{sign} {}</span> <span>残高 {}</span></li>",
                esc(&t.date),
                esc(&t.description),
                yen(amount),
                yen(t.balance_after),
            ));
        }
        html.push_str("</ul></section>");
    }
    html.push_str("<h2>定期預金</h2>");
    let list = &deposits.time_deposits;
    if list.is_empty() {
        html.push_str("<p>定期預金はありません。</p>");
    }
    for d in list {
        html.push_str(&format!(
            "<p class=\"deposit\">元本 {}（年{}%）{} ～ {}</p>",
            yen(d.principal),
            esc(&d.rate_percent),
            esc(&d.start_date),
            esc(&d.maturity_date),
        ));
    }
    html.push_str(
        "<form method=\"post\" action=\"/demo/unlink\"><button class=\"button\" type=\"submit\">連携を解除</button></form>",
    );
    html
}

/// The balance over the period as one SVG polyline (oldest on the left).
fn chart(txs: &[Transaction]) -> String {
    let points: Vec<i64> = txs.iter().rev().map(|t| t.balance_after).collect();
    if points.len() < 2 {
        return String::new();
    }
    let (w, h) = (600.0, 160.0);
    let min = *points.iter().min().unwrap_or(&0) as f64;
    let max = *points.iter().max().unwrap_or(&1) as f64;
    let span = (max - min).max(1.0);
    let coords: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let x = i as f64 / (points.len() - 1) as f64 * w;
            let y = h - (*b as f64 - min) / span * (h - 10.0) - 5.0;
            format!("{x:.1},{y:.1}")
        })
        .collect();
    format!(
        "<figure class=\"chart\"><svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"残高の推移（{} ～ {}）\" \
         width=\"100%\" height=\"160\" preserveAspectRatio=\"none\"><polyline fill=\"none\" stroke=\"#1f7a4d\" \
         stroke-width=\"2\" points=\"{}\"/></svg><figcaption>残高の推移（約3か月）</figcaption></figure>",
        yen(min as i64),
        yen(max as i64),
        coords.join(" ")
    )
}

#[cfg(test)]
mod tests {
    use super::yen;

    #[test]
    fn yen_has_thousands_separators() {
        assert_eq!(yen(0), "0円");
        assert_eq!(yen(1_234_567), "1,234,567円");
        assert_eq!(yen(-1000), "-1,000円");
        assert_eq!(yen(999), "999円");
    }
}
