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
            field("pageNumber", "int", false, "1-based page, default 1").eg("1"),
            field("pageSize", "int", false, "10-100, default 100").eg("20"),
            field("onOfflineStatus", "int", false, "1: on shelf only"),
        ],
        handler!(item_list),
    )
    .returns(&[
        field("totalItemCount", "long", true, "items matching the filter"),
        field("currentPageItemCount", "int", true, "items on this page"),
        field("currentPageNumber", "int", true, "this page, 1-based"),
        field("totalPage", "int", true, "number of pages"),
        field(
            "items",
            "array",
            true,
            "{kwaiItemId, relItemId, title, mainImageUrl, imageUrls, categoryId, categoryName, price (fen), volume, skuList, auditStatus, shelfStatus, itemStatus, expressTemplateId, createTime, updateTime}",
        ),
    ]),
    method(
        "open.item.get",
        "GET",
        "merchant_item",
        "One item with its SKUs (skuInfos with skuStock and reserveStock).",
        &[field("kwaiItemId", "long", true, "the item").eg("20000000001")],
        handler!(item_get),
    )
    .returns(&[
        field("itemId", "long", true, "the item (kwaiItemId)"),
        field("relItemId", "string", false, "the merchant's own id"),
        field("categoryId", "long", true, "leaf category"),
        field("categoryName", "string", true, "its name"),
        field("title", "string", true, "title"),
        field("details", "string", true, "description"),
        field("imageUrls", "array", true, "main images"),
        field("detailImageUrls", "array", true, "detail images"),
        field(
            "skuInfos",
            "array",
            true,
            "{kwaiSkuId, relSkuId, skuStock, reserveStock, skuSalePrice, skuMarketPrice, skuNick, specification, gtinCode}",
        ),
        field("auditStatus", "int", true, "review status of the item"),
        field("onOfflineStatus", "int", true, "0 off the shelf, 1 on"),
        field("expressTemplateId", "long", true, "freight template"),
        field("createdTime", "long", true, "ms"),
        field("updateTime", "long", true, "ms"),
    ]),
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
            )
            .eg("1"),
            field("pageSize", "int", true, "1-50").eg("20"),
            field("sort", "int", false, "1 newest first, 2 oldest first"),
            field(
                "queryType",
                "int",
                false,
                "1 by create time, 2 by update time",
            ),
            field("beginTime", "long", true, "ms").eg("1699395200000"),
            field("endTime", "long", true, "ms").eg("1700000000000"),
            field("cpsType", "int", false, "0 all, 1 normal, 2 distribution"),
            field("cursor", "string", true, "\"\" for the first page").eg("\"\""),
        ],
        handler!(order_list),
    )
    .qps(300, 300)
    .returns(&[
        field("pageSize", "int", true, "as requested"),
        field("beginTime", "long", true, "as requested, ms"),
        field("endTime", "long", true, "as requested, ms"),
        field(
            "cursor",
            "string",
            true,
            "send it back for the next page; \"nomore\" when there is none",
        ),
        field(
            "orderList",
            "array",
            true,
            "orders, each with the same parts as open.order.detail's data",
        ),
    ]),
    method(
        "open.order.detail",
        "GET",
        "merchant_order",
        "One order: orderBaseInfo, orderItemInfo, orderRefundList, orderLogisticsInfo, orderNote, orderAddress (encrypted and desensitised only).",
        &[field("oid", "long", true, "the order id").eg("2607602240240301")],
        handler!(order_detail),
    )
    .returns(&[
        field(
            "orderBaseInfo",
            "object",
            true,
            "{oid, status, totalFee, expressFee, discountFee (fen), payTime, sendTime, createTime, updateTime, buyerNick, remark, payType, cpsType}",
        ),
        field(
            "orderItemInfo",
            "object",
            true,
            "{skuId, relSkuId, itemId, relItemId, itemTitle, skuNick, num, price, originalPrice}",
        ),
        field("orderRefundList", "array", true, "{refundId, refundStatus}"),
        field(
            "orderLogisticsInfo",
            "array",
            true,
            "packages {logisticsId, expressCode, expressNo}",
        ),
        field(
            "orderNote",
            "object",
            true,
            "{sellerNote, orderNoteInfo[{note, staffId, createTime}]}",
        ),
        field(
            "orderAddress",
            "object",
            true,
            "encryptedConsignee/Mobile/Address and desensitise* forms, province, city, district, town and their codes; plaintext only through the decrypt API",
        ),
        field("orderFlag", "object", true, "{flag: [colour]}"),
        field("subOrderInfo", "array", true, "sub-orders"),
    ]),
    method(
        "open.seller.order.goods.deliver",
        "POST",
        "merchant_order",
        "Ships a paid order with a carrier code (see the carrier table) and a waybill number.",
        &[
            field("orderId", "long", true, "the order").eg("2607602240240301"),
            field("expressNo", "string", true, "waybill number").eg("\"SF1234567890123\""),
            field("expressCode", "int", true, "carrier code").eg("4"),
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
        &[field("orderId", "long", true, "the order").eg("2607602240240301")],
        handler!(close),
    ),
    method(
        "open.item.category",
        "GET",
        "merchant_item",
        "The category tree: data[{categoryId, categoryName, categoryPid}]; items go on leaves.",
        &[],
        handler!(categories),
    )
    .returns(&[
        field("[].categoryId", "long", true, "category id"),
        field("[].categoryName", "string", true, "its name"),
        field("[].categoryPid", "long", true, "parent id, 0 for a root"),
    ]),
    method(
        "open.seller.order.refund.pcursor.list",
        "GET",
        "merchant_refund",
        "Refunds in a time range (last 90 days), a cursor page at a time: \"\" first, \"nomore\" at the end.",
        &[
            field("beginTime", "long", true, "ms").eg("1699395200000"),
            field("endTime", "long", true, "ms").eg("1700000000000"),
            field("type", "int", false, "8 awaiting refund, 9 all").eg("9"),
            field("pageSize", "int", true, "1-100").eg("20"),
            field("pcursor", "string", true, "\"\" for the first page").eg("\"\""),
            field("status", "int", false, "only this refund status"),
            field("orderId", "long", false, "only this order's refunds"),
            field("sort", "int", false, "1 newest first, 2 oldest first"),
            field("queryType", "int", false, "1 by create time, 2 by update time"),
            field(
                "negotiateStatus",
                "int",
                false,
                "0 any, 1 pending, 2 agreed, 3 rejected",
            ),
        ],
        handler!(refund_list),
    )
    .returns(&[
        field("pageSize", "int", true, "as requested"),
        field("totalSize", "long", true, "refunds matching the filter"),
        field("totalPage", "int", true, "number of pages"),
        field(
            "pcursor",
            "string",
            true,
            "send it back for the next page; \"nomore\" when there is none",
        ),
        field(
            "refundOrderInfoList",
            "array",
            true,
            "{refundId, oid, status, handlingWay, negotiateStatus, refundFee, refundReason, refundReasonDesc, skuId, itemId, submitTime, expireTime, createTime, updateTime}",
        ),
    ]),
    method(
        "open.seller.order.refund.detail",
        "GET",
        "merchant_refund",
        "One refund with its status, handling way, negotiation and logistics.",
        &[field("refundId", "long", true, "the refund").eg("2712345678901234")],
        handler!(refund_detail),
    )
    .returns(&[
        field("refundId", "long", true, "the refund"),
        field("oid", "long", true, "its order"),
        field("status", "int", true, "refund status"),
        field(
            "handlingWay",
            "int",
            true,
            "1 return and refund, 10 refund only, 3 exchange, 4 re-ship, 5 repair",
        ),
        field("negotiateStatus", "int", true, "1 pending, 2 agreed, 3 rejected"),
        field("refundFee", "long", true, "fen"),
        field("refundReason", "int", true, "the buyer's reason code"),
        field("refundReasonDesc", "string", true, "the buyer's reason"),
        field("receiptStatus", "int", true, "whether the buyer received the goods"),
        field(
            "logisticsInfo",
            "object",
            false,
            "{expressNo, expressCode} of the returned goods; null before the buyer ships",
        ),
        field("submitTime", "long", true, "ms"),
        field("expireTime", "long", true, "the seller must answer by then, ms"),
        field("updateTime", "long", true, "ms; send it as refundVersion when rejecting"),
    ]),
    method(
        "open.refund.reject.reason",
        "GET",
        "merchant_refund",
        "The reasons a seller may give to reject this refund: data[{code, desc, tip, requiredRejectDesc, requiredRejectImage}].",
        &[field("refundId", "long", true, "the refund").eg("2712345678901234")],
        handler!(reject_reasons),
    )
    .returns(&[
        field("[].code", "int", true, "send as reasonCode to open.refund.reject"),
        field("[].desc", "string", true, "what it means"),
        field("[].tip", "string", true, "advice for the seller"),
        field("[].requiredRejectDesc", "boolean", true, "rejectDesc must be sent"),
        field(
            "[].requiredRejectImage",
            "boolean",
            true,
            "rejectImages must be sent",
        ),
    ]),
    method(
        "open.seller.order.refund.approve",
        "POST",
        "merchant_refund",
        "Agrees to refund (refund-only requests): the money goes back to the buyer.",
        &[
            field("refundId", "long", true, "the refund").eg("2712345678901234"),
            field("refundAmount", "long", true, "fen, more than 0").eg("1990"),
        ],
        handler!(refund_approve),
    ),
    method(
        "open.seller.order.logistics.update",
        "POST",
        "merchant_order",
        "Changes the carrier and waybill of a shipped order's package.",
        &[
            field("orderId", "long", true, "the order").eg("2607602240240301"),
            field("expressCode", "int", true, "carrier code").eg("4"),
            field("expressNo", "string", true, "waybill number").eg("\"SF1234567890123\""),
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
            field("oid", "long", true, "the order").eg("2607602240240301"),
            field("expressCode", "int", true, "carrier code").eg("4"),
            field("expressNo", "string", true, "waybill number").eg("\"SF1234567890124\""),
        ],
        handler!(logistics_append),
    )
    .returns(&[field("logisticsId", "long", true, "the new package")]),
    method(
        "open.seller.order.note.add",
        "POST",
        "merchant_order",
        "Adds a seller note (at most 200 characters) and an optional flag colour.",
        &[
            field("orderId", "long", true, "the order").eg("2607602240240301"),
            field("note", "string", true, "the note").eg("\"加急\""),
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
            field("title", "string", true, "title").eg("\"纯棉短袖T恤\""),
            field("relItemId", "string", true, "the merchant's own id, unique")
                .eg("\"T-001\""),
            field("categoryId", "long", true, "a leaf category").eg("1102"),
            field("imageUrls", "array", true, "main images")
                .eg(r#"["https://img.example.com/t-001.jpg"]"#),
            field(
                "skuList",
                "array",
                true,
                "1-600 SKUs {relSkuId, skuStock, skuSalePrice, skuNick}",
            )
            .eg(r#"[{"relSkuId":"T-001-M","skuStock":100,"skuSalePrice":5900,"skuNick":"白色 M"}]"#),
            field("details", "string", true, "description").eg("\"100% 棉\""),
            field("detailImageUrls", "array", false, "detail images, at most 50"),
            field("expressTemplateId", "long", false, "freight template"),
            field("purchaseLimit", "boolean", false, "limit purchases per buyer"),
            field("limitCount", "int", false, "the limit per buyer"),
            field("itemRemark", "string", false, "the merchant's remark"),
        ],
        handler!(item_new),
    )
    .qps(100, 50)
    .returns(ITEM_CREATED),
    method(
        "open.item.edit",
        "POST",
        "merchant_item",
        "Changes an item's fields (only those sent).",
        &[
            field("itemId", "long", true, "the item").eg("20000000001"),
            field("title", "string", false, "title").eg("\"纯棉短袖T恤（新款）\""),
            field("categoryId", "long", false, "a leaf category"),
            field("imageUrls", "array", false, "main images"),
            field("details", "string", false, "description"),
            field("detailImageUrls", "array", false, "detail images"),
            field(
                "skuList",
                "array",
                false,
                "SKUs; kwaiSkuId names an existing one",
            ),
            field("expressTemplateId", "long", false, "freight template"),
            field("itemRemark", "string", false, "the merchant's remark"),
        ],
        handler!(item_edit),
    )
    .qps(100, 50)
    .returns(ITEM_CREATED),
    method(
        "open.item.delete",
        "POST",
        "merchant_item",
        "Deletes an item.",
        &[field("kwaiItemId", "long", true, "the item").eg("20000000001")],
        handler!(item_delete),
    )
    .qps(100, 50),
    method(
        "open.item.shelf.status.update",
        "POST",
        "merchant_item",
        "Puts an item on (1) or off (0) the shelf.",
        &[
            field("kwaiItemId", "long", true, "the item").eg("20000000001"),
            field("shelfStatus", "int", true, "0 off, 1 on").eg("1"),
        ],
        handler!(item_shelf),
    )
    .qps(100, 50),
    method(
        "open.item.sku.stock.update",
        "POST",
        "merchant_item",
        "Changes a SKU's stock by a delta; stock never drops below reserved stock (K1001).",
        &[
            field("kwaiItemId", "long", true, "the item").eg("20000000001"),
            field("skuId", "long", true, "the SKU").eg("30000000001"),
            field("skuChangeStock", "long", true, "the delta, 0 < n < 9999999").eg("10"),
            field("changeType", "int", true, "1 add, 2 reduce").eg("1"),
        ],
        handler!(item_stock),
    ),
    method(
        "open.item.sku.price.update",
        "POST",
        "merchant_item",
        "Sets a SKU's price in fen.",
        &[
            field("itemId", "long", true, "the item").eg("20000000001"),
            field("skuId", "long", true, "the SKU").eg("30000000001"),
            field("price", "long", true, "fen").eg("5900"),
        ],
        handler!(item_price),
    ),
    method(
        "open.seller.order.refund.returngoods.approve",
        "POST",
        "merchant_refund",
        "Agrees to a return: the buyer sends the goods back.",
        &[
            field("refundId", "long", true, "the refund").eg("2712345678901234"),
            field("refundAmount", "long", true, "fen").eg("1990"),
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
            field("refundId", "long", true, "the refund").eg("2712345678901234"),
            field(
                "reasonCode",
                "int",
                true,
                "a code from open.refund.reject.reason",
            )
            .eg("1"),
            field("refundVersion", "long", true, "the refund's updateTime").eg("1700000000000"),
            field("rejectDesc", "string", false, "required by some reasons")
                .eg("\"商品已发出，请拒收后申请退货\""),
            field(
                "rejectImages",
                "array",
                false,
                "image URLs, at most 3; required by some reasons",
            ),
        ],
        handler!(refund_reject),
    ),
    method(
        "open.seller.order.refund.confirm.receipt",
        "POST",
        "merchant_refund",
        "Confirms the returned goods arrived; the refund is then paid.",
        &[field("refundId", "long", true, "the refund").eg("2712345678901234")],
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

/// What `open.item.new` and `open.item.edit` answer.
const ITEM_CREATED: &[crate::gateway::catalogue::Field] = &[
    field("kwaiItemId", "long", true, "the item"),
    field("relItemId", "string", false, "the merchant's own id"),
    field(
        "skuIdMapping",
        "array",
        true,
        "{kwaiSkuId, relSkuId, skuNick} for every SKU",
    ),
];

async fn item_list(ctx: &CallCtx<'_>, param: Value) -> Result<Value, GatewayError> {
    let q: ItemListParams = params(param)?;
    Ok(items::list_items(ctx.platform, ctx.merchant_id()?, &q).await?)
}

async fn item_get(ctx: &CallCtx<'_>, param: Value) -> Result<Value, GatewayError> {
    let item = id(&param, "kwaiItemId")?;
    Ok(items::get_item(ctx.platform, ctx.merchant_id()?, item).await?)
}

async fn order_list(ctx: &CallCtx<'_>, param: Value) -> Result<Reply, GatewayError> {
    let q: CursorListParams = params(param)?;
    let json = query::order_cursor_list_json(ctx.platform, ctx.merchant_id()?, &q).await?;
    Ok(Reply::RawJson(json))
}

async fn order_detail(ctx: &CallCtx<'_>, param: Value) -> Result<Reply, GatewayError> {
    let oid = id(&param, "oid")?;
    let json = query::order_detail_json(ctx.platform, ctx.merchant_id()?, oid).await?;
    Ok(Reply::RawJson(json))
}

async fn deliver(ctx: &CallCtx<'_>, param: Value) -> Result<Value, GatewayError> {
    let d: Deliver = params(param)?;
    orders::deliver(ctx.platform, ctx.merchant_id()?, &d).await?;
    Ok(json!(null))
}

async fn close(ctx: &CallCtx<'_>, param: Value) -> Result<Value, GatewayError> {
    orders::close(ctx.platform, ctx.merchant_id()?, id(&param, "orderId")?).await?;
    Ok(json!(null))
}

async fn categories(_ctx: &CallCtx<'_>, _param: Value) -> Result<Value, GatewayError> {
    Ok(items::category_list())
}

async fn refund_list(ctx: &CallCtx<'_>, param: Value) -> Result<Value, GatewayError> {
    let q: RefundListParams = params(param)?;
    Ok(refund_query::refund_pcursor_list(ctx.platform, ctx.merchant_id()?, &q).await?)
}

async fn refund_detail(ctx: &CallCtx<'_>, param: Value) -> Result<Value, GatewayError> {
    let refund = id(&param, "refundId")?;
    Ok(refund_query::refund_detail(ctx.platform, ctx.merchant_id()?, refund).await?)
}

async fn reject_reasons(ctx: &CallCtx<'_>, param: Value) -> Result<Value, GatewayError> {
    let refund = id(&param, "refundId")?;
    let reasons = refunds::reject_reasons(ctx.platform, ctx.merchant_id()?, refund).await?;
    serde_json::to_value(reasons).map_err(|e| GatewayError::invalid(e.to_string()))
}

async fn refund_approve(ctx: &CallCtx<'_>, param: Value) -> Result<Value, GatewayError> {
    let (refund, amount) = (id(&param, "refundId")?, id(&param, "refundAmount")?);
    refunds::approve(ctx.platform, ctx.merchant_id()?, refund, amount).await?;
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

async fn logistics_update(ctx: &CallCtx<'_>, param: Value) -> Result<Value, GatewayError> {
    let (oid, code, no) = (
        id(&param, "orderId")?,
        id(&param, "expressCode")?,
        text(&param, "expressNo")?,
    );
    let package = opt_id(&param, "logisticsId")?;
    orders::update_logistics(ctx.platform, ctx.merchant_id()?, oid, code, no, package).await?;
    Ok(json!(null))
}

async fn logistics_append(ctx: &CallCtx<'_>, param: Value) -> Result<Value, GatewayError> {
    let (oid, code, no) = (
        id(&param, "oid")?,
        id(&param, "expressCode")?,
        text(&param, "expressNo")?,
    );
    let package = orders::append_logistics(ctx.platform, ctx.merchant_id()?, oid, code, no).await?;
    Ok(json!({ "logisticsId": package }))
}

async fn note_add(ctx: &CallCtx<'_>, param: Value) -> Result<Value, GatewayError> {
    let seller = ctx.merchant_id()?;
    let staff_id = opt_id(&param, "staffId")?.unwrap_or(0);
    let name = match ctx
        .directory
        .account(ctx.platform, ctx.account_id().unwrap_or(seller))
        .await?
    {
        Some(a) => a.name.clone(),
        None => String::new(),
    };
    let author = NoteAuthor { staff_id, name };
    let flag = opt_id(&param, "flag")?;
    orders::add_note(
        ctx.platform,
        seller,
        id(&param, "orderId")?,
        text(&param, "note")?,
        flag,
        &author,
    )
    .await?;
    Ok(json!(null))
}

async fn item_new(ctx: &CallCtx<'_>, param: Value) -> Result<Value, GatewayError> {
    let req: NewItem = params(param)?;
    Ok(items::new_item(ctx.platform, ctx.merchant_id()?, &req).await?)
}

async fn item_edit(ctx: &CallCtx<'_>, param: Value) -> Result<Value, GatewayError> {
    let item = id(&param, "itemId")?;
    let req: EditItem = params(param)?;
    Ok(items::edit_item(ctx.platform, ctx.merchant_id()?, item, &req).await?)
}

async fn item_delete(ctx: &CallCtx<'_>, param: Value) -> Result<Value, GatewayError> {
    items::delete_item(ctx.platform, ctx.merchant_id()?, id(&param, "kwaiItemId")?).await?;
    Ok(json!(null))
}

async fn item_shelf(ctx: &CallCtx<'_>, param: Value) -> Result<Value, GatewayError> {
    let (item, status) = (id(&param, "kwaiItemId")?, id(&param, "shelfStatus")?);
    items::set_shelf_status(ctx.platform, ctx.merchant_id()?, item, status).await?;
    Ok(json!(null))
}

async fn item_stock(ctx: &CallCtx<'_>, param: Value) -> Result<Value, GatewayError> {
    let (item, sku) = (id(&param, "kwaiItemId")?, id(&param, "skuId")?);
    let change = StockChange::from_code(opt_id(&param, "changeType")?.unwrap_or(1))?;
    let delta = id(&param, "skuChangeStock")?;
    items::update_stock(ctx.platform, ctx.merchant_id()?, item, sku, delta, change).await?;
    Ok(json!(null))
}

async fn item_price(ctx: &CallCtx<'_>, param: Value) -> Result<Value, GatewayError> {
    let (item, sku, price) = (
        id(&param, "itemId")?,
        id(&param, "skuId")?,
        id(&param, "price")?,
    );
    items::update_price(ctx.platform, ctx.merchant_id()?, item, sku, price).await?;
    Ok(json!(null))
}

async fn refund_return_approve(ctx: &CallCtx<'_>, param: Value) -> Result<Value, GatewayError> {
    let (refund, amount) = (id(&param, "refundId")?, id(&param, "refundAmount")?);
    let address = opt_id(&param, "addressId")?;
    refunds::approve_return(ctx.platform, ctx.merchant_id()?, refund, amount, address).await?;
    Ok(json!(null))
}

async fn refund_reject(ctx: &CallCtx<'_>, param: Value) -> Result<Value, GatewayError> {
    let req: Reject = params(param)?;
    refunds::reject(ctx.platform, ctx.merchant_id()?, &req).await?;
    Ok(json!(null))
}

async fn refund_confirm_receipt(ctx: &CallCtx<'_>, param: Value) -> Result<Value, GatewayError> {
    refunds::confirm_receipt(ctx.platform, ctx.merchant_id()?, id(&param, "refundId")?).await?;
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

async fn decrypt_batch(ctx: &CallCtx<'_>, param: Value) -> Result<Value, GatewayError> {
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
        operator_id: ctx.account_id(),
    };
    let results = vault::decrypt(ctx.platform, who, &items).await?;
    serde_json::to_value(results)
        .map_err(|e| GatewayError::new(kaifang_wire::ApiError::InternalError, e.to_string()))
}

async fn carrier_list(_ctx: &CallCtx<'_>, _param: Value) -> Result<Value, GatewayError> {
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
