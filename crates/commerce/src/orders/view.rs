//! The wire view of orders (`orderList[]` of `open.order.cursor.list`, `data` of
//! `open.order.detail`), read with two statements per page and written straight to JSON bytes.
//!
//! A page of 50 orders is about 80 kB of JSON. Building it as a `serde_json::Value` tree (some
//! 4000 maps and strings) and reading every child table with its own statement cost more than
//! the database work itself, so:
//!
//! - the orders and their items come from one statement (the page's orders as a subquery,
//!   joined to their items: one row per item);
//! - refunds, packages and notes come from one `UNION ALL` statement over the page's ids;
//! - neither statement sorts: sorting the wide joined rows cost SQLite more than the rest of
//!   the query, so the 50 orders and their few children are put in order here;
//! - the view is a set of `Serialize` structs in the field order of the platform's docs,
//!   serialized once into the response buffer.

use std::collections::HashMap;

use kaifang_store::{Arg, Row};
use serde::Serialize;

use crate::Result;
use crate::vault::token;

/// The item columns joined to an order row, renamed so they do not clash with the order's.
macro_rules! item_columns {
    () => {
        "i.id AS oi_id, i.item_id AS oi_item_id, i.sku_id AS oi_sku_id, i.rel_item_id AS oi_rel_item_id, i.rel_sku_id AS oi_rel_sku_id, i.item_title AS oi_item_title, i.sku_desc AS oi_sku_desc, i.sku_nick AS oi_sku_nick, i.item_pic_url AS oi_item_pic_url, i.num AS oi_num, i.original_price AS oi_original_price, i.price AS oi_price, i.discount_fee AS oi_discount_fee"
    };
}
pub(crate) use item_columns;

/// One order with its items, by id.
pub(crate) const DETAIL: &str = concat!(
    "SELECT o.*, ",
    item_columns!(),
    " FROM (SELECT * FROM orders WHERE id = $1) o LEFT JOIN order_items i ON i.order_id = o.id"
);

/// Up to 50 order ids as `$1 … $50`; unused slots are bound to 0, no order's id, so the text
/// stays one prepared statement.
macro_rules! page_ids {
    () => {
        "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44, $45, $46, $47, $48, $49, $50"
    };
}

/// Most orders whose children one [`CHILDREN`] statement reads.
pub(crate) const CHILDREN_MAX: usize = 50;

