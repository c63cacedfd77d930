//! The service calendar (seed's second error table, FAQ 3 Q1). API linkage
//! is closed, in JST:
//! - every day 0:00–0:01 and 4:00–4:05;
//! - the 1st and 3rd Monday of each month 2:00–6:00;
//! - from 23:50 on the day before the 2nd and 4th Sunday until 7:00 on that
//!   Sunday;
//! - January 1–3, 0:00–8:00 and 19:00–24:00;
//! - any maintenance window staff have set (kept in the database);
//! - on the shared platform (issue #22), the union's own calendar from its
//!   profile: the days its core system is down, its weekly closures.
//!
//! Every window is half-open: closed from its start (inclusive) to its end
//! (exclusive). [`fixed_closure`] and [`closure`] are pure functions of the
//! instant (and the union's calendar).

use crate::clock::jst;
use crate::config::institution::Calendar;
use jiff::Timestamp;
use jiff::civil::{Date, Time, Weekday};

/// Which fixed window `t` falls in, if any (a short label for logs).
pub fn fixed_closure(t: Timestamp) -> Option<&'static str> {
    let z = t.to_zoned(jst().clone());
    let (date, time) = (z.date(), z.time());
    let between = |from: Time, to: Time| time >= from && time < to;
    let hm = |h: i8, m: i8| Time::constant(h, m, 0, 0);

    if between(hm(0, 0), hm(0, 1)) {
        return Some("daily 0:00");
    }
    if between(hm(4, 0), hm(4, 5)) {
        return Some("daily 4:00");
    }
    if date.weekday() == Weekday::Monday
        && matches!(nth_in_month(date), 1 | 3)
        && between(hm(2, 0), hm(6, 0))
    {
        return Some("1st/3rd Monday 2:00-6:00");
    }
    if date.weekday() == Weekday::Sunday && matches!(nth_in_month(date), 2 | 4) && time < hm(7, 0) {
        return Some("2nd/4th Sunday until 7:00");
    }
    if date.weekday() == Weekday::Saturday
        && time >= hm(23, 50)
        && let Ok(sunday) = date.tomorrow()
        && matches!(nth_in_month(sunday), 2 | 4)
    {
        return Some("eve of 2nd/4th Sunday from 23:50");
    }
    if date.month() == 1 && (1..=3).contains(&date.day()) && (time < hm(8, 0) || time >= hm(19, 0))
    {
        return Some("New Year");
    }
    None
}

/// Which of a union's own windows `t` falls in, if any.
pub fn union_closure(calendar: &Calendar, t: Timestamp) -> Option<&'static str> {
    let z = t.to_zoned(jst().clone());
    let (date, time) = (z.date(), z.time());
    if calendar.closed_dates.contains(&date) {
        return Some("the union's closed day");
    }
    let weekly = calendar
        .weekly
        .iter()
        .any(|w| w.weekday == date.weekday() && time >= w.from && w.to.is_none_or(|to| time < to));
    weekly.then_some("the union's weekly closure")
}

/// Which window closes API linkage at a union with `calendar` at `t`: the
/// platform's fixed ones first, then the union's own.
pub fn closure(calendar: &Calendar, t: Timestamp) -> Option<&'static str> {
    fixed_closure(t).or_else(|| union_closure(calendar, t))
}

