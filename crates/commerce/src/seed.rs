//! The bulk data generator behind `kaifang seed`: fills a shop with many realistic orders fast.
//!
//! Unlike [`crate::demo::seed_shop`] it does not go through the order state machine one step at
//! a time: it writes finished orders (status and times consistent with each other) with
//! multi-row INSERTs, a few hundred rows per statement and thousands per transaction, each
//! statement text built once. It writes no outbox events: a bulk load is an import, not a
//! stream of changes to push to apps.
//!
//! Personal data is still only stored sealed. Sealing costs an AES-GCM operation per field;
//! to meet the speed target the generator seals a pool of [`ADDRESS_POOL`] distinct random
//! consignees once and reuses their ciphertexts, so several orders share one sealed address.

use kaifang_platform::Platform;
use kaifang_platform::clock::{DAY, HOUR, MINUTE};
use kaifang_store::{Arg, args};

use crate::demo::{self, DEMO_CARRIERS};
use crate::vault::SealedConsignee;
use crate::{Error, Result};

/// Distinct sealed consignees the generator reuses.
pub const ADDRESS_POOL: usize = 512;
/// Rows per multi-row INSERT.
const ROWS_PER_STATEMENT: usize = 200;
/// Orders per transaction.
const ORDERS_PER_TX: usize = 10_000;
/// How far back generated orders reach.
const SPREAD: i64 = 60 * DAY;

const ORDER_COLS: &str = "id, seller_id, buyer_id, buyer_nick, status, total_fee, express_fee, discount_fee, remark, pay_type, cps_type, create_time, update_time, pay_time, send_time, recv_time, success_time, close_time, consignee_enc, mobile_enc, address_enc, consignee_masked, mobile_masked, address_masked, province, province_code, city, city_code, district, district_code";
const ORDER_NCOLS: usize = 30;
const ITEM_COLS: &str = "order_id, item_id, sku_id, rel_item_id, rel_sku_id, item_title, sku_desc, sku_nick, item_pic_url, num, original_price, price, discount_fee";
const ITEM_NCOLS: usize = 13;
const PKG_COLS: &str = "order_id, seller_id, express_code, express_no, created_at, updated_at";
const PKG_NCOLS: usize = 6;

/// A multi-row INSERT text for `rows` rows, built once per shape and kept for the process.
fn insert_sql(table: &str, cols: &str, ncols: usize, rows: usize) -> &'static str {
    let mut s = format!("INSERT INTO {table} ({cols}) VALUES ");
    let mut n = 1;
    for r in 0..rows {
        if r > 0 {
            s.push_str(", ");
        }
        s.push('(');
        for c in 0..ncols {
            if c > 0 {
                s.push_str(", ");
            }
            s.push_str(&format!("${n}"));
            n += 1;
        }
        s.push(')');
    }
    // Leaked on purpose: the store takes `&'static str` SQL, and these few texts live for the
    // whole run anyway.
    Box::leak(s.into_boxed_str())
}

struct Statements {
    orders: &'static str,
    items: &'static str,
    packages: &'static str,
}

fn statements(rows: usize) -> Statements {
    Statements {
        orders: insert_sql("orders", ORDER_COLS, ORDER_NCOLS, rows),
        items: insert_sql("order_items", ITEM_COLS, ITEM_NCOLS, rows),
        packages: insert_sql("order_logistics", PKG_COLS, PKG_NCOLS, rows),
    }
}

/// What the generator wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct SeedStats {
    /// Orders written.
    pub orders: u64,
    /// Logistics packages written.
    pub packages: u64,
}

struct Sku {
    item_id: i64,
    sku_id: i64,
    rel_item_id: Option<String>,
    rel_sku_id: Option<String>,
    title: String,
    spec: String,
    nick: String,
    pic: String,
    price: i64,
    market: i64,
}

struct Pooled {
    sealed: SealedConsignee,
    province: String,
    province_code: i64,
    city: String,
    city_code: i64,
    district: String,
    district_code: i64,
}

