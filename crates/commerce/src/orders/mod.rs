//! Orders (`merchant_order`): the buyer's side (create, pay, cancel, receive, complete), the
//! seller's side (ship, logistics update and append, notes and flags, close), and the queries
//! shaped like `open.order.cursor.list` and `open.order.detail` ([`query`]).
//!
//! Each change is one transaction that also writes its event to the outbox. Stock: creating
//! an order reserves its units; paying turns them into sold units; cancelling releases them.

pub mod query;
mod status;
pub mod view;

pub use status::{OrderAction, OrderStatus, view_status_range};

use kaifang_platform::Platform;
use kaifang_store::{Row, Tx, args};
use kaifang_wire::errors::ApiError;
use serde::Deserialize;
use serde_json::json;

use crate::items::{AUDIT_PASSED, ITEM_NORMAL, SHELF_ON};
use crate::logistics::{self, carriers};
use crate::outbox::{self, Event};
use crate::vault::Consignee;
use crate::{Error, Result, ids};

/// One line of a new order.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct OrderLine {
    /// The item.
    pub item_id: i64,
    /// The SKU of that item.
    pub sku_id: i64,
    /// Units (1–9999).
    pub num: i64,
}

/// What a buyer submits.
#[derive(Debug, Clone)]
pub struct NewOrder {
    /// The buyer's user id.
    pub buyer_id: i64,
    /// The buyer's nickname.
    pub buyer_nick: String,
    /// The lines (1 or more; `orderItemInfo` shows the first).
    pub lines: Vec<OrderLine>,
    /// Where to deliver (sealed before it is stored).
    pub consignee: Consignee,
    /// Buyer's remark.
    pub remark: String,
    /// Freight, fen.
    pub express_fee: i64,
    /// Discount, fen.
    pub discount_fee: i64,
}

/// Loads an order for a change by its seller; another merchant's order is rejected (21).
pub(crate) async fn own_order(tx: &mut Tx, seller_id: i64, oid: i64) -> Result<Row> {
    let r = tx
        .fetch_optional("SELECT * FROM orders WHERE id = $1", &args![oid])
        .await?;
    match r {
        Some(r) if r.i64("seller_id")? == seller_id => Ok(r),
        _ => Err(Error::order_rejected(oid)),
    }
}

async fn status_event(
    tx: &mut Tx,
    name: &'static str,
    row: &Row,
    status: OrderStatus,
    now: i64,
) -> Result<()> {
    let oid = row.i64("id")?;
    let seller_id = row.i64("seller_id")?;
    outbox::emit(
        tx,
        Event {
            name,
            biz_id: oid,
            seller_id,
            buyer_id: Some(row.i64("buyer_id")?),
            info: json!({"oid": oid, "sellerId": seller_id, "status": status.code(), "updateTime": now}),
        },
        now,
    )
    .await
}

/// A buyer places an order: reserves stock, seals the address, writes `kwaishop_order_addOrder`.
pub async fn create_order(p: &Platform, seller_id: i64, order: &NewOrder) -> Result<i64> {
    create_order_at(p, seller_id, order, p.now()).await
}

