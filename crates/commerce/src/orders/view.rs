//! The wire view of orders (`orderList[]` of `open.order.cursor.list`, `data` of
//! `open.order.detail`), rendered once per change and stored in `order_views`.
//!
//! A page of 50 orders is about 80 kB of JSON gathered from five tables. Reading those tables
//! and building the JSON on every call cost ~1.7 ms of CPU per page (some 100 joined rows of 45
//! columns through the driver, then ~4000 JSON values), a tenth of the throughput an ERP polling
//! a million-order shop needs. Orders change far less often than they are read, so every
//! transaction that changes an order, its items, refunds, packages or notes ends with [`store`],
//! which renders the order's view and writes it beside the change (no change without its view,
//! as no change without its event). A page is then one narrow read: the page's ids from the
//! seller index, joined to their stored bodies, copied into the response as they are.
//!
//! Rendering reads the orders with their items in one statement and refunds, packages and notes
//! in one `UNION ALL` statement over the same ids, for up to 50 orders at a time (the bulk
//! loader and [`backfill`] render many); the view is a set of `Serialize` structs in the field
//! order of the platform's docs.

use std::collections::HashMap;

use kaifang_store::{Arg, Db, Row, Tx, args};
use serde::Serialize;

use crate::Result;
use crate::vault::token;

/// The item columns joined to an order row, renamed so they do not clash with the order's.
macro_rules! item_columns {
    () => {
        "i.id AS oi_id, i.item_id AS oi_item_id, i.sku_id AS oi_sku_id, i.rel_item_id AS oi_rel_item_id, i.rel_sku_id AS oi_rel_sku_id, i.item_title AS oi_item_title, i.sku_desc AS oi_sku_desc, i.sku_nick AS oi_sku_nick, i.item_pic_url AS oi_item_pic_url, i.num AS oi_num, i.original_price AS oi_original_price, i.price AS oi_price, i.discount_fee AS oi_discount_fee"
    };
}

/// Up to 50 order ids as `$1 … $50`; unused slots are bound to 0, no order's id, so the text
/// stays one prepared statement.
macro_rules! page_ids {
    () => {
        "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44, $45, $46, $47, $48, $49, $50"
    };
}

/// Most orders one rendering pass reads.
const BATCH: usize = 50;

/// Up to 50 orders with their items: one row per item.
const ORDERS: &str = concat!(
    "SELECT o.*, ",
    item_columns!(),
    " FROM orders o LEFT JOIN order_items i ON i.order_id = o.id WHERE o.id IN (",
    page_ids!(),
    ")"
);

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

/// Renders the view of order `oid` and stores it; called by every transaction that changes the
/// order or anything shown in its view, after the change.
pub(crate) async fn store(tx: &mut Tx, oid: i64) -> Result<()> {
    for (oid, body) in render(tx, &[oid]).await? {
        tx.execute(
            "INSERT INTO order_views (order_id, body) VALUES ($1, $2) ON CONFLICT (order_id) DO UPDATE SET body = excluded.body",
            &args![oid, body],
        )
        .await?;
    }
    Ok(())
}

/// Renders and inserts the views of orders that have none yet (the bulk loader's new orders).
pub(crate) async fn insert_new(tx: &mut Tx, oids: &[i64]) -> Result<()> {
    for chunk in oids.chunks(BATCH) {
        let values: Vec<Arg> = render(tx, chunk)
            .await?
            .into_iter()
            .flat_map(|(oid, body)| [Arg::I64(oid), Arg::Text(body)])
            .collect();
        tx.insert_rows("order_views", &["order_id", "body"], &values)
            .await?;
    }
    Ok(())
}

