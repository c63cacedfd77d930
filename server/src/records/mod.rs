//! The bank's records, as its core banking system exports them:
//! `renkei-server records import | hash-pin | status`.
//!
//! An import reads each file twice, streaming (memory does not grow with
//! the file): first every line is checked by the screen's own rules and
//! every bad line reported as `FILE:LINE: field: reason`; only a clean set
//! of files is then written, in one transaction, so a run either changes
//! everything it was given or nothing. `rows` checks lines; the SQL is in
//! `db::records`.

pub mod contract;
pub mod gateway;
pub mod model;
pub mod port;
/// One line of each file, checked (with the storage layer's row types).
pub use renkei_storage_model::import as rows;

use crate::clock::jst_date;
use crate::db::{Day, ImportCounts, ImportMode, Tenant};
use crate::hashing::Hasher;
use jiff::{Timestamp, ToSpan};
use rows::{
    ACCOUNT_COLUMNS, AccountRecord, Line, PinHashRule, RecordKind, TIME_DEPOSIT_COLUMNS,
    TRANSACTION_COLUMNS, TimeDepositRecord, TransactionRecord,
};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

/// What `records import` was given.
pub struct ImportRequest {
    pub accounts: Option<PathBuf>,
    pub transactions: Option<PathBuf>,
    pub time_deposits: Option<PathBuf>,
    pub mode: ImportMode,
    pub dry_run: bool,
    /// Transactions booked before today minus this many days are purged.
    pub retention_days: i64,
}

/// Why a run changed nothing: every bad line, `FILE:LINE: field: reason`.
#[derive(Debug)]
pub struct Rejected(pub Vec<String>);

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for line in &self.0 {
            writeln!(f, "{line}")?;
        }
        write!(f, "{} error(s); nothing was imported", self.0.len())
    }
}

impl std::error::Error for Rejected {}

/// A CSV file with a header row, read one line at a time.
struct CsvFile {
    name: String,
    reader: csv::Reader<std::fs::File>,
    header: csv::StringRecord,
    record: csv::StringRecord,
    columns: &'static [&'static str],
}

impl CsvFile {
    /// Opens `path` and checks its header; a problem goes to `bad`.
    fn open(path: &Path, columns: &'static [&'static str], bad: &mut Vec<String>) -> Option<Self> {
        let name = path.display().to_string();
        let mut reader = match csv::ReaderBuilder::new().flexible(true).from_path(path) {
            Ok(r) => r,
            Err(e) => {
                bad.push(format!("{name}: {e}"));
                return None;
            }
        };
        let header = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                bad.push(format!("{name}:1: header: {e}"));
                return None;
            }
        };
        if let Err(why) = rows::check_header(&header, columns) {
            bad.push(format!("{name}:1: header: {why}"));
            return None;
        }
        Some(CsvFile {
            name,
            reader,
            header,
            record: csv::StringRecord::new(),
            columns,
        })
    }

    /// The next line checked by `check`: `Some(Some((line, record)))`,
    /// `Some(None)` for a bad line (every reason pushed to `bad`), `None`
    /// at the end of the file.
    fn next_checked<T>(
        &mut self,
        bad: &mut Vec<String>,
        check: impl FnOnce(&mut Line<'_>) -> Option<T>,
    ) -> Option<Option<(u64, T)>> {
        let at = self.reader.position().line() + 1;
        match self.reader.read_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let n = self.record.position().map_or(at, |p| p.line());
                if self.record.len() != self.header.len() {
                    bad.push(format!(
                        "{}:{n}: line: {} fields, the header has {}",
                        self.name,
                        self.record.len(),
                        self.header.len()
                    ));
                    return Some(None);
                }
                let mut line = Line::new(&self.header, &self.record, self.columns);
                let checked = check(&mut line);
                for e in &line.errors {
                    bad.push(format!("{}:{n}: {}: {}", self.name, e.field, e.reason));
                }
                Some(checked.map(|t| (n, t)))
            }
            Err(e) => {
                bad.push(format!("{}:{at}: {e}", self.name));
                // A line that is not UTF-8 is skipped; anything else ends the file.
                matches!(e.kind(), csv::ErrorKind::Utf8 { .. }).then_some(None)
            }
        }
    }
}

/// Checks every file without writing anything; returns the counts a run
/// would write, or every bad line.
pub fn check_files(req: &ImportRequest, rule: &PinHashRule) -> Result<ImportCounts, Rejected> {
    let mut bad = Vec::new();
    let mut counts = ImportCounts::default();
    if let Some(mut file) = open(&req.accounts, &ACCOUNT_COLUMNS, &mut bad) {
        while let Some(line) = file.next_checked(&mut bad, |l| AccountRecord::check(l, rule)) {
            match line.map(|(_, a)| a.kind) {
                Some(RecordKind::Linkable(_)) => counts.accounts += 1,
                Some(RecordKind::Current | RecordKind::Time) => counts.not_linkable += 1,
                None => {}
            }
        }
    }
    if let Some(mut file) = open(&req.transactions, &TRANSACTION_COLUMNS, &mut bad) {
        while let Some(line) = file.next_checked(&mut bad, TransactionRecord::check) {
            counts.transactions += i64::from(line.is_some());
        }
    }
    if let Some(mut file) = open(&req.time_deposits, &TIME_DEPOSIT_COLUMNS, &mut bad) {
        while let Some(line) = file.next_checked(&mut bad, TimeDepositRecord::check) {
            counts.time_deposits += i64::from(line.is_some());
        }
    }
    if bad.is_empty() {
        Ok(counts)
    } else {
        Err(Rejected(bad))
    }
}