pub(crate) async fn create_order_at(
    p: &Platform,
    seller_id: i64,
    order: &NewOrder,
    now: i64,
) -> Result<i64> {
    if order.lines.is_empty() || order.lines.len() > 50 {
        return Err(Error::invalid("an order needs 1 to 50 lines"));
    }
    if order.lines.iter().any(|l| l.num <= 0 || l.num > 9999) {
        return Err(Error::invalid("num must be 1 to 9999 per line"));
    }
    if order.express_fee < 0 || order.discount_fee < 0 {
        return Err(Error::invalid(
            "expressFee and discountFee must be 0 or more (fen)",
        ));
    }
    order.consignee.validate()?;
    let sealed = order.consignee.seal(&p.vault);
    let mut tx = p.db.begin().await?;
    let mut lines = Vec::new();
    let mut goods = 0i64;
    for l in &order.lines {
        let r = tx
            .fetch_optional(
                "SELECT s.id, s.stock, s.reserved, s.price, s.market_price, s.rel_sku_id, s.sku_nick, s.specification, i.id AS item_id, i.rel_item_id, i.title, i.image_urls, i.seller_id, i.shelf_status, i.audit_status, i.item_status FROM skus s JOIN items i ON i.id = s.item_id WHERE s.id = $1 AND i.id = $2",
                &args![l.sku_id, l.item_id],
            )
            .await?
            .filter(|r| r.i64("seller_id").ok() == Some(seller_id))
            .ok_or_else(|| Error::invalid(format!("SKU {} of item {} is not sold by this shop", l.sku_id, l.item_id)))?;
        if r.i64("item_status")? != ITEM_NORMAL
            || r.i64("shelf_status")? != SHELF_ON
            || r.i64("audit_status")? != AUDIT_PASSED
        {
            return Err(Error::rejected(format!(
                "item {} is not on sale (off the shelf, deleted or not audited)",
                l.item_id
            )));
        }
        let available = r.i64("stock")? - r.i64("reserved")?;
        if available < l.num {
            return Err(Error::rejected(format!(
                "SKU {} has {available} units available: order at most that many",
                l.sku_id
            )));
        }
        tx.execute(
            "UPDATE skus SET reserved = reserved + $2, updated_at = $3 WHERE id = $1",
            &args![l.sku_id, l.num, now],
        )
        .await?;
        goods += r.i64("price")? * l.num;
        lines.push((*l, r));
    }
    let total = goods + order.express_fee - order.discount_fee;
    if total < 0 {
        return Err(Error::invalid(
            "discountFee is larger than the order's value",
        ));
    }
    let mut oid = 0;
    for _ in 0..ids::ID_ATTEMPTS {
        let id = ids::order_id();
        if tx
            .fetch_optional("SELECT id FROM orders WHERE id = $1", &args![id])
            .await?
            .is_none()
        {
            oid = id;
            break;
        }
    }
    if oid == 0 {
        return Err(Error::internal("could not find a free order id; retry"));
    }
    let c = &order.consignee;
    tx.execute(
        "INSERT INTO orders (id, seller_id, buyer_id, buyer_nick, status, total_fee, express_fee, discount_fee, remark, pay_type, cps_type, create_time, update_time, consignee_enc, mobile_enc, address_enc, consignee_masked, mobile_masked, address_masked, province, province_code, city, city_code, district, district_code, town, town_code, flag) VALUES ($1, $2, $3, $4, 10, $5, $6, $7, $8, 1, 1, $9, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, 0)",
        &args![oid, seller_id, order.buyer_id, order.buyer_nick.clone(), total, order.express_fee, order.discount_fee, order.remark.clone(), now, sealed.consignee_enc, sealed.mobile_enc, sealed.address_enc, sealed.consignee_masked, sealed.mobile_masked, sealed.address_masked, c.province.clone(), c.province_code, c.city.clone(), c.city_code, c.district.clone(), c.district_code, c.town.clone(), c.town_code],
    )
    .await?;
    for (l, r) in &lines {
        let images: Vec<String> = serde_json::from_str(&r.text("image_urls")?).unwrap_or_default();
        let price = r.i64("price")?;
        let market = r.i64("market_price")?.max(price);
        tx.execute(
            "INSERT INTO order_items (order_id, item_id, sku_id, rel_item_id, rel_sku_id, item_title, sku_desc, sku_nick, item_pic_url, num, original_price, price, discount_fee) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            &args![oid, l.item_id, l.sku_id, r.opt_text("rel_item_id")?, r.opt_text("rel_sku_id")?, r.text("title")?, r.text("specification")?, r.text("sku_nick")?, images.first().cloned().unwrap_or_default(), l.num, market, price, (market - price) * l.num],
        )
        .await?;
    }
    outbox::emit(
        &mut tx,
        Event {
            name: outbox::ORDER_ADD,
            biz_id: oid,
            seller_id,
            buyer_id: Some(order.buyer_id),
            info: json!({
                "oid": oid, "sellerId": seller_id, "openId": "", "buyerOpenId": "", "createTime": now,
                "customizedInfo": {"customizedItemType": 0, "customizedUrl": "", "customizedCode": ""},
            }),
        },
        now,
    )
    .await?;
    view::store(&mut tx, oid).await?;
    tx.commit().await?;
    Ok(oid)
}

