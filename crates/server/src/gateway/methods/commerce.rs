//! ERP methods over the commerce context (protocol-notes §5.1–§5.3): items, orders and refunds. Each handler deserializes `param` into the
//! commerce crate's parameter type and calls it for the token's merchant; the commerce crate
//! checks ownership and answers with its catalogued codes.

use kaifang_commerce::items::{self, ItemListParams};
use kaifang_commerce::orders::query::{self, CursorListParams};
use kaifang_commerce::orders::{self, Deliver};
use kaifang_commerce::refunds::query::RefundListParams;
use kaifang_commerce::refunds::{self, query as refund_query};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::gateway::catalogue::{ApiMethod, field};
use crate::gateway::error::GatewayError;
use crate::gateway::pipeline::CallCtx;
use crate::handler;

impl From<kaifang_commerce::Error> for GatewayError {
    fn from(e: kaifang_commerce::Error) -> Self {
        GatewayError::new(e.api, e.message)
    }
}

/// Reads `param` as `T`, naming the field that does not fit.
fn params<T: DeserializeOwned>(param: Value) -> Result<T, GatewayError> {
    serde_json::from_value(param).map_err(|e| GatewayError::invalid(format!("param: {e}")))
}

/// A required id inside `param`, accepted as a number or a numeric string.
fn id(param: &Value, key: &str) -> Result<i64, GatewayError> {
    match &param[key] {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| GatewayError::invalid(format!("param.{key} is required and must be a number")))
}

const fn method(
    name: &'static str,
    http: &'static str,
    scope: &'static str,
    summary: &'static str,
    request: &'static [crate::gateway::catalogue::Field],
    handler: crate::gateway::catalogue::Handler,
) -> ApiMethod {
    ApiMethod {
        name,
        version: 1,
        http,
        scope,
        needs_user: true,
        app_qps: None,
        user_qps: None,
        user_daily_cap: None,
        summary,
        request,
        response: &[],
        handler,
    }
}

/// The declarations of this module.
pub const METHODS: &[ApiMethod] = &[
    method(
        "open.item.list.get",
        "GET",
        "merchant_item",
        "The merchant's items, a page at a time: data{totalItemCount, currentPageItemCount, currentPageNumber, totalPage, items[]}.",
        &[
            field("kwaiItemId", "long", false, "only this item"),
            field(
                "relItemId",
                "string",
                false,
                "only the item with this merchant id",
            ),
            field("itemStatus", "int", false, "1 normal"),
            field("pageNumber", "int", false, "1-based page, default 1"),
            field("pageSize", "int", false, "10-100, default 100"),
            field("onOfflineStatus", "int", false, "1: on shelf only"),
        ],
        handler!(item_list),
    ),
    method(
        "open.item.get",
        "GET",
        "merchant_item",
        "One item with its SKUs (skuInfos with skuStock and reserveStock).",
        &[field("kwaiItemId", "long", true, "the item")],
        handler!(item_get),
    ),
    method(
        "open.order.cursor.list",
        "GET",
        "merchant_order",
        "Orders in a time range (at most 7 days, not older than 90), a cursor page at a time: \"\" first, \"nomore\" at the end.",
        &[
            field(
                "orderViewStatus",
                "int",
                true,
                "1 all, 2 unpaid, 3 to ship, 4 shipped, 5 received, 6 success, 7 closed",
            ),
            field("pageSize", "int", true, "1-50"),
            field("sort", "int", false, "1 newest first, 2 oldest first"),
            field(
                "queryType",
                "int",
                false,
                "1 by create time, 2 by update time",
            ),
            field("beginTime", "long", true, "ms"),
            field("endTime", "long", true, "ms"),
            field("cpsType", "int", false, "0 all, 1 normal, 2 distribution"),
            field("cursor", "string", true, "\"\" for the first page"),
        ],
        handler!(order_list),
    ),
    method(
        "open.order.detail",
        "GET",
        "merchant_order",
        "One order: orderBaseInfo, orderItemInfo, orderRefundList, orderLogisticsInfo, orderNote, orderAddress (encrypted and desensitised only).",
        &[field("oid", "long", true, "the order id")],
        handler!(order_detail),
    ),
    method(
        "open.seller.order.goods.deliver",
        "POST",
        "merchant_order",
        "Ships a paid order with a carrier code (see the carrier table) and a waybill number.",
        &[
            field("orderId", "long", true, "the order"),
            field("expressNo", "string", true, "waybill number"),
            field("expressCode", "int", true, "carrier code"),
            field(
                "returnAddressId",
                "long",
                false,
                "a return address of the merchant",
            ),
        ],
        handler!(deliver),
    ),
    method(
        "open.seller.order.close",
        "POST",
        "merchant_order",
        "Closes an unpaid order (10 -> 80).",
        &[field("orderId", "long", true, "the order")],
        handler!(close),
    ),
    method(
        "open.item.category",
        "GET",
        "merchant_item",
        "The category tree: data[{categoryId, categoryName, categoryPid}]; items go on leaves.",
        &[],
        handler!(categories),
    ),
    method(
        "open.seller.order.refund.pcursor.list",
        "GET",
        "merchant_refund",
        "Refunds in a time range (last 90 days), a cursor page at a time: \"\" first, \"nomore\" at the end.",
        &[
            field("beginTime", "long", true, "ms"),
            field("endTime", "long", true, "ms"),
            field("type", "int", false, "8 awaiting refund, 9 all"),
            field("pageSize", "int", true, "1-100"),
            field("pcursor", "string", true, "\"\" for the first page"),
            field("status", "int", false, "only this refund status"),
            field("orderId", "long", false, "only this order's refunds"),
        ],
        handler!(refund_list),
    ),
    method(
        "open.seller.order.refund.detail",
        "GET",
        "merchant_refund",
        "One refund with its status, handling way, negotiation and logistics.",
        &[field("refundId", "long", true, "the refund")],
        handler!(refund_detail),
    ),
    method(
        "open.refund.reject.reason",
        "GET",
        "merchant_refund",
        "The reasons a seller may give to reject this refund: data[{code, desc, tip, requiredRejectDesc, requiredRejectImage}].",
        &[field("refundId", "long", true, "the refund")],
        handler!(reject_reasons),
    ),
    method(
        "open.seller.order.refund.approve",
        "POST",
        "merchant_refund",
        "Agrees to refund (refund-only requests): the money goes back to the buyer.",
        &[
            field("refundId", "long", true, "the refund"),
            field("refundAmount", "long", true, "fen, more than 0"),
        ],
        handler!(refund_approve),
    ),
];

