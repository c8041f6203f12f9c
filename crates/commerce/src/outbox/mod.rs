//! The event outbox: every change writes its event in the same transaction as the change.
//!
//! [`EVENTS`] declares every event once: its name, the permission scope an app needs to receive
//! it, and the exact field names of its `info` payload (protocol-notes §4.4). [`emit`] refuses an
//! `info` whose fields differ from the declaration, so a handler cannot drift from the table the
//! push worker and the docs read.
//!
//! Item events are not documented anywhere (§8 question 4); Kaifang names them in the same
//! pattern as the order events (`kwaishop_item_<verb>`) and documents them here.
//!
//! `openId` and `buyerOpenId` differ per developer, so the outbox stores them as empty strings
//! and keeps `seller_id` / `buyer_id` on the row; the push worker fills them in per app.

pub mod example;

use kaifang_store::{Tx, args};
use serde_json::Value;

use crate::{Error, Result};

/// The permission scope that carries an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `merchant_order`.
    Order,
    /// `merchant_refund`.
    Refund,
    /// `merchant_item`.
    Item,
}

impl Scope {
    /// The scope name as granted in OAuth.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Order => "merchant_order",
            Scope::Refund => "merchant_refund",
            Scope::Item => "merchant_item",
        }
    }
}

/// One event declaration.
#[derive(Debug, Clone, Copy)]
pub struct EventDecl {
    /// The event name sent as `event`.
    pub name: &'static str,
    /// The scope a merchant must have granted for the app to receive it.
    pub scope: Scope,
    /// The field names of `info`, exactly as sent.
    pub info_fields: &'static [&'static str],
    /// What happened.
    pub meaning: &'static str,
}

const ORDER_STATUS_FIELDS: &[&str] = &["oid", "sellerId", "status", "updateTime"];
const REFUND_ADD_FIELDS: &[&str] = &[
    "orderId",
    "refundId",
    "handlingWay",
    "specialRefundType",
    "status",
    "createTime",
];
const REFUND_UPDATE_FIELDS: &[&str] = &[
    "orderId",
    "refundId",
    "handlingWay",
    "specialRefundType",
    "status",
    "eventType",
    "updateTime",
];

