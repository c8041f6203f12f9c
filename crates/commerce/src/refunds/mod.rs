//! Refunds and after-sales (`merchant_refund`): the buyer opens a case, the seller approves,
//! approves the return, rejects with a catalogued reason, or confirms receipt of the returned
//! goods ([`status`] holds the machine). Queries in the wire shape of §5.3 are in [`query`].
//!
//! Every change writes `kwaishop_aftersales_addRefund` / `kwaishop_aftersales_updateRefund` in
//! its own transaction. A refund-only case granted on a paid, unshipped order also closes the
//! order (80, `kwaishop_order_orderFail`).

pub mod query;
mod status;

pub use status::{RefundAction, RefundStatus, event_type};

use kaifang_platform::Platform;
use kaifang_platform::clock::DAY;
use kaifang_store::{Row, Tx, args};
use kaifang_wire::errors::ApiError;
use serde::Serialize;
use serde_json::json;

use crate::logistics::{self, carriers};
use crate::orders::{self, OrderStatus};
use crate::outbox::{self, Event};
use crate::{Error, Result, ids};

/// handlingWay: return and refund.
pub const RETURN_AND_REFUND: i64 = 1;
/// handlingWay: exchange.
pub const EXCHANGE: i64 = 3;
/// handlingWay: refund only.
pub const REFUND_ONLY: i64 = 10;
/// How long the seller has to answer a new case.
pub const SELLER_RESPONSE_WINDOW: i64 = 2 * DAY;

/// A rejection reason (`open.refund.reject.reason`).
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RejectReason {
    /// `reasonCode` to send to `open.refund.reject`.
    pub code: i64,
    /// What it means.
    pub desc: &'static str,
    /// Advice shown to the seller.
    pub tip: &'static str,
    /// `rejectDesc` must be sent.
    pub required_reject_desc: bool,
    /// `rejectImages` must be sent.
    pub required_reject_image: bool,
}

/// The reasons a seller may reject with.
pub const REJECT_REASONS: &[RejectReason] = &[
    RejectReason {
        code: 1,
        desc: "商品已发货，请买家拒收或收货后申请退货",
        tip: "请填写物流信息说明",
        required_reject_desc: true,
        required_reject_image: false,
    },
    RejectReason {
        code: 2,
        desc: "买家退回商品影响二次销售",
        tip: "请上传商品照片",
        required_reject_desc: true,
        required_reject_image: true,
    },
    RejectReason {
        code: 3,
        desc: "买家未退回商品",
        tip: "",
        required_reject_desc: false,
        required_reject_image: false,
    },
    RejectReason {
        code: 4,
        desc: "退款金额超出协商金额",
        tip: "",
        required_reject_desc: false,
        required_reject_image: false,
    },
    RejectReason {
        code: 5,
        desc: "其他原因",
        tip: "请说明拒绝原因",
        required_reject_desc: true,
        required_reject_image: false,
    },
];

/// What a buyer submits to open a case.
#[derive(Debug, Clone)]
pub struct NewRefund {
    /// The order.
    pub oid: i64,
    /// 1 return + refund, 10 refund only, 3 exchange.
    pub handling_way: i64,
    /// Reason code (free for the buyer's app).
    pub reason: i64,
    /// Reason text.
    pub reason_desc: String,
    /// Buyer's description.
    pub desc: String,
    /// Amount asked, fen; `None` = the whole order.
    pub refund_fee: Option<i64>,
}

async fn emit_refund(
    tx: &mut Tx,
    r: &Row,
    status: RefundStatus,
    event_type: Option<i64>,
    now: i64,
) -> Result<()> {
    let id = r.i64("id")?;
    let mut info = json!({
        "orderId": r.i64("order_id")?,
        "refundId": id,
        "handlingWay": r.i64("handling_way")?,
        "specialRefundType": 0,
        "status": status.code(),
    });
    let name = match event_type {
        None => {
            info["createTime"] = now.into();
            outbox::REFUND_ADD
        }
        Some(t) => {
            info["eventType"] = t.into();
            info["updateTime"] = now.into();
            outbox::REFUND_UPDATE
        }
    };
    outbox::emit(
        tx,
        Event {
            name,
            biz_id: id,
            seller_id: r.i64("seller_id")?,
            buyer_id: Some(r.i64("buyer_id")?),
            info,
        },
        now,
    )
    .await
}

