//! The bank's records from its core system: `renkei-server records
//! import | hash-pin | status`, run as the real binary on the server's
//! database, and what customers and apps then see over HTTP.

use crate::helpers::account_body;
use crate::helpers::{TestApp, code_of, spawn_app};
use renkei_fixture::Customer;
use renkei_shared::oplog::{LogStep, Outcome};
use serde_json::{Value, json};
use std::io::Write;
use std::process::{Output, Stdio};

const ACCOUNTS_HEADER: &str = "branch,kind,number,holder_kana,birth_date,phone,cash_card,status,moved_to_branch,moved_to_number,balance,available_balance,pin_hash";
pub const TXN_HEADER: &str =
    "branch,kind,number,txn_id,booked_on,description,amount_in,amount_out,balance_after";
pub const DEPOSIT_HEADER: &str =
    "branch,kind,number,deposit_id,principal,rate_bp,start_on,maturity_on";

/// The customer of the imported account, as they type themselves in.
pub const IMPORTED: Customer = Customer {
    branch: "300",
    kind: "ordinary",
    number: "0004567",
    kana: "ﾔﾏﾓﾄ ｹﾝ",
    birth_date: "1970-03-03",
    phone: "09088887777",
    pin: Some("2468"),
    opening_balance: 0,
    time_deposit: true,
    moved_to: None,
};

async fn run(cmd: std::process::Command) -> Output {
    crate::helpers::output_of(cmd).await
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `records hash-pin` for `lines` on stdin.
pub async fn hash_pins(app: &TestApp, lines: &str) -> Output {
    let mut cmd = app.cli(&["records", "hash-pin"]);
    let lines = lines.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(lines.as_bytes())
            .expect("write stdin");
        child.wait_with_output().expect("hash-pin ends")
    })
    .await
    .expect("joined")
}

pub async fn import(app: &TestApp, args: &[(&str, &std::path::Path)], mode: &str) -> Output {
    let mut cmd = app.cli(&["records", "import", "--mode", mode]);
    for (flag, path) in args {
        cmd.arg(flag).arg(path);
    }
    run(cmd).await
}

/// The imported customer's account file, with the PIN hash `records
/// hash-pin` made, the name as a core system writes it (full width).
pub async fn accounts_file(app: &TestApp) -> std::path::PathBuf {
    let out = hash_pins(app, "branch,kind,number,pin\n300,ordinary,4567,2468\n").await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "branch,kind,number,pin_hash");
    let fields: Vec<&str> = lines[1].splitn(4, ',').collect();
    assert_eq!(fields[..3], ["300", "ordinary", "0004567"]);
    // Quoted: a PHC string has commas.
    let hash = fields[3];
    assert!(
        hash.starts_with("\"$argon2id$v=19$m=19456,t=2,p=1,keyid="),
        "{hash}"
    );
    app.write_file(
        "accounts.csv",
        &format!(
            "{ACCOUNTS_HEADER}\n\
             300,ordinary,4567,ヤマモト　ケン,1970-03-03,09088887777,1,active,,,523000,500000,{hash}\n\
             300,current,1111,ﾔﾏﾓﾄ ｹﾝ,1970-03-03,09088887777,0,active,,,10,10,\n"
        ),
    )
}

pub async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    let resp = app
        .http
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{path}");
    resp.json().await.unwrap()
}

