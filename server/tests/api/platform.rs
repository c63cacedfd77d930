//! The shared platform's foundation (issue #22): institutions added,
//! listed, suspended and resumed at the command line; every union's rows
//! kept apart by the storage layer (a union's part of the database sees
//! none of another's); a union's records import touching only its own
//! records; and a database made by the schema before the platform
//! migrating with every row its first union's. Runs on both backends.

use crate::helpers::SEED_UNION as FIRST_INSTITUTION;
use crate::helpers::{TestApp, happy_account, output_of, spawn_app, test_database};
use crate::records::text;
use renkei_server::crypto::sha256_hex;
use renkei_server::db::{InstitutionState, Storage};
use renkei_shared::oplog::Outcome;

pub const SECOND: &str = "name = \"ぐんまみらい信用組合\"\n\
    contact_phone = \"0120-219-190\"\n\
    contact_hours = \"平日 9時～17時\"\n\
    terms_version = \"2026-10\"\n\
    brand_color = \"#006934\"\n\
    mail_from = \"ぐんまみらい信用組合 <noreply@gunmamirai.example>\"\n";

const ACCOUNTS_HEADER: &str = "branch,kind,number,holder_kana,birth_date,phone,cash_card,status,moved_to_branch,moved_to_number,balance,available_balance,pin_hash";

/// `institution add` of the second union (code 2011); its row id.
async fn add_second(app: &TestApp) -> i64 {
    add_second_with(app, SECOND).await
}

/// The same with the profile `toml`.
pub async fn add_second_with(app: &TestApp, toml: &str) -> i64 {
    let out = institution_add(app, "2011", "gunma.toml", toml).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "institution 2011 added\n");
    app.institution_id("2011").await
}

/// `institution add --code CODE` of the profile `toml`, written to `file`.
async fn institution_add(
    app: &TestApp,
    code: &str,
    file: &str,
    toml: &str,
) -> std::process::Output {
    let profile = app.write_file(file, toml);
    let profile = profile.to_str().unwrap();
    output_of(app.cli(&["institution", "add", "--code", code, "--profile", profile])).await
}

