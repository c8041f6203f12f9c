//! The heartbeat: `{"test":true}` to every enabled URL at a configurable interval. After N
//! consecutive failures the URL is paused (its deliveries wait, they are not dropped); the
//! first success resumes it. The developer is told both times: an in-app notification stored
//! in the same transaction as the change, then an e-mail after commit.

use kaifang_platform::notifications::{self, Outgoing};
use kaifang_platform::{Platform, Result};
use kaifang_store::args;

use crate::delivery::Outcome;

/// What a heartbeat changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Nothing (still healthy, or still paused, or not yet at the threshold).
    None,
    /// The URL was paused.
    Paused,
    /// The URL was resumed.
    Resumed,
}

/// Records a heartbeat's outcome for `app_id` and pauses or resumes its URL.
pub async fn record(p: &Platform, app_id: i64, url: &str, outcome: &Outcome) -> Result<Change> {
    let now = p.now();
    let threshold = p.rules.push.heartbeat_failures_to_pause;
    let mut tx = p.db.begin().await?;
    let Some(row) = tx
        .fetch_optional(
            "SELECT s.heartbeat_failures, s.paused_at, s.url, a.name, d.account_id FROM push_settings s
             JOIN apps a ON a.id = s.app_id JOIN developers d ON d.id = a.developer_id WHERE s.app_id = $1",
            &args![app_id],
        )
        .await?
    else {
        return Ok(Change::None);
    };
    // The URL changed while the heartbeat was on its way: its outcome says nothing about the new one.
    if row.opt_text("url")?.as_deref() != Some(url) {
        return Ok(Change::None);
    }
    let failures = row.i64("heartbeat_failures")?;
    let paused = row.opt_i64("paused_at")?.is_some();
    let name = row.text("name")?;
    let account_id = row.i64("account_id")?;
    let (change, note) = if outcome.ok {
        tx.execute(
            "UPDATE push_settings SET heartbeat_failures = 0, paused_at = NULL WHERE app_id = $1",
            &args![app_id],
        )
        .await?;
        if paused {
            let n = Outgoing {
                account_id,
                kind: "push.resumed",
                title: format!("应用「{name}」的推送已恢复 / push resumed"),
                body: format!(
                    "The push URL {url} answered the heartbeat again; waiting messages are being delivered."
                ),
            };
            (Change::Resumed, Some(n))
        } else {
            (Change::None, None)
        }
    } else {
        let failures = failures + 1;
        let pause = !paused && failures >= threshold;
        tx.execute(
            "UPDATE push_settings SET heartbeat_failures = $1, paused_at = CASE WHEN $2 = 1 THEN $3 ELSE paused_at END WHERE app_id = $4",
            &args![failures, pause, now, app_id],
        )
        .await?;
        if pause {
            let n = Outgoing {
                account_id,
                kind: "push.paused",
                title: format!("应用「{name}」的推送已暂停 / push paused"),
                body: format!(
                    "The push URL {url} failed {failures} heartbeats in a row (last: {}). Messages wait and are delivered once the URL answers HTTP 200 with {{\"result\":1}} again.",
                    outcome.reason.clone().unwrap_or_default()
                ),
            };
            (Change::Paused, Some(n))
        } else {
            (Change::None, None)
        }
    };
    let stored = match note {
        Some(n) => Some(notifications::store(&mut tx, now, n).await?),
        None => None,
    };
    tx.commit().await?;
    if let Some(n) = stored {
        notifications::email(p, &n).await;
    }
    Ok(change)
}
