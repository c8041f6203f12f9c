//! Order queries in the wire shape of `open.order.cursor.list` and `open.order.detail`
//! (protocol-notes §5.1): camelCase field names, money in fen, times in ms, personal data only
//! as `encrypted*` tokens and `desensitise*` forms (plaintext `consignee`/`mobile`/`address`
//! are null, as on the platform since 2023-03-31).
//!
//! `buyerOpenId` / `sellerOpenId` depend on the calling developer; they are returned empty and
//! the API layer fills them in for its caller.
//!
//! The cursor list pages by keyset over `(create_time, id)` or `(update_time, id)` within one
//! seller (indexes `orders_seller_create` / `orders_seller_update`), so any page of a
//! million-order shop costs one index range scan; the page's items, refunds, packages and notes
//! are then read with one statement per table over the page's ids (five statements per page,
//! no count). The cursor is opaque: URL-safe Base64 of
//! `v1:<time>:<id>` of the last order sent; `""` asks for the first page and `"nomore"` comes
//! back after the last.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use kaifang_platform::Platform;
use kaifang_platform::clock::DAY;
use kaifang_store::{Arg, Db, Row, args};
use kaifang_wire::errors::ApiError;
use serde::Deserialize;
use serde_json::{Value, json};

use super::view_status_range;
use crate::vault::token;
use crate::{Error, Result};

/// The cursor after the last page.
pub const NO_MORE: &str = "nomore";
/// Largest `pageSize`.
pub const MAX_PAGE_SIZE: i64 = 50;
/// Longest `beginTime`..`endTime` range.
pub const MAX_RANGE: i64 = 7 * DAY;
/// How far back a query may reach.
pub const MAX_LOOKBACK: i64 = 90 * DAY;

fn order_base(r: &Row, refund_time: Option<i64>) -> Result<Value, kaifang_store::Error> {
    Ok(json!({
        "oid": r.i64("id")?,
        "payTime": r.opt_i64("pay_time")?.unwrap_or(0),
        "buyerOpenId": "",
        "buyerNick": r.text("buyer_nick")?,
        "sellerOpenId": "",
        "sellerNick": "",
        "expressFee": r.i64("express_fee")?,
        "discountFee": r.i64("discount_fee")?,
        "totalFee": r.i64("total_fee")?,
        "status": r.i64("status")?,
        "sendTime": r.opt_i64("send_time")?.unwrap_or(0),
        "refundTime": refund_time.unwrap_or(0),
        "createTime": r.i64("create_time")?,
        "updateTime": r.i64("update_time")?,
        "remark": r.text("remark")?,
        "payType": r.i64("pay_type")?,
        "cpsType": r.i64("cps_type")?,
        "preSale": 0,
        "recvTime": r.opt_i64("recv_time")?.unwrap_or(0),
        "validPromiseShipmentTimeStamp": 0,
        "coType": 0,
    }))
}

fn order_item(r: &Row) -> Result<Value, kaifang_store::Error> {
    Ok(json!({
        "orderItemId": r.i64("id")?,
        "skuId": r.i64("sku_id")?,
        "relSkuId": r.opt_text("rel_sku_id")?,
        "skuDesc": r.text("sku_desc")?,
        "skuNick": r.text("sku_nick")?,
        "itemId": r.i64("item_id")?,
        "relItemId": r.opt_text("rel_item_id")?,
        "itemTitle": r.text("item_title")?,
        "itemPicUrl": r.text("item_pic_url")?,
        "num": r.i64("num")?,
        "originalPrice": r.i64("original_price")?,
        "discountFee": r.i64("discount_fee")?,
        "price": r.i64("price")?,
        "itemType": 1,
        "goodsCode": "",
    }))
}

fn order_address(r: &Row) -> Result<Value, kaifang_store::Error> {
    Ok(json!({
        "consignee": null,
        "mobile": null,
        "address": null,
        "encryptedConsignee": token(&r.bytes("consignee_enc")?),
        "desensitiseConsignee": r.text("consignee_masked")?,
        "encryptedMobile": token(&r.bytes("mobile_enc")?),
        "desensitiseMobile": r.text("mobile_masked")?,
        "encryptedAddress": token(&r.bytes("address_enc")?),
        "desensitiseAddress": r.text("address_masked")?,
        "province": r.text("province")?,
        "provinceCode": r.i64("province_code")?,
        "city": r.text("city")?,
        "cityCode": r.i64("city_code")?,
        "district": r.text("district")?,
        "districtCode": r.i64("district_code")?,
        "town": r.text("town")?,
        "townCode": r.i64("town_code")?,
    }))
}