/// Renders the views of orders written before views were stored (a data directory from an
/// older release), 5000 orders per transaction; run at start, a no-op once done. Returns how
/// many it rendered.
pub async fn backfill(db: &Db) -> Result<u64> {
    let mut done = 0;
    loop {
        let mut tx = db.begin().await?;
        let Some(at) = tx
            .fetch_optional("SELECT after_id FROM order_views_backfill", &[])
            .await?
        else {
            return Ok(done);
        };
        let ids: Vec<i64> = tx
            .fetch_all(
                "SELECT id FROM orders WHERE id > $1 ORDER BY id LIMIT 5000",
                &args![at.i64("after_id")?],
            )
            .await?
            .iter()
            .map(|r| r.i64("id"))
            .collect::<Result<_, _>>()?;
        match ids.last() {
            Some(&last) => {
                insert_new(&mut tx, &ids).await?;
                tx.execute(
                    "UPDATE order_views_backfill SET after_id = $1",
                    &args![last],
                )
                .await?;
            }
            None => {
                tx.execute("DELETE FROM order_views_backfill", &[]).await?;
            }
        }
        tx.commit().await?;
        done += ids.len() as u64;
    }
}

/// The orders whose stored view differs from a fresh rendering, or is missing: none, unless a
/// change forgot [`store`]. For tests, and for checking a data directory by hand.
pub async fn stale(db: &Db) -> Result<Vec<i64>> {
    let mut tx = db.begin().await?;
    let ids: Vec<i64> = tx
        .fetch_all("SELECT id FROM orders ORDER BY id", &[])
        .await?
        .iter()
        .map(|r| r.i64("id"))
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for (oid, fresh) in render(&mut tx, &ids).await? {
        let stored = tx
            .fetch_optional(
                "SELECT body FROM order_views WHERE order_id = $1",
                &args![oid],
            )
            .await?;
        if stored.map(|r| r.text("body")).transpose()?.as_deref() != Some(fresh.as_str()) {
            out.push(oid);
        }
    }
    Ok(out)
}

/// The views of up to any number of orders as `(oid, JSON)`, in id order.
async fn render(tx: &mut Tx, oids: &[i64]) -> Result<Vec<(i64, String)>> {
    let mut out = Vec::with_capacity(oids.len());
    for chunk in oids.chunks(BATCH) {
        let rows = tx.fetch_all(ORDERS, &padded(chunk)).await?;
        let mut views = group(&rows)?;
        add_children(tx, &mut views).await?;
        for v in &views {
            out.push((v.order_base_info.oid, serde_json::to_string(v)?));
        }
    }
    Ok(out)
}

/// `ids` bound to the 50 slots of [`page_ids`], the rest 0.
fn padded(ids: &[i64]) -> Vec<Arg> {
    let mut args: Vec<Arg> = ids.iter().map(|&id| Arg::I64(id)).collect();
    args.resize(BATCH, Arg::I64(0));
    args
}

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
struct OrderView {
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

/// Columns read by name: a database row, or the values the bulk loader is about to insert
/// ([`Named`]), so both render through the same [`OrderView::from_row`].
trait Columns {
    fn i64(&self, col: &str) -> Result<i64, kaifang_store::Error>;
    fn opt_i64(&self, col: &str) -> Result<Option<i64>, kaifang_store::Error>;
    fn text(&self, col: &str) -> Result<String, kaifang_store::Error>;
    fn opt_text(&self, col: &str) -> Result<Option<String>, kaifang_store::Error>;
    fn bytes(&self, col: &str) -> Result<Vec<u8>, kaifang_store::Error>;
}

impl Columns for Row {
    fn i64(&self, col: &str) -> Result<i64, kaifang_store::Error> {
        Row::i64(self, col)
    }
    fn opt_i64(&self, col: &str) -> Result<Option<i64>, kaifang_store::Error> {
        Row::opt_i64(self, col)
    }
    fn text(&self, col: &str) -> Result<String, kaifang_store::Error> {
        Row::text(self, col)
    }
    fn opt_text(&self, col: &str) -> Result<Option<String>, kaifang_store::Error> {
        Row::opt_text(self, col)
    }
    fn bytes(&self, col: &str) -> Result<Vec<u8>, kaifang_store::Error> {
        Row::bytes(self, col)
    }
}

/// One row of values about to be inserted: `values[i]` is column `names[i]`. Columns are looked
/// up with `prefix` removed (items are read as `oi_*`, as in the joined statement).
pub(crate) struct Named<'a> {
    /// The insert's column names.
    pub names: &'static [&'static str],
    /// One value per name.
    pub values: &'a [Arg],
    /// Removed from a looked-up name first.
    pub prefix: &'static str,
}