/// The buyer opens an after-sales case; writes `kwaishop_aftersales_addRefund`.
pub async fn open_refund(
    p: &Platform,
    seller_id: i64,
    req: &NewRefund,
) -> Result<(i64, RefundStatus)> {
    open_refund_at(p, seller_id, req, p.now()).await
}

pub(crate) async fn open_refund_at(
    p: &Platform,
    seller_id: i64,
    req: &NewRefund,
    now: i64,
) -> Result<(i64, RefundStatus)> {
    let status = match req.handling_way {
        REFUND_ONLY => RefundStatus::RefundRequested,
        RETURN_AND_REFUND | EXCHANGE => RefundStatus::ReturnRequested,
        _ => {
            return Err(Error::new(
                ApiError::RefundHandlingWayError,
                "handlingWay must be 1 (return and refund), 10 (refund only) or 3 (exchange)",
            ));
        }
    };
    let mut tx = p.db.begin().await?;
    let order = orders::own_order(&mut tx, seller_id, req.oid).await?;
    let os = OrderStatus::from_code(order.i64("status")?)?;
    let shipped = matches!(
        os,
        OrderStatus::Shipped | OrderStatus::Received | OrderStatus::Success
    );
    if !(os == OrderStatus::Paid || shipped) {
        return Err(Error::rejected(format!(
            "order {} is {} (status {}): after-sales needs a paid order",
            req.oid,
            os.name(),
            os.code()
        )));
    }
    if req.handling_way != REFUND_ONLY && !shipped {
        return Err(Error::new(
            ApiError::RefundHandlingWayError,
            format!(
                "order {} has not been shipped: only a refund (handlingWay 10) is possible",
                req.oid
            ),
        ));
    }
    let open = tx
        .scalar(
            "SELECT COUNT(*) FROM refunds WHERE order_id = $1 AND status NOT IN (60, 70)",
            &args![req.oid],
        )
        .await?;
    if open > 0 {
        return Err(Error::rejected(format!(
            "order {} already has an open after-sales case",
            req.oid
        )));
    }
    let total = order.i64("total_fee")?;
    let fee = req.refund_fee.unwrap_or(total);
    if fee <= 0 {
        return Err(Error::new(
            ApiError::RefundAmountZero,
            "the refund amount must be positive (fen)",
        ));
    }
    if fee > total {
        return Err(Error::invalid(format!(
            "the refund amount {fee} exceeds the order's total {total} (fen)"
        )));
    }
    let line = tx
        .fetch_one(
            "SELECT item_id, sku_id, rel_item_id, rel_sku_id, sku_nick, num FROM order_items WHERE order_id = $1 ORDER BY id LIMIT 1",
            &args![req.oid],
        )
        .await?;
    let mut id = 0;
    for _ in 0..ids::ID_ATTEMPTS {
        let candidate = ids::refund_id();
        if tx
            .fetch_optional("SELECT id FROM refunds WHERE id = $1", &args![candidate])
            .await?
            .is_none()
        {
            id = candidate;
            break;
        }
    }
    if id == 0 {
        return Err(Error::internal("could not find a free refund id; retry"));
    }
    tx.execute(
        "INSERT INTO refunds (id, order_id, seller_id, buyer_id, item_id, sku_id, rel_item_id, rel_sku_id, sku_nick, product_num, handling_way, negotiate_status, status, refund_fee, refund_reason, refund_reason_desc, refund_desc, refund_type, receipt_status, submit_time, expire_time, create_time, update_time) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $13, $14, $15, $16, 1, $17, $18, $19, $18, $18)",
        &args![id, req.oid, seller_id, order.i64("buyer_id")?, line.i64("item_id")?, line.i64("sku_id")?, line.opt_text("rel_item_id")?, line.opt_text("rel_sku_id")?, line.text("sku_nick")?, line.i64("num")?, req.handling_way, status.code(), fee, req.reason, req.reason_desc.clone(), req.desc.clone(), if shipped { 2 } else { 1 }, now, now + SELLER_RESPONSE_WINDOW],
    )
    .await?;
    tx.execute(
        "UPDATE orders SET update_time = $2 WHERE id = $1",
        &args![req.oid, now],
    )
    .await?;
    let row = tx
        .fetch_one("SELECT * FROM refunds WHERE id = $1", &args![id])
        .await?;
    emit_refund(&mut tx, &row, status, None, now).await?;
    orders::view::store(&mut tx, req.oid).await?;
    tx.commit().await?;
    Ok((id, status))
}

