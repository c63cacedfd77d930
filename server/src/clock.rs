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

#[cfg(test)]
mod tests {
    use super::*;

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