impl Named<'_> {
    fn get(&self, col: &str) -> Result<&Arg, kaifang_store::Error> {
        let col = col.strip_prefix(self.prefix).unwrap_or(col);
        self.names
            .iter()
            .position(|n| *n == col)
            .and_then(|i| self.values.get(i))
            .ok_or_else(|| kaifang_store::Error::Arguments(format!("no value for column {col}")))
    }

    fn mismatch(col: &str) -> kaifang_store::Error {
        kaifang_store::Error::Arguments(format!("column {col} has another type"))
    }
}

impl Columns for Named<'_> {
    fn i64(&self, col: &str) -> Result<i64, kaifang_store::Error> {
        self.opt_i64(col)?.ok_or_else(|| Self::mismatch(col))
    }
    fn opt_i64(&self, col: &str) -> Result<Option<i64>, kaifang_store::Error> {
        match self.get(col)? {
            Arg::I64(v) => Ok(Some(*v)),
            Arg::NullI64 => Ok(None),
            _ => Err(Self::mismatch(col)),
        }
    }
    fn text(&self, col: &str) -> Result<String, kaifang_store::Error> {
        self.opt_text(col)?.ok_or_else(|| Self::mismatch(col))
    }
    fn opt_text(&self, col: &str) -> Result<Option<String>, kaifang_store::Error> {
        match self.get(col)? {
            Arg::Text(v) => Ok(Some(v.clone())),
            Arg::NullText => Ok(None),
            _ => Err(Self::mismatch(col)),
        }
    }
    fn bytes(&self, col: &str) -> Result<Vec<u8>, kaifang_store::Error> {
        match self.get(col)? {
            Arg::Bytes(v) => Ok(v.clone()),
            _ => Err(Self::mismatch(col)),
        }
    }
}

/// The view of an order the bulk loader is inserting, from the values it inserts: the order
/// row, its item rows (with their ids) and its packages `(id, carrier, waybill)`. It has no
/// refunds or notes.
pub(crate) fn render_new(
    order: &Named,
    items: &[Named],
    packages: Vec<(i64, i64, String)>,
) -> Result<String> {
    let mut v = OrderView::from_row(order)?;
    for i in items {
        v.push_item(i)?;
    }
    for (id, code, no) in packages {
        v.push_package(id, code, no);
    }
    v.finish();
    Ok(serde_json::to_string(&v)?)
}

impl OrderView {
    fn from_row(r: &impl Columns) -> Result<Self, kaifang_store::Error> {
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
    fn push_item(&mut self, r: &impl Columns) -> Result<(), kaifang_store::Error> {
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

    fn push_package(&mut self, logistics_id: i64, express_code: i64, express_no: String) {
        self.order_logistics_info.push(Package {
            logistics_id,
            express_code,
            express_no,
        });
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
/// any order), in id order.
fn group(rows: &[Row]) -> Result<Vec<OrderView>> {
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
    out.sort_by_key(|v| v.order_base_info.oid);
    Ok(out)
}

/// Fills in the refunds, packages and notes of up to [`BATCH`] orders with one statement, and
/// puts every list in order.
async fn add_children(tx: &mut Tx, views: &mut [OrderView]) -> Result<()> {
    if views.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = views.iter().map(|v| v.order_base_info.oid).collect();
    let rows = tx.fetch_all(CHILDREN, &padded(&ids)).await?;
    let at: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
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
            2 => v.push_package(
                r.i64("id")?,
                r.opt_i64("n1")?.unwrap_or(0),
                r.opt_text("t")?.unwrap_or_default(),
            ),
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