/// Every event, one declaration each.
pub const EVENTS: &[EventDecl] = &[
    EventDecl {
        name: ORDER_ADD,
        scope: Scope::Order,
        info_fields: &[
            "oid",
            "sellerId",
            "openId",
            "buyerOpenId",
            "createTime",
            "customizedInfo",
        ],
        meaning: "order created (awaiting payment)",
    },
    EventDecl {
        name: ORDER_PAY_SUCCESS,
        scope: Scope::Order,
        info_fields: ORDER_STATUS_FIELDS,
        meaning: "order paid (status 30)",
    },
    EventDecl {
        name: ORDER_DELIVERING,
        scope: Scope::Order,
        info_fields: ORDER_STATUS_FIELDS,
        meaning: "order shipped (status 40)",
    },
    EventDecl {
        name: ORDER_DELIVERY_SUCCESS,
        scope: Scope::Order,
        info_fields: ORDER_STATUS_FIELDS,
        meaning: "order received by the buyer (status 50)",
    },
    EventDecl {
        name: ORDER_SUCCESS,
        scope: Scope::Order,
        info_fields: ORDER_STATUS_FIELDS,
        meaning: "trade succeeded (status 70)",
    },
    EventDecl {
        name: ORDER_FAIL,
        scope: Scope::Order,
        info_fields: ORDER_STATUS_FIELDS,
        meaning: "trade failed or cancelled (status 80)",
    },
    EventDecl {
        name: ORDER_TOTAL_FEE_CHANGE,
        scope: Scope::Order,
        info_fields: &[
            "oid",
            "sellerId",
            "totalFee",
            "beforeTotalFee",
            "expressFee",
            "beforeExpressFee",
            "openId",
            "buyerOpenId",
            "updateTime",
        ],
        meaning: "order price or freight changed",
    },
    EventDecl {
        name: ORDER_ADD_NOTE,
        scope: Scope::Order,
        info_fields: &[
            "eventType",
            "operatorName",
            "operatorType",
            "bizId",
            "note",
            "type",
            "updateTime",
            "flag",
        ],
        meaning: "seller note or flag added (eventType 2), modified (1) or deleted (3)",
    },
    EventDecl {
        name: ORDER_ADDRESS_CHANGE,
        scope: Scope::Order,
        info_fields: &["oid", "seller_id", "openId", "buyerOpenId", "updateTime"],
        meaning: "buyer changed the address (seller_id is snake_case on the wire)",
    },
    EventDecl {
        name: ORDER_ADDRESS_UPDATE_AUDIT,
        scope: Scope::Order,
        info_fields: &[
            "oid",
            "openId",
            "buyerOpenId",
            "createTime",
            "auditStatus",
            "auditTime",
        ],
        meaning: "address change awaiting (10), approved (20) or rejected (30)",
    },
    EventDecl {
        name: REFUND_ADD,
        scope: Scope::Refund,
        info_fields: REFUND_ADD_FIELDS,
        meaning: "after-sales case opened by the buyer",
    },
    EventDecl {
        name: REFUND_UPDATE,
        scope: Scope::Refund,
        info_fields: REFUND_UPDATE_FIELDS,
        meaning: "after-sales case changed (eventType: refunds::RefundEvent)",
    },
    EventDecl {
        name: ITEM_ADD,
        scope: Scope::Item,
        info_fields: &["itemId", "sellerId", "relItemId", "createTime"],
        meaning: "item created (Kaifang-named)",
    },
    EventDecl {
        name: ITEM_UPDATE,
        scope: Scope::Item,
        info_fields: &["itemId", "sellerId", "updateTime"],
        meaning: "item edited (Kaifang-named)",
    },
    EventDecl {
        name: ITEM_SHELF_CHANGE,
        scope: Scope::Item,
        info_fields: &["itemId", "sellerId", "shelfStatus", "updateTime"],
        meaning: "item put on (1) or taken off (0) the shelf (Kaifang-named)",
    },
    EventDecl {
        name: ITEM_STOCK_CHANGE,
        scope: Scope::Item,
        info_fields: &[
            "itemId",
            "sellerId",
            "skuId",
            "skuStock",
            "reserveStock",
            "updateTime",
        ],
        meaning: "a SKU's stock changed by the seller (Kaifang-named)",
    },
    EventDecl {
        name: ITEM_PRICE_CHANGE,
        scope: Scope::Item,
        info_fields: &[
            "itemId",
            "sellerId",
            "skuId",
            "price",
            "beforePrice",
            "updateTime",
        ],
        meaning: "a SKU's price changed (Kaifang-named)",
    },
    EventDecl {
        name: ITEM_DELETE,
        scope: Scope::Item,
        info_fields: &["itemId", "sellerId", "updateTime"],
        meaning: "item deleted by the seller (Kaifang-named)",
    },
];

