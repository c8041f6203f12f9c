//! The retry schedule (protocol-notes §4.1): after the first failure, retries at 5, 10, 20, 30
//! and 60 minutes (configurable); after the last retry fails the message is failed. In sandbox
//! mode the delays are divided by the configured time scale. Due times are computed from the
//! injected clock, so tests move the clock instead of waiting.

use kaifang_platform::clock::Millis;
use kaifang_platform::rules::PushRules;

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again at this time.
    RetryAt(Millis),
    /// The schedule is exhausted: the message is failed.
    Fail,
}

/// The decision after the `failures`-th consecutive failure (1 = the first attempt failed) of
/// the current schedule, at `now`.
pub fn after_failure(rules: &PushRules, failures: i64, now: Millis) -> AfterFailure {
    let index = usize::try_from(failures - 1).unwrap_or(usize::MAX);
    match rules.retry_delays.get(index) {
        Some(delay) => AfterFailure::RetryAt(now + delay / rules.time_scale.max(1)),
        None => AfterFailure::Fail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kaifang_platform::clock::MINUTE;

    #[test]
    fn five_retries_then_failed() {
        let r = PushRules::default();
        let delays: Vec<_> = (1..=5)
            .map(|n| match after_failure(&r, n, 0) {
                AfterFailure::RetryAt(t) => t / MINUTE,
                AfterFailure::Fail => -1,
            })
            .collect();
        assert_eq!(delays, [5, 10, 20, 30, 60]);
        assert_eq!(after_failure(&r, 6, 0), AfterFailure::Fail);
        let scaled = PushRules {
            time_scale: 60,
            ..PushRules::default()
        };
        assert_eq!(after_failure(&scaled, 1, 1000), AfterFailure::RetryAt(6000));
    }
}
