//! ERP methods over the commerce context (protocol-notes §5.1–§5.3): items, orders and refunds. Each handler deserializes `param` into the
//! commerce crate's parameter type and calls it for the token's merchant; the commerce crate
//! checks ownership and answers with its catalogued codes.

use kaifang_commerce::items::{self, EditItem, ItemListParams, NewItem, StockChange};
use kaifang_commerce::logistics::carriers;
use kaifang_commerce::orders::query::{self, CursorListParams};
use kaifang_commerce::orders::{self, Deliver, NoteAuthor};
use kaifang_commerce::refunds::query::RefundListParams;
use kaifang_commerce::refunds::{self, Reject, query as refund_query};
use kaifang_commerce::vault::{self, DecryptItem, Decryptor};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::gateway::catalogue::{ApiMethod, Reply, field};
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
        top_level: None,
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
    method(
        "open.seller.order.logistics.update",
        "POST",
        "merchant_order",
        "Changes the carrier and waybill of a shipped order's package.",
        &[
            field("orderId", "long", true, "the order"),
            field("expressCode", "int", true, "carrier code"),
            field("expressNo", "string", true, "waybill number"),
            field(
                "logisticsId",
                "long",
                false,
                "the package (from orderLogisticsInfo); the first when absent",
            ),
        ],
        handler!(logistics_update),
    ),
    method(
        "open.seller.order.goods.logistics.append",
        "POST",
        "merchant_order",
        "Adds a package to a shipped order.",
        &[
            field("oid", "long", true, "the order"),
            field("expressCode", "int", true, "carrier code"),
            field("expressNo", "string", true, "waybill number"),
        ],
        handler!(logistics_append),
    ),
    method(
        "open.seller.order.note.add",
        "POST",
        "merchant_order",
        "Adds a seller note (at most 200 characters) and an optional flag colour.",
        &[
            field("orderId", "long", true, "the order"),
            field("note", "string", true, "the note"),
            field(
                "flag",
                "int",
                false,
                "0 none, 1 red, 2 yellow, 3 green, 4 blue, 5 purple",
            ),
            field("staffId", "long", false, "the staff member writing it"),
        ],
        handler!(note_add),
    ),
    method(
        "open.item.new",
        "POST",
        "merchant_item",
        "Creates an item with its SKUs on a leaf category: data{kwaiItemId, relItemId, skuIdMapping[]}.",
        &[
            field("title", "string", true, "title"),
            field("relItemId", "string", true, "the merchant's own id, unique"),
            field("categoryId", "long", true, "a leaf category"),
            field("imageUrls", "array", true, "main images"),
            field(
                "skuList",
                "array",
                true,
                "1-600 SKUs {relSkuId, skuStock, skuSalePrice, skuNick}",
            ),
            field("details", "string", true, "description"),
        ],
        handler!(item_new),
    ),
    method(
        "open.item.edit",
        "POST",
        "merchant_item",
        "Changes an item's fields (only those sent).",
        &[field("itemId", "long", true, "the item")],
        handler!(item_edit),
    ),
    method(
        "open.item.delete",
        "POST",
        "merchant_item",
        "Deletes an item.",
        &[field("kwaiItemId", "long", true, "the item")],
        handler!(item_delete),
    ),
    method(
        "open.item.shelf.status.update",
        "POST",
        "merchant_item",
        "Puts an item on (1) or off (0) the shelf.",
        &[
            field("kwaiItemId", "long", true, "the item"),
            field("shelfStatus", "int", true, "0 off, 1 on"),
        ],
        handler!(item_shelf),
    ),
    method(
        "open.item.sku.stock.update",
        "POST",
        "merchant_item",
        "Changes a SKU's stock by a delta; stock never drops below reserved stock (K1001).",
        &[
            field("kwaiItemId", "long", true, "the item"),
            field("skuId", "long", true, "the SKU"),
            field("skuChangeStock", "long", true, "the delta, 0 < n < 9999999"),
            field("changeType", "int", true, "1 add, 2 reduce"),
        ],
        handler!(item_stock),
    ),
    method(
        "open.item.sku.price.update",
        "POST",
        "merchant_item",
        "Sets a SKU's price in fen.",
        &[
            field("itemId", "long", true, "the item"),
            field("skuId", "long", true, "the SKU"),
            field("price", "long", true, "fen"),
        ],
        handler!(item_price),
    ),
    method(
        "open.seller.order.refund.returngoods.approve",
        "POST",
        "merchant_refund",
        "Agrees to a return: the buyer sends the goods back.",
        &[
            field("refundId", "long", true, "the refund"),
            field("refundAmount", "long", true, "fen"),
            field(
                "addressId",
                "long",
                false,
                "a return address of the merchant",
            ),
        ],
        handler!(refund_return_approve),
    ),
    method(
        "open.refund.reject",
        "POST",
        "merchant_refund",
        "Rejects a refund with a reason code from open.refund.reject.reason.",
        &[
            field("refundId", "long", true, "the refund"),
            field(
                "reasonCode",
                "int",
                true,
                "a code from open.refund.reject.reason",
            ),
            field("refundVersion", "long", true, "the refund's updateTime"),
            field("rejectDesc", "string", false, "required by some reasons"),
        ],
        handler!(refund_reject),
    ),
    method(
        "open.seller.order.refund.confirm.receipt",
        "POST",
        "merchant_refund",
        "Confirms the returned goods arrived; the refund is then paid.",
        &[field("refundId", "long", true, "the refund")],
        handler!(refund_confirm_receipt),
    ),
    ApiMethod {
        name: "open.order.decrypt.batch",
        version: 1,
        http: "POST",
        scope: "merchant_order",
        needs_user: true,
        app_qps: Some(100),
        user_qps: Some(100),
        user_daily_cap: None,
        summary: "Decrypts up to 100 encrypted* fields of the merchant's orders. Each new order counts once a day against the merchant's daily decrypt quota (free while the order has an open after-sales case); orders more than 14 days after success are refused; every decryption is audited. The results are at the top level of the envelope as batchDecryptResultList (also in data.batchDecryptResultList); each entry has its own errorCode (1 = ok) and errorMsg.",
        request: &[field(
            "batchDecryptList",
            "array",
            true,
            "1-100 entries {bizId: the order id (string), encryptedData: an encryptedConsignee, encryptedMobile or encryptedAddress of that order}",
        )],
        response: &[field(
            "batchDecryptResultList",
            "array",
            true,
            "top level: [{bizId, encryptedData, decryptedData, errorCode (1 ok, 21 not this merchant's order or past the 14 days, 1017 daily decrypt quota used up, 990110 bad entry), errorMsg}]",
        )],
        top_level: Some("batchDecryptResultList"),
        handler: handler!(decrypt_batch),
    },
    ApiMethod {
        name: "open.kaifang.logistics.carrier.list",
        version: 1,
        http: "GET",
        scope: "merchant_logistics",
        needs_user: false,
        app_qps: None,
        user_qps: None,
        user_daily_cap: None,
        summary: "Kaifang extension (the platform has no such API; its carrier list is the static page 物流公司编号): every carrier code with its name and whether it is retired. The deliver and logistics APIs refuse retired and unknown codes. Works with an app (client_credentials) token too; `open.kaifang.` marks methods that exist only on Kaifang.",
        request: &[],
        response: &[
            field(
                "expressCode",
                "int",
                true,
                "the code to send as expressCode",
            ),
            field(
                "name",
                "string",
                true,
                "the carrier's name on the platform's page",
            ),
            field(
                "retired",
                "boolean",
                true,
                "true: deliveries with this code are refused",
            ),
            field(
                "replacedBy",
                "int",
                false,
                "for a retired carrier, the code to use instead; null otherwise",
            ),
        ],
        top_level: None,
        handler: handler!(carrier_list),
    },
];