/// Up to [`MAX_PAGE_SIZE`] order ids as placeholders `$1 … $50`: a page's children are read
/// with one statement per table (no query per order). Unused slots are bound to 0, which is no
/// order's id, so the text stays one prepared statement.
macro_rules! page_ids {
    () => {
        "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44, $45, $46, $47, $48, $49, $50"
    };
}

const PAGE_ITEMS: &str = concat!(
    "SELECT * FROM order_items WHERE order_id IN (",
    page_ids!(),
    ") ORDER BY order_id, id"
);
const PAGE_REFUNDS: &str = concat!(
    "SELECT id, order_id, status, create_time FROM refunds WHERE order_id IN (",
    page_ids!(),
    ") ORDER BY order_id, id"
);
const PAGE_PACKAGES: &str = concat!(
    "SELECT id, order_id, express_code, express_no FROM order_logistics WHERE order_id IN (",
    page_ids!(),
    ") ORDER BY order_id, id"
);
const PAGE_NOTES: &str = concat!(
    "SELECT order_id, note, staff_id, created_at FROM order_notes WHERE order_id IN (",
    page_ids!(),
    ") ORDER BY order_id, id"
);

/// The rows of one child table for a page of orders, grouped by order id.
struct Children(HashMap<i64, Vec<Row>>);

impl Children {
    async fn read(db: &Db, sql: &'static str, ids: &[Arg]) -> Result<Self> {
        let mut by_order: HashMap<i64, Vec<Row>> = HashMap::with_capacity(ids.len());
        for r in db.fetch_all(sql, ids).await? {
            by_order.entry(r.i64("order_id")?).or_default().push(r);
        }
        Ok(Children(by_order))
    }

    fn of(&self, oid: i64) -> &[Row] {
        self.0.get(&oid).map_or(&[], Vec::as_slice)
    }
}

/// The wire views of up to [`MAX_PAGE_SIZE`] order rows: five statements in all, whatever
/// the page size.
async fn order_views(db: &Db, orders: &[Row]) -> Result<Vec<Value>> {
    debug_assert!(orders.len() <= MAX_PAGE_SIZE as usize);
    if orders.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<Arg> = Vec::with_capacity(MAX_PAGE_SIZE as usize);
    for r in orders {
        ids.push(Arg::I64(r.i64("id")?));
    }
    ids.resize(MAX_PAGE_SIZE as usize, Arg::I64(0));
    let items = Children::read(db, PAGE_ITEMS, &ids).await?;
    let refunds = Children::read(db, PAGE_REFUNDS, &ids).await?;
    let packages = Children::read(db, PAGE_PACKAGES, &ids).await?;
    let notes = Children::read(db, PAGE_NOTES, &ids).await?;
    orders
        .iter()
        .map(|r| {
            let oid = r.i64("id")?;
            order_view(
                r,
                items.of(oid),
                refunds.of(oid),
                packages.of(oid),
                notes.of(oid),
            )
        })
        .collect()
}

