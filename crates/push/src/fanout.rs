//! Fan-out: each outbox event becomes one message per app that should receive it, and a
//! `dropped` message, naming the filter, for each app that is related to the merchant (a live
//! or past authorization, or the merchant is its test user) but must not receive it.
//!
//! The filters are K4001's five reasons, checked in its order: the push switch is off (or no
//! URL), the app is not online (sandbox mode: not yet approved or taken down), the merchant's
//! authorization ended (revoked, expired, never given), the event is not subscribed, the
//! authorization lacks the event's scope.
//!
//! Crash safety: the messages of a batch are inserted and the batch's outbox rows marked
//! `dispatched_at` in ONE transaction, so an event is fanned out exactly once and every stored
//! message is due (`next_attempt_at`) the moment it exists.

use std::collections::HashMap;

use kaifang_platform::apps::AppState;
use kaifang_platform::oauth::open_ids;
use kaifang_platform::{Error, Platform, Result};
use kaifang_store::{Arg, Row, Tx, args};
use serde_json::{Value, json};

use crate::batch;
use crate::settings::split;

/// Why a message was not sent (K4001).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drop {
    /// Push switch off, or no push URL.
    PushOff,
    /// The app is not online (sandbox mode: it has no usable credentials).
    AppNotOnline,
    /// The merchant's authorization was revoked, expired or never given.
    NotAuthorized,
    /// The app did not subscribe to the event.
    NotSubscribed,
    /// The merchant did not grant the event's scope.
    ScopeNotGranted,
    /// Not one of K4001's filters: the event could not be fanned out (its row is unreadable or
    /// always fails); it was given up so that the events behind it flow. `last_error` says why.
    FanOutFailed,
    /// Not one of K4001's filters: the app was deleted while the message was pending.
    AppDeleted,
}

impl Drop {
    /// The name recorded in the message log.
    pub fn as_str(self) -> &'static str {
        match self {
            Drop::PushOff => "push_off",
            Drop::AppNotOnline => "app_not_online",
            Drop::NotAuthorized => "authorization_ended",
            Drop::NotSubscribed => "event_not_subscribed",
            Drop::ScopeNotGranted => "scope_not_granted",
            Drop::FanOutFailed => "fanout_failed",
            Drop::AppDeleted => "app_deleted",
        }
    }
}

/// One outbox row.
#[derive(Debug, Clone)]
pub struct OutboxEvent {
    /// Row id.
    pub id: i64,
    /// Event name.
    pub event: String,
    /// Scope name.
    pub scope: String,
    /// Order, refund or item id.
    pub biz_id: i64,
    /// Merchant.
    pub seller_id: i64,
    /// Buyer, if any.
    pub buyer_id: Option<i64>,
    /// `info` JSON text with empty openId fields.
    pub info: String,
    /// Event time, ms.
    pub created_at: i64,
}

impl OutboxEvent {
    fn from_row(r: &Row) -> Result<Self> {
        Ok(OutboxEvent {
            id: r.i64("id")?,
            event: r.text("event")?,
            scope: r.text("scope")?,
            biz_id: r.i64("biz_id")?,
            seller_id: r.i64("seller_id")?,
            buyer_id: r.opt_i64("buyer_id")?,
            info: r.text("info")?,
            created_at: r.i64("created_at")?,
        })
    }
}

/// The oldest events not yet fanned out: those that could be read, and the ids of rows that
/// could not (with why), which [`give_up_unreadable`] takes out of the way.
#[derive(Debug, Default)]
pub struct Pending {
    /// Readable events, oldest first.
    pub events: Vec<OutboxEvent>,
    /// Rows that did not parse: (outbox id, why).
    pub unreadable: Vec<(i64, String)>,
}

/// Reads up to `limit` events not yet fanned out.
pub async fn pending(p: &Platform, limit: usize) -> Result<Pending> {
    let rows =
        p.db.fetch_all(
            "SELECT id, event, scope, biz_id, seller_id, buyer_id, info, created_at FROM outbox
             WHERE dispatched_at IS NULL ORDER BY id LIMIT ($1 + 0)",
            &args![i64::try_from(limit).unwrap_or(500)],
        )
        .await?;
    let mut out = Pending::default();
    for r in &rows {
        match OutboxEvent::from_row(r) {
            Ok(e) => out.events.push(e),
            Err(err) => out.unreadable.push((r.i64("id")?, err.message)),
        }
    }
    Ok(out)
}

