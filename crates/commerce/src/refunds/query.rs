//! Refund queries in the wire shape of `open.seller.order.refund.pcursor.list` and
//! `open.seller.order.refund.detail` (protocol-notes §5.3).
//!
//! The list pages by keyset over `(create_time, id)` or `(update_time, id)` like the order
//! cursor list; `pcursor` is opaque, `""` first, `"nomore"` after the last page.

use kaifang_platform::Platform;
use kaifang_store::{Row, args};
use kaifang_wire::errors::ApiError;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::orders::query::{Keyset, NO_MORE, check_time_range};
use crate::{Error, Result};

fn list_entry(r: &Row) -> Result<Value, kaifang_store::Error> {
    Ok(json!({
        "oid": r.i64("order_id")?,
        "refundId": r.i64("id")?,
        "handlingWay": r.i64("handling_way")?,
        "negotiateStatus": r.i64("negotiate_status")?,
        "refundFee": r.i64("refund_fee")?,
        "skuId": r.i64("sku_id")?,
        "refundReason": r.i64("refund_reason")?,
        "refundReasonDesc": r.text("refund_reason_desc")?,
        "status": r.i64("status")?,
        "refundType": r.i64("refund_type")?,
        "buyerId": r.i64("buyer_id")?,
        "sellerId": r.i64("seller_id")?,
        "refundDesc": r.text("refund_desc")?,
        "submitTime": r.i64("submit_time")?,
        "itemId": r.i64("item_id")?,
        "relItemId": r.opt_text("rel_item_id")?,
        "relSkuId": r.opt_text("rel_sku_id")?,
        "skuNick": r.text("sku_nick")?,
        "logisticsId": 0,
        "receiptStatus": r.i64("receipt_status")?,
        "expireTime": r.i64("expire_time")?,
        "endTime": r.opt_i64("end_time")?.unwrap_or(0),
        "createTime": r.i64("create_time")?,
        "updateTime": r.i64("update_time")?,
    }))
}

/// `open.seller.order.refund.detail`; another merchant's refund is rejected (300012).
pub async fn refund_detail(p: &Platform, seller_id: i64, refund_id: i64) -> Result<Value> {
    if refund_id <= 0 {
        return Err(Error::new(
            ApiError::RefundIdBlank,
            "refundId is blank: send the refund's id",
        ));
    }
    let r =
        p.db.fetch_optional("SELECT * FROM refunds WHERE id = $1", &args![refund_id])
            .await?
            .ok_or_else(|| {
                Error::new(
                    ApiError::RefundNotFound,
                    format!("refund {refund_id} does not exist: check refundId"),
                )
            })?;
    if r.i64("seller_id")? != seller_id {
        return Err(Error::new(
            ApiError::RefundOperationRejected,
            format!(
                "refund order operation reject: refund {refund_id} does not belong to the authorized merchant"
            ),
        ));
    }
    let logistics = match (
        r.opt_i64("return_express_code")?,
        r.opt_text("return_express_no")?,
    ) {
        (Some(code), Some(no)) => json!({"expressNo": no, "expressCode": code}),
        _ => Value::Null,
    };
    Ok(json!({
        "refundId": refund_id,
        "oid": r.i64("order_id")?,
        "skuId": r.i64("sku_id")?,
        "itemId": r.i64("item_id")?,
        "relItemId": r.opt_text("rel_item_id")?,
        "relSkuId": r.opt_text("rel_sku_id")?,
        "skuNick": r.text("sku_nick")?,
        "refundFee": r.i64("refund_fee")?,
        "status": r.i64("status")?,
        "refundReason": r.i64("refund_reason")?,
        "refundReasonDesc": r.text("refund_reason_desc")?,
        "refundType": r.i64("refund_type")?,
        "handlingWay": r.i64("handling_way")?,
        "negotiateStatus": r.i64("negotiate_status")?,
        "receiptStatus": r.i64("receipt_status")?,
        "refundDesc": r.text("refund_desc")?,
        "pictures": [],
        "logisticsInfo": logistics,
        "buyerOpenId": "",
        "productNum": r.i64("product_num")?,
        "specialRefundType": 0,
        "exchangeInfo": null,
        "buyerExchangeAddress": null,
        "returnFreightInfo": null,
        "submitTime": r.i64("submit_time")?,
        "expireTime": r.i64("expire_time")?,
        "endTime": r.opt_i64("end_time")?.unwrap_or(0),
        "createTime": r.i64("create_time")?,
        "updateTime": r.i64("update_time")?,
    }))
}