/// `kwaishop_order_addOrder`.
pub const ORDER_ADD: &str = "kwaishop_order_addOrder";
/// `kwaishop_order_paySuccess`.
pub const ORDER_PAY_SUCCESS: &str = "kwaishop_order_paySuccess";
/// `kwaishop_order_delivering`.
pub const ORDER_DELIVERING: &str = "kwaishop_order_delivering";
/// `kwaishop_order_deliverySuccess`.
pub const ORDER_DELIVERY_SUCCESS: &str = "kwaishop_order_deliverySuccess";
/// `kwaishop_order_orderSuccess`.
pub const ORDER_SUCCESS: &str = "kwaishop_order_orderSuccess";
/// `kwaishop_order_orderFail`.
pub const ORDER_FAIL: &str = "kwaishop_order_orderFail";
/// `kwaishop_order_totalFeeChange`.
pub const ORDER_TOTAL_FEE_CHANGE: &str = "kwaishop_order_totalFeeChange";
/// `kwaishop_order_addNote`.
pub const ORDER_ADD_NOTE: &str = "kwaishop_order_addNote";
/// `kwaishop_order_addressChange`.
pub const ORDER_ADDRESS_CHANGE: &str = "kwaishop_order_addressChange";
/// `kwaishop_order_addressUpdateAudit`.
pub const ORDER_ADDRESS_UPDATE_AUDIT: &str = "kwaishop_order_addressUpdateAudit";
/// `kwaishop_aftersales_addRefund`.
pub const REFUND_ADD: &str = "kwaishop_aftersales_addRefund";
/// `kwaishop_aftersales_updateRefund`.
pub const REFUND_UPDATE: &str = "kwaishop_aftersales_updateRefund";
/// `kwaishop_item_addItem` (Kaifang-named).
pub const ITEM_ADD: &str = "kwaishop_item_addItem";
/// `kwaishop_item_updateItem` (Kaifang-named).
pub const ITEM_UPDATE: &str = "kwaishop_item_updateItem";
/// `kwaishop_item_shelfChange` (Kaifang-named).
pub const ITEM_SHELF_CHANGE: &str = "kwaishop_item_shelfChange";
/// `kwaishop_item_stockChange` (Kaifang-named).
pub const ITEM_STOCK_CHANGE: &str = "kwaishop_item_stockChange";
/// `kwaishop_item_priceChange` (Kaifang-named).
pub const ITEM_PRICE_CHANGE: &str = "kwaishop_item_priceChange";
/// `kwaishop_item_deleteItem` (Kaifang-named).
pub const ITEM_DELETE: &str = "kwaishop_item_deleteItem";

/// The declaration of `name`, if any.
pub fn declaration(name: &str) -> Option<&'static EventDecl> {
    EVENTS.iter().find(|e| e.name == name)
}

/// One event about to be written.
#[derive(Debug)]
pub struct Event {
    /// Its declared name.
    pub name: &'static str,
    /// Order, refund or item id.
    pub biz_id: i64,
    /// The merchant.
    pub seller_id: i64,
    /// The buyer, when the event concerns one.
    pub buyer_id: Option<i64>,
    /// The `info` payload; must carry exactly the declared fields.
    pub info: Value,
}

/// Writes `event` into the outbox inside `tx`, the transaction of the change it describes.
pub async fn emit(tx: &mut Tx, event: Event, now: i64) -> Result<()> {
    let decl = declaration(event.name)
        .ok_or_else(|| Error::internal(format!("event {} is not declared", event.name)))?;
    let Value::Object(map) = &event.info else {
        return Err(Error::internal("event info must be a JSON object"));
    };
    let same = map.len() == decl.info_fields.len()
        && decl.info_fields.iter().all(|f| map.contains_key(*f));
    if !same {
        return Err(Error::internal(format!(
            "event {} info fields differ from its declaration",
            event.name
        )));
    }
    tx.execute(
        "INSERT INTO outbox (event, scope, biz_id, seller_id, buyer_id, info, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &args![
            decl.name,
            decl.scope.as_str(),
            event.biz_id,
            event.seller_id,
            event.buyer_id,
            event.info.to_string(),
            now
        ],
    )
    .await?;
    // The push worker's fan-out sleeps until such a commit.
    tx.announce_commit();
    Ok(())
}

/// An outbox row, as the push worker and tests read it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OutboxRow {
    /// Row id (increasing).
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
    /// The `info` JSON text.
    pub info: String,
    /// When written, ms.
    pub created_at: i64,
}

/// The outbox rows about one order, refund or item, oldest first.
pub async fn for_biz(db: &kaifang_store::Db, biz_id: i64) -> Result<Vec<OutboxRow>> {
    let rows = db
        .fetch_all(
            "SELECT id, event, scope, biz_id, seller_id, buyer_id, info, created_at FROM outbox WHERE biz_id = $1 ORDER BY id",
            &args![biz_id],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(OutboxRow {
                id: r.i64("id")?,
                event: r.text("event")?,
                scope: r.text("scope")?,
                biz_id: r.i64("biz_id")?,
                seller_id: r.i64("seller_id")?,
                buyer_id: r.opt_i64("buyer_id")?,
                info: r.text("info")?,
                created_at: r.i64("created_at")?,
            })
        })
        .collect::<std::result::Result<_, kaifang_store::Error>>()
        .map_err(Error::from)
}
