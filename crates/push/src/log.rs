//! The message log (消息管理 - 消息查询): an app's messages with their attempts, filtered by
//! event, status and time; manual re-push of one message or of every failed message in a time
//! range; and the daily push success rate for the dashboard.

use kaifang_platform::accounts::Account;
use kaifang_platform::apps;
use kaifang_platform::clock::DAY;
use kaifang_platform::{Error, Platform, Result};
use kaifang_store::{Row, args};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// One message as the log shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Message {
    /// Message id.
    pub id: i64,
    /// The `eventId` sent (the same on every attempt).
    pub event_id: String,
    /// Event name.
    pub event: String,
    /// Order, refund or item id.
    pub biz_id: i64,
    /// Merchant.
    pub seller_id: i64,
    /// `pending`, `delivered`, `failed` or `dropped`.
    pub status: String,
    /// For `dropped`: the filter that stopped it (`push_off`, `app_not_online`,
    /// `authorization_ended`, `event_not_subscribed`, `scope_not_granted`), or
    /// `fanout_failed` (the event could not be turned into a message; `last_error` says why) or
    /// `app_deleted` (the app was deleted while the message was pending).
    pub drop_reason: Option<String>,
    /// Attempts so far.
    pub attempts: i64,
    /// When the next attempt is due (pending).
    pub next_attempt_at: Option<i64>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// The event's time, ms.
    pub created_at: i64,
    /// When delivered, ms.
    pub delivered_at: Option<i64>,
    /// The envelope JSON (empty for dropped messages); only in the single-message view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
    /// The attempts, oldest first; only in the single-message view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempt_log: Option<Vec<Attempt>>,
}

/// One delivery attempt.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Attempt {
    /// When the outcome was known, ms.
    pub at: i64,
    /// HTTP status, if an answer came.
    pub http_status: Option<i64>,
    /// Latency, ms.
    pub latency_ms: i64,
    /// Whether the receipt was correct.
    pub ok: bool,
    /// Why it failed.
    pub reason: Option<String>,
}

/// Log filters.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct Filter {
    /// Event name.
    pub event: Option<String>,
    /// `pending`, `delivered`, `failed` or `dropped`.
    pub status: Option<String>,
    /// From (ms, inclusive), by event time.
    pub from: Option<i64>,
    /// To (ms, exclusive).
    pub to: Option<i64>,
    /// At most this many, newest first (100, at most 1000).
    pub limit: Option<i64>,
}

/// Every message status, in the order of its life.
pub const STATUSES: &[&str] = &["pending", "delivered", "failed", "dropped"];

fn message(r: &Row) -> Result<Message> {
    Ok(Message {
        id: r.i64("id")?,
        event_id: r.text("event_id")?,
        event: r.text("event")?,
        biz_id: r.i64("biz_id")?,
        seller_id: r.i64("seller_id")?,
        status: r.text("status")?,
        drop_reason: r.opt_text("drop_reason")?,
        attempts: r.i64("attempts")?,
        next_attempt_at: r.opt_i64("next_attempt_at")?,
        last_error: r.opt_text("last_error")?,
        created_at: r.i64("created_at")?,
        delivered_at: r.opt_i64("delivered_at")?,
        payload: None,
        attempt_log: None,
    })
}

/// An app's messages (its developer, or an operator).
pub async fn list(p: &Platform, viewer: &Account, key: &str, f: &Filter) -> Result<Vec<Message>> {
    let app = apps::visible(p, viewer, key).await?;
    if let Some(s) = &f.status
        && !STATUSES.contains(&s.as_str())
    {
        return Err(Error::invalid(format!(
            "status must be one of {}",
            STATUSES.join(", ")
        )));
    }
    let rows = p
        .db
        .fetch_all(
            "SELECT id, event_id, event, biz_id, seller_id, status, drop_reason, attempts, next_attempt_at, last_error,
                created_at, delivered_at
             FROM push_messages WHERE app_id = $1 AND ($2 = '' OR event = $2) AND ($3 = '' OR status = $3)
             AND created_at >= $4 AND created_at < $5 ORDER BY id DESC LIMIT $6",
            &args![
                app.id,
                f.event.clone().unwrap_or_default(),
                f.status.clone().unwrap_or_default(),
                f.from.unwrap_or(0),
                f.to.unwrap_or(i64::MAX),
                f.limit.unwrap_or(100).clamp(1, 1000)
            ],
        )
        .await?;
    rows.iter().map(message).collect()
}

/// One message with its envelope and attempts.
pub async fn get(p: &Platform, viewer: &Account, key: &str, id: i64) -> Result<Message> {
    let app = apps::visible(p, viewer, key).await?;
    let r = p
        .db
        .fetch_optional(
            "SELECT id, event_id, event, biz_id, seller_id, status, drop_reason, attempts, next_attempt_at, last_error,
                created_at, delivered_at, payload
             FROM push_messages WHERE id = $1 AND app_id = $2",
            &args![id, app.id],
        )
        .await?
        .ok_or_else(|| Error::not_found(format!("message {id} does not exist for this app")))?;
    let mut m = message(&r)?;
    m.payload = Some(r.text("payload")?);
    let attempts = p
        .db
        .fetch_all(
            "SELECT at, http_status, latency_ms, ok, reason FROM push_attempts WHERE message_id = $1 ORDER BY id",
            &args![id],
        )
        .await?;
    m.attempt_log = Some(
        attempts
            .iter()
            .map(|a| {
                Ok(Attempt {
                    at: a.i64("at")?,
                    http_status: a.opt_i64("http_status")?,
                    latency_ms: a.i64("latency_ms")?,
                    ok: a.bool("ok")?,
                    reason: a.opt_text("reason")?,
                })
            })
            .collect::<Result<_>>()?,
    );
    Ok(m)
}

