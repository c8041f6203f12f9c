//! An app's push settings (消息管理 - 消息通道 / 消息订阅): the push switch, the push URL and the
//! subscribed events. An app may subscribe only to events whose scope it holds. Saving a URL
//! first sends it the encrypted test message `{"test":true}`; the settings are saved only if
//! the URL answers with a correct receipt.

use kaifang_platform::accounts::Account;
use kaifang_platform::apps::{self, credentials, packages};
use kaifang_platform::{Error, Platform, Result};
use kaifang_store::args;
use kaifang_wire::push::{PushKey, TEST_MESSAGE};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::delivery::Sender;
use crate::ssrf::{self, Policy};

/// An app's push settings as the console shows them (the push key is shown by the credentials
/// reveal, not here).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PushSettings {
    /// App id.
    pub app_id: i64,
    /// The push switch.
    pub enabled: bool,
    /// Where messages go.
    pub url: Option<String>,
    /// Subscribed event names.
    pub events: Vec<String>,
    /// Events the app may subscribe to (their scope is among its packages).
    pub available_events: Vec<String>,
    /// Set while the URL is paused after failed heartbeats (ms); deliveries wait meanwhile.
    pub paused_at: Option<i64>,
}

/// What the developer saves.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct PushSettingsInput {
    /// The push URL (https, or http; loopback only in sandbox mode).
    pub url: Option<String>,
    /// The push switch.
    pub enabled: bool,
    /// Event names to subscribe to.
    #[serde(default)]
    pub events: Vec<String>,
}

/// The events whose scope app `app_id` holds.
pub async fn available_events(p: &Platform, app_id: i64) -> Result<Vec<&'static str>> {
    let granted = packages::granted(p, app_id).await?;
    Ok(kaifang_commerce::outbox::EVENTS
        .iter()
        .filter(|e| granted.iter().any(|g| g == e.scope.as_str()))
        .map(|e| e.name)
        .collect())
}

/// The settings of one app (its developer).
pub async fn get(p: &Platform, owner: &Account, key: &str) -> Result<PushSettings> {
    let app = apps::owned(p, owner, key).await?;
    load(p, app.id).await
}

async fn load(p: &Platform, app_id: i64) -> Result<PushSettings> {
    let available = available_events(p, app_id).await?;
    let row =
        p.db.fetch_optional(
            "SELECT enabled, url, events, paused_at FROM push_settings WHERE app_id = $1",
            &args![app_id],
        )
        .await?;
    let available_events = available.iter().map(|s| s.to_string()).collect();
    Ok(match row {
        Some(r) => PushSettings {
            app_id,
            enabled: r.bool("enabled")?,
            url: r.opt_text("url")?,
            events: split(&r.text("events")?),
            available_events,
            paused_at: r.opt_i64("paused_at")?,
        },
        None => PushSettings {
            app_id,
            enabled: false,
            url: None,
            events: Vec::new(),
            available_events,
            paused_at: None,
        },
    })
}

/// Comma-separated names to a list.
pub fn split(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(String::from)
        .collect()
}

/// Saves an app's settings after checking the events and, when a URL is given, testing it.
pub async fn save(
    p: &Platform,
    owner: &Account,
    key: &str,
    input: &PushSettingsInput,
) -> Result<PushSettings> {
    let app = apps::owned(p, owner, key).await?;
    let app_key = app.app_key.clone().ok_or_else(|| {
        Error::state("push is set up after the app is approved and has its credentials")
    })?;
    let events = checked_events(p, app.id, &input.events).await?;
    let url = input
        .url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty());
    if input.enabled && url.is_none() {
        return Err(Error::invalid(
            "turning push on needs a push URL: give \"url\"",
        ));
    }
    if let Some(url) = url {
        ssrf::check_url(Policy::for_sandbox(p.rules.sandbox), url).await?;
        let key = push_key(p, &app_key).await?;
        let sender = Sender::for_platform(p)?;
        let outcome = sender.send(url, &key, TEST_MESSAGE).await;
        if !outcome.ok {
            return Err(Error::invalid(format!(
                "the push URL did not pass the test message {TEST_MESSAGE}: {}; it must answer HTTP 200 with {{\"result\":1}} within {} ms",
                outcome.reason.unwrap_or_default(),
                p.rules.push.timeout_ms
            )));
        }
    }
    store(p, app.id, input.enabled, url, &events).await?;
    load(p, app.id).await
}

/// Saves without the URL test (the demo set-up, whose receiver may start later: the heartbeat
/// pauses the URL until it answers).
pub async fn store(
    p: &Platform,
    app_id: i64,
    enabled: bool,
    url: Option<&str>,
    events: &[String],
) -> Result<()> {
    let mut tx = p.db.begin().await?;
    tx.execute(
        "INSERT INTO push_settings (app_id, enabled, url, events, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (app_id) DO UPDATE SET enabled = $2, url = $3, events = $4, updated_at = $5,
            paused_at = CASE WHEN push_settings.url = $3 THEN push_settings.paused_at ELSE NULL END,
            heartbeat_failures = CASE WHEN push_settings.url = $3 THEN push_settings.heartbeat_failures ELSE 0 END",
        &args![app_id, enabled, url, events.join(","), p.now()],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Push on, `url`, and every event the app's packages allow (the `kaifang demo --push-url` set-up).
pub async fn configure_all(p: &Platform, app_id: i64, url: &str) -> Result<()> {
    ssrf::check_url(Policy::for_sandbox(p.rules.sandbox), url).await?;
    let events: Vec<String> = available_events(p, app_id)
        .await?
        .into_iter()
        .map(String::from)
        .collect();
    store(p, app_id, true, Some(url), &events).await
}

async fn checked_events(p: &Platform, app_id: i64, wanted: &[String]) -> Result<Vec<String>> {
    let available = available_events(p, app_id).await?;
    let mut out: Vec<String> = Vec::new();
    for name in wanted {
        let Some(decl) = kaifang_commerce::outbox::declaration(name) else {
            return Err(Error::invalid(format!(
                "event {name} does not exist; see available_events in GET /api/apps/{{app}}/push"
            )));
        };
        if !available.contains(&decl.name) {
            return Err(Error::forbidden(format!(
                "event {name} needs the {} package, which this app does not hold; apply for it first",
                decl.scope.as_str()
            )));
        }
        if !out.iter().any(|o| o == name) {
            out.push(decl.name.to_string());
        }
    }
    Ok(out)
}

/// The decoded push key of an app.
pub async fn push_key(p: &Platform, app_key: &str) -> Result<PushKey> {
    let secrets = credentials::active_secrets(p, app_key)
        .await?
        .ok_or_else(|| Error::state("the app has no credentials"))?;
    PushKey::from_base64(&secrets.push_key).map_err(|e| Error::internal(e.to_string()))
}