async fn item_list(ctx: &CallCtx, param: Value) -> Result<Value, GatewayError> {
    let q: ItemListParams = params(param)?;
    Ok(items::list_items(&ctx.platform, ctx.merchant_id()?, &q).await?)
}

async fn item_get(ctx: &CallCtx, param: Value) -> Result<Value, GatewayError> {
    let item = id(&param, "kwaiItemId")?;
    Ok(items::get_item(&ctx.platform, ctx.merchant_id()?, item).await?)
}

async fn order_list(ctx: &CallCtx, param: Value) -> Result<Reply, GatewayError> {
    let q: CursorListParams = params(param)?;
    let json = query::order_cursor_list_json(&ctx.platform, ctx.merchant_id()?, &q).await?;
    Ok(Reply::RawJson(json))
}

async fn order_detail(ctx: &CallCtx, param: Value) -> Result<Reply, GatewayError> {
    let oid = id(&param, "oid")?;
    let json = query::order_detail_json(&ctx.platform, ctx.merchant_id()?, oid).await?;
    Ok(Reply::RawJson(json))
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

/// An optional number inside `param`.
fn opt_id(param: &Value, key: &str) -> Result<Option<i64>, GatewayError> {
    if param[key].is_null() {
        Ok(None)
    } else {
        id(param, key).map(Some)
    }
}

fn text<'a>(param: &'a Value, key: &str) -> Result<&'a str, GatewayError> {
    param[key].as_str().ok_or_else(|| {
        GatewayError::invalid(format!("param.{key} is required and must be a string"))
    })
}