/// `open.seller.order.refund.pcursor.list` parameters.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundListParams {
    /// Range start, ms.
    pub begin_time: i64,
    /// Range end, ms.
    pub end_time: i64,
    /// 8 awaiting the seller (status 10, 11, 40), 9 all (default).
    #[serde(default)]
    pub r#type: Option<i64>,
    /// 1–100.
    pub page_size: i64,
    /// Echoed back.
    #[serde(default)]
    pub current_page: Option<i64>,
    /// 1 newest first (default), 2 oldest first.
    #[serde(default)]
    pub sort: Option<i64>,
    /// 1 create time (default), 2 update time.
    #[serde(default)]
    pub query_type: Option<i64>,
    /// Only this negotiation status.
    #[serde(default)]
    pub negotiate_status: Option<i64>,
    /// `""` first page, then the returned `pcursor`.
    #[serde(default)]
    pub pcursor: String,
    /// Only this status.
    #[serde(default)]
    pub status: Option<i64>,
    /// Only this order.
    #[serde(default)]
    pub order_id: Option<i64>,
}

macro_rules! refund_page_sql {
    ($col:literal, $cmp:literal, $dir:literal) => {
        concat!(
            "SELECT * FROM refunds WHERE seller_id = $1 AND ", $col, " >= $2 AND ", $col,
            " <= $3 AND ($4 = 9 OR status IN (10, 11, 40)) AND ($5 = 0 OR status = $5) AND ($6 = 0 OR negotiate_status = $6) AND ($7 = 0 OR order_id = $7) AND (",
            $col, ", id) ", $cmp, " ($8, $9) ORDER BY ", $col, " ", $dir, ", id ", $dir, " LIMIT ($10 + 0)"
        )
    };
}

const CREATE_DESC: &str = refund_page_sql!("create_time", "<", "DESC");
const CREATE_ASC: &str = refund_page_sql!("create_time", ">", "ASC");
const UPDATE_DESC: &str = refund_page_sql!("update_time", "<", "DESC");
const UPDATE_ASC: &str = refund_page_sql!("update_time", ">", "ASC");

/// `open.seller.order.refund.pcursor.list`.
pub async fn refund_pcursor_list(
    p: &Platform,
    seller_id: i64,
    q: &RefundListParams,
) -> Result<Value> {
    let kind = q.r#type.unwrap_or(9);
    if kind != 8 && kind != 9 {
        return Err(Error::new(
            ApiError::RefundOrderTypeError,
            "type must be 8 (awaiting the seller) or 9 (all)",
        ));
    }
    if !(1..=100).contains(&q.page_size) {
        return Err(Error::invalid("pageSize must be 1 to 100"));
    }
    let negotiate = q.negotiate_status.unwrap_or(0);
    if !(0..=3).contains(&negotiate) {
        return Err(Error::new(
            ApiError::RefundNegotiateStatusInvalid,
            "negotiateStatus must be 0 (any), 1 pending, 2 agreed or 3 rejected",
        ));
    }
    let desc = match q.sort.unwrap_or(1) {
        1 => true,
        2 => false,
        _ => {
            return Err(Error::invalid(
                "sort must be 1 (newest first) or 2 (oldest first)",
            ));
        }
    };
    let by_update = match q.query_type.unwrap_or(1) {
        1 => false,
        2 => true,
        _ => {
            return Err(Error::invalid(
                "queryType must be 1 (create time) or 2 (update time)",
            ));
        }
    };
    check_time_range(p.now(), q.begin_time, q.end_time)?;
    let status = q.status.unwrap_or(0);
    let order = q.order_id.unwrap_or(0);
    let total = p
        .db
        .scalar(
            "SELECT COUNT(*) FROM refunds WHERE seller_id = $1 AND create_time >= $2 AND create_time <= $3 AND ($4 = 9 OR status IN (10, 11, 40)) AND ($5 = 0 OR status = $5) AND ($6 = 0 OR negotiate_status = $6) AND ($7 = 0 OR order_id = $7)",
            &args![seller_id, q.begin_time, q.end_time, kind, status, negotiate, order],
        )
        .await?;
    let head = |list: Vec<Value>, pcursor: String| {
        json!({
            "currentPage": q.current_page.unwrap_or(1),
            "pageSize": q.page_size,
            "totalPage": (total + q.page_size - 1) / q.page_size,
            "totalSize": total,
            "beginTime": q.begin_time,
            "endTime": q.end_time,
            "pcursor": pcursor,
            "refundOrderInfoList": list,
        })
    };
    if q.pcursor == NO_MORE {
        return Ok(head(vec![], NO_MORE.into()));
    }
    let keyset = Keyset { by_update, desc };
    let (t, id) = keyset.start(&q.pcursor)?;
    let (from, to) = keyset.range(q.begin_time, q.end_time, (t, id));
    let sql = keyset.pick([CREATE_DESC, CREATE_ASC, UPDATE_DESC, UPDATE_ASC]);
    let rows =
        p.db.fetch_all(
            sql,
            &args![
                seller_id,
                from,
                to,
                kind,
                status,
                negotiate,
                order,
                t,
                id,
                q.page_size + 1
            ],
        )
        .await?;
    let (page, pcursor) = keyset.page(&rows, q.page_size)?;
    let list = page.iter().map(list_entry).collect::<Result<Vec<_>, _>>()?;
    Ok(head(list, pcursor))
}