/// Marks an unreadable outbox row dispatched, so that it no longer blocks the outbox. Nothing
/// can be sent for it: its apps are unknown; the caller logs it.
pub async fn give_up_unreadable(p: &Platform, outbox_id: i64) -> Result<()> {
    p.db.execute(
        "UPDATE outbox SET dispatched_at = $1 WHERE id = $2 AND dispatched_at IS NULL",
        &args![p.now(), outbox_id],
    )
    .await?;
    Ok(())
}

/// Gives up on an event whose fan-out keeps failing on its own: every related app gets a
/// `dropped` message, with its K4001 filter when one applies and `fanout_failed` (and `why` as
/// the last error) when it would have received it; the event is marked dispatched. A message
/// that already exists for (event, app) is kept as it is.
pub async fn give_up(p: &Platform, e: &OutboxEvent, why: &str) -> Result<()> {
    let now = p.now();
    let channels = channels(p).await?;
    let candidates = candidates(p, e.seller_id, now).await?;
    let mut tx = p.db.begin().await?;
    for c in &candidates {
        let reason = match judge(p, c, channels.get(&c.app_id), e) {
            Err(drop) => drop,
            Ok(_) => Drop::FanOutFailed,
        };
        let error = (reason == Drop::FanOutFailed).then_some(why);
        tx.execute(
            "INSERT INTO push_messages (app_id, outbox_id, event_id, event, biz_id, seller_id, payload, status,
                drop_reason, last_error, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, '', 'dropped', $7, $8, $9, $10)
             ON CONFLICT (outbox_id, app_id) DO NOTHING",
            &args![
                c.app_id,
                e.id,
                format!("{}_{}", c.app_id, e.id),
                e.event.as_str(),
                e.biz_id,
                e.seller_id,
                reason.as_str(),
                error,
                e.created_at,
                now
            ],
        )
        .await?;
    }
    tx.execute(
        "UPDATE outbox SET dispatched_at = $1 WHERE id = $2",
        &args![now, e.id],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An app as fan-out sees it.
#[derive(Debug, Clone)]
struct Candidate {
    app_id: i64,
    app_key: Option<String>,
    developer_id: i64,
    state: Option<AppState>,
    /// The live authorization's scopes, if one is live.
    live_scopes: Option<Vec<String>>,
}

/// Push settings by app.
#[derive(Debug, Clone)]
struct Channel {
    on: bool,
    events: Vec<String>,
}

/// A message that fan-out stored for delivery.
#[derive(Debug, Clone)]
pub struct Stored {
    /// Message id.
    pub id: i64,
    /// App.
    pub app_id: i64,
    /// The envelope JSON.
    pub payload: String,
    /// Whether it was claimed (leased) for immediate delivery by this node.
    pub leased: bool,
}

/// What fan-out needs from the worker: whether an app's endpoint can take a message now.
pub trait Admission: Sync {
    /// Whether a fresh message for `app_id` should be leased and handed over at once (the
    /// endpoint is running, not paused, and its queue has room); otherwise it waits for the
    /// scheduler.
    fn admits(&self, app_id: i64) -> bool;
}

/// Fans out `events` in one transaction; returns the messages to deliver.
pub async fn fan_out(
    p: &Platform,
    events: &[OutboxEvent],
    admission: &(dyn Admission + Sync),
    open_id_cache: &mut HashMap<(i64, i64), String>,
) -> Result<Vec<Stored>> {
    let now = p.now();
    let channels = channels(p).await?;
    let mut sellers: HashMap<i64, Vec<Candidate>> = HashMap::new();
    for e in events {
        if let std::collections::hash_map::Entry::Vacant(slot) = sellers.entry(e.seller_id) {
            slot.insert(candidates(p, e.seller_id, now).await?);
        }
    }
    let lease_until = now + p.rules.push.lease;
    let mut stored = Vec::new();
    let mut fresh_ids: Vec<((i64, i64), String)> = Vec::new();
    let mut tx = p.db.begin().await?;
    let mut rows: Vec<[Arg; 13]> = Vec::new();
    let mut fresh: HashMap<(i64, i64), (String, bool)> = HashMap::new();
    for e in events {
        for c in sellers.get(&e.seller_id).into_iter().flatten() {
            let event_id = format!("{}_{}", c.app_id, e.id);
            match judge(p, c, channels.get(&c.app_id), e) {
                Err(drop) => rows.push(args![
                    c.app_id,
                    e.id,
                    event_id,
                    e.event.as_str(),
                    e.biz_id,
                    e.seller_id,
                    "",
                    "dropped",
                    drop.as_str(),
                    None::<i64>,
                    None::<i64>,
                    e.created_at,
                    now
                ]),
                Ok(app_key) => {
                    let seller_open = open_id(
                        &mut tx,
                        open_id_cache,
                        &mut fresh_ids,
                        c.developer_id,
                        e.seller_id,
                        now,
                    )
                    .await?;
                    let buyer_open = match e.buyer_id {
                        Some(b) => Some(
                            open_id(
                                &mut tx,
                                open_id_cache,
                                &mut fresh_ids,
                                c.developer_id,
                                b,
                                now,
                            )
                            .await?,
                        ),
                        None => None,
                    };
                    let payload = checked_envelope(
                        e,
                        &event_id,
                        app_key,
                        &seller_open,
                        buyer_open.as_deref(),
                    )?;
                    let leased = admission.admits(c.app_id);
                    rows.push(args![
                        c.app_id,
                        e.id,
                        event_id,
                        e.event.as_str(),
                        e.biz_id,
                        e.seller_id,
                        payload.as_str(),
                        "pending",
                        None::<&str>,
                        now,
                        leased.then_some(lease_until),
                        e.created_at,
                        now
                    ]);
                    fresh.insert((e.id, c.app_id), (payload, leased));
                }
            }
        }
    }
    let mut rest = rows.as_slice();
    for size in batch::plan_messages(rows.len()) {
        let (chunk, tail) = rest.split_at(batch::MESSAGE_SIZES[size]);
        rest = tail;
        let a: Vec<Arg> = chunk.iter().flat_map(|r| r.iter().cloned()).collect();
        for r in tx.fetch_all(&batch::INSERT_MESSAGES[size], &a).await? {
            let key = (r.i64("outbox_id")?, r.i64("app_id")?);
            if let Some((payload, leased)) = fresh.remove(&key) {
                stored.push(Stored {
                    id: r.i64("id")?,
                    app_id: key.1,
                    payload,
                    leased,
                });
            }
        }
    }
    let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
    for chunk in batch::padded_chunks(&ids) {
        let mut a: Vec<Arg> = vec![now.into()];
        a.extend(chunk.into_iter().map(Arg::from));
        tx.execute(&batch::MARK_DISPATCHED, &a).await?;
    }
    tx.commit().await?;
    open_id_cache.extend(fresh_ids);
    Ok(stored)
}

/// Applies the five filters; `Ok(app_key)` when the app should receive the event.
fn judge<'a>(
    p: &Platform,
    c: &'a Candidate,
    channel: Option<&Channel>,
    e: &OutboxEvent,
) -> std::result::Result<&'a str, Drop> {
    let channel = channel.filter(|ch| ch.on).ok_or(Drop::PushOff)?;
    let app_key = c.app_key.as_deref().ok_or(Drop::AppNotOnline)?;
    let online = match c.state {
        Some(AppState::Online) => true,
        Some(AppState::Developing | AppState::Scanning) => p.rules.sandbox,
        _ => false,
    };
    if !online {
        return Err(Drop::AppNotOnline);
    }
    let scopes = c.live_scopes.as_ref().ok_or(Drop::NotAuthorized)?;
    if !channel.events.contains(&e.event) {
        return Err(Drop::NotSubscribed);
    }
    if !scopes.contains(&e.scope) {
        return Err(Drop::ScopeNotGranted);
    }
    Ok(app_key)
}