async fn logistics_update(ctx: &CallCtx, param: Value) -> Result<Value, GatewayError> {
    let (oid, code, no) = (
        id(&param, "orderId")?,
        id(&param, "expressCode")?,
        text(&param, "expressNo")?,
    );
    let package = opt_id(&param, "logisticsId")?;
    orders::update_logistics(&ctx.platform, ctx.merchant_id()?, oid, code, no, package).await?;
    Ok(json!(null))
}

async fn logistics_append(ctx: &CallCtx, param: Value) -> Result<Value, GatewayError> {
    let (oid, code, no) = (
        id(&param, "oid")?,
        id(&param, "expressCode")?,
        text(&param, "expressNo")?,
    );
    let package =
        orders::append_logistics(&ctx.platform, ctx.merchant_id()?, oid, code, no).await?;
    Ok(json!({ "logisticsId": package }))
}

async fn note_add(ctx: &CallCtx, param: Value) -> Result<Value, GatewayError> {
    let seller = ctx.merchant_id()?;
    let staff_id = opt_id(&param, "staffId")?.unwrap_or(0);
    let name = match ctx
        .directory
        .account(&ctx.platform, ctx.account_id.unwrap_or(seller))
        .await?
    {
        Some(a) => a.name.clone(),
        None => String::new(),
    };
    let author = NoteAuthor { staff_id, name };
    let flag = opt_id(&param, "flag")?;
    orders::add_note(
        &ctx.platform,
        seller,
        id(&param, "orderId")?,
        text(&param, "note")?,
        flag,
        &author,
    )
    .await?;
    Ok(json!(null))
}

async fn item_new(ctx: &CallCtx, param: Value) -> Result<Value, GatewayError> {
    let req: NewItem = params(param)?;
    Ok(items::new_item(&ctx.platform, ctx.merchant_id()?, &req).await?)
}

async fn item_edit(ctx: &CallCtx, param: Value) -> Result<Value, GatewayError> {
    let item = id(&param, "itemId")?;
    let req: EditItem = params(param)?;
    Ok(items::edit_item(&ctx.platform, ctx.merchant_id()?, item, &req).await?)
}

async fn item_delete(ctx: &CallCtx, param: Value) -> Result<Value, GatewayError> {
    items::delete_item(&ctx.platform, ctx.merchant_id()?, id(&param, "kwaiItemId")?).await?;
    Ok(json!(null))
}

async fn item_shelf(ctx: &CallCtx, param: Value) -> Result<Value, GatewayError> {
    let (item, status) = (id(&param, "kwaiItemId")?, id(&param, "shelfStatus")?);
    items::set_shelf_status(&ctx.platform, ctx.merchant_id()?, item, status).await?;
    Ok(json!(null))
}

