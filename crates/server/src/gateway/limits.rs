//! Traffic limits on the call path (protocol-notes §6.4, K1008): per-second windows for QPS and
//! per-day counters for quotas, all in memory.
//!
//! **QPS**: a fixed one-second window per key on the platform's injected clock, one `AtomicU64`
//! per key packing `(second << 24) | count` and updated with a compare-and-swap loop. Chosen
//! over `governor` because tests move the clock instead of sleeping, and a fixed window is what
//! "MAX_QPS" means on the wire; a burst can reach twice the cap across a window edge, which is
//! acceptable for a platform quota.
//!
//! **Daily quotas**: a counter per `(app, subject, day)`; a new counter starts from the usage
//! persisted for that day (one read when the first call of the day for that key arrives), and
//! the recorder flushes the difference in batches. Several nodes on one PostgreSQL each count
//! their own calls on top of what was persisted when they started counting.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use kaifang_platform::traffic::{self, UsageDelta};
use kaifang_platform::{Platform, Result};

/// Who a daily counter counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    /// The app's total.
    App,
    /// One (test) user through the app.
    User(i64),
    /// One user on one API (method index) through the app.
    UserApi(i64, u32),
}

impl Subject {
    /// The stored name: `''`, `u:<user>` or `u:<user>:<method>`.
    pub fn stored(&self) -> String {
        match self {
            Subject::App => String::new(),
            Subject::User(u) => format!("u:{u}"),
            Subject::UserApi(u, m) => {
                let name = super::catalogue::all()
                    .get(*m as usize)
                    .map_or("?", |m| m.name);
                format!("u:{u}:{name}")
            }
        }
    }
}

/// One day's counter.
#[derive(Debug, Default)]
pub struct DayCounter {
    /// Calls counted today (persisted and new).
    pub used: AtomicU64,
    /// Of which already written to the database.
    flushed: AtomicU64,
    /// "Reset today" uses (app totals only).
    pub resets: AtomicI64,
}

impl DayCounter {
    /// Takes one call if `cap` allows it (`cap` computed by the caller from the resets).
    pub fn try_take(&self, cap: impl Fn(i64) -> u64) -> bool {
        let limit = cap(self.resets.load(Ordering::Relaxed));
        let n = self.used.fetch_add(1, Ordering::AcqRel) + 1;
        if n > limit {
            self.used.fetch_sub(1, Ordering::AcqRel);
            false
        } else {
            true
        }
    }

    /// Gives a taken call back (a later limit refused it).
    pub fn give_back(&self) {
        self.used.fetch_sub(1, Ordering::AcqRel);
    }
}

type DayKey = (i64, Subject, i64);
type QpsKey = (i64, i64, u32);

/// Keys are ids, never client text: foldhash's fast variant is enough.
type Hasher = foldhash::fast::RandomState;

/// All in-memory limit state of one gateway.
#[derive(Default)]
pub struct Limits {
    days: RwLock<HashMap<DayKey, Arc<DayCounter>, Hasher>>,
    qps: RwLock<HashMap<QpsKey, Arc<AtomicU64>, Hasher>>,
}

const COUNT_BITS: u32 = 24;
const COUNT_MASK: u64 = (1 << COUNT_BITS) - 1;