fn stdout_of(out: &std::process::Output) -> String {
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

#[tokio::test]
async fn institutions_are_added_listed_suspended_and_resumed_at_the_command_line() {
    let app = spawn_app().await;
    let id = add_second(&app).await;
    assert_ne!(id, FIRST_INSTITUTION);

    // The first union came with the migration, the demo's second with the
    // demo data; the list is in code order.
    let list = |args: &[&str]| {
        let mut all = vec!["institution", "list"];
        all.extend_from_slice(args);
        app.cli(&all)
    };
    assert_eq!(
        stdout_of(&output_of(list(&[])).await),
        "2011\tぐんまみらい信用組合\tactive\n\
         2998\tみらい信用組合\tactive\n\
         2999\tしんくみ信用組合\tactive\n"
    );
    assert_eq!(
        stdout_of(&output_of(list(&["--search", "ぐんま"])).await),
        "2011\tぐんまみらい信用組合\tactive\n"
    );
    assert_eq!(
        stdout_of(&output_of(list(&["--search", "みらい"])).await),
        "2011\tぐんまみらい信用組合\tactive\n2998\tみらい信用組合\tactive\n"
    );
    assert_eq!(
        stdout_of(&output_of(list(&["--search", "2999"])).await),
        "2999\tしんくみ信用組合\tactive\n"
    );
    assert_eq!(
        stdout_of(&output_of(list(&["--after", "2011", "--limit", "1"])).await),
        "2998\tみらい信用組合\tactive\n"
    );
    // A LIKE wildcard is a character like any other.
    assert_eq!(stdout_of(&output_of(list(&["--search", "%"])).await), "");

    // Refused, each with its reason, nothing written.
    let refused = |args: &'static [&'static str], why: &'static str| {
        let cmd = app.cli(args);
        async move {
            let out = output_of(cmd).await;
            assert!(!out.status.success(), "{args:?}");
            assert!(text(&out.stderr).contains(why), "{}", text(&out.stderr));
        }
    };
    for (code, file, toml, why) in [
        ("2011", "again.toml", SECOND.to_owned(), "exists already"),
        (
            "2012",
            "nameless.toml",
            "contact_phone = \"0120-219-190\"\n".to_owned(),
            "name",
        ),
        (
            "2012",
            "other.toml",
            format!("{SECOND}code = \"2013\"\n"),
            "2013",
        ),
    ] {
        let out = institution_add(&app, code, file, &toml).await;
        assert!(!out.status.success(), "{file}");
        assert!(text(&out.stderr).contains(why), "{}", text(&out.stderr));
    }
    refused(
        &["institution", "suspend", "--code", "201", "--reason", "x"],
        "4 digits",
    )
    .await;
    refused(
        &["institution", "suspend", "--code", "2012", "--reason", "x"],
        "no institution with code 2012",
    )
    .await;
    refused(
        &["institution", "suspend", "--code", "2011", "--reason", " "],
        "--reason",
    )
    .await;
    assert_eq!(
        app.storage
            .institutions(None, None, 10)
            .await
            .unwrap()
            .len(),
        3
    );

    // Suspended, then resumed, each once; the union's own log says so.
    let suspend = [
        "institution",
        "suspend",
        "--code",
        "2011",
        "--reason",
        "契約終了",
    ];
    assert_eq!(
        stdout_of(&output_of(app.cli(&suspend)).await),
        "institution 2011 suspended\n"
    );
    assert_eq!(
        stdout_of(&output_of(app.cli(&suspend)).await),
        "institution 2011 was suspended already\n"
    );
    let row = app.storage.institution_by_id(id).await.unwrap().unwrap();
    assert_eq!(row.state, InstitutionState::Suspended);
    assert_eq!(row.state_reason.as_deref(), Some("契約終了"));
    assert_eq!(
        stdout_of(&output_of(list(&["--search", "2011"])).await),
        "2011\tぐんまみらい信用組合\tsuspended\n"
    );
    assert_eq!(
        stdout_of(
            &output_of(app.cli(&[
                "institution",
                "resume",
                "--code",
                "2011",
                "--reason",
                "再契約"
            ]))
            .await
        ),
        "institution 2011 active\n"
    );
    let audit = |tenant: renkei_server::db::Tenant| async move {
        tenant
            .audit(&Default::default(), None, 100)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.outcome)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        audit(app.storage.tenant(id)).await,
        [
            Outcome::InstitutionResumed,
            Outcome::InstitutionSuspended,
            Outcome::InstitutionAdded
        ]
    );
    assert!(
        !audit(app.storage.tenant(FIRST_INSTITUTION))
            .await
            .iter()
            .any(|o| matches!(
                o,
                Outcome::InstitutionAdded
                    | Outcome::InstitutionSuspended
                    | Outcome::InstitutionResumed
            ))
    );
}

