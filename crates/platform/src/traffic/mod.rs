//! Traffic: tiers, daily quotas, the "reset today" rule and persisted usage (protocol-notes
//! §6.4, D-TRAFFIC).
//!
//! The gateway counts calls in memory and hands the counts here in batches ([`flush_usage`]),
//! so a restart keeps today's usage without a database write per call. Days are calendar days
//! in the zone of `rules.traffic.day_offset` (+08:00 by default), numbered from 1970-01-01.

use kaifang_store::args;

use crate::accounts::Account;
use crate::apps::{self, AppState};
use crate::rules::TrafficRules;
use crate::{Error, Platform, Result};

/// Daily tiers in 万 (10 000) calls: the pre-launch tier, then the launched tiers.
pub const DAILY_TIERS_WAN: [i64; 7] = [10, 100, 500, 1000, 5000, 10000, 20000];
/// Per-API QPS tiers.
pub const QPS_TIERS: [i64; 6] = [100, 300, 500, 1000, 3000, 5000];
/// The default per-API QPS of an app.
pub const DEFAULT_QPS: u32 = 100;
/// "Reset today" is allowed this many times a day.
pub const MAX_RESETS_PER_DAY: i64 = 3;
/// ... and only when today's usage is above this share of today's quota, in percent.
pub const RESET_THRESHOLD_PERCENT: u64 = 60;

/// An app's gateway settings. No stored row means the defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct AppGateway {
    /// Operator-set daily tier in 万 calls; `None` = the default for the app's state.
    pub daily_tier: Option<i64>,
    /// Operator-set per-API QPS tier; `None` = 100.
    pub qps_tier: Option<i64>,
    /// Signature debugging: a mismatch also returns the signed string (secret masked).
    pub sign_debug: bool,
}

impl AppGateway {
    /// The app's daily call quota before any "reset today".
    pub fn daily_quota(&self, rules: &TrafficRules, state: AppState) -> u64 {
        match self.daily_tier {
            Some(wan) => u64::try_from(wan).unwrap_or(0) * 10_000,
            None if state == AppState::Online => rules.launched_daily_calls,
            None => rules.prelaunch_daily_calls,
        }
    }

    /// The app's per-API QPS cap (before per-API declarations and the floor).
    pub fn qps(&self) -> u32 {
        self.qps_tier
            .and_then(|q| u32::try_from(q).ok())
            .unwrap_or(DEFAULT_QPS)
    }
}

/// Reads an app's gateway settings.
pub async fn settings(p: &Platform, app_id: i64) -> Result<AppGateway> {
    let r =
        p.db.fetch_optional(
            "SELECT daily_tier, qps_tier, sign_debug FROM app_gateway WHERE app_id = $1",
            &args![app_id],
        )
        .await?;
    Ok(match r {
        Some(r) => AppGateway {
            daily_tier: r.opt_i64("daily_tier")?,
            qps_tier: r.opt_i64("qps_tier")?,
            sign_debug: r.bool("sign_debug")?,
        },
        None => AppGateway::default(),
    })
}

async fn ensure_row(p: &Platform, app_id: i64) -> Result<()> {
    p.db.execute(
        "INSERT INTO app_gateway (app_id, sign_debug, updated_at) VALUES ($1, 0, $2) ON CONFLICT (app_id) DO NOTHING",
        &args![app_id, p.now()],
    )
    .await?;
    Ok(())
}

/// An operator sets an app's tiers (`None` keeps the default).
pub async fn set_tiers(
    p: &Platform,
    operator: &Account,
    key: &str,
    daily_tier: Option<i64>,
    qps_tier: Option<i64>,
) -> Result<AppGateway> {
    operator.require_operator()?;
    if let Some(d) = daily_tier
        && !DAILY_TIERS_WAN.contains(&d)
    {
        return Err(Error::invalid(format!(
            "daily_tier must be one of {DAILY_TIERS_WAN:?} (万 calls per day)"
        )));
    }
    if let Some(q) = qps_tier
        && !QPS_TIERS.contains(&q)
    {
        return Err(Error::invalid(format!(
            "qps_tier must be one of {QPS_TIERS:?}"
        )));
    }
    let app = apps::resolve(p, key).await?;
    ensure_row(p, app.id).await?;
    p.db.execute(
        "UPDATE app_gateway SET daily_tier = $1, qps_tier = $2, updated_at = $3 WHERE app_id = $4",
        &args![daily_tier, qps_tier, p.now(), app.id],
    )
    .await?;
    // Cached limits live with the app's credentials; refresh them.
    p.bump_generation();
    settings(p, app.id).await
}