pub async fn descriptions(app: &TestApp, token: &str) -> Vec<String> {
    let accounts = get(app, token, renkei_shared::account::ACCOUNTS_PATH).await;
    let id = accounts["accounts"][0]["id"].as_str().unwrap().to_owned();
    let page = get(
        app,
        token,
        &format!("/api/v1/accounts/{id}/transactions?limit=100"),
    )
    .await;
    page["transactions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["description"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_imported_account_links_and_its_records_come_out_of_the_api() {
    let app = spawn_app().await;
    let accounts = accounts_file(&app).await;
    // The test clock's day is 2026-11-26; the retention is 100 days.
    let txns = app.write_file(
        "transactions.csv",
        &format!(
            "{TXN_HEADER}\n\
             300,ordinary,4567,T1,2026-11-20,ｷﾕｳﾖ,250000,0,530000\n\
             300,ordinary,4567,T2,2026-11-25,ﾃﾞﾝｷﾘﾖｳｷﾝ,0,7000,523000\n\
             300,ordinary,4567,T0,2026-06-01,ﾌﾙｲ ﾄﾘﾋｷ,1000,0,280000\n"
        ),
    );
    let deposits = app.write_file(
        "deposits.csv",
        &format!("{DEPOSIT_HEADER}\n300,ordinary,4567,D1,2000000,25,2026-05-01,2027-05-01\n"),
    );
    let out = import(
        &app,
        &[
            ("--accounts", &accounts),
            ("--transactions", &txns),
            ("--time-deposits", &deposits),
        ],
        "delta",
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.starts_with(
            "imported: 1 accounts (1 当座/定期 not kept), 3 transactions, 1 time deposits; closed 0, purged "
        ),
        "{said}"
    );

    // The customer links the account that exists only because it was imported.
    let token = app.other_browser().link(&IMPORTED).await;
    let token = token.access_token;
    let a = get(&app, &token, renkei_shared::account::ACCOUNTS_PATH).await;
    assert_eq!(a["accounts"][0]["branch"], "300");
    assert_eq!(a["accounts"][0]["balance"], 523000);
    assert_eq!(a["accounts"][0]["available_balance"], 500000);
    // Newest first; the one older than the retention was purged.
    assert_eq!(descriptions(&app, &token).await, ["ﾃﾞﾝｷﾘﾖｳｷﾝ", "ｷﾕｳﾖ"]);
    let d = get(&app, &token, renkei_shared::account::TIME_DEPOSITS_PATH).await;
    assert_eq!(d["time_deposits"][0]["principal"], 2000000);

    // A delta import adds a transaction and corrects one: no duplicates.
    let more = app.write_file(
        "more.csv",
        &format!(
            "{TXN_HEADER}\n\
             300,ordinary,4567,T3,2026-11-26,ATM ｼﾕﾂｷﾝ,0,3000,520000\n\
             300,ordinary,4567,T1,2026-11-20,ｷﾕｳﾖ ｶ)ﾃﾞ-ﾀ,250000,0,530000\n"
        ),
    );
    let out = import(&app, &[("--transactions", &more)], "delta").await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        descriptions(&app, &token).await,
        ["ATM ｼﾕﾂｷﾝ", "ﾃﾞﾝｷﾘﾖｳｷﾝ", "ｷﾕｳﾖ ｶ)ﾃﾞ-ﾀ"]
    );

    // Each run is in the audit trail with what it did.
    let log = app.storage.operation_log().await.unwrap();
    let runs: Vec<(Outcome, &str)> = log
        .iter()
        .filter(|l| l.step == LogStep::RecordsImport)
        .map(|l| (l.outcome, l.detail.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert_eq!(runs[1].0, Outcome::ImportedDelta);
    assert!(
        runs[1]
            .1
            .starts_with("0 accounts (0 当座/定期 not kept), 2 transactions,"),
        "{runs:?}"
    );
    let status = text(&run(app.cli(&["records", "status"])).await.stdout);
    assert!(status.contains("newest import: "), "{status}");
    assert!(status.contains("(Delta): 0 accounts"), "{status}");
}

#[tokio::test]
async fn a_bad_file_is_refused_whole_with_every_bad_line_named() {
    let app = spawn_app().await;
    let accounts = app.write_file(
        "accounts.csv",
        &format!(
            "{ACCOUNTS_HEADER}\n\
             301,ordinary,1,ﾀﾅｶ ﾐｷ,1990-01-01,09012345678,0,active,,,1000,1000,\n\
             30,ordinary,2,ﾀﾅｶ ﾐｷ,1990-01-01,09012345678,0,active,,,1000,1000,\n\
             301,ordinary,3,ﾀﾅｶ ﾐｷ,1990-01-01,090-1234,0,active,,,1000,1000,\n\
             301,ordinary,4,ﾀﾅｶ ﾐｷ,1990-02-30,09012345678,0,sleeping,,,1000,1000,\n"
        ),
    );
    for dry_run in [true, false] {
        let mut cmd = app.cli(&["records", "import", "--mode", "delta", "--accounts"]);
        cmd.arg(&accounts);
        if dry_run {
            cmd.arg("--dry-run");
        }
        let out = run(cmd).await;
        assert_eq!(out.status.code(), Some(1));
        let err = text(&out.stderr);
        let name = accounts.display().to_string();
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(
            lines,
            [
                format!("{name}:3: branch: 店番は半角数字3桁で入力して下さい。").as_str(),
                format!("{name}:4: phone: 電話番号は0から始まる半角数字10桁または11桁（ハイフン無し）で入力して下さい。").as_str(),
                format!("{name}:5: birth_date: not a date (YYYY-MM-DD)").as_str(),
                format!("{name}:5: status: one of active, closed, moved").as_str(),
                "4 error(s); nothing was imported",
            ],
            "{err}"
        );
    }
    // The good first line was not imported either.
    let (_, resp) = app
        .other_browser()
        .account_attempt(&account_body("301", "ordinary", "1"))
        .await;
    assert_eq!(code_of(resp).await, "account_not_eligible");

    // Good lines, but a transaction for an account nobody has: the accounts
    // of the same run are rolled back too.
    let good = app.write_file(
        "good.csv",
        &format!(
            "{ACCOUNTS_HEADER}\n301,ordinary,1,ﾀﾅｶ ﾐｷ,1990-01-01,09012345678,0,active,,,1000,1000,\n"
        ),
    );
    let orphan = app.write_file(
        "orphan.csv",
        &format!("{TXN_HEADER}\n301,ordinary,9,X1,2026-11-20,ｿﾉﾀ,1,0,1\n"),
    );
    let out = import(
        &app,
        &[("--accounts", &good), ("--transactions", &orphan)],
        "delta",
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("orphan.csv:2: number: no such account"),
        "{}",
        text(&out.stderr)
    );
    let status = text(&run(app.cli(&["records", "status"])).await.stdout);
    assert!(status.contains("newest import: none"), "{status}");
}

#[tokio::test]
async fn a_full_import_closes_what_it_no_longer_lists_and_ends_its_linkages() {
    let app = spawn_app().await;
    // The demo customer links first.
    let linked = app.other_browser().link(&renkei_fixture::HAPPY).await;
    let token = linked.access_token;
    get(&app, &token, renkei_shared::account::ACCOUNTS_PATH).await;

    // The core system's full file lists only the imported customer, and
    // moves 300-0000001 to 300-0004567 (listed after it).
    let accounts = accounts_file(&app).await;
    let mut text_of = std::fs::read_to_string(&accounts).unwrap();
    text_of.push_str("300,ordinary,1,ﾔﾏﾓﾄ ｹﾝ,1970-03-03,09088887777,1,moved,300,4567,0,0,\n");
    std::fs::write(&accounts, text_of).unwrap();
    let out = import(&app, &[("--accounts", &accounts)], "full").await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    // The five demo accounts (the moved one included).
    assert!(said.contains("; closed 5,"), "{said}");

    // The app's token stops working at once; the log says why.
    let resp = app
        .http
        .get(app.url(renkei_shared::account::ACCOUNTS_PATH))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let log = app.storage.operation_log().await.unwrap();
    let ended: Vec<&str> = log
        .iter()
        .filter(|l| l.step == LogStep::RecordsImport && l.outcome == Outcome::LinkageEnded)
        .filter_map(|l| l.detail.as_deref())
        .collect();
    assert_eq!(
        ended,
        ["115-ordinary-1100026: closed in the core system's records"]
    );
    // Neither the closed nor the moved account can start a linkage; the new one can.
    for (number, code) in [("1100026", "account_not_eligible")] {
        let (_, resp) = app
            .other_browser()
            .account_attempt(&json!({"branch": "115", "kind": "ordinary", "number": number}))
            .await;
        assert_eq!(code_of(resp).await, code);
    }
    let (_, resp) = app
        .other_browser()
        .account_attempt(&account_body("300", "ordinary", "1"))
        .await;
    assert_eq!(resp.status(), 422);
    let (_, resp) = app
        .other_browser()
        .account_attempt(&account_body("300", "ordinary", "4567"))
        .await;
    assert_eq!(resp.status(), 200);
}

/// The `renkei-server` binary as production runs it (not demo mode), with
/// pepper `p1`, on this test's database.
fn production_cli(app: &TestApp, args: &[&str]) -> std::process::Command {
    let mut cmd = app.cli(args);
    cmd.env("RENKEI_DEMO", "0")
        .env_remove("RENKEI_NOW")
        .env("RENKEI_PIN_PEPPER", "p1 c2l4dGVlbi1ieXRlLXBlcHBlcg==");
    cmd
}

#[tokio::test]
async fn outside_demo_mode_an_import_refuses_pin_hashes_without_the_pepper_or_below_the_floor() {
    let app = spawn_app().await;
    let hash = |params: &str| {
        format!(
            "\"$argon2id$v=19${params}$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\""
        )
    };
    let line = |n: u32, h: &str| {
        format!("300,ordinary,{n:07},ﾔﾏﾓﾄ ｹﾝ,1970-03-03,09088887777,1,active,,,0,0,{h}\n")
    };
    // keyid=cDE is "p1": the production pepper, at the floor — accepted.
    let good = hash("m=19456,t=2,p=1,keyid=cDE");
    let unpeppered = hash("m=19456,t=2,p=1");
    let cheap = hash("m=64,t=1,p=1,keyid=cDE");
    let file = app.write_file(
        "accounts.csv",
        &format!(
            "{ACCOUNTS_HEADER}\n{}{}{}",
            line(1, &good),
            line(2, &unpeppered),
            line(3, &cheap)
        ),
    );
    let dry_run = |file: &std::path::Path| {
        let mut cmd = production_cli(&app, &["records", "import", "--mode", "delta", "--dry-run"]);
        cmd.arg("--accounts").arg(file);
        run(cmd)
    };
    let out = dry_run(&file).await;
    assert!(!out.status.success());
    let err = text(&out.stderr);
    let name = file.display().to_string();
    assert!(
        err.contains(&format!(
            "{name}:3: pin_hash: must be peppered with the current pepper"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{name}:4: pin_hash: argon2id parameters below the floor"
        )),
        "{err}"
    );
    assert!(!err.contains(&format!("{name}:2:")), "{err}");
    // The good line alone imports.
    let only_good = app.write_file(
        "good.csv",
        &format!("{ACCOUNTS_HEADER}\n{}", line(1, &good)),
    );
    let out = dry_run(&only_good).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Demo mode keeps taking an unpeppered demo hash.
    let demo = app.write_file(
        "demo.csv",
        &format!("{ACCOUNTS_HEADER}\n{}", line(2, &hash("m=64,t=1,p=1"))),
    );
    let out = import(&app, &[("--accounts", &demo)], "delta").await;
    assert!(out.status.success(), "{}", text(&out.stderr));
}