#[tokio::test]
async fn a_unions_records_import_changes_only_its_own_records() {
    let app = spawn_app().await;
    let second = add_second(&app).await;
    let demo = happy_account();
    let first = app.storage.tenant(FIRST_INSTITUTION);
    let before = first
        .embedded_account(&demo.branch, demo.kind, &demo.number)
        .await
        .unwrap()
        .expect("the demo account");

    // The same 店番・科目・口座番号 at the second union: another customer.
    let file = app.write_file(
        "accounts.csv",
        &format!(
            "{ACCOUNTS_HEADER}\n{},{},{},ｸﾞﾝﾏ ﾊﾅｺ,1985-05-05,09055556666,0,active,,,777,777,\n",
            demo.branch.as_str(),
            demo.kind.code(),
            demo.number.as_str(),
        ),
    );
    let import = |institution: &str| {
        let mut cmd = app.cli(&["records", "import", "--mode", "full", "--accounts"]);
        cmd.arg(&file).args(["--institution", institution]);
        cmd
    };
    let out = output_of(import("2011")).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = output_of(import("2012")).await;
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("no institution with code 2012"));

    let theirs = app
        .storage
        .tenant(second)
        .embedded_account(&demo.branch, demo.kind, &demo.number)
        .await
        .unwrap()
        .expect("the second union's account");
    assert_eq!(theirs.record.holder_kana, "ｸﾞﾝﾏ ﾊﾅｺ");
    assert_eq!(theirs.record.balance, 777);
    assert_ne!(theirs.account.id, before.account.id);
    assert_ne!(theirs.account.public_id, before.account.public_id);

    // A full import at the second union closed nothing at the first.
    let after = first
        .embedded_account(&demo.branch, demo.kind, &demo.number)
        .await
        .unwrap()
        .expect("still there");
    assert_eq!(after.record.holder_kana, before.record.holder_kana);
    assert_eq!(after.record.status, before.record.status);
    assert_eq!(after.record.balance, before.record.balance);
    let status = |t: renkei_server::db::Tenant| async move { t.records_status().await.unwrap() };
    let theirs = status(app.storage.tenant(second)).await;
    assert_eq!(theirs.accounts.iter().map(|a| a.2).sum::<i64>(), 1);
    assert!(theirs.newest_import.is_some());
    let ours = status(first.clone()).await;
    assert!(ours.accounts.iter().map(|a| a.2).sum::<i64>() > 1);
    assert!(ours.newest_import.is_none(), "{:?}", ours.newest_import);
    // Neither union reaches the other's account by its row id.
    assert!(
        first
            .account_by_id(theirs_id(&app, second).await)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        app.storage
            .tenant(second)
            .embedded_record(before.account.id)
            .await
            .unwrap()
            .is_none()
    );
}

async fn theirs_id(app: &TestApp, institution: i64) -> i64 {
    let demo = happy_account();
    app.storage
        .tenant(institution)
        .find_account(&demo.branch, demo.kind, &demo.number)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn what_a_linkage_made_at_one_union_is_not_found_at_another() {
    let app = spawn_app().await;
    let second = app.storage.tenant(add_second(&app).await);
    let first = app.storage.tenant(FIRST_INSTITUTION);
    let code = app.consent_and_get_code().await;
    let code_hash = sha256_hex(&code);
    assert!(first.find_code(&code_hash).await.unwrap().is_some());
    assert!(second.find_code(&code_hash).await.unwrap().is_none());
    assert!(!second.use_code(&code_hash, 0).await.unwrap());

    let resp = app.exchange(&code).await;
    assert_eq!(resp.status(), 200);
    let tokens: serde_json::Value = resp.json().await.unwrap();
    let access = sha256_hex(tokens["access_token"].as_str().unwrap());
    let refresh = sha256_hex(tokens["refresh_token"].as_str().unwrap());
    assert!(first.access_grant(&access).await.unwrap().is_some());
    assert!(second.access_grant(&access).await.unwrap().is_none());
    assert!(second.find_token(&access).await.unwrap().is_none());
    assert!(second.find_token(&refresh).await.unwrap().is_none());
    assert!(!second.rotate_refresh(&refresh, 0).await.unwrap());
    let grant = first.find_token(&access).await.unwrap().expect("the token");
    // Revoking "that consent" at the other union ends nothing.
    second
        .revoke_grant(
            grant.consent_id,
            renkei_server::db::RevokedBy::Staff,
            i64::MAX / 2,
        )
        .await
        .unwrap();
    let still = first.find_token(&access).await.unwrap().unwrap();
    assert_eq!(still.revoked_at, None);
    assert_eq!(still.consent_revoked_at, None);
    // The account's consents and log are the first union's alone.
    let account = first
        .find_account(
            &happy_account().branch,
            happy_account().kind,
            &happy_account().number,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.account_consents(account.id).await.unwrap().len(), 1);
    assert!(
        second
            .account_consents(account.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        !first
            .account_flows(account.id, 20)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        second
            .account_flows(account.id, 20)
            .await
            .unwrap()
            .is_empty()
    );
    let everything = Default::default();
    assert!(
        !first
            .audit(&everything, None, 100)
            .await
            .unwrap()
            .is_empty()
    );
    // The second union's log holds only its own creation.
    let theirs = second.audit(&everything, None, 100).await.unwrap();
    assert_eq!(
        theirs.iter().map(|r| r.outcome).collect::<Vec<_>>(),
        [Outcome::InstitutionAdded]
    );
}

/// The migrations before the platform, as a deployment last ran them.
fn migrations_before_the_platform(backend: &str, into: &std::path::Path) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../storage")
        .join(backend)
        .join("migrations");
    let mut copied = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if name.as_str() < "0008" {
            std::fs::copy(&path, into.join(&name)).unwrap();
            copied += 1;
        }
    }
    assert_eq!(copied, 7);
}