async fn open_id(
    tx: &mut Tx,
    cache: &HashMap<(i64, i64), String>,
    fresh: &mut Vec<((i64, i64), String)>,
    developer_id: i64,
    account_id: i64,
    now: i64,
) -> Result<String> {
    let key = (developer_id, account_id);
    if let Some(v) = cache.get(&key) {
        return Ok(v.clone());
    }
    if let Some((_, v)) = fresh.iter().find(|(k, _)| *k == key) {
        return Ok(v.clone());
    }
    // Sandbox buyers need not be accounts; open ids exist only for accounts (and a failing
    // foreign key would block the whole batch), so such a buyer's open id is left empty (K4003).
    let known = tx
        .fetch_optional("SELECT id FROM accounts WHERE id = $1", &args![account_id])
        .await?;
    if known.is_none() {
        return Ok(String::new());
    }
    let v = open_ids::ensure(tx, developer_id, account_id, now).await?;
    fresh.push((key, v.clone()));
    Ok(v)
}

/// The message envelope (protocol-notes §4.2), openIds filled in for the app's developer, for
/// an event whose info is known to be JSON (examples, the message test tool); fan-out uses
/// [`checked_envelope`].
pub fn envelope(
    e: &OutboxEvent,
    event_id: &str,
    app_key: &str,
    seller_open: &str,
    buyer_open: Option<&str>,
) -> String {
    checked_envelope(e, event_id, app_key, seller_open, buyer_open).unwrap_or_else(|_| {
        let mut blank = e.clone();
        blank.info = "null".into();
        checked_envelope(&blank, event_id, app_key, seller_open, buyer_open).unwrap_or_default()
    })
}

