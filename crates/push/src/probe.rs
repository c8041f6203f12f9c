//! The message test tool (消息测试工具, seed 001 §3.1.2): one sample message of a chosen event,
//! built by the same envelope code as fan-out, encrypted with the app's push key and sent once
//! to the app's push URL by the same [`Sender`] as real deliveries. Nothing is logged or
//! retried; the developer sees the plaintext, the encrypted body, the receiver's answer and
//! whether it counts as a success (HTTP 200 and `{"result":1}` within the timeout).

use kaifang_commerce::outbox::{self, EventDecl};
use kaifang_platform::accounts::Account;
use kaifang_platform::apps::users::{self, UserList};
use kaifang_platform::apps::{self};
use kaifang_platform::crypto::random_digits;
use kaifang_platform::oauth::open_ids;
use kaifang_platform::{Error, Platform, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use utoipa::ToSchema;

use crate::delivery::Sender;
use crate::fanout::{self, OutboxEvent};
use crate::settings;
use crate::ssrf::{self, Policy};

/// What the developer sends.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ProbeInput {
    /// Event name, e.g. `kwaishop_order_paySuccess`.
    pub event: String,
    /// The `info` payload as a JSON object (default: a sample with the declared fields).
    #[serde(default)]
    pub info: Option<Value>,
    /// The merchant the message is about: one of the app's test or authorized users (its
    /// `openId` for this developer is filled in); absent = a sample merchant 0.
    #[serde(default)]
    pub seller_id: Option<i64>,
}

/// What happened.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Probe {
    /// Where it went.
    pub url: String,
    /// The event sent.
    pub event: String,
    /// The `eventId` of the sample (`test_` + digits).
    pub event_id: String,
    /// The envelope JSON before encryption.
    pub plaintext: String,
    /// The body sent: Base64 of AES-128-CBC with the push key.
    pub ciphertext: String,
    /// The receiver's HTTP status, when it answered.
    pub http_status: Option<u16>,
    /// The receiver's body (up to 4 KiB), when it answered.
    pub receipt: Option<String>,
    /// From sending to the end of the answer, ms.
    pub latency_ms: i64,
    /// Whether it counts as delivered: HTTP 200 and `{"result":1}` within `timeout_ms`.
    pub ok: bool,
    /// Why not, when it does not.
    pub reason: Option<String>,
    /// The receipt timeout, ms.
    pub timeout_ms: u64,
    /// Set when `info` does not carry exactly the declared fields (sent anyway).
    pub warning: Option<String>,
}

/// A sample `info` for the message test tool: the declaration's shared example
/// ([`outbox::example::info`], the one the docs show), about merchant `seller_id` and at `now`.
pub fn sample_info(decl: &EventDecl, seller_id: i64, now: i64) -> Value {
    let mut info = outbox::example::info(decl);
    if let Value::Object(map) = &mut info {
        for (k, v) in map.iter_mut() {
            match k.as_str() {
                "sellerId" | "seller_id" => *v = json!(seller_id),
                "createTime" | "updateTime" | "auditTime" => *v = json!(now),
                // Fan-out fills the open ids in for the app's developer; so does the tool.
                "openId" | "buyerOpenId" => *v = json!(""),
                _ => {}
            }
        }
    }
    info
}

/// A plausible 16-digit business id that changes with time.
fn sample_biz_id(now: i64) -> i64 {
    2_600_000_000_000_000 + now.rem_euclid(100_000_000_000)
}

/// The business id an `info` names (order, refund or item), else a sample.
fn biz_id_of(info: &Map<String, Value>, now: i64) -> i64 {
    ["oid", "refundId", "itemId", "orderId", "bizId"]
        .iter()
        .find_map(|k| info.get(*k).and_then(Value::as_i64))
        .unwrap_or_else(|| sample_biz_id(now))
}