#[tokio::test]
async fn a_database_made_before_the_platform_migrates_with_every_row_its_first_unions() {
    let dir = tempfile::tempdir().unwrap();
    let url = test_database(dir.path()).await;
    let postgres = url.starts_with("postgres");
    let old = dir.path().join("old-migrations");
    std::fs::create_dir(&old).unwrap();
    migrations_before_the_platform(if postgres { "postgres" } else { "sqlite" }, &old);
    let migrator = sqlx::migrate::Migrator::new(old.as_path()).await.unwrap();
    // Yesterday's deployment: its schema and an account with a consent and
    // a token, written as its statements wrote them.
    let rows = "INSERT INTO clients (client_id, display_name, auth_method, secret_hash, created_at)
                VALUES ('app', 'アプリ', 'client_secret_basic', 'x', 0);
                INSERT INTO accounts (id, public_id, branch, kind, number, holder_kana, birth_date,
                                      phone, has_cash_card, status, balance)
                VALUES (7, 'acc_old', '001', 'ordinary', '0000001', 'ﾃｽﾄ', '1980-01-01',
                        '09011112222', FALSE, 'active', 100);
                INSERT INTO consents (id, client_id, account_id, scope, terms_version,
                                      granted_at, expires_at)
                VALUES (3, 'app', 7, 'account_info', 'v1', 0, 4000000000);
                INSERT INTO tokens (token_hash, kind, consent_id, client_id, scope, issued_at,
                                    expires_at)
                VALUES ('hash-of-old-token', 'access', 3, 'app', 'account_info', 0, 4000000000);
                INSERT INTO operation_log (at, step, outcome) VALUES (1, 'staff', 'ok');";
    if postgres {
        use sqlx::Connection;
        let mut db = sqlx::PgConnection::connect(&url).await.unwrap();
        migrator.run(&mut db).await.unwrap();
        sqlx::raw_sql(rows).execute(&mut db).await.unwrap();
    } else {
        use sqlx::Connection;
        let options: sqlx::sqlite::SqliteConnectOptions =
            format!("{url}?mode=rwc").parse().unwrap();
        let mut db = sqlx::SqliteConnection::connect_with(&options.foreign_keys(true))
            .await
            .unwrap();
        migrator.run(&mut db).await.unwrap();
        sqlx::raw_sql(rows).execute(&mut db).await.unwrap();
    }

    // Today's server opens it: the platform's migration runs.
    let storage = Storage::connect(&url).await.unwrap();
    let first = storage
        .institution_by_id(FIRST_INSTITUTION)
        .await
        .unwrap()
        .expect("the first union");
    assert_eq!(first.code, "2999");
    assert_eq!(first.state, InstitutionState::Active);
    let ours = storage.tenant(FIRST_INSTITUTION);
    let grant = ours
        .access_grant("hash-of-old-token")
        .await
        .unwrap()
        .expect("yesterday's token is the first union's");
    assert_eq!(grant.account_id, 7);
    assert_eq!(grant.public_id, "acc_old");
    assert_eq!(ours.account_consents(7).await.unwrap().len(), 1);
    assert_eq!(
        ours.audit(&Default::default(), None, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    // A union added afterwards starts empty, and may hold the same
    // account number.
    let log = renkei_server::db::OpLog::new(
        0,
        renkei_shared::oplog::LogStep::Staff,
        Outcome::InstitutionAdded,
    );
    let second = storage
        .add_institution(
            renkei_server::db::InstitutionProfile {
                code: "2011",
                name: "ぐんまみらい信用組合",
                profile: SECOND,
            },
            log,
        )
        .await
        .unwrap()
        .expect("added");
    let theirs = storage.tenant(second);
    assert!(
        theirs
            .access_grant("hash-of-old-token")
            .await
            .unwrap()
            .is_none()
    );
    let key = renkei_server::admin::AccountRef::parse("001", "ordinary", "0000001").unwrap();
    assert!(
        theirs
            .find_account(&key.branch, key.kind, &key.number)
            .await
            .unwrap()
            .is_none()
    );
    let reference = theirs
        .gateway_reference(&key.branch, key.kind, &key.number)
        .await
        .unwrap();
    assert_ne!(reference.id, 7);
    let mine = ours
        .find_account(&key.branch, key.kind, &key.number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mine.id, 7);
}

/// The second union (2011, [`SECOND`]'s profile) with the demo's happy
/// customer also among its records (the same person, banking at both):
/// the view of the server at its issuer.
pub async fn second_union(app: &TestApp) -> TestApp {
    second_union_with(app, SECOND).await
}

/// The same with the profile `toml` (`SECOND` and more keys).
pub async fn second_union_with(app: &TestApp, toml: &str) -> TestApp {
    add_second_with(app, toml).await;
    let c = renkei_fixture::HAPPY;
    let pin = c.pin.expect("a card");
    let out = crate::records::hash_pins(
        app,
        &format!(
            "branch,kind,number,pin\n{},{},{},{pin}\n",
            c.branch, c.kind, c.number
        ),
    )
    .await;
    let hashes = stdout_of(&out);
    let hash = hashes
        .lines()
        .nth(1)
        .expect("a hash")
        .splitn(4, ',')
        .nth(3)
        .unwrap();
    let file = app.write_file(
        "second-union.csv",
        &format!(
            "{ACCOUNTS_HEADER}\n{},{},{},{},{},{},1,active,,,{},{},{hash}\n",
            c.branch, c.kind, c.number, c.kana, c.birth_date, c.phone, 91_000, 90_000
        ),
    );
    let mut cmd = app.cli(&["records", "import", "--mode", "delta", "--accounts"]);
    cmd.arg(&file).args(["--institution", "2011"]);
    let out = output_of(cmd).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    // A new union has no app on until it switches one on (issue #31).
    app.enable_app_at(crate::helpers::DEMO_CLIENT, "2011").await;
    app.at("2011")
}

/// The second wall (issues #22, #31): on PostgreSQL, row-level security
/// admits on a union's connection only that union's rows — a statement
/// that forgets its `institution_id` filter sees no other union's accounts
/// and cannot write one — and on the platform's own connection none of a
/// union's records at all. (SQLite has no row-level security: there the statements'
/// filters are the isolation, which the rest of this file tests.)
#[tokio::test]
async fn on_postgresql_a_statement_that_forgets_the_union_filter_sees_and_writes_nothing_of_another_union()
 {
    if crate::helpers::test_postgres().is_none() {
        return;
    }
    let app = spawn_app().await;
    let second = app.institution_id(renkei_fixture::SECOND_CODE).await;
    let (seen, in_tx, inserted) =
        renkei_server::testkit::forgetful_statements(&app.storage, second, FIRST_INSTITUTION)
            .await
            .unwrap();
    let theirs = renkei_fixture::SECOND_CUSTOMERS.len() as i64;
    assert_eq!(seen, theirs);
    assert_eq!(in_tx, theirs);
    assert!(!inserted, "another union's row was written");
    // It fails closed (issue #31): a union's statement sent through the
    // platform's pool by mistake sees no union's accounts and writes none.
    let (seen, inserted) =
        renkei_server::testkit::union_statements_on_the_platform_pool(&app.storage, second)
            .await
            .unwrap();
    assert_eq!(seen, 0, "the platform's pool saw a union's accounts");
    assert!(!inserted, "the platform's pool wrote a union's account");
    // While the union's own connection still sees its own.
    let (seen, _, _) =
        renkei_server::testkit::forgetful_statements(&app.storage, second, FIRST_INSTITUTION)
            .await
            .unwrap();
    assert_eq!(seen, theirs);
}