/// [`envelope`], failing when the event's info is not JSON.
pub fn checked_envelope(
    e: &OutboxEvent,
    event_id: &str,
    app_key: &str,
    seller_open: &str,
    buyer_open: Option<&str>,
) -> Result<String> {
    // An event whose info is not JSON is corrupt: sending `"info":"null"` would be a lie.
    let mut info: Value = serde_json::from_str(&e.info).map_err(|err| {
        Error::invalid(format!(
            "outbox event {} ({}) has an info that is not JSON: {err}",
            e.id, e.event
        ))
    })?;
    if let Value::Object(map) = &mut info {
        if map.contains_key("openId") {
            map.insert("openId".into(), Value::from(seller_open));
        }
        if map.contains_key("buyerOpenId") {
            map.insert("buyerOpenId".into(), Value::from(buyer_open.unwrap_or("")));
        }
    }
    Ok(json!({
        "eventId": event_id,
        "bizId": e.biz_id,
        "userId": e.seller_id,
        "openId": seller_open,
        "appKey": app_key,
        "event": e.event,
        "info": info.to_string(),
        "createTime": e.created_at,
        "test": false,
        "msgId": format!("{}_{}", e.id, e.biz_id),
        "status": 2,
        "updateTime": e.created_at,
    })
    .to_string())
}

async fn channels(p: &Platform) -> Result<HashMap<i64, Channel>> {
    let rows =
        p.db.fetch_all(
            "SELECT app_id, enabled, url, events FROM push_settings",
            &[],
        )
        .await?;
    let mut out = HashMap::new();
    for r in &rows {
        let has_url = r.opt_text("url")?.is_some_and(|u| !u.is_empty());
        out.insert(
            r.i64("app_id")?,
            Channel {
                on: r.bool("enabled")? && has_url,
                events: split(&r.text("events")?),
            },
        );
    }
    Ok(out)
}

/// The apps related to a merchant: any authorization (live or past) or a test-user listing.
async fn candidates(p: &Platform, seller_id: i64, now: i64) -> Result<Vec<Candidate>> {
    let mut out: Vec<Candidate> = Vec::new();
    let auths = p
        .db
        .fetch_all(
            "SELECT o.app_id, o.scopes, o.revoked_at, o.expires_at, a.app_key, a.developer_id, a.state
             FROM oauth_authorizations o JOIN apps a ON a.id = o.app_id WHERE o.user_id = $1 ORDER BY o.id",
            &args![seller_id],
        )
        .await?;
    let tests = p
        .db
        .fetch_all(
            "SELECT u.app_id, a.app_key, a.developer_id, a.state
             FROM app_users u JOIN apps a ON a.id = u.app_id WHERE u.user_id = $1 AND u.list = 'test'",
            &args![seller_id],
        )
        .await?;
    for (r, is_auth) in auths
        .iter()
        .map(|r| (r, true))
        .chain(tests.iter().map(|r| (r, false)))
    {
        let app_id = r.i64("app_id")?;
        let live = is_auth
            && r.opt_i64("revoked_at")?.is_none()
            && r.opt_i64("expires_at")?.is_none_or(|t| t > now);
        let live_scopes = if live {
            Some(split(&r.text("scopes")?))
        } else {
            None
        };
        match out.iter_mut().find(|c| c.app_id == app_id) {
            Some(c) => {
                if live_scopes.is_some() {
                    c.live_scopes = live_scopes;
                }
            }
            None => out.push(Candidate {
                app_id,
                app_key: r.opt_text("app_key")?,
                developer_id: r.i64("developer_id")?,
                state: AppState::parse(&r.text("state")?),
                live_scopes,
            }),
        }
    }
    Ok(out)
}