/// Re-pushes one message now, with a fresh retry schedule (its developer). Dropped messages
/// cannot be re-pushed: a filter stopped them.
pub async fn repush(p: &Platform, owner: &Account, key: &str, id: i64) -> Result<Message> {
    let app = apps::owned(p, owner, key).await?;
    let now = p.now();
    let n = p
        .db
        .execute(
            "UPDATE push_messages SET status = 'pending', step = 0, next_attempt_at = $1, lease_until = NULL, updated_at = $1
             WHERE id = $2 AND app_id = $3 AND status <> 'dropped'",
            &args![now, id, app.id],
        )
        .await?;
    if n == 0 {
        let exists =
            p.db.fetch_optional(
                "SELECT drop_reason FROM push_messages WHERE id = $1 AND app_id = $2",
                &args![id, app.id],
            )
            .await?;
        return Err(match exists {
            Some(r) => Error::state(format!(
                "message {id} was not sent ({}): fix that and new events will flow; dropped messages are not re-pushed",
                r.opt_text("drop_reason")?.unwrap_or_default()
            )),
            None => Error::not_found(format!("message {id} does not exist for this app")),
        });
    }
    get(p, owner, key, id).await
}

/// A time range.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct Range {
    /// From (ms, inclusive), by event time.
    pub from: i64,
    /// To (ms, exclusive).
    pub to: i64,
}

/// How many messages were re-queued.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Requeued {
    /// Count.
    pub requeued: u64,
}

/// Re-pushes every failed message of the range (its developer).
pub async fn repush_failed(
    p: &Platform,
    owner: &Account,
    key: &str,
    range: &Range,
) -> Result<Requeued> {
    let app = apps::owned(p, owner, key).await?;
    if range.to <= range.from {
        return Err(Error::invalid(
            "\"to\" must be after \"from\" (ms since the epoch)",
        ));
    }
    let now = p.now();
    let n = p
        .db
        .execute(
            "UPDATE push_messages SET status = 'pending', step = 0, next_attempt_at = $1, lease_until = NULL, updated_at = $1
             WHERE app_id = $2 AND status = 'failed' AND created_at >= $3 AND created_at < $4",
            &args![now, app.id, range.from, range.to],
        )
        .await?;
    Ok(Requeued { requeued: n })
}

/// One day of the dashboard's push figures.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DayStats {
    /// The day, `YYYY-MM-DD` in the platform's quota time zone (+08:00).
    pub day: String,
    /// Messages to send that day (dropped ones excluded).
    pub total: i64,
    /// Delivered.
    pub delivered: i64,
    /// Failed after every retry.
    pub failed: i64,
    /// Still pending.
    pub pending: i64,
    /// delivered / total (1 when nothing was sent).
    pub success_rate: f64,
}

/// The last `days` days (1..=90), oldest first.
pub async fn stats(p: &Platform, viewer: &Account, key: &str, days: i64) -> Result<Vec<DayStats>> {
    let app = apps::visible(p, viewer, key).await?;
    let days = days.clamp(1, 90);
    let offset = p.rules.traffic.day_offset;
    let today = p.rules.traffic.day_of(p.now());
    let first = today - days + 1;
    let rows =
        p.db.fetch_all(
            "SELECT (created_at + $2) / 86400000 AS day, status, COUNT(*) AS n FROM push_messages
             WHERE app_id = $1 AND created_at >= $3 AND status <> 'dropped' GROUP BY 1, 2",
            &args![app.id, offset, first * DAY - offset],
        )
        .await?;
    let mut out: Vec<DayStats> = (first..=today)
        .map(|d| DayStats {
            day: day_name(d),
            total: 0,
            delivered: 0,
            failed: 0,
            pending: 0,
            success_rate: 1.0,
        })
        .collect();
    for r in &rows {
        let Some(slot) = usize::try_from(r.i64("day")? - first)
            .ok()
            .and_then(|i| out.get_mut(i))
        else {
            continue;
        };
        let n = r.i64("n")?;
        slot.total += n;
        match r.text("status")?.as_str() {
            "delivered" => slot.delivered += n,
            "failed" => slot.failed += n,
            _ => slot.pending += n,
        }
    }
    for s in &mut out {
        if s.total > 0 {
            s.success_rate = s.delivered as f64 / s.total as f64;
        }
    }
    Ok(out)
}

/// `YYYY-MM-DD` of a day number (days since 1970-01-01), proleptic Gregorian.
fn day_name(days: i64) -> String {
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn day_names() {
        assert_eq!(super::day_name(0), "1970-01-01");
        assert_eq!(super::day_name(20_784), "2026-11-27");
    }
}