/// Refunds (kind 1), packages (2) and notes (3) of up to 50 orders, in one statement with one
/// column layout: `n1`, `n2`, `t` mean refund status / create time, carrier / –, waybill, and
/// staff / time, note.
const CHILDREN: &str = concat!(
    "SELECT CAST(1 AS BIGINT) AS kind, order_id, id, status AS n1, create_time AS n2, CAST(NULL AS TEXT) AS t FROM refunds WHERE order_id IN (",
    page_ids!(),
    ") UNION ALL SELECT CAST(2 AS BIGINT), order_id, id, express_code, CAST(NULL AS BIGINT), express_no FROM order_logistics WHERE order_id IN (",
    page_ids!(),
    ") UNION ALL SELECT CAST(3 AS BIGINT), order_id, id, staff_id, created_at, note FROM order_notes WHERE order_id IN (",
    page_ids!(),
    ")"
);

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BaseInfo {
    oid: i64,
    pay_time: i64,
    buyer_open_id: &'static str,
    buyer_nick: String,
    seller_open_id: &'static str,
    seller_nick: &'static str,
    express_fee: i64,
    discount_fee: i64,
    total_fee: i64,
    status: i64,
    send_time: i64,
    refund_time: i64,
    create_time: i64,
    update_time: i64,
    remark: String,
    pay_type: i64,
    cps_type: i64,
    pre_sale: i64,
    recv_time: i64,
    valid_promise_shipment_time_stamp: i64,
    co_type: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ItemInfo {
    order_item_id: i64,
    sku_id: i64,
    rel_sku_id: Option<String>,
    sku_desc: String,
    sku_nick: String,
    item_id: i64,
    rel_item_id: Option<String>,
    item_title: String,
    item_pic_url: String,
    num: i64,
    original_price: i64,
    discount_fee: i64,
    price: i64,
    item_type: i64,
    goods_code: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RefundRef {
    refund_id: i64,
    refund_status: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Package {
    logistics_id: i64,
    express_code: i64,
    express_no: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NoteInfo {
    #[serde(skip)]
    id: i64,
    note: String,
    staff_id: i64,
    create_time: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Note {
    seller_note: Vec<String>,
    order_note_info: Vec<NoteInfo>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Address {
    consignee: Option<&'static str>,
    mobile: Option<&'static str>,
    address: Option<&'static str>,
    encrypted_consignee: String,
    desensitise_consignee: String,
    encrypted_mobile: String,
    desensitise_mobile: String,
    encrypted_address: String,
    desensitise_address: String,
    province: String,
    province_code: i64,
    city: String,
    city_code: i64,
    district: String,
    district_code: i64,
    town: String,
    town_code: i64,
}

#[derive(Serialize)]
struct Flag {
    flag: Vec<i64>,
}

/// One order as the APIs show it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OrderView {
    order_base_info: BaseInfo,
    order_item_info: Option<ItemInfo>,
    order_refund_list: Vec<RefundRef>,
    order_logistics_info: Vec<Package>,
    order_note: Note,
    order_address: Address,
    order_flag: Flag,
    order_step_info: Option<()>,
    order_cps_info: Option<()>,
    order_delivery_info: Option<()>,
    address_update_audit_info: Option<()>,
    sub_order_info: Vec<ItemInfo>,
}

impl OrderView {
    /// The order's id.
    pub(crate) fn oid(&self) -> i64 {
        self.order_base_info.oid
    }

    /// The order's create and update times.
    pub(crate) fn times(&self) -> (i64, i64) {
        (
            self.order_base_info.create_time,
            self.order_base_info.update_time,
        )
    }

    fn from_row(r: &Row) -> Result<Self, kaifang_store::Error> {
        let flag = r.i64("flag")?;
        Ok(OrderView {
            order_base_info: BaseInfo {
                oid: r.i64("id")?,
                pay_time: r.opt_i64("pay_time")?.unwrap_or(0),
                buyer_open_id: "",
                buyer_nick: r.text("buyer_nick")?,
                seller_open_id: "",
                seller_nick: "",
                express_fee: r.i64("express_fee")?,
                discount_fee: r.i64("discount_fee")?,
                total_fee: r.i64("total_fee")?,
                status: r.i64("status")?,
                send_time: r.opt_i64("send_time")?.unwrap_or(0),
                refund_time: 0,
                create_time: r.i64("create_time")?,
                update_time: r.i64("update_time")?,
                remark: r.text("remark")?,
                pay_type: r.i64("pay_type")?,
                cps_type: r.i64("cps_type")?,
                pre_sale: 0,
                recv_time: r.opt_i64("recv_time")?.unwrap_or(0),
                valid_promise_shipment_time_stamp: 0,
                co_type: 0,
            },
            order_item_info: None,
            order_refund_list: Vec::new(),
            order_logistics_info: Vec::new(),
            order_note: Note {
                seller_note: Vec::new(),
                order_note_info: Vec::new(),
            },
            order_address: Address {
                consignee: None,
                mobile: None,
                address: None,
                encrypted_consignee: token(&r.bytes("consignee_enc")?),
                desensitise_consignee: r.text("consignee_masked")?,
                encrypted_mobile: token(&r.bytes("mobile_enc")?),
                desensitise_mobile: r.text("mobile_masked")?,
                encrypted_address: token(&r.bytes("address_enc")?),
                desensitise_address: r.text("address_masked")?,
                province: r.text("province")?,
                province_code: r.i64("province_code")?,
                city: r.text("city")?,
                city_code: r.i64("city_code")?,
                district: r.text("district")?,
                district_code: r.i64("district_code")?,
                town: r.text("town")?,
                town_code: r.i64("town_code")?,
            },
            order_flag: Flag {
                flag: if flag == 0 { vec![] } else { vec![flag] },
            },
            order_step_info: None,
            order_cps_info: None,
            order_delivery_info: None,
            address_update_audit_info: None,
            sub_order_info: Vec::new(),
        })
    }

    /// Adds the item of a joined row (none for an order without items) to `sub_order_info`;
    /// [`OrderView::finish`] puts them in order.
    fn push_item(&mut self, r: &Row) -> Result<(), kaifang_store::Error> {
        let Some(id) = r.opt_i64("oi_id")? else {
            return Ok(());
        };
        let item = ItemInfo {
            order_item_id: id,
            sku_id: r.i64("oi_sku_id")?,
            rel_sku_id: r.opt_text("oi_rel_sku_id")?,
            sku_desc: r.text("oi_sku_desc")?,
            sku_nick: r.text("oi_sku_nick")?,
            item_id: r.i64("oi_item_id")?,
            rel_item_id: r.opt_text("oi_rel_item_id")?,
            item_title: r.text("oi_item_title")?,
            item_pic_url: r.text("oi_item_pic_url")?,
            num: r.i64("oi_num")?,
            original_price: r.i64("oi_original_price")?,
            discount_fee: r.i64("oi_discount_fee")?,
            price: r.i64("oi_price")?,
            item_type: 1,
            goods_code: "",
        };
        self.sub_order_info.push(item);
        Ok(())
    }

    /// Puts items and children in id order: the first item is `orderItemInfo`, the others
    /// `subOrderInfo`.
    fn finish(&mut self) {
        self.sub_order_info.sort_by_key(|i| i.order_item_id);
        if self.order_item_info.is_none() && !self.sub_order_info.is_empty() {
            self.order_item_info = Some(self.sub_order_info.remove(0));
        }
        self.order_refund_list.sort_by_key(|r| r.refund_id);
        self.order_logistics_info.sort_by_key(|p| p.logistics_id);
        let notes = &mut self.order_note;
        notes.order_note_info.sort_by_key(|n| n.id);
        notes.seller_note = notes
            .order_note_info
            .iter()
            .map(|n| n.note.clone())
            .collect();
    }
}

/// The orders of rows read with their items joined ([`item_columns`]; one row per item, in
/// any order), sorted by `key` (smallest first).
pub(crate) fn group<K: Ord>(rows: &[Row], key: impl Fn(&OrderView) -> K) -> Result<Vec<OrderView>> {
    let mut out: Vec<OrderView> = Vec::new();
    let mut at: HashMap<i64, usize> = HashMap::with_capacity(rows.len());
    for r in rows {
        let oid = r.i64("id")?;
        let i = match at.get(&oid) {
            Some(&i) => i,
            None => {
                out.push(OrderView::from_row(r)?);
                at.insert(oid, out.len() - 1);
                out.len() - 1
            }
        };
        out[i].push_item(r)?;
    }
    out.sort_by_key(|v| key(v));
    Ok(out)
}

/// Fills in the refunds, packages and notes of up to [`CHILDREN_MAX`] orders with one
/// statement, and puts every list in order.
pub(crate) async fn add_children(db: &kaifang_store::Db, views: &mut [OrderView]) -> Result<()> {
    if views.is_empty() {
        return Ok(());
    }
    debug_assert!(views.len() <= CHILDREN_MAX);
    let mut ids: Vec<Arg> = views.iter().map(|v| Arg::I64(v.oid())).collect();
    ids.resize(CHILDREN_MAX, Arg::I64(0));
    let rows = db.fetch_all(CHILDREN, &ids).await?;
    let at: HashMap<i64, usize> = views
        .iter()
        .enumerate()
        .map(|(i, v)| (v.oid(), i))
        .collect();
    for r in &rows {
        let Some(&i) = at.get(&r.i64("order_id")?) else {
            continue;
        };
        let v = &mut views[i];
        match r.i64("kind")? {
            1 => {
                let created = r.opt_i64("n2")?.unwrap_or(0);
                // refundTime: when the latest after-sales case was opened.
                v.order_base_info.refund_time = v.order_base_info.refund_time.max(created);
                v.order_refund_list.push(RefundRef {
                    refund_id: r.i64("id")?,
                    refund_status: r.opt_i64("n1")?.unwrap_or(0),
                });
            }
            2 => v.order_logistics_info.push(Package {
                logistics_id: r.i64("id")?,
                express_code: r.opt_i64("n1")?.unwrap_or(0),
                express_no: r.opt_text("t")?.unwrap_or_default(),
            }),
            _ => {
                v.order_note.order_note_info.push(NoteInfo {
                    id: r.i64("id")?,
                    note: r.opt_text("t")?.unwrap_or_default(),
                    staff_id: r.opt_i64("n1")?.unwrap_or(0),
                    create_time: r.opt_i64("n2")?.unwrap_or(0),
                });
            }
        }
    }
    views.iter_mut().for_each(OrderView::finish);
    Ok(())
}