async fn item_stock(ctx: &CallCtx, param: Value) -> Result<Value, GatewayError> {
    let (item, sku) = (id(&param, "kwaiItemId")?, id(&param, "skuId")?);
    let change = StockChange::from_code(opt_id(&param, "changeType")?.unwrap_or(1))?;
    let delta = id(&param, "skuChangeStock")?;
    items::update_stock(&ctx.platform, ctx.merchant_id()?, item, sku, delta, change).await?;
    Ok(json!(null))
}

async fn item_price(ctx: &CallCtx, param: Value) -> Result<Value, GatewayError> {
    let (item, sku, price) = (
        id(&param, "itemId")?,
        id(&param, "skuId")?,
        id(&param, "price")?,
    );
    items::update_price(&ctx.platform, ctx.merchant_id()?, item, sku, price).await?;
    Ok(json!(null))
}

async fn refund_return_approve(ctx: &CallCtx, param: Value) -> Result<Value, GatewayError> {
    let (refund, amount) = (id(&param, "refundId")?, id(&param, "refundAmount")?);
    let address = opt_id(&param, "addressId")?;
    refunds::approve_return(&ctx.platform, ctx.merchant_id()?, refund, amount, address).await?;
    Ok(json!(null))
}

async fn refund_reject(ctx: &CallCtx, param: Value) -> Result<Value, GatewayError> {
    let req: Reject = params(param)?;
    refunds::reject(&ctx.platform, ctx.merchant_id()?, &req).await?;
    Ok(json!(null))
}

async fn refund_confirm_receipt(ctx: &CallCtx, param: Value) -> Result<Value, GatewayError> {
    refunds::confirm_receipt(&ctx.platform, ctx.merchant_id()?, id(&param, "refundId")?).await?;
    Ok(json!(null))
}

/// One `batchDecryptList` entry; `bizId` is accepted as a string or a number.
fn decrypt_item(i: usize, v: &Value) -> Result<DecryptItem, GatewayError> {
    let biz_id = match &v["bizId"] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => {
            return Err(GatewayError::invalid(format!(
                "param.batchDecryptList[{i}].bizId is required: send the order id as a string"
            )));
        }
    };
    let encrypted_data = v["encryptedData"].as_str().ok_or_else(|| {
        GatewayError::invalid(format!(
            "param.batchDecryptList[{i}].encryptedData is required: send an encryptedConsignee, encryptedMobile or encryptedAddress value of the order"
        ))
    })?;
    Ok(DecryptItem {
        biz_id,
        encrypted_data: encrypted_data.to_string(),
    })
}

async fn decrypt_batch(ctx: &CallCtx, param: Value) -> Result<Value, GatewayError> {
    let seller_id = ctx.merchant_id()?;
    let list = param["batchDecryptList"].as_array().ok_or_else(|| {
        GatewayError::invalid(
            "param.batchDecryptList is required: send [{\"bizId\": \"<order id>\", \"encryptedData\": \"<encrypted* value>\"}], 1 to 100 entries",
        )
    })?;
    if list.len() > vault::DECRYPT_BATCH_MAX {
        return Err(GatewayError::invalid(format!(
            "param.batchDecryptList has {} entries: send at most {} per call",
            list.len(),
            vault::DECRYPT_BATCH_MAX
        )));
    }
    let items = list
        .iter()
        .enumerate()
        .map(|(i, v)| decrypt_item(i, v))
        .collect::<Result<Vec<_>, _>>()?;
    let who = Decryptor {
        seller_id,
        app_id: Some(ctx.app_id),
        operator_id: ctx.account_id,
    };
    let results = vault::decrypt(&ctx.platform, who, &items).await?;
    serde_json::to_value(results)
        .map_err(|e| GatewayError::new(kaifang_wire::ApiError::InternalError, e.to_string()))
}

async fn carrier_list(_ctx: &CallCtx, _param: Value) -> Result<Value, GatewayError> {
    Ok(carriers::CARRIERS
        .iter()
        .map(|c| {
            json!({
                "expressCode": c.code,
                "name": c.name,
                "retired": c.retired,
                "replacedBy": c.replaced_by,
            })
        })
        .collect())
}