/// A developer turns signature debugging on or off for an own app.
pub async fn set_sign_debug(
    p: &Platform,
    owner: &Account,
    key: &str,
    enabled: bool,
) -> Result<AppGateway> {
    let app = apps::owned(p, owner, key).await?;
    ensure_row(p, app.id).await?;
    p.db.execute(
        "UPDATE app_gateway SET sign_debug = $1, updated_at = $2 WHERE app_id = $3",
        &args![enabled, p.now(), app.id],
    )
    .await?;
    p.bump_generation();
    settings(p, app.id).await
}

/// Persisted usage of one subject on one day: `(used, resets)`.
pub async fn load_usage(p: &Platform, app_id: i64, subject: &str, day: i64) -> Result<(u64, i64)> {
    let r =
        p.db.fetch_optional(
            "SELECT used, resets FROM traffic_usage WHERE app_id = $1 AND subject = $2 AND day = $3",
            &args![app_id, subject, day],
        )
        .await?;
    Ok(match r {
        Some(r) => (u64::try_from(r.i64("used")?).unwrap_or(0), r.i64("resets")?),
        None => (0, 0),
    })
}

/// Counted calls not yet written: `(app_id, subject, day, delta)` (negative after give-backs).
pub type UsageDelta = (i64, String, i64, i64);

/// Adds a batch of counted calls to the persisted usage, in one transaction.
pub async fn flush_usage(p: &Platform, deltas: &[UsageDelta]) -> Result<()> {
    if deltas.is_empty() {
        return Ok(());
    }
    let mut tx = p.db.begin().await?;
    for (app_id, subject, day, delta) in deltas {
        tx.execute(
            "INSERT INTO traffic_usage (app_id, subject, day, used, resets) VALUES ($1, $2, $3, $4, 0)
             ON CONFLICT (app_id, subject, day) DO UPDATE SET used = traffic_usage.used + excluded.used",
            &args![*app_id, subject.as_str(), *day, *delta],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Why "reset today" is refused, if it is: usage must be above 60 % of today's quota and at
/// most 3 resets a day.
pub fn reset_refusal(used: u64, quota_today: u64, resets_done: i64) -> Option<Error> {
    if resets_done >= MAX_RESETS_PER_DAY {
        return Some(Error::state(format!(
            "today's quota was already reset {MAX_RESETS_PER_DAY} times; it resets by itself at midnight"
        )));
    }
    if used * 100 <= quota_today * RESET_THRESHOLD_PERCENT {
        return Some(Error::state(format!(
            "today's quota can be reset only when more than {RESET_THRESHOLD_PERCENT}% of it is used ({used} of {quota_today} so far)"
        )));
    }
    None
}

/// Records one "reset today" (each adds one day's quota) and returns the resets done today.
pub async fn record_reset(p: &Platform, app_id: i64, day: i64) -> Result<i64> {
    p.db.execute(
        "INSERT INTO traffic_usage (app_id, subject, day, used, resets) VALUES ($1, '', $2, 0, 1)
         ON CONFLICT (app_id, subject, day) DO UPDATE SET resets = traffic_usage.resets + 1",
        &args![app_id, day],
    )
    .await?;
    Ok(load_usage(p, app_id, "", day).await?.1)
}

/// `YYYY-MM-DD` of a day number (days since 1970-01-01).
pub fn day_string(day: i64) -> String {
    // Howard Hinnant's civil_from_days.
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    format!("{:04}-{:02}-{:02}", if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_render_as_dates() {
        assert_eq!(day_string(0), "1970-01-01");
        assert_eq!(day_string(20_784), "2026-11-27");
        assert_eq!(day_string(11_016), "2000-02-29");
    }

    #[test]
    fn reset_rule() {
        assert!(reset_refusal(60, 100, 0).is_some());
        assert!(reset_refusal(61, 100, 0).is_none());
        assert!(reset_refusal(99, 100, 3).is_some());
    }

    #[test]
    fn quotas_follow_state_and_tier() {
        let r = TrafficRules::new(false);
        let d = AppGateway::default();
        assert_eq!(d.daily_quota(&r, AppState::Developing), 100_000);
        assert_eq!(d.daily_quota(&r, AppState::Online), 1_000_000);
        let t = AppGateway {
            daily_tier: Some(500),
            ..d
        };
        assert_eq!(t.daily_quota(&r, AppState::Developing), 5_000_000);
        assert_eq!(t.qps(), 100);
    }
}