/// Moves an order through a buyer-side step in one transaction, with its event.
async fn buyer_step(
    p: &Platform,
    seller_id: i64,
    oid: i64,
    action: OrderAction,
    now: i64,
) -> Result<OrderStatus> {
    let mut tx = p.db.begin().await?;
    let row = own_order(&mut tx, seller_id, oid).await?;
    let from = OrderStatus::from_code(row.i64("status")?)?;
    let to = from.next(oid, action)?;
    let lines = tx
        .fetch_all(
            "SELECT sku_id, num FROM order_items WHERE order_id = $1",
            &args![oid],
        )
        .await?;
    let (event, sql): (&'static str, &'static str) = match action {
        OrderAction::Pay => {
            for l in &lines {
                tx.execute(
                    "UPDATE skus SET stock = stock - $2, reserved = reserved - $2, volume = volume + $2, updated_at = $3 WHERE id = $1",
                    &args![l.i64("sku_id")?, l.i64("num")?, now],
                )
                .await?;
            }
            (
                outbox::ORDER_PAY_SUCCESS,
                "UPDATE orders SET status = $2, pay_time = $3, update_time = $3 WHERE id = $1",
            )
        }
        OrderAction::Cancel | OrderAction::Close => {
            for l in &lines {
                tx.execute(
                    "UPDATE skus SET reserved = reserved - $2, updated_at = $3 WHERE id = $1",
                    &args![l.i64("sku_id")?, l.i64("num")?, now],
                )
                .await?;
            }
            (
                outbox::ORDER_FAIL,
                "UPDATE orders SET status = $2, close_time = $3, update_time = $3 WHERE id = $1",
            )
        }
        OrderAction::Receive => (
            outbox::ORDER_DELIVERY_SUCCESS,
            "UPDATE orders SET status = $2, recv_time = $3, update_time = $3 WHERE id = $1",
        ),
        OrderAction::Complete => (
            outbox::ORDER_SUCCESS,
            "UPDATE orders SET status = $2, success_time = $3, update_time = $3 WHERE id = $1",
        ),
        OrderAction::Ship | OrderAction::RefundClose => {
            return Err(Error::internal(
                "shipping and refund closes have their own paths",
            ));
        }
    };
    tx.execute(sql, &args![oid, to.code(), now]).await?;
    status_event(&mut tx, event, &row, to, now).await?;
    view::store(&mut tx, oid).await?;
    tx.commit().await?;
    Ok(to)
}

/// The buyer pays (10 -> 30): reserved units become sold units.
pub async fn pay(p: &Platform, seller_id: i64, oid: i64) -> Result<OrderStatus> {
    buyer_step(p, seller_id, oid, OrderAction::Pay, p.now()).await
}

/// The buyer cancels an unpaid order (10 -> 80): reserved units are released.
pub async fn cancel(p: &Platform, seller_id: i64, oid: i64) -> Result<OrderStatus> {
    buyer_step(p, seller_id, oid, OrderAction::Cancel, p.now()).await
}

/// The seller closes an unpaid order (`open.seller.order.close`, 10 -> 80).
pub async fn close(p: &Platform, seller_id: i64, oid: i64) -> Result<OrderStatus> {
    buyer_step(p, seller_id, oid, OrderAction::Close, p.now()).await
}

/// The buyer receives the parcel (40 -> 50).
pub async fn receive(p: &Platform, seller_id: i64, oid: i64) -> Result<OrderStatus> {
    buyer_step(p, seller_id, oid, OrderAction::Receive, p.now()).await
}

/// The trade completes (50 -> 70).
pub async fn complete(p: &Platform, seller_id: i64, oid: i64) -> Result<OrderStatus> {
    buyer_step(p, seller_id, oid, OrderAction::Complete, p.now()).await
}

pub(crate) async fn step_at(
    p: &Platform,
    seller_id: i64,
    oid: i64,
    action: OrderAction,
    now: i64,
) -> Result<OrderStatus> {
    buyer_step(p, seller_id, oid, action, now).await
}

/// Rejects a waybill another merchant already used with the same carrier (K1009: fake shipping).
async fn check_waybill_owner(tx: &mut Tx, seller_id: i64, code: i64, no: &str) -> Result<()> {
    let other = tx
        .fetch_optional(
            "SELECT seller_id FROM order_logistics WHERE express_no = $1 AND express_code = $2 AND seller_id <> $3",
            &args![no, code, seller_id],
        )
        .await?;
    if other.is_some() {
        return Err(Error::new(
            ApiError::ShippingRuleRejected,
            format!(
                "waybill {no} of carrier {code} was already used by another shop: send the waybill number of this parcel"
            ),
        ));
    }
    Ok(())
}

