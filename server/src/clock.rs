//! The one clock. Every "now" in the server comes from here so tests (and
//! the demo, via `RENKEI_NOW`) can stand at 23:59:59 JST or past a deadline
//! without sleeping.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, civil::Date};
use std::sync::{Arc, Mutex, OnceLock};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;
}

pub type SharedClock = Arc<dyn Clock>;

/// The real time.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// Real time shifted so that it read `start` when created, then runs on.
/// Used for `RENKEI_NOW` in demo/test mode.
#[derive(Debug, Clone, Copy)]
pub struct OffsetClock {
    offset: SignedDuration,
}

impl OffsetClock {
    pub fn starting_at(start: Timestamp) -> Self {
        OffsetClock {
            offset: start.duration_since(Timestamp::now()),
        }
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
            .checked_add(self.offset)
            .unwrap_or(Timestamp::MAX)
    }
}

/// A clock that only moves when told to: for tests.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<Timestamp>,
}

impl ManualClock {
    pub fn new(start: Timestamp) -> Arc<Self> {
        Arc::new(ManualClock {
            now: Mutex::new(start),
        })
    }
    pub fn set(&self, t: Timestamp) {
        *self.now.lock().unwrap_or_else(|e| e.into_inner()) = t;
    }
    pub fn advance(&self, by: SignedDuration) {
        let mut now = self.now.lock().unwrap_or_else(|e| e.into_inner());
        *now = now.checked_add(by).unwrap_or(Timestamp::MAX);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.now.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Japan Standard Time from the bundled tz database (no dependency on the
/// host's /usr/share/zoneinfo, which containers often lack).
pub fn jst() -> &'static TimeZone {
    static JST: OnceLock<TimeZone> = OnceLock::new();
    JST.get_or_init(|| {
        TimeZone::get("Asia/Tokyo").unwrap_or_else(|_| TimeZone::fixed(jiff::tz::offset(9)))
    })
}

/// The bank's calendar date at `t`.
pub fn jst_date(t: Timestamp) -> Date {
    t.to_zoned(jst().clone()).date()
}

/// 0:00 JST of the bank's day at `t`, in unix seconds.
pub fn jst_day_start(t: Timestamp) -> i64 {
    // JST is UTC+9 all year: a day is 86,400 seconds from 15:00 UTC.
    const OFFSET: i64 = 9 * 3600;
    (t.as_second() + OFFSET).div_euclid(86_400) * 86_400 - OFFSET
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jst_day_starts_at_15_utc() {
        let t: Timestamp = "2026-11-26T14:59:59Z".parse().unwrap();
        let start: Timestamp = "2026-11-25T15:00:00Z".parse().unwrap();
        assert_eq!(jst_day_start(t), start.as_second());
        let t: Timestamp = "2026-11-26T15:00:00Z".parse().unwrap();
        assert_eq!(jst_day_start(t), t.as_second());
    }

    #[test]
    fn jst_date_turns_at_15_utc() {
        let before: Timestamp = "2026-11-26T14:59:59Z".parse().unwrap();
        let after: Timestamp = "2026-11-26T15:00:00Z".parse().unwrap();
        assert_eq!(jst_date(before).to_string(), "2026-11-26");
        assert_eq!(jst_date(after).to_string(), "2026-11-27");
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let t: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let c = ManualClock::new(t);
        assert_eq!(c.now(), t);
        c.advance(SignedDuration::from_secs(120));
        assert_eq!(c.now().as_second() - t.as_second(), 120);
    }
}