/// Loads a refund for a change by its seller; another merchant's is rejected (300012).
pub(crate) async fn own_refund(tx: &mut Tx, seller_id: i64, refund_id: i64) -> Result<Row> {
    if refund_id <= 0 {
        return Err(Error::new(
            ApiError::RefundIdBlank,
            "refundId is blank: send the refund's id",
        ));
    }
    let r = tx
        .fetch_optional("SELECT * FROM refunds WHERE id = $1", &args![refund_id])
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
    Ok(r)
}

/// Applies one step: status, negotiation, extra columns, event, and the order's closure.
async fn step(
    p: &Platform,
    seller_id: i64,
    refund_id: i64,
    action: RefundAction,
    now: i64,
    check: impl FnOnce(&Row) -> Result<()>,
    extra: Option<(&'static str, Vec<kaifang_store::Arg>)>,
) -> Result<RefundStatus> {
    let mut tx = p.db.begin().await?;
    let r = own_refund(&mut tx, seller_id, refund_id).await?;
    let from = RefundStatus::from_code(r.i64("status")?)?;
    let to = from.next(refund_id, r.i64("handling_way")?, action)?;
    check(&r)?;
    let negotiate = match action {
        RefundAction::Reject => 3,
        RefundAction::Approve | RefundAction::ApproveReturn => 2,
        _ => r.i64("negotiate_status")?,
    };
    let end_time = if to.is_final() { Some(now) } else { None };
    tx.execute(
        "UPDATE refunds SET status = $2, negotiate_status = $3, end_time = $4, update_time = $5 WHERE id = $1",
        &args![refund_id, to.code(), negotiate, end_time, now],
    )
    .await?;
    if let Some((sql, args)) = extra {
        tx.execute(sql, &args).await?;
    }
    let oid = r.i64("order_id")?;
    tx.execute(
        "UPDATE orders SET update_time = $2 WHERE id = $1",
        &args![oid, now],
    )
    .await?;
    emit_refund(&mut tx, &r, to, Some(event_type(action)), now).await?;
    if to == RefundStatus::Refunded && r.i64("handling_way")? == REFUND_ONLY {
        let order = tx
            .fetch_one("SELECT * FROM orders WHERE id = $1", &args![oid])
            .await?;
        if order.i64("status")? == OrderStatus::Paid.code() {
            orders::close_for_refund(&mut tx, &order, now).await?;
        }
    }
    orders::view::store(&mut tx, oid).await?;
    tx.commit().await?;
    Ok(to)
}

/// `open.seller.order.refund.approve`: grants the refund of `refund_amount` fen.
pub async fn approve(
    p: &Platform,
    seller_id: i64,
    refund_id: i64,
    refund_amount: i64,
) -> Result<RefundStatus> {
    if refund_amount <= 0 {
        return Err(Error::new(
            ApiError::RefundAmountZero,
            "refundAmount must be a positive amount in fen",
        ));
    }
    step(
        p,
        seller_id,
        refund_id,
        RefundAction::Approve,
        p.now(),
        |r| {
            let fee = r.i64("refund_fee")?;
            if refund_amount > fee {
                return Err(Error::invalid(format!(
                    "refundAmount {refund_amount} exceeds the amount the buyer asked for, {fee} fen"
                )));
            }
            Ok(())
        },
        Some((
            "UPDATE refunds SET refund_fee = $2 WHERE id = $1",
            args![refund_id, refund_amount].to_vec(),
        )),
    )
    .await
}

/// `open.seller.order.refund.returngoods.approve`: the buyer may send the goods back to
/// `address_id` (one of the merchant's return addresses).
pub async fn approve_return(
    p: &Platform,
    seller_id: i64,
    refund_id: i64,
    refund_amount: i64,
    address_id: Option<i64>,
) -> Result<RefundStatus> {
    if refund_amount <= 0 {
        return Err(Error::new(
            ApiError::RefundAmountZero,
            "refundAmount must be a positive amount in fen",
        ));
    }
    if let Some(a) = address_id {
        logistics::get_return_address(p, seller_id, a).await?;
    }
    step(
        p,
        seller_id,
        refund_id,
        RefundAction::ApproveReturn,
        p.now(),
        |r| {
            let fee = r.i64("refund_fee")?;
            if refund_amount > fee {
                return Err(Error::invalid(format!(
                    "refundAmount {refund_amount} exceeds the amount asked for, {fee} fen"
                )));
            }
            Ok(())
        },
        Some((
            "UPDATE refunds SET return_address_id = $2, refund_fee = $3 WHERE id = $1",
            args![refund_id, address_id, refund_amount].to_vec(),
        )),
    )
    .await
}

/// `open.refund.reject` parameters.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reject {
    /// The refund.
    pub refund_id: i64,
    /// A code from [`REJECT_REASONS`].
    pub reason_code: i64,
    /// The refund's `updateTime` as read (optimistic check, 300014).
    pub refund_version: i64,
    /// Explanation.
    #[serde(default)]
    pub reject_desc: String,
    /// Evidence images (≤ 6).
    #[serde(default)]
    pub reject_images: Vec<String>,
}