/// `open.seller.order.goods.deliver` parameters.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deliver {
    /// The order.
    pub order_id: i64,
    /// Waybill number.
    pub express_no: String,
    /// Carrier code (§7).
    pub express_code: i64,
    /// A return address of the merchant.
    #[serde(default)]
    pub return_address_id: Option<i64>,
}

/// Ships a paid order (30 -> 40): one logistics package; writes `kwaishop_order_delivering`.
pub async fn deliver(p: &Platform, seller_id: i64, d: &Deliver) -> Result<OrderStatus> {
    deliver_at(p, seller_id, d, p.now()).await
}

pub(crate) async fn deliver_at(
    p: &Platform,
    seller_id: i64,
    d: &Deliver,
    now: i64,
) -> Result<OrderStatus> {
    carriers::usable(d.express_code)?;
    let no = carriers::check_waybill(&d.express_no)?.to_string();
    if let Some(a) = d.return_address_id {
        logistics::get_return_address(p, seller_id, a).await?;
    }
    let mut tx = p.db.begin().await?;
    let row = own_order(&mut tx, seller_id, d.order_id).await?;
    let to = OrderStatus::from_code(row.i64("status")?)?.next(d.order_id, OrderAction::Ship)?;
    check_waybill_owner(&mut tx, seller_id, d.express_code, &no).await?;
    tx.execute(
        "INSERT INTO order_logistics (order_id, seller_id, express_code, express_no, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
        &args![d.order_id, seller_id, d.express_code, no, now],
    )
    .await?;
    tx.execute(
        "UPDATE orders SET status = $2, send_time = $3, update_time = $3 WHERE id = $1",
        &args![d.order_id, to.code(), now],
    )
    .await?;
    status_event(&mut tx, outbox::ORDER_DELIVERING, &row, to, now).await?;
    view::store(&mut tx, d.order_id).await?;
    tx.commit().await?;
    Ok(to)
}

fn require_shipped(row: &Row, oid: i64) -> Result<()> {
    let s = OrderStatus::from_code(row.i64("status")?)?;
    if !matches!(s, OrderStatus::Shipped | OrderStatus::Received) {
        return Err(Error::rejected(format!(
            "order {oid} is {} (status {}): logistics can only change on a shipped (40) or received (50) order",
            s.name(),
            s.code()
        )));
    }
    Ok(())
}

/// `open.seller.order.logistics.update`: corrects the carrier and waybill of a package (the one
/// named by `logistics_id`, else the first). There is no documented event for this change, so
/// none is written; `updateTime` moves so that update-time queries see it.
pub async fn update_logistics(
    p: &Platform,
    seller_id: i64,
    oid: i64,
    express_code: i64,
    express_no: &str,
    logistics_id: Option<i64>,
) -> Result<()> {
    carriers::usable(express_code)?;
    let no = carriers::check_waybill(express_no)?.to_string();
    let now = p.now();
    let mut tx = p.db.begin().await?;
    let row = own_order(&mut tx, seller_id, oid).await?;
    require_shipped(&row, oid)?;
    check_waybill_owner(&mut tx, seller_id, express_code, &no).await?;
    let package = match logistics_id {
        Some(id) => tx
            .fetch_optional(
                "SELECT id FROM order_logistics WHERE id = $1 AND order_id = $2",
                &args![id, oid],
            )
            .await?
            .ok_or_else(|| Error::invalid(format!("logisticsId {id} is not a package of order {oid}: use a logisticsId from orderLogisticsInfo")))?
            .i64("id")?,
        None => tx
            .fetch_one(
                "SELECT MIN(id) AS id FROM order_logistics WHERE order_id = $1",
                &args![oid],
            )
            .await?
            .i64("id")?,
    };
    tx.execute(
        "UPDATE order_logistics SET express_code = $2, express_no = $3, updated_at = $4 WHERE id = $1",
        &args![package, express_code, no, now],
    )
    .await?;
    tx.execute(
        "UPDATE orders SET update_time = $2 WHERE id = $1",
        &args![oid, now],
    )
    .await?;
    view::store(&mut tx, oid).await?;
    tx.commit().await?;
    Ok(())
}

