//! The sandbox buyer simulator (404 outside sandbox mode): acts as a shop's customers so that
//! apps under development see orders, payments and after-sales cases, each step writing its
//! events like any other change.
//!
//! Callers: operators (any merchant), developers (any merchant: every shop in a sandbox is a
//! test shop), and merchants (their own shop), by API token or console session.
//!
//! - `POST /sandbox/orders` `{"merchant_user_id", "items"?: [{"item_id","sku_id","num"}],
//!   "buyer"?: {name, mobile, province, city, district, detail, …}, "buyer_nick"?}` places an
//!   unpaid order (random on-sale SKUs and a random buyer when absent) -> `{"oid", "status": 10}`.
//! - `POST /sandbox/orders/{oid}/pay | receive | complete | cancel` -> `{"oid", "status"}`.
//! - `POST /sandbox/refunds` `{"oid", "handling_way": 1|10|3, "reason"?, "refund_fee"?}` opens
//!   an after-sales case -> `{"refund_id", "status"}`.
//! - `POST /sandbox/refunds/{refund_id}/return` `{"express_code", "express_no"}`: the buyer
//!   sends the goods back -> `{"refund_id", "status"}`.

use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use kaifang_commerce::demo;
use kaifang_commerce::orders::{self, NewOrder, OrderLine};
use kaifang_commerce::refunds::{self, NewRefund};
use kaifang_commerce::vault::Consignee;
use kaifang_platform::Error;
use kaifang_platform::accounts::{self, Role};
use kaifang_wire::errors::ApiError as Code;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::{ApiError, ApiResult};
use super::extract::id;
use super::{Body, Caller, Ctx};

/// The simulator's routes.
pub fn routes() -> Router<Ctx> {
    Router::new()
        .route("/sandbox/orders", post(create_order))
        .route("/sandbox/orders/{oid}/{step}", post(order_step))
        .route("/sandbox/refunds", post(open_refund))
        .route("/sandbox/refunds/{refund_id}/return", post(return_goods))
}

/// A commerce error as a console API error: the kind decides the HTTP status; the message
/// keeps the catalogued code in front, e.g. `[21] order 26… is paid (status 30): …`.
fn commerce(e: kaifang_commerce::Error) -> ApiError {
    let msg = format!("[{}] {}", e.code(), e.message);
    ApiError(match e.api {
        Code::InvalidParameter
        | Code::ShippingRuleRejected
        | Code::RefundHandlingWayError
        | Code::RefundAmountZero => Error::invalid(msg),
        Code::RefundNotFound => Error::not_found(msg),
        Code::RefundOperationRejected => Error::forbidden(msg),
        Code::InternalError => Error::internal(msg),
        _ => Error::state(msg),
    })
}

/// Sandbox mode, and a caller allowed to act as the buyers of `merchant_id`'s shop.
async fn allowed(ctx: &Ctx, caller: &Caller, merchant_id: i64) -> ApiResult<()> {
    if !ctx.platform.rules.sandbox {
        return Err(ApiError(Error::not_found(
            "sandbox endpoints exist only in sandbox mode (kaifang demo, or --sandbox)",
        )));
    }
    let ok = match caller.account.role {
        Role::Operator | Role::Developer => true,
        Role::Merchant | Role::Staff => caller.account.merchant_id() == Some(merchant_id),
    };
    if !ok {
        return Err(ApiError(Error::forbidden(
            "only operators, developers and the shop's own merchant may simulate its buyers",
        )));
    }
    let merchant = accounts::find(&ctx.platform, merchant_id).await?;
    if merchant.map(|a| a.role) != Some(Role::Merchant) {
        return Err(ApiError::invalid(format!(
            "merchant_user_id {merchant_id} is not a merchant: use the user id of a shop owner"
        )));
    }
    Ok(())
}

/// One line of a simulated order.
#[derive(Deserialize, ToSchema)]
pub struct LineInput {
    /// `kwaiItemId`.
    pub item_id: i64,
    /// `kwaiSkuId`.
    pub sku_id: i64,
    /// Units.
    pub num: i64,
}

/// A simulated buyer's order.
#[derive(Deserialize, ToSchema)]
pub struct OrderRequest {
    /// The shop's merchant user id.
    pub merchant_user_id: i64,
    /// Lines; random in-stock SKUs when absent.
    #[serde(default)]
    pub items: Option<Vec<LineInput>>,
    /// Delivery address: name, mobile, province, city, district, detail (+ optional codes,
    /// town); a random realistic one when absent.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub buyer: Option<Consignee>,
    /// Buyer nickname; random when absent.
    #[serde(default)]
    pub buyer_nick: Option<String>,
}

/// An order after a step.
#[derive(Serialize, ToSchema)]
pub struct OrderState {
    /// Order id.
    pub oid: i64,
    /// Order status (10, 30, 40, 50, 70, 80).
    pub status: i64,
}

/// Place an unpaid order as a buyer (sandbox).
#[utoipa::path(post, path = "/sandbox/orders", tag = "sandbox", request_body = OrderRequest,
    responses((status = 200, body = OrderState), (status = 400), (status = 403), (status = 404), (status = 409)))]