impl Limits {
    /// The counter of `(app, subject, day)`, loading persisted usage on first use.
    pub async fn day(
        &self,
        p: &Platform,
        app_id: i64,
        subject: Subject,
        day: i64,
    ) -> Result<Arc<DayCounter>> {
        let key = (app_id, subject, day);
        if let Some(c) = self
            .days
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return Ok(c.clone());
        }
        // Boxed, as the caches' misses are (see `super::cache`).
        let (used, resets) =
            Box::pin(traffic::load_usage(p, app_id, &subject.stored(), day)).await?;
        let mut days = self.days.write().unwrap_or_else(|e| e.into_inner());
        let c = days.entry(key).or_insert_with(|| {
            Arc::new(DayCounter {
                used: AtomicU64::new(used),
                flushed: AtomicU64::new(used),
                resets: AtomicI64::new(resets),
            })
        });
        Ok(c.clone())
    }

    /// Takes one call from the QPS window of `(app, user or 0, method)` at `now_ms`; `false`
    /// when `cap` calls were already taken in this second.
    pub fn take_qps(&self, app_id: i64, user: i64, method: u32, cap: u32, now_ms: i64) -> bool {
        let key = (app_id, user, method);
        let slot = {
            let read = self.qps.read().unwrap_or_else(|e| e.into_inner());
            read.get(&key).cloned()
        };
        let slot = slot.unwrap_or_else(|| {
            self.qps
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .entry(key)
                .or_default()
                .clone()
        });
        let second = (now_ms.div_euclid(1000) as u64) & (u64::MAX >> COUNT_BITS);
        let mut current = slot.load(Ordering::Acquire);
        loop {
            let next = if current >> COUNT_BITS == second {
                let count = current & COUNT_MASK;
                if count >= u64::from(cap) {
                    return false;
                }
                current + 1
            } else {
                (second << COUNT_BITS) | 1
            };
            match slot.compare_exchange_weak(current, next, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => return true,
                Err(seen) => current = seen,
            }
        }
    }

    /// The unwritten part of every counter, marked as written; days before `today - 1` that are
    /// fully written are dropped from memory.
    pub fn take_deltas(&self, today: i64) -> Vec<UsageDelta> {
        let mut out = Vec::new();
        let mut stale = Vec::new();
        {
            let days = self.days.read().unwrap_or_else(|e| e.into_inner());
            for (key, c) in days.iter() {
                let used = c.used.load(Ordering::Acquire);
                let flushed = c.flushed.swap(used, Ordering::AcqRel);
                let delta = used as i64 - flushed as i64;
                if delta != 0 {
                    out.push((key.0, key.1.stored(), key.2, delta));
                } else if key.2 < today - 1 {
                    stale.push(*key);
                }
            }
        }
        if !stale.is_empty() {
            let mut days = self.days.write().unwrap_or_else(|e| e.into_inner());
            for k in stale {
                days.remove(&k);
            }
        }
        out
    }

    /// Puts deltas back after a failed write, so the next flush retries them.
    pub fn restore_deltas(&self, deltas: &[UsageDelta]) {
        let days = self.days.read().unwrap_or_else(|e| e.into_inner());
        for (app_id, stored, day, delta) in deltas {
            for (key, c) in days.iter() {
                if key.0 == *app_id && key.2 == *day && key.1.stored() == *stored {
                    if *delta >= 0 {
                        c.flushed.fetch_sub(*delta as u64, Ordering::AcqRel);
                    } else {
                        c.flushed.fetch_add(delta.unsigned_abs(), Ordering::AcqRel);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qps_window_follows_the_given_clock() {
        let l = Limits::default();
        let t = 1_795_737_600_000;
        assert!(l.take_qps(1, 0, 0, 2, t));
        assert!(l.take_qps(1, 0, 0, 2, t + 10));
        assert!(!l.take_qps(1, 0, 0, 2, t + 999));
        assert!(
            l.take_qps(1, 0, 1, 2, t + 999),
            "another method has its own window"
        );
        assert!(
            l.take_qps(1, 0, 0, 2, t + 1000),
            "a new second opens a new window"
        );
    }

    #[test]
    fn day_counter_caps_and_gives_back() {
        let c = DayCounter::default();
        assert!(c.try_take(|_| 2));
        assert!(c.try_take(|_| 2));
        assert!(!c.try_take(|_| 2));
        c.give_back();
        assert!(c.try_take(|_| 2));
        c.resets.store(1, Ordering::Relaxed);
        assert!(c.try_take(|r| 2 * (1 + r as u64)));
    }
}