fn open(
    path: &Option<PathBuf>,
    columns: &'static [&'static str],
    bad: &mut Vec<String>,
) -> Option<CsvFile> {
    CsvFile::open(path.as_deref()?, columns, bad)
}

/// Runs an import: checks every file, then (unless `dry_run`) writes them
/// in one transaction. Returns what it did (or would do).
pub async fn import(
    storage: &Tenant,
    now: Timestamp,
    req: &ImportRequest,
    rule: &PinHashRule,
) -> anyhow::Result<ImportCounts> {
    let mut counts = check_files(req, rule)?;
    if req.dry_run {
        return Ok(counts);
    }
    let mut run = storage.begin_import(req.mode, now.as_second()).await?;
    // Every line is good by now; what can still fail is a reference to an
    // account in neither the files nor the records. `bad` collects those.
    let mut bad = Vec::new();
    // Accounts twice: all written (a moved one as active), then every moved
    // one pointed at its new account, which may come later in the file.
    for moves in [false, true] {
        if let Some(mut file) = open(&req.accounts, &ACCOUNT_COLUMNS, &mut bad) {
            while let Some(line) = file.next_checked(&mut bad, |l| AccountRecord::check(l, rule)) {
                let Some((n, a)) = line else { continue };
                if !moves {
                    run.upsert_account(&a).await?;
                } else if !run.link_move(&a).await? {
                    bad.push(format!(
                        "{}:{n}: moved_to_number: no such account in the file or the records",
                        file.name
                    ));
                }
            }
        }
    }
    if let Some(mut file) = open(&req.transactions, &TRANSACTION_COLUMNS, &mut bad) {
        while let Some(line) = file.next_checked(&mut bad, TransactionRecord::check) {
            let Some((n, t)) = line else { continue };
            if !run.upsert_transaction(&t).await? {
                bad.push(unknown_account(&file.name, n));
            }
        }
    }
    if let Some(mut file) = open(&req.time_deposits, &TIME_DEPOSIT_COLUMNS, &mut bad) {
        while let Some(line) = file.next_checked(&mut bad, TimeDepositRecord::check) {
            let Some((n, d)) = line else { continue };
            if !run.upsert_time_deposit(&d).await? {
                bad.push(unknown_account(&file.name, n));
            }
        }
    }
    if !bad.is_empty() {
        // Dropping the run rolls every write of it back.
        return Err(Rejected(bad).into());
    }
    if req.mode == ImportMode::Full {
        if req.accounts.is_some() {
            counts.closed = run.close_unlisted_accounts().await?;
        }
        if req.time_deposits.is_some() {
            run.remove_unlisted_time_deposits().await?;
        }
    }
    run.end_linkages_of_inactive_accounts().await?;
    let oldest = jst_date(now)
        .checked_sub(req.retention_days.days())
        .map_err(|e| anyhow::anyhow!("retention: {e}"))?;
    counts.purged = run.purge_transactions_before(Day(oldest)).await?;
    run.commit(req.mode, &counts).await?;
    Ok(counts)
}

fn unknown_account(file: &str, line: u64) -> String {
    format!("{file}:{line}: number: no such account in the accounts file or the records")
}

/// `records hash-pin`: reads `branch,kind,number,pin` lines, writes
/// `branch,kind,number,pin_hash` CSV lines (the hash quoted: a PHC string
/// has commas), ready to paste into an accounts file. A bad line is named
/// on stderr and skipped; the PIN itself is never echoed.
pub async fn hash_pins(
    hasher: &Hasher,
    input: impl BufRead,
    out: impl Write,
    mut err: impl Write,
) -> anyhow::Result<usize> {
    use renkei_shared::domain::{AccountKind, AccountNumber, BranchNumber, Pin};
    let mut out = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(out);
    let mut bad = 0;
    for (i, line) in input.lines().enumerate() {
        let n = i + 1;
        let line = zeroize::Zeroizing::new(line?);
        let fields: Vec<&str> = line.trim().split(',').map(str::trim).collect();
        if n == 1 && fields.first() == Some(&"branch") {
            out.write_record(["branch", "kind", "number", "pin_hash"])?;
            continue;
        }
        let parsed = match fields.as_slice() {
            [b, k, num, pin] => (|| {
                Some((
                    BranchNumber::parse(b).ok()?,
                    AccountKind::parse(k).ok()?,
                    AccountNumber::parse(num).ok()?,
                    Pin::parse(pin).ok()?,
                ))
            })(),
            _ => None,
        };
        let Some((b, k, num, pin)) = parsed else {
            writeln!(err, "stdin:{n}: expected branch,kind,number,pin (4 digits)")?;
            bad += 1;
            continue;
        };
        let hash = hasher
            .hash(zeroize::Zeroizing::new(pin.expose().to_owned()))
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        out.write_record([b.as_str(), k.code(), num.as_str(), hash.as_str()])?;
        out.flush()?;
    }
    out.flush()?;
    Ok(bad)
}