async fn item_list(ctx: &CallCtx, param: Value) -> Result<Value, GatewayError> {
    let q: ItemListParams = params(param)?;
    Ok(items::list_items(&ctx.platform, ctx.merchant_id()?, &q).await?)
}

async fn item_get(ctx: &CallCtx, param: Value) -> Result<Value, GatewayError> {
    let item = id(&param, "kwaiItemId")?;
    Ok(items::get_item(&ctx.platform, ctx.merchant_id()?, item).await?)
}

async fn order_list(ctx: &CallCtx, param: Value) -> Result<Value, GatewayError> {
    let q: CursorListParams = params(param)?;
    Ok(query::order_cursor_list(&ctx.platform, ctx.merchant_id()?, &q).await?)
}

async fn order_detail(ctx: &CallCtx, param: Value) -> Result<Value, GatewayError> {
    let oid = id(&param, "oid")?;
    Ok(query::order_detail(&ctx.platform, ctx.merchant_id()?, oid).await?)
}

async fn deliver(ctx: &CallCtx, param: Value) -> Result<Value, GatewayError> {
    let d: Deliver = params(param)?;
    orders::deliver(&ctx.platform, ctx.merchant_id()?, &d).await?;
    Ok(json!(null))
}

async fn close(ctx: &CallCtx, param: Value) -> Result<Value, GatewayError> {
    orders::close(&ctx.platform, ctx.merchant_id()?, id(&param, "orderId")?).await?;
    Ok(json!(null))
}

async fn categories(_ctx: &CallCtx, _param: Value) -> Result<Value, GatewayError> {
    Ok(items::category_list())
}

async fn refund_list(ctx: &CallCtx, param: Value) -> Result<Value, GatewayError> {
    let q: RefundListParams = params(param)?;
    Ok(refund_query::refund_pcursor_list(&ctx.platform, ctx.merchant_id()?, &q).await?)
}

async fn refund_detail(ctx: &CallCtx, param: Value) -> Result<Value, GatewayError> {
    let refund = id(&param, "refundId")?;
    Ok(refund_query::refund_detail(&ctx.platform, ctx.merchant_id()?, refund).await?)
}

async fn reject_reasons(ctx: &CallCtx, param: Value) -> Result<Value, GatewayError> {
    let refund = id(&param, "refundId")?;
    let reasons = refunds::reject_reasons(&ctx.platform, ctx.merchant_id()?, refund).await?;
    serde_json::to_value(reasons).map_err(|e| GatewayError::invalid(e.to_string()))
}

async fn refund_approve(ctx: &CallCtx, param: Value) -> Result<Value, GatewayError> {
    let (refund, amount) = (id(&param, "refundId")?, id(&param, "refundAmount")?);
    refunds::approve(&ctx.platform, ctx.merchant_id()?, refund, amount).await?;
    Ok(json!(null))
}