/// `open.refund.reject`.
pub async fn reject(p: &Platform, seller_id: i64, req: &Reject) -> Result<RefundStatus> {
    let reason = REJECT_REASONS
        .iter()
        .find(|r| r.code == req.reason_code)
        .ok_or_else(|| {
            Error::invalid(format!(
                "reasonCode {} is not one of open.refund.reject.reason's codes",
                req.reason_code
            ))
        })?;
    if reason.required_reject_desc && req.reject_desc.trim().is_empty() {
        return Err(Error::new(
            ApiError::RefundDescBlank,
            format!("reasonCode {} needs a rejectDesc", reason.code),
        ));
    }
    if reason.required_reject_image && req.reject_images.is_empty() {
        return Err(Error::invalid(format!(
            "reasonCode {} needs at least one rejectImages URL",
            reason.code
        )));
    }
    if req.reject_images.len() > 6 {
        return Err(Error::invalid("rejectImages holds at most 6 URLs"));
    }
    let version = req.refund_version;
    step(
        p,
        seller_id,
        req.refund_id,
        RefundAction::Reject,
        p.now(),
        |r| {
            if r.i64("update_time")? != version {
                return Err(Error::new(
                    ApiError::RefundUpdated,
                    format!("refundVersion {version} is stale: the refund changed; fetch it again and send its updateTime"),
                ));
            }
            Ok(())
        },
        Some(("UPDATE refunds SET reject_reason_code = $2, reject_desc = $3 WHERE id = $1", args![req.refund_id, req.reason_code, req.reject_desc.trim()].to_vec())),
    )
    .await
}

/// The buyer sends the goods back with a waybill (30 -> 40).
pub async fn buyer_return(
    p: &Platform,
    seller_id: i64,
    refund_id: i64,
    express_code: i64,
    express_no: &str,
) -> Result<RefundStatus> {
    carriers::usable(express_code)?;
    let no = carriers::check_waybill(express_no)?.to_string();
    step(
        p,
        seller_id,
        refund_id,
        RefundAction::BuyerReturn,
        p.now(),
        |_| Ok(()),
        Some((
            "UPDATE refunds SET return_express_code = $2, return_express_no = $3 WHERE id = $1",
            args![refund_id, express_code, no].to_vec(),
        )),
    )
    .await
}

/// `open.seller.order.refund.confirm.receipt`: the returned goods arrived.
pub async fn confirm_receipt(p: &Platform, seller_id: i64, refund_id: i64) -> Result<RefundStatus> {
    step(
        p,
        seller_id,
        refund_id,
        RefundAction::ConfirmReceipt,
        p.now(),
        |_| Ok(()),
        Some((
            "UPDATE refunds SET receipt_status = 2 WHERE id = $1",
            args![refund_id].to_vec(),
        )),
    )
    .await
}

/// `open.refund.reject.reason`: the reasons for one of the merchant's refunds.
pub async fn reject_reasons(
    p: &Platform,
    seller_id: i64,
    refund_id: i64,
) -> Result<Vec<RejectReason>> {
    query::refund_detail(p, seller_id, refund_id).await?;
    Ok(REJECT_REASONS.to_vec())
}

/// The merchant (seller) a refund belongs to, if it exists (for the sandbox simulator).
pub async fn seller_of(p: &Platform, refund_id: i64) -> Result<Option<i64>> {
    let r =
        p.db.fetch_optional(
            "SELECT seller_id FROM refunds WHERE id = $1",
            &args![refund_id],
        )
        .await?;
    Ok(r.map(|r| r.i64("seller_id")).transpose()?)
}