/// Sends one sample message of `input.event` to the push URL of app `key` (its developer).
/// The event's scope must be among the app's packages; the push URL must be saved.
pub async fn send(p: &Platform, owner: &Account, key: &str, input: &ProbeInput) -> Result<Probe> {
    let app = apps::owned(p, owner, key).await?;
    let app_key = app.app_key.clone().ok_or_else(|| {
        Error::state("push is tested after the app is approved and has its credentials")
    })?;
    let decl = outbox::declaration(input.event.trim()).ok_or_else(|| {
        Error::invalid(format!(
            "event {} does not exist; pick one of the declared events",
            input.event.trim()
        ))
    })?;
    if !settings::available_events(p, app.id)
        .await?
        .contains(&decl.name)
    {
        return Err(Error::forbidden(format!(
            "event {} needs the {} package, which this app does not hold; apply for it first",
            decl.name,
            decl.scope.as_str()
        )));
    }
    let url = settings::get(p, owner, key)
        .await?
        .url
        .ok_or_else(|| Error::state("save a push URL in the push settings first"))?;
    let now = p.now();
    let seller_id = input.seller_id.unwrap_or(0);
    let seller_open = match input.seller_id {
        Some(id) => {
            let listed = users::is_listed(p, app.id, id, UserList::Test).await?
                || users::is_listed(p, app.id, id, UserList::Authorized).await?;
            if !listed {
                return Err(Error::invalid(format!(
                    "merchant {id} is not a test user or authorized user of this app"
                )));
            }
            let mut tx = p.db.begin().await?;
            let open = open_ids::ensure(&mut tx, app.developer_id, id, now).await?;
            tx.commit().await?;
            open
        }
        None => String::new(),
    };
    let info = match &input.info {
        None | Some(Value::Null) => sample_info(decl, seller_id, now),
        Some(v @ Value::Object(_)) => v.clone(),
        Some(_) => return Err(Error::invalid("info must be a JSON object")),
    };
    let Value::Object(fields) = &info else {
        return Err(Error::invalid("info must be a JSON object"));
    };
    let same = fields.len() == decl.info_fields.len()
        && decl.info_fields.iter().all(|f| fields.contains_key(*f));
    let warning = (!same).then(|| {
        format!(
            "info differs from the declared fields of {}: {}",
            decl.name,
            decl.info_fields.join(", ")
        )
    });
    let event = OutboxEvent {
        id: 0,
        event: decl.name.to_string(),
        scope: decl.scope.as_str().to_string(),
        biz_id: biz_id_of(fields, now),
        seller_id,
        buyer_id: None,
        info: info.to_string(),
        created_at: now,
    };
    let event_id = format!("test_{}", random_digits(12));
    let plaintext = fanout::envelope(&event, &event_id, &app_key, &seller_open, None);
    let policy = Policy::for_sandbox(p.rules.sandbox);
    ssrf::check_url(policy, &url).await?;
    let push_key = settings::push_key(p, &app_key).await?;
    let sender = Sender::for_platform(p)?;
    let (outcome, exchange) = sender.exchange(&url, &push_key, &plaintext).await;
    Ok(Probe {
        url,
        event: decl.name.to_string(),
        event_id,
        plaintext,
        ciphertext: exchange.body,
        http_status: outcome.http_status,
        receipt: exchange.receipt,
        latency_ms: outcome.latency_ms,
        ok: outcome.ok,
        reason: outcome.reason,
        timeout_ms: p.rules.push.timeout_ms,
        warning,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_carry_exactly_the_declared_fields() {
        for decl in outbox::EVENTS {
            let info = sample_info(decl, 7, 1_795_737_600_000);
            let map = info.as_object().expect("object");
            assert_eq!(map.len(), decl.info_fields.len(), "{}", decl.name);
            for f in decl.info_fields {
                assert!(!map[*f].is_null(), "{}: no sample value for {f}", decl.name);
            }
        }
    }

    #[test]
    fn biz_id_comes_from_the_payload() {
        let info = json!({"oid": 42, "sellerId": 1});
        assert_eq!(biz_id_of(info.as_object().unwrap(), 0), 42);
        let none = json!({"x": 1});
        assert!(biz_id_of(none.as_object().unwrap(), 5) > 2_600_000_000_000_000);
    }
}
