//! `open.order.decrypt.batch`: plaintext under the platform's rules (protocol-notes §6.5).
//!
//! - at most [`DECRYPT_BATCH_MAX`] (100) entries per call;
//! - refused for orders more than [`DECRYPT_WINDOW_AFTER_SUCCESS`] (14 days) after the trade
//!   succeeded;
//! - free while the order has an open after-sales case;
//! - otherwise each order counts once per day (quota time zone, +08:00) against the merchant's
//!   daily quota ([`DEFAULT_DAILY_DECRYPT_QUOTA`] = 1000 unless set per merchant);
//! - every decryption writes an audit row: merchant, app, operator, order, field, time.
//!
//! The batch is one transaction: the usage and audit rows of a call commit together.

use kaifang_platform::Platform;
use kaifang_platform::clock::DAY;
use kaifang_store::args;
use kaifang_wire::errors::ApiError;
use serde::{Deserialize, Serialize};

use super::{PURPOSE_ADDRESS, PURPOSE_CONSIGNEE, PURPOSE_MOBILE, parse_token};
use crate::orders::OrderStatus;
use crate::{Error, Result};

/// Most entries in one decrypt call.
pub const DECRYPT_BATCH_MAX: usize = 100;
/// Orders cannot be decrypted this long after the trade succeeded.
pub const DECRYPT_WINDOW_AFTER_SUCCESS: i64 = 14 * DAY;
/// Orders a merchant may decrypt per day unless configured otherwise. The platform does not
/// publish its number; 1000 is generous for a small shop and low enough to show up in tests.
pub const DEFAULT_DAILY_DECRYPT_QUOTA: i64 = 1000;

/// One entry of `batchDecryptList`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DecryptItem {
    /// The order id, as a string.
    pub biz_id: String,
    /// An `encrypted*` token of that order.
    pub encrypted_data: String,
}

/// One entry of `batchDecryptResultList`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct DecryptResult {
    /// As sent.
    pub biz_id: String,
    /// As sent.
    pub encrypted_data: String,
    /// The plaintext, when `errorCode` is 1.
    pub decrypted_data: Option<String>,
    /// 1 = ok, else a catalogued code.
    pub error_code: i64,
    /// What went wrong, or `success`.
    pub error_msg: String,
}

/// Who decrypts: for the audit trail.
#[derive(Debug, Clone, Copy)]
pub struct Decryptor {
    /// The merchant whose orders these are.
    pub seller_id: i64,
    /// The app that called, if through the API.
    pub app_id: Option<i64>,
    /// The account acting (merchant or staff), if known.
    pub operator_id: Option<i64>,
}

/// The merchant's daily decrypt quota.
pub async fn daily_decrypt_quota(p: &Platform, seller_id: i64) -> Result<i64> {
    let r =
        p.db.fetch_optional(
            "SELECT daily_decrypt_quota FROM merchant_commerce_settings WHERE seller_id = $1",
            &args![seller_id],
        )
        .await?;
    Ok(match r {
        Some(r) => r.i64("daily_decrypt_quota")?,
        None => DEFAULT_DAILY_DECRYPT_QUOTA,
    })
}

