//! Login throttling: after too many wrong passwords for one login within a window, further
//! attempts are refused until the window passes, so passwords cannot be guessed at speed.
//! Kept in memory: a restart forgets it, which costs an attacker a restart per window.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::clock::{MINUTE, Millis};

/// Wrong passwords allowed per login per window.
pub const MAX_FAILURES: u32 = 5;
/// The window.
pub const WINDOW: Millis = 15 * MINUTE;

/// Failure counts per login.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, (u32, Millis)>>,
}

impl LoginThrottle {
    /// Whether `login` may try now; if not, how long until it may.
    pub fn check(&self, login: &str, now: Millis) -> Result<(), Millis> {
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        match map.get(login) {
            Some(&(n, since)) if n >= MAX_FAILURES && now - since < WINDOW => {
                Err(WINDOW - (now - since))
            }
            _ => Ok(()),
        }
    }

    /// Records a wrong password.
    pub fn fail(&self, login: &str, now: Millis) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (_, since)| now - *since < WINDOW);
        }
        let e = map.entry(login.to_string()).or_insert((0, now));
        if now - e.1 >= WINDOW {
            *e = (0, now);
        }
        e.0 += 1;
    }

    /// Forgets the failures of a login that succeeded.
    pub fn succeed(&self, login: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(login);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_max_failures_until_the_window_passes() {
        let t = LoginThrottle::default();
        for _ in 0..MAX_FAILURES {
            assert!(t.check("a", 0).is_ok());
            t.fail("a", 0);
        }
        assert!(t.check("a", 1).is_err());
        assert!(t.check("b", 1).is_ok());
        assert!(t.check("a", WINDOW).is_ok());
        t.succeed("a");
        assert!(t.check("a", 1).is_ok());
    }
}