/// The full wire view of one order row and its children.
fn order_view(
    r: &Row,
    items: &[Row],
    refunds: &[Row],
    packages: &[Row],
    notes: &[Row],
) -> Result<Value> {
    let items: Vec<Value> = items.iter().map(order_item).collect::<Result<_, _>>()?;
    let refund_time = refunds
        .iter()
        .filter_map(|x| x.i64("create_time").ok())
        .max();
    let refunds: Vec<Value> = refunds
        .iter()
        .map(|x| Ok(json!({"refundId": x.i64("id")?, "refundStatus": x.i64("status")?})))
        .collect::<Result<_, kaifang_store::Error>>()?;
    let packages: Vec<Value> = packages
        .iter()
        .map(|x| {
            Ok(json!({"logisticsId": x.i64("id")?, "expressCode": x.i64("express_code")?, "expressNo": x.text("express_no")?}))
        })
        .collect::<Result<_, kaifang_store::Error>>()?;
    let seller_note: Vec<Value> = notes
        .iter()
        .filter_map(|x| x.text("note").ok())
        .map(Value::from)
        .collect();
    let note_info: Vec<Value> = notes
        .iter()
        .map(|x| Ok(json!({"note": x.text("note")?, "staffId": x.i64("staff_id")?, "createTime": x.i64("created_at")?})))
        .collect::<Result<_, kaifang_store::Error>>()?;
    let flag = r.i64("flag")?;
    let sub_orders: Vec<Value> = items.iter().skip(1).cloned().collect();
    Ok(json!({
        "orderBaseInfo": order_base(r, refund_time)?,
        "orderItemInfo": items.first().cloned().unwrap_or(Value::Null),
        "orderRefundList": refunds,
        "orderLogisticsInfo": packages,
        "orderNote": {"sellerNote": seller_note, "orderNoteInfo": note_info},
        "orderAddress": order_address(r)?,
        "orderFlag": {"flag": if flag == 0 { vec![] } else { vec![flag] }},
        "orderStepInfo": null,
        "orderCpsInfo": null,
        "orderDeliveryInfo": null,
        "addressUpdateAuditInfo": null,
        "subOrderInfo": sub_orders,
    }))
}

/// `open.order.detail`: one of the merchant's orders; another's is rejected (21).
pub async fn order_detail(p: &Platform, seller_id: i64, oid: i64) -> Result<Value> {
    let r =
        p.db.fetch_optional("SELECT * FROM orders WHERE id = $1", &args![oid])
            .await?
            .filter(|r| r.i64("seller_id").ok() == Some(seller_id))
            .ok_or_else(|| Error::order_rejected(oid))?;
    let mut views = order_views(&p.db, std::slice::from_ref(&r)).await?;
    views
        .pop()
        .ok_or_else(|| Error::internal("an order view went missing"))
}

/// `open.order.cursor.list` parameters.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CursorListParams {
    /// 1 all, 2 unpaid, 3 to ship, 4 shipped, 5 received, 6 success, 7 closed.
    pub order_view_status: i64,
    /// 1–50.
    pub page_size: i64,
    /// 1 newest first (default), 2 oldest first.
    #[serde(default)]
    pub sort: Option<i64>,
    /// 1 by create time (default), 2 by update time.
    #[serde(default)]
    pub query_type: Option<i64>,
    /// Range start, ms.
    pub begin_time: i64,
    /// Range end, ms.
    pub end_time: i64,
    /// 0 all (default), 1 normal, 2 distribution.
    #[serde(default)]
    pub cps_type: Option<i64>,
    /// `""` for the first page, then the returned cursor.
    #[serde(default)]
    pub cursor: String,
}

macro_rules! page_sql {
    ($col:literal, $cmp:literal, $dir:literal) => {
        concat!(
            "SELECT * FROM orders WHERE seller_id = $1 AND ",
            $col,
            " >= $2 AND ",
            $col,
            " <= $3 AND status BETWEEN $4 AND $5 AND ($6 = 0 OR cps_type = $6) AND (",
            $col,
            ", id) ",
            $cmp,
            " ($7, $8) ORDER BY ",
            $col,
            " ",
            $dir,
            ", id ",
            $dir,
            " LIMIT $9"
        )
    };
}

const CREATE_DESC: &str = page_sql!("create_time", "<", "DESC");
const CREATE_ASC: &str = page_sql!("create_time", ">", "ASC");
const UPDATE_DESC: &str = page_sql!("update_time", "<", "DESC");
const UPDATE_ASC: &str = page_sql!("update_time", ">", "ASC");

/// Checks a `beginTime`..`endTime` window: end after begin (300003), at most 7 days (300004),
/// not starting more than 90 days ago (300005).
pub fn check_time_range(now: i64, begin: i64, end: i64) -> Result<()> {
    if end <= begin {
        return Err(Error::new(
            ApiError::RefundEndTimeBeforeBeginTime,
            format!("endTime {end} must be after beginTime {begin}"),
        ));
    }
    if end - begin > MAX_RANGE {
        return Err(Error::new(
            ApiError::RefundSearchRangeOver7Days,
            "beginTime to endTime spans more than 7 days: query at most 7 days per call and page through longer periods",
        ));
    }
    if begin < now - MAX_LOOKBACK {
        return Err(Error::new(
            ApiError::RefundSearchBefore90Days,
            "beginTime is more than 90 days ago: only the last 90 days can be searched",
        ));
    }
    Ok(())
}