/// 1 for the first such weekday of its month, 2 for the second, ...
fn nth_in_month(d: Date) -> i8 {
    (d.day() - 1) / 7 + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        // Instants written in JST for readability.
        format!("{s}+09:00").parse().unwrap()
    }

    /// (one second before, at, one second after) a boundary, with whether
    /// each is closed.
    fn boundary(at_str: &str, before: bool, at_: bool, after: bool, why: &str) {
        let t = at(at_str);
        let b = t - jiff::SignedDuration::from_secs(1);
        let a = t + jiff::SignedDuration::from_secs(1);
        assert_eq!(
            fixed_closure(b).is_some(),
            before,
            "{why}: 1 s before {at_str}"
        );
        assert_eq!(fixed_closure(t).is_some(), at_, "{why}: at {at_str}");
        assert_eq!(
            fixed_closure(a).is_some(),
            after,
            "{why}: 1 s after {at_str}"
        );
    }

    #[test]
    fn daily_windows() {
        // 2026-11-26 is a Thursday.
        boundary(
            "2026-11-26T00:00:00",
            false,
            true,
            true,
            "0:00 opens the window",
        );
        boundary("2026-11-26T00:01:00", true, false, false, "0:01 ends it");
        boundary(
            "2026-11-26T04:00:00",
            false,
            true,
            true,
            "4:00 opens the window",
        );
        boundary("2026-11-26T04:05:00", true, false, false, "4:05 ends it");
        assert!(fixed_closure(at("2026-11-26T12:00:00")).is_none());
    }

    #[test]
    fn first_and_third_monday() {
        // November 2026: Mondays are 2, 9, 16, 23, 30.
        boundary("2026-11-02T02:00:00", false, true, true, "1st Monday 2:00");
        boundary("2026-11-02T06:00:00", true, false, false, "1st Monday 6:00");
        boundary("2026-11-16T02:00:00", false, true, true, "3rd Monday 2:00");
        assert!(
            fixed_closure(at("2026-11-09T03:00:00")).is_none(),
            "2nd Monday is open"
        );
        assert!(
            fixed_closure(at("2026-11-23T03:00:00")).is_none(),
            "4th Monday is open"
        );
        assert!(
            fixed_closure(at("2026-11-30T03:00:00")).is_none(),
            "5th Monday is open"
        );
    }

    #[test]
    fn eve_of_second_and_fourth_sunday() {
        // November 2026: Sundays are 1, 8, 15, 22, 29.
        boundary(
            "2026-11-07T23:50:00",
            false,
            true,
            true,
            "Sat before 2nd Sunday 23:50",
        );
        boundary("2026-11-08T07:00:00", true, false, false, "2nd Sunday 7:00");
        boundary(
            "2026-11-21T23:50:00",
            false,
            true,
            true,
            "Sat before 4th Sunday 23:50",
        );
        boundary("2026-11-22T07:00:00", true, false, false, "4th Sunday 7:00");
        boundary(
            "2026-11-08T00:00:00",
            true,
            true,
            true,
            "midnight inside the window",
        );
        assert!(
            fixed_closure(at("2026-10-31T23:55:00")).is_none(),
            "eve of the 1st Sunday"
        );
        assert!(
            fixed_closure(at("2026-11-14T23:55:00")).is_none(),
            "eve of the 3rd Sunday"
        );
        assert!(
            fixed_closure(at("2026-11-28T23:55:00")).is_none(),
            "eve of the 5th Sunday"
        );
    }

    #[test]
    fn window_across_a_month_end() {
        // March 2026: Sundays 1, 8, 15, 22, 29. The 2nd Sunday of a month
        // that starts on a Sunday is the 8th; its eve is Saturday the 7th.
        boundary(
            "2026-03-07T23:50:00",
            false,
            true,
            true,
            "eve of 2nd Sunday in March",
        );
        // Feb 2026 ends on Saturday the 28th; March 1st is the 1st Sunday: open.
        assert!(fixed_closure(at("2026-02-28T23:55:00")).is_none());
    }

    #[test]
    fn new_year() {
        boundary(
            "2027-01-01T08:00:00",
            true,
            false,
            false,
            "Jan 1 8:00 opens",
        );
        boundary(
            "2027-01-01T19:00:00",
            false,
            true,
            true,
            "Jan 1 19:00 closes",
        );
        boundary(
            "2027-01-03T19:00:00",
            false,
            true,
            true,
            "Jan 3 19:00 closes",
        );
        // 24:00 on Jan 3 is 0:00 on Jan 4: the daily window still applies,
        // then the service opens at 0:01.
        boundary(
            "2027-01-04T00:01:00",
            true,
            false,
            false,
            "Jan 4 0:01 opens",
        );
        assert!(
            fixed_closure(at("2026-12-31T23:59:59")).is_none(),
            "New Year's Eve is open"
        );
        assert!(fixed_closure(at("2027-01-04T08:00:00")).is_none());
    }

    #[test]
    fn leap_day_and_year_end() {
        // 2028-02-29 is a Tuesday; nothing special is closed.
        assert!(fixed_closure(at("2028-02-29T12:00:00")).is_none());
        boundary("2028-02-29T00:00:00", false, true, true, "leap day 0:00");
        // Across the year end at UTC too: 2026-12-31T15:00Z is 0:00 JST Jan 1.
        let t: Timestamp = "2026-12-31T15:00:00Z".parse().unwrap();
        assert!(fixed_closure(t).is_some());
    }
}
