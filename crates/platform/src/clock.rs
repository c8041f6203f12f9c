//! The injected clock. Nothing else in Kaifang reads the system time.
//!
//! Code expiry, token lifetimes, test-user authorizations, retry schedules and the 30/90-day rules
//! all ask this clock, so tests and the sandbox move time instead of sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, the unit every stored time uses.
pub type Millis = i64;

/// One minute, hour and day in milliseconds.
pub const MINUTE: Millis = 60_000;
/// One hour in milliseconds.
pub const HOUR: Millis = 60 * MINUTE;
/// One day in milliseconds.
pub const DAY: Millis = 24 * HOUR;

/// A clock that follows system time or a fixed start, plus an offset that can only grow.
#[derive(Debug)]
pub struct Clock {
    /// `None`: follow the system time. `Some(t)`: start at `t` and stand still.
    fixed_start: Option<Millis>,
    offset: AtomicI64,
}

impl Clock {
    /// Follows the system time (production, and the sandbox before anyone moves it).
    pub fn system() -> Self {
        Clock {
            fixed_start: None,
            offset: AtomicI64::new(0),
        }
    }

    /// Stands still at `start` until advanced (tests).
    pub fn fixed(start: Millis) -> Self {
        Clock {
            fixed_start: Some(start),
            offset: AtomicI64::new(0),
        }
    }

    /// The current time in milliseconds since the epoch.
    pub fn now(&self) -> Millis {
        let base = self.fixed_start.unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        });
        base.saturating_add(self.offset.load(Ordering::Relaxed))
    }

    /// Moves the clock forward by `ms` (never backwards: expiry must not un-expire).
    pub fn advance(&self, ms: Millis) {
        self.offset.fetch_add(ms.max(0), Ordering::Relaxed);
    }

    /// How far the clock has been moved in total.
    pub fn offset(&self) -> Millis {
        self.offset.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_moves_only_forward() {
        let c = Clock::fixed(1_000);
        c.advance(DAY);
        c.advance(-5);
        assert_eq!(c.now(), 1_000 + DAY);
    }
}