/// Keyset paging over (time, id), shared by the order and refund lists: where a page starts,
/// which of the four statements (create/update time, descending/ascending) reads it, and the
/// cursor of the next page.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Keyset {
    /// Page by update time rather than create time.
    pub by_update: bool,
    /// Newest first.
    pub desc: bool,
}

impl Keyset {
    /// The (time, id) a page starts after; the first page starts beyond either end.
    pub(crate) fn start(self, cursor: &str) -> Result<(i64, i64)> {
        Ok(decode_cursor(cursor)?.unwrap_or(if self.desc {
            (i64::MAX, i64::MAX)
        } else {
            (i64::MIN, i64::MIN)
        }))
    }

    /// The statement for this order: `[create desc, create asc, update desc, update asc]`.
    pub(crate) fn pick(self, sql: [&'static str; 4]) -> &'static str {
        sql[usize::from(self.by_update) * 2 + usize::from(!self.desc)]
    }

    /// Splits `rows` (read with `page_size + 1`) into the page and the next cursor
    /// (`"nomore"` at the end).
    pub(crate) fn page(self, rows: &[Row], page_size: i64) -> Result<(&[Row], String)> {
        let size = usize::try_from(page_size).unwrap_or(0);
        let page = &rows[..rows.len().min(size)];
        let cursor = match page.last() {
            Some(last) if rows.len() > size => {
                let time = last.i64(if self.by_update {
                    "update_time"
                } else {
                    "create_time"
                })?;
                encode_cursor(time, last.i64("id")?)
            }
            _ => NO_MORE.to_string(),
        };
        Ok((page, cursor))
    }
}

pub(crate) fn encode_cursor(time: i64, id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:{time}:{id}"))
}

pub(crate) fn decode_cursor(cursor: &str) -> Result<Option<(i64, i64)>> {
    if cursor.is_empty() {
        return Ok(None);
    }
    let bad = || {
        Error::invalid(
            "cursor is not one this API returned: send \"\" for the first page, then the cursor of the previous page",
        )
    };
    let text = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let text = String::from_utf8(text).map_err(|_| bad())?;
    let mut parts = text.split(':');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("v1"), Some(t), Some(id), None) => Ok(Some((
            t.parse().map_err(|_| bad())?,
            id.parse().map_err(|_| bad())?,
        ))),
        _ => Err(bad()),
    }
}

/// `open.order.cursor.list`.
pub async fn order_cursor_list(
    p: &Platform,
    seller_id: i64,
    q: &CursorListParams,
) -> Result<Value> {
    let (lo, hi) = view_status_range(q.order_view_status)?;
    if !(1..=MAX_PAGE_SIZE).contains(&q.page_size) {
        return Err(Error::invalid("pageSize must be 1 to 50"));
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
    let cps = q.cps_type.unwrap_or(0);
    if !(0..=2).contains(&cps) {
        return Err(Error::invalid(
            "cpsType must be 0 (all), 1 (normal) or 2 (distribution)",
        ));
    }
    check_time_range(p.now(), q.begin_time, q.end_time)?;
    let empty = |cursor: &str| json!({"pageSize": q.page_size, "beginTime": q.begin_time, "endTime": q.end_time, "cursor": cursor, "orderList": []});
    if q.cursor == NO_MORE {
        return Ok(empty(NO_MORE));
    }
    let keyset = Keyset { by_update, desc };
    let (t, id) = keyset.start(&q.cursor)?;
    let sql = keyset.pick([CREATE_DESC, CREATE_ASC, UPDATE_DESC, UPDATE_ASC]);
    let rows =
        p.db.fetch_all(
            sql,
            &args![
                seller_id,
                q.begin_time,
                q.end_time,
                lo,
                hi,
                cps,
                t,
                id,
                q.page_size + 1
            ],
        )
        .await?;
    let (page, cursor) = keyset.page(&rows, q.page_size)?;
    let list = order_views(&p.db, page).await?;
    Ok(json!({
        "pageSize": q.page_size,
        "beginTime": q.begin_time,
        "endTime": q.end_time,
        "cursor": cursor,
        "orderList": list,
    }))
}
