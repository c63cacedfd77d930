//! The audit log (supervisor and up): the operation log searched by JST
//! day, step, outcome, app and staff member, paged newest first, and the
//! same search exported as CSV — UTF-8 with a BOM, so Excel opens the
//! Japanese text right.

use super::{Staff, StaffUnion};
use crate::clock::jst;
use crate::db::{AuditFilter, AuditRow, LogStep, Outcome};
use crate::error::{AppError, AppResult};
use axum::Json;
use axum::extract::Query;
use axum::http::header;
use axum::response::IntoResponse;
use jiff::civil::Date;
use renkei_shared::staff::{AuditLine, AuditPage, StaffRole, clerk_time};
use renkei_shared::{FieldCode, FieldErrors};
use serde::Deserialize;

const PAGE: i64 = 50;
/// The most lines one export holds (a month of a busy credit union).
const EXPORT_MAX: i64 = 100_000;

#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    /// A JST day, `YYYY-MM-DD`.
    day: Option<String>,
    step: Option<String>,
    outcome: Option<String>,
    app: Option<String>,
    staff: Option<String>,
    before: Option<i64>,
}

/// Empty means "any".
fn given(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// [start, end) of a JST day in unix seconds.
pub fn jst_day_bounds(day: Date) -> AppResult<(i64, i64)> {
    let start = day.to_zoned(jst().clone()).map_err(anyhow::Error::from)?;
    let end = day
        .tomorrow()
        .map_err(anyhow::Error::from)?
        .to_zoned(jst().clone())
        .map_err(anyhow::Error::from)?;
    Ok((start.timestamp().as_second(), end.timestamp().as_second()))
}

pub fn parse_day(field: &str, s: &str) -> AppResult<Date> {
    s.parse::<Date>().map_err(|_| {
        let mut f = FieldErrors::new();
        f.insert(field.into(), vec![FieldCode::DateInvalid]);
        AppError::Validation(f)
    })
}

impl AuditQuery {
    /// The storage filter; `None` when a step or outcome is given that no
    /// line can have (the console offers only real ones; a hand-made URL
    /// may not).
    fn filter(&self) -> AppResult<Option<AuditFilter<'_>>> {
        let (from, to) = match given(&self.day) {
            Some(d) => {
                let (a, b) = jst_day_bounds(parse_day("day", d)?)?;
                (Some(a), Some(b))
            }
            None => (None, None),
        };
        let Ok(step) = given(&self.step).map(str::parse::<LogStep>).transpose() else {
            return Ok(None);
        };
        let Ok(outcome) = given(&self.outcome).map(str::parse::<Outcome>).transpose() else {
            return Ok(None);
        };
        Ok(Some(AuditFilter {
            from,
            to,
            step,
            outcome,
            client_id: given(&self.app),
            staff: given(&self.staff),
        }))
    }
}

fn line(r: AuditRow) -> AuditLine {
    AuditLine {
        id: r.id,
        at: clerk_time(r.at, true),
        // Enough of the flow's id to follow it through the log.
        flow: r.flow_id.map(|f| f.chars().take(12).collect()),
        app: r.app,
        step: r.step,
        outcome: r.outcome,
        staff: r.staff,
        detail: r.detail,
    }
}

pub async fn search(
    staff: Staff,
    StaffUnion(app): StaffUnion,
    Query(q): Query<AuditQuery>,
) -> AppResult<Json<AuditPage>> {
    staff.require(StaffRole::Supervisor)?;
    let rows = match q.filter()? {
        Some(f) => app.tenant.audit(&f, q.before, PAGE + 1).await?,
        None => Vec::new(),
    };
    let more = rows.len() as i64 > PAGE;
    let lines: Vec<AuditLine> = rows.into_iter().take(PAGE as usize).map(line).collect();
    let next_before = if more {
        lines.last().map(|l| l.id)
    } else {
        None
    };
    Ok(Json(AuditPage { lines, next_before }))
}

/// A cell Excel will not run: one that would start a formula (`=`, `+`,
/// `-`, `@`, their full-width forms `＝ ＋ － ＠`, which Japanese Excel
/// reads as formulas too, a tab or a carriage return — also after leading
/// spaces, which Excel skips; app and staff names, reasons and URLs come
/// from people) gets a leading `'`, as OWASP's CSV-injection advice has
/// it; the text is otherwise kept as it was.
fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    const STARTS: [char; 10] = ['=', '+', '-', '@', '＝', '＋', '－', '＠', '\t', '\r'];
    if cell
        .trim_start_matches([' ', '\u{3000}'])
        .starts_with(STARTS)
    {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

pub async fn export(
    staff: Staff,
    StaffUnion(app): StaffUnion,
    Query(q): Query<AuditQuery>,
) -> AppResult<impl IntoResponse> {
    staff.require(StaffRole::Supervisor)?;
    let rows = match q.filter()? {
        Some(f) => app.tenant.audit(&f, q.before, EXPORT_MAX).await?,
        None => Vec::new(),
    };
    // The BOM first: without it Excel reads UTF-8 as Shift_JIS.
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let header = [
            "日時(JST)",
            "フロー",
            "アプリ",
            "ステップ",
            "結果",
            "操作者",
            "職員",
            "詳細",
        ];
        w.write_record(header).map_err(anyhow::Error::from)?;
        for r in rows {
            let l = line(r);
            w.write_record(
                [
                    Some(l.at.as_str()),
                    l.flow.as_deref(),
                    l.app.as_deref(),
                    Some(l.step.label()),
                    Some(l.outcome.label()),
                    Some(l.step.actor().label()),
                    l.staff.as_deref(),
                    l.detail.as_deref(),
                ]
                .map(|cell| inert(cell.unwrap_or("")).into_owned()),
            )
            .map_err(anyhow::Error::from)?;
        }
        w.flush().map_err(anyhow::Error::from)?;
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"renkei-audit.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        out,
    ))
}

#[cfg(test)]
mod tests {
    use super::inert;

    #[test]
    fn cells_that_would_start_a_formula_are_neutralised() {
        for (cell, written) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+81", "'+81"),
            ("-1+2", "'-1+2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("＝HYPERLINK(\"http://x\")", "'＝HYPERLINK(\"http://x\")"),
            ("＋81", "'＋81"),
            ("－1", "'－1"),
            ("＠SUM(A1)", "'＠SUM(A1)"),
            (" =1+1", "' =1+1"),
            ("\u{3000}＝1", "'\u{3000}＝1"),
            ("窓口 花子", "窓口 花子"),
            (" 窓口", " 窓口"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(inert(cell), written, "{cell:?}");
        }
    }
}