/// Writes `count` orders for `seller_id` (creating the demo catalogue first if the shop has no
/// items), calling `progress` with the number written so far after each transaction.
pub async fn bulk_orders(
    p: &Platform,
    seller_id: i64,
    count: u64,
    mut progress: impl FnMut(u64),
) -> Result<SeedStats> {
    let is_merchant =
        p.db.fetch_optional(
            "SELECT id FROM accounts WHERE id = $1 AND role = 'merchant'",
            &args![seller_id],
        )
        .await?;
    if is_merchant.is_none() {
        return Err(Error::invalid(format!(
            "account {seller_id} is not a merchant: pass a merchant's user id"
        )));
    }
    if demo::sellable(p, seller_id).await?.is_empty() {
        demo::create_catalogue(p, seller_id, 1_000_000).await?;
    }
    let rows = p
        .db
        .fetch_all(
            "SELECT s.item_id, s.id, s.rel_sku_id, s.specification, s.sku_nick, s.price, s.market_price, i.rel_item_id, i.title, i.image_urls FROM skus s JOIN items i ON i.id = s.item_id WHERE i.seller_id = $1 AND i.item_status = 1 ORDER BY s.id",
            &args![seller_id],
        )
        .await?;
    let skus: Vec<Sku> = rows
        .iter()
        .map(|r| {
            let images: Vec<String> =
                serde_json::from_str(&r.text("image_urls")?).unwrap_or_default();
            Ok(Sku {
                item_id: r.i64("item_id")?,
                sku_id: r.i64("id")?,
                rel_item_id: r.opt_text("rel_item_id")?,
                rel_sku_id: r.opt_text("rel_sku_id")?,
                title: r.text("title")?,
                spec: r.text("specification")?,
                nick: r.text("sku_nick")?,
                pic: images.into_iter().next().unwrap_or_default(),
                price: r.i64("price")?,
                market: r.i64("market_price")?,
            })
        })
        .collect::<Result<_, kaifang_store::Error>>()?;
    let pool: Vec<Pooled> = (0..ADDRESS_POOL)
        .map(|_| {
            let c = demo::random_consignee();
            Pooled {
                sealed: c.seal(&p.vault),
                province: c.province,
                province_code: c.province_code,
                city: c.city,
                city_code: c.city_code,
                district: c.district,
                district_code: c.district_code,
            }
        })
        .collect();
    let full = statements(ROWS_PER_STATEMENT);
    let now = p.now();
    // Sequential ids from a random base keep the inserts in key order (fast B-tree appends).
    let base = 2_600_000_000_000_000 + fastrand::i64(0..90_000_000_000_000);
    let mut stats = SeedStats::default();
    let mut next = 0u64;
    // Package counts vary per statement; each distinct count's text is built once.
    let mut package_sql: std::collections::HashMap<usize, &'static str> = Default::default();
    package_sql.insert(ROWS_PER_STATEMENT, full.packages);
    while next < count {
        let in_tx = (count - next).min(ORDERS_PER_TX as u64) as usize;
        let mut tx = p.db.begin().await?;
        let mut done = 0usize;
        while done < in_tx {
            let n = (in_tx - done).min(ROWS_PER_STATEMENT);
            let sql = if n == ROWS_PER_STATEMENT {
                None
            } else {
                Some(statements(n))
            };
            let st = sql.as_ref().unwrap_or(&full);
            let mut o_args: Vec<Arg> = Vec::with_capacity(n * ORDER_NCOLS);
            let mut i_args: Vec<Arg> = Vec::with_capacity(n * ITEM_NCOLS);
            let mut p_args: Vec<Arg> = Vec::new();
            let mut packages = 0usize;
            for k in 0..n {
                let oid = base + (next as i64) + (done + k) as i64;
                let sku = &skus[fastrand::usize(..skus.len())];
                let addr = &pool[fastrand::usize(..pool.len())];
                let num = fastrand::i64(1..4);
                let express_fee = if fastrand::u8(..3) == 0 { 800 } else { 0 };
                let discount = if fastrand::u8(..5) == 0 { 500 } else { 0 };
                let total = sku.price * num + express_fee - discount;
                let created = now - fastrand::i64(MINUTE..SPREAD);
                let age = now - created;
                // Older orders have gone further: the fate is drawn, then capped by age.
                let roll = fastrand::u8(..100);
                let mut status = match roll {
                    0..=4 => 10,
                    5..=11 => 80,
                    12..=21 => 30,
                    22..=36 => 40,
                    37..=46 => 50,
                    _ => 70,
                };
                if age < HOUR && status != 80 {
                    status = 10;
                } else if age < DAY && status > 30 && status != 80 {
                    status = 30;
                } else if age < 3 * DAY && status > 40 && status != 80 {
                    status = 40;
                } else if age < 5 * DAY && status == 70 {
                    status = 50;
                }
                let pay = (status >= 30 && status != 80).then_some(created + 5 * MINUTE);
                let send = (status >= 40 && status != 80).then_some(created + 20 * HOUR);
                let recv = (status >= 50 && status != 80).then_some(created + 3 * DAY);
                let success = (status == 70).then_some(created + 5 * DAY);
                let close = (status == 80).then_some(created + 20 * MINUTE);
                let updated = [pay, send, recv, success, close]
                    .into_iter()
                    .flatten()
                    .max()
                    .unwrap_or(created);
                o_args.extend(args![
                    oid,
                    seller_id,
                    demo::random_buyer_id(),
                    demo::random_buyer_nick(),
                    status,
                    total,
                    express_fee,
                    discount,
                    "",
                    1,
                    1,
                    created,
                    updated,
                    pay,
                    send,
                    recv,
                    success,
                    close,
                    addr.sealed.consignee_enc.clone(),
                    addr.sealed.mobile_enc.clone(),
                    addr.sealed.address_enc.clone(),
                    addr.sealed.consignee_masked.clone(),
                    addr.sealed.mobile_masked.clone(),
                    addr.sealed.address_masked.clone(),
                    addr.province.clone(),
                    addr.province_code,
                    addr.city.clone(),
                    addr.city_code,
                    addr.district.clone(),
                    addr.district_code
                ]);
                let market = sku.market.max(sku.price);
                i_args.extend(args![
                    oid,
                    sku.item_id,
                    sku.sku_id,
                    sku.rel_item_id.clone(),
                    sku.rel_sku_id.clone(),
                    sku.title.clone(),
                    sku.spec.clone(),
                    sku.nick.clone(),
                    sku.pic.clone(),
                    num,
                    market,
                    sku.price,
                    (market - sku.price) * num
                ]);
                if let Some(t) = send {
                    let code = DEMO_CARRIERS[fastrand::usize(..DEMO_CARRIERS.len())];
                    p_args.extend(args![oid, seller_id, code, demo::random_waybill(), t, t]);
                    packages += 1;
                }
            }
            tx.execute(st.orders, &o_args).await?;
            tx.execute(st.items, &i_args).await?;
            if packages > 0 {
                let pk = *package_sql.entry(packages).or_insert_with(|| {
                    insert_sql("order_logistics", PKG_COLS, PKG_NCOLS, packages)
                });
                tx.execute(pk, &p_args).await?;
            }
            stats.packages += packages as u64;
            done += n;
        }
        tx.commit().await?;
        next += in_tx as u64;
        stats.orders = next;
        progress(next);
    }
    Ok(stats)
}