/// `open.seller.order.goods.logistics.append`: adds a package to a shipped order; returns its
/// `logisticsId`. No documented event, as for [`update_logistics`].
pub async fn append_logistics(
    p: &Platform,
    seller_id: i64,
    oid: i64,
    express_code: i64,
    express_no: &str,
) -> Result<i64> {
    carriers::usable(express_code)?;
    let no = carriers::check_waybill(express_no)?.to_string();
    let now = p.now();
    let mut tx = p.db.begin().await?;
    let row = own_order(&mut tx, seller_id, oid).await?;
    require_shipped(&row, oid)?;
    check_waybill_owner(&mut tx, seller_id, express_code, &no).await?;
    let n = tx
        .scalar(
            "SELECT COUNT(*) FROM order_logistics WHERE order_id = $1",
            &args![oid],
        )
        .await?;
    if n >= 20 {
        return Err(Error::rejected(format!(
            "order {oid} already has 20 packages"
        )));
    }
    let id = tx
        .scalar(
            "INSERT INTO order_logistics (order_id, seller_id, express_code, express_no, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
            &args![oid, seller_id, express_code, no, now],
        )
        .await?;
    tx.execute(
        "UPDATE orders SET update_time = $2 WHERE id = $1",
        &args![oid, now],
    )
    .await?;
    view::store(&mut tx, oid).await?;
    tx.commit().await?;
    Ok(id)
}

/// Who writes a note.
#[derive(Debug, Clone)]
pub struct NoteAuthor {
    /// The staff account id (0 for the merchant itself).
    pub staff_id: i64,
    /// Display name (`operatorName`).
    pub name: String,
}

/// `open.seller.order.note.add`: a seller note (≤ 200 characters) and an optional flag colour
/// (0 none, 1 red, 2 yellow, 3 green, 4 blue, 5 purple); writes `kwaishop_order_addNote`
/// (eventType 2 added, type 1 text, operatorType 1 merchant / 2 staff).
pub async fn add_note(
    p: &Platform,
    seller_id: i64,
    oid: i64,
    note: &str,
    flag: Option<i64>,
    author: &NoteAuthor,
) -> Result<()> {
    let note = note.trim();
    if note.is_empty() || note.chars().count() > 200 {
        return Err(Error::invalid("note must be 1 to 200 characters"));
    }
    if let Some(f) = flag
        && !(0..=5).contains(&f)
    {
        return Err(Error::invalid(
            "flag must be 0 (none), 1 red, 2 yellow, 3 green, 4 blue or 5 purple",
        ));
    }
    let now = p.now();
    let mut tx = p.db.begin().await?;
    let row = own_order(&mut tx, seller_id, oid).await?;
    let flag = flag.unwrap_or(row.i64("flag")?);
    tx.execute(
        "INSERT INTO order_notes (order_id, seller_id, note, staff_id, flag, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        &args![oid, seller_id, note, author.staff_id, flag, now],
    )
    .await?;
    tx.execute(
        "UPDATE orders SET flag = $2, update_time = $3 WHERE id = $1",
        &args![oid, flag, now],
    )
    .await?;
    outbox::emit(
        &mut tx,
        Event {
            name: outbox::ORDER_ADD_NOTE,
            biz_id: oid,
            seller_id,
            buyer_id: Some(row.i64("buyer_id")?),
            info: json!({
                "eventType": 2,
                "operatorName": author.name,
                "operatorType": if author.staff_id == 0 { 1 } else { 2 },
                "bizId": oid,
                "note": note,
                "type": 1,
                "updateTime": now,
                "flag": flag,
            }),
        },
        now,
    )
    .await?;
    view::store(&mut tx, oid).await?;
    tx.commit().await?;
    Ok(())
}

/// Closes a paid, unshipped order after a full refund, inside the refund's transaction.
pub(crate) async fn close_for_refund(tx: &mut Tx, row: &Row, now: i64) -> Result<()> {
    let oid = row.i64("id")?;
    let to = OrderStatus::from_code(row.i64("status")?)?.next(oid, OrderAction::RefundClose)?;
    tx.execute(
        "UPDATE orders SET status = $2, close_time = $3, update_time = $3 WHERE id = $1",
        &args![oid, to.code(), now],
    )
    .await?;
    status_event(tx, outbox::ORDER_FAIL, row, to, now).await
}

/// The merchant (seller) an order belongs to, if the order exists (for the sandbox simulator,
/// which acts as the buyer and knows only the order id).
pub async fn seller_of(p: &Platform, oid: i64) -> Result<Option<i64>> {
    let r =
        p.db.fetch_optional("SELECT seller_id FROM orders WHERE id = $1", &args![oid])
            .await?;
    Ok(r.map(|r| r.i64("seller_id")).transpose()?)
}