pub async fn create_order(
    State(ctx): State<Ctx>,
    caller: Caller,
    Body(req): Body<OrderRequest>,
) -> ApiResult<Json<OrderState>> {
    let seller = req.merchant_user_id;
    allowed(&ctx, &caller, seller).await?;
    let p = &ctx.platform;
    let lines = match req.items {
        Some(items) => items
            .into_iter()
            .map(|l| OrderLine {
                item_id: l.item_id,
                sku_id: l.sku_id,
                num: l.num,
            })
            .collect(),
        None => {
            let on_sale = demo::sellable(p, seller).await.map_err(commerce)?;
            if on_sale.is_empty() {
                return Err(ApiError(Error::state(
                    "the shop has no items on sale with stock: create items first (open.item.new) or start with demo data",
                )));
            }
            let (item_id, sku_id) = on_sale[fastrand::usize(..on_sale.len())];
            vec![OrderLine {
                item_id,
                sku_id,
                num: 1,
            }]
        }
    };
    let order = NewOrder {
        buyer_id: demo::random_buyer_id(),
        buyer_nick: req.buyer_nick.unwrap_or_else(demo::random_buyer_nick),
        lines,
        consignee: req.buyer.unwrap_or_else(demo::random_consignee),
        remark: String::new(),
        express_fee: 0,
        discount_fee: 0,
    };
    let oid = orders::create_order(p, seller, &order)
        .await
        .map_err(commerce)?;
    Ok(Json(OrderState { oid, status: 10 }))
}

/// Pay, receive, complete or cancel an order as its buyer (sandbox).
#[utoipa::path(post, path = "/sandbox/orders/{oid}/{step}", tag = "sandbox",
    params(("oid" = i64, Path), ("step" = String, Path, description = "pay | receive | complete | cancel")),
    responses((status = 200, body = OrderState), (status = 400), (status = 403), (status = 404), (status = 409)))]
pub async fn order_step(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((oid, step)): Path<(String, String)>,
) -> ApiResult<Json<OrderState>> {
    let oid = id("oid", &oid)?;
    let p = &ctx.platform;
    let seller = orders::seller_of(p, oid)
        .await
        .map_err(commerce)?
        .ok_or_else(|| ApiError(Error::not_found(format!("order {oid} does not exist"))))?;
    allowed(&ctx, &caller, seller).await?;
    let status = match step.as_str() {
        "pay" => orders::pay(p, seller, oid).await,
        "receive" => orders::receive(p, seller, oid).await,
        "complete" => orders::complete(p, seller, oid).await,
        "cancel" => orders::cancel(p, seller, oid).await,
        other => {
            return Err(ApiError(Error::not_found(format!(
                "no buyer step {other:?}: use pay, receive, complete or cancel"
            ))));
        }
    }
    .map_err(commerce)?;
    Ok(Json(OrderState {
        oid,
        status: status.code(),
    }))
}

/// A simulated after-sales request.
#[derive(Deserialize, ToSchema)]
pub struct RefundRequest {
    /// The order.
    pub oid: i64,
    /// 1 return and refund, 10 refund only, 3 exchange.
    pub handling_way: i64,
    /// The buyer's reason.
    #[serde(default)]
    pub reason: Option<String>,
    /// Amount asked, fen (the whole order when absent).
    #[serde(default)]
    pub refund_fee: Option<i64>,
}

/// A refund after a step.
#[derive(Serialize, ToSchema)]
pub struct RefundState {
    /// Refund id.
    pub refund_id: i64,
    /// Refund status (10, 11, 30, 40, 45, 60, 70, …).
    pub status: i64,
}

/// Open an after-sales case as the buyer (sandbox).
#[utoipa::path(post, path = "/sandbox/refunds", tag = "sandbox", request_body = RefundRequest,
    responses((status = 200, body = RefundState), (status = 400), (status = 403), (status = 404), (status = 409)))]
pub async fn open_refund(
    State(ctx): State<Ctx>,
    caller: Caller,
    Body(req): Body<RefundRequest>,
) -> ApiResult<Json<RefundState>> {
    let p = &ctx.platform;
    let seller = orders::seller_of(p, req.oid)
        .await
        .map_err(commerce)?
        .ok_or_else(|| {
            ApiError(Error::not_found(format!(
                "order {} does not exist",
                req.oid
            )))
        })?;
    allowed(&ctx, &caller, seller).await?;
    let reason = req.reason.unwrap_or_else(|| "不想要了".into());
    let (refund_id, status) = refunds::open_refund(
        p,
        seller,
        &NewRefund {
            oid: req.oid,
            handling_way: req.handling_way,
            reason: 1,
            reason_desc: reason.clone(),
            desc: reason,
            refund_fee: req.refund_fee,
        },
    )
    .await
    .map_err(commerce)?;
    Ok(Json(RefundState {
        refund_id,
        status: status.code(),
    }))
}

/// The buyer's return waybill.
#[derive(Deserialize, ToSchema)]
pub struct ReturnRequest {
    /// Carrier code.
    pub express_code: i64,
    /// Waybill number.
    pub express_no: String,
}

/// Send the goods of an approved return back, as the buyer (sandbox).
#[utoipa::path(post, path = "/sandbox/refunds/{refund_id}/return", tag = "sandbox", request_body = ReturnRequest,
    params(("refund_id" = i64, Path)),
    responses((status = 200, body = RefundState), (status = 400), (status = 403), (status = 404), (status = 409)))]
pub async fn return_goods(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(refund_id): Path<String>,
    Body(req): Body<ReturnRequest>,
) -> ApiResult<Json<RefundState>> {
    let refund_id = id("refund_id", &refund_id)?;
    let p = &ctx.platform;
    let seller = refunds::seller_of(p, refund_id)
        .await
        .map_err(commerce)?
        .ok_or_else(|| {
            ApiError(Error::not_found(format!(
                "refund {refund_id} does not exist"
            )))
        })?;
    allowed(&ctx, &caller, seller).await?;
    let status = refunds::buyer_return(p, seller, refund_id, req.express_code, &req.express_no)
        .await
        .map_err(commerce)?;
    Ok(Json(RefundState {
        refund_id,
        status: status.code(),
    }))
}