/// Sets the merchant's daily decrypt quota (operator configuration).
pub async fn set_daily_decrypt_quota(p: &Platform, seller_id: i64, quota: i64) -> Result<()> {
    if quota < 0 {
        return Err(Error::invalid("the daily decrypt quota must be 0 or more"));
    }
    let mut tx = p.db.begin().await?;
    let n = tx
        .execute(
            "UPDATE merchant_commerce_settings SET daily_decrypt_quota = $2, updated_at = $3 WHERE seller_id = $1",
            &args![seller_id, quota, p.now()],
        )
        .await?;
    if n == 0 {
        tx.execute(
            "INSERT INTO merchant_commerce_settings (seller_id, daily_decrypt_quota, updated_at) VALUES ($1, $2, $3)",
            &args![seller_id, quota, p.now()],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

fn failed(item: &DecryptItem, e: Error) -> DecryptResult {
    DecryptResult {
        biz_id: item.biz_id.clone(),
        encrypted_data: item.encrypted_data.clone(),
        decrypted_data: None,
        error_code: e.code(),
        error_msg: e.message,
    }
}

/// Decrypts a batch. The call fails as a whole only for a batch over 100 or a storage fault;
/// each entry otherwise carries its own `errorCode`.
pub async fn decrypt(
    p: &Platform,
    who: Decryptor,
    list: &[DecryptItem],
) -> Result<Vec<DecryptResult>> {
    if list.is_empty() {
        return Err(Error::invalid(
            "batchDecryptList is empty: send 1 to 100 entries",
        ));
    }
    if list.len() > DECRYPT_BATCH_MAX {
        return Err(Error::invalid(format!(
            "batchDecryptList has {} entries: send at most {DECRYPT_BATCH_MAX} per call",
            list.len()
        )));
    }
    let now = p.now();
    let day = p.rules.traffic.day_of(now);
    let quota = daily_decrypt_quota(p, who.seller_id).await?;
    let mut tx = p.db.begin().await?;
    let mut out = Vec::with_capacity(list.len());
    for item in list {
        match decrypt_one(p, &mut tx, who, item, now, day, quota).await {
            Ok(plain) => out.push(DecryptResult {
                biz_id: item.biz_id.clone(),
                encrypted_data: item.encrypted_data.clone(),
                decrypted_data: Some(plain),
                error_code: 1,
                error_msg: "success".into(),
            }),
            Err(e) if e.api == ApiError::InternalError => return Err(e),
            Err(e) => out.push(failed(item, e)),
        }
    }
    tx.commit().await?;
    Ok(out)
}

async fn decrypt_one(
    p: &Platform,
    tx: &mut kaifang_store::Tx,
    who: Decryptor,
    item: &DecryptItem,
    now: i64,
    day: i64,
    quota: i64,
) -> Result<String> {
    let oid: i64 = item
        .biz_id
        .trim()
        .parse()
        .map_err(|_| Error::invalid(format!("bizId {:?} is not an order id", item.biz_id)))?;
    let sealed = parse_token(&item.encrypted_data).ok_or_else(|| {
        Error::invalid("encryptedData is not an encrypted field: send an encrypted* value from the order as returned")
    })?;
    let r = tx
        .fetch_optional(
            "SELECT status, success_time, consignee_enc, mobile_enc, address_enc FROM orders WHERE id = $1 AND seller_id = $2",
            &args![oid, who.seller_id],
        )
        .await?
        .ok_or_else(|| Error::order_rejected(oid))?;
    let (field, purpose) = if sealed == r.bytes("consignee_enc")? {
        ("consignee", PURPOSE_CONSIGNEE)
    } else if sealed == r.bytes("mobile_enc")? {
        ("mobile", PURPOSE_MOBILE)
    } else if sealed == r.bytes("address_enc")? {
        ("address", PURPOSE_ADDRESS)
    } else {
        return Err(Error::invalid(format!(
            "encryptedData is not one of order {oid}'s encrypted fields: send the encryptedConsignee, encryptedMobile or encryptedAddress of that order"
        )));
    };
    if r.i64("status")? == OrderStatus::Success.code()
        && let Some(t) = r.opt_i64("success_time")?
        && now > t + DECRYPT_WINDOW_AFTER_SUCCESS
    {
        return Err(Error::rejected(format!(
            "order {oid} succeeded more than 14 days ago: its personal data can no longer be decrypted"
        )));
    }
    let open_refunds = tx
        .scalar(
            "SELECT COUNT(*) FROM refunds WHERE order_id = $1 AND status NOT IN (60, 70)",
            &args![oid],
        )
        .await?;
    let free = open_refunds > 0;
    let seen = tx
        .fetch_optional(
            "SELECT charged FROM decrypt_usage WHERE seller_id = $1 AND day = $2 AND order_id = $3",
            &args![who.seller_id, day, oid],
        )
        .await?;
    let mut charged = false;
    if seen.is_none() {
        if !free {
            let used = tx
                .scalar(
                    "SELECT COUNT(*) FROM decrypt_usage WHERE seller_id = $1 AND day = $2 AND charged = 1",
                    &args![who.seller_id, day],
                )
                .await?;
            if used >= quota {
                return Err(Error::new(
                    ApiError::UserApiQuotaExceeded,
                    format!(
                        "the merchant's daily decrypt quota of {quota} orders is used up: orders decrypted today can be decrypted again, others tomorrow"
                    ),
                ));
            }
            charged = true;
        }
        tx.execute(
            "INSERT INTO decrypt_usage (seller_id, day, order_id, charged, created_at) VALUES ($1, $2, $3, $4, $5)",
            &args![who.seller_id, day, oid, charged, now],
        )
        .await?;
    }
    let plain = p
        .vault
        .open_str(purpose, &sealed)
        .map_err(|_| Error::internal("a stored personal field does not open with the vault key"))?;
    tx.execute(
        "INSERT INTO decrypt_audit (seller_id, app_id, operator_id, order_id, field, charged, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &args![who.seller_id, who.app_id, who.operator_id, oid, field, charged, now],
    )
    .await?;
    Ok(plain)
}

/// An app's decrypt rate over a period (protocol-notes §6.5: ≤ 5% allowed, < 1% targeted).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecryptRate {
    /// Distinct orders the app decrypted in the period.
    pub decrypted_orders: i64,
    /// Orders shipped in the period by the merchants the app decrypted for.
    pub shipped_orders: i64,
    /// decrypted / shipped (0 when nothing shipped).
    pub rate: f64,
}

/// The decrypt rate of `app_id` over `[from, to)`: distinct decrypted orders divided by the
/// orders shipped in the period by the merchants it decrypted for.
pub async fn decrypt_rate(p: &Platform, app_id: i64, from: i64, to: i64) -> Result<DecryptRate> {
    let decrypted = p
        .db
        .scalar(
            "SELECT COUNT(DISTINCT order_id) FROM decrypt_audit WHERE app_id = $1 AND created_at >= $2 AND created_at < $3",
            &args![app_id, from, to],
        )
        .await?;
    let shipped = p
        .db
        .scalar(
            "SELECT COUNT(*) FROM orders WHERE send_time >= $2 AND send_time < $3 AND seller_id IN (SELECT DISTINCT seller_id FROM decrypt_audit WHERE app_id = $1)",
            &args![app_id, from, to],
        )
        .await?;
    let rate = if shipped == 0 {
        0.0
    } else {
        decrypted as f64 / shipped as f64
    };
    Ok(DecryptRate {
        decrypted_orders: decrypted,
        shipped_orders: shipped,
        rate,
    })
}
