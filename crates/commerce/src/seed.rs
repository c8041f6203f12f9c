//! The bulk data generator behind `kaifang seed`: fills a shop with many realistic orders fast.
//!
//! Unlike [`crate::demo::seed_shop`] it does not go through the order state machine one step at
//! a time: it writes finished orders (status and times consistent with each other) with
//! multi-row INSERTs of 200 rows and 10 000 orders per transaction, and renders their stored
//! views ([`crate::orders::view`]) in the same transaction. It writes no outbox events: a bulk
//! load is an import, not a stream of changes to push to apps.
//!
//! # How it stays fast
//!
//! The first version took 12.5 minutes for a million orders on SQLite; 90% of that was binding
//! parameters. What changed:
//!
//! - Rows go in with multi-row INSERTs whose text the store writes
//!   ([`kaifang_store::Tx::insert_rows`], `?` placeholders on SQLite): with `$N` placeholders
//!   sqlx looks up each parameter's name, which SQLite finds by walking its list of names, so
//!   binding a statement of n parameters costs n²/2 steps (6000 per statement here).
//! - Orders are generated **in creation order** (hour by hour over the last 60 days, more in
//!   the evening than at night, see [`HOUR_WEIGHTS`]) and get increasing ids, as on the
//!   platform, where order ids grow with time. The indexes on orders and order items are then
//!   appended to instead of written at random places.
//! - A generator thread builds the rows while the database writes the previous batch.
//! - On SQLite the caller may open the database with [`kaifang_store::Db::open_sqlite_bulk`]
//!   (one connection, a large page cache, no fsync): a crash mid-load can lose the load, never
//!   the data that was there before it (WAL is kept).
//!
//! Personal data is still only stored sealed. Sealing costs an AES-GCM operation per field;
//! to meet the speed target the generator seals a pool of [`ADDRESS_POOL`] distinct random
//! consignees once and reuses their ciphertexts, so several orders share one sealed address.

use kaifang_platform::Platform;
use kaifang_platform::clock::{DAY, HOUR, MINUTE};
use kaifang_store::{Arg, Backend, Tx, args};

use crate::demo::{self, DEMO_CARRIERS};
use crate::orders;
use crate::orders::view::Named;
use crate::vault::SealedConsignee;
use crate::{Error, Result};

/// Distinct sealed consignees the generator reuses.
pub const ADDRESS_POOL: usize = 512;
/// Orders the generator builds at a time, and rows per multi-row INSERT.
const ORDERS_PER_BATCH: usize = 200;
/// Orders per transaction.
const ORDERS_PER_TX: usize = 10_000;
/// How far back generated orders reach.
const SPREAD: i64 = 60 * DAY;
/// Relative order volume per hour of the day in the shop's time zone (+08:00): quiet before
/// dawn, busy late morning and afternoon, busiest in the evening.
pub const HOUR_WEIGHTS: [u64; 24] = [
    4, 2, 1, 1, 1, 1, 2, 4, 6, 8, 10, 10, 9, 9, 10, 10, 9, 8, 8, 10, 12, 14, 12, 7,
];
/// The shop's time zone offset, for [`HOUR_WEIGHTS`].
const ZONE_OFFSET: i64 = 8 * HOUR;

const ORDER_COLS: &[&str] = &[
    "id",
    "seller_id",
    "buyer_id",
    "buyer_nick",
    "status",
    "total_fee",
    "express_fee",
    "discount_fee",
    "remark",
    "pay_type",
    "cps_type",
    "create_time",
    "update_time",
    "pay_time",
    "send_time",
    "recv_time",
    "success_time",
    "close_time",
    "consignee_enc",
    "mobile_enc",
    "address_enc",
    "consignee_masked",
    "mobile_masked",
    "address_masked",
    "province",
    "province_code",
    "city",
    "city_code",
    "district",
    "district_code",
    "town",
    "town_code",
    "flag",
];
/// Item and package rows get explicit ids (see [`IdBase`]): the stored views show them.
const ITEM_COLS: &[&str] = &[
    "id",
    "order_id",
    "item_id",
    "sku_id",
    "rel_item_id",
    "rel_sku_id",
    "item_title",
    "sku_desc",
    "sku_nick",
    "item_pic_url",
    "num",
    "original_price",
    "price",
    "discount_fee",
];
const PKG_COLS: &[&str] = &[
    "id",
    "order_id",
    "seller_id",
    "express_code",
    "express_no",
    "created_at",
    "updated_at",
];

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
    if skus.is_empty() {
        return Err(Error::rejected(format!(
            "merchant {seller_id}'s shop has no items to order: put an item on sale first"
        )));
    }
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
    let now = p.now();
    // Increasing ids from a random base, in creation order (see the module docs).
    let base = 2_600_000_000_000_000 + fastrand::i64(0..90_000_000_000_000);
    let (batches, mut rx) = tokio::sync::mpsc::channel::<Batch>(8);
    let producer = tokio::task::spawn_blocking(move || {
        let mut generator = Generator {
            seller_id,
            skus,
            pool,
            now,
            next_oid: base,
        };
        let mut times = CreationTimes::new(now, count);
        loop {
            let mut created = Vec::with_capacity(ORDERS_PER_BATCH);
            while created.len() < ORDERS_PER_BATCH {
                match times.next() {
                    Some(t) => created.push(t),
                    None => break,
                }
            }
            if created.is_empty() {
                break;
            }
            if batches.blocking_send(generator.batch(&created)).is_err() {
                break;
            }
        }
    });
    let mut stats = SeedStats::default();
    let mut pending = rx.recv().await;
    while pending.is_some() {
        let mut tx = p.db.begin().await?;
        let mut ids = IdBase::claim(&mut tx).await?;
        let mut in_tx = 0usize;
        while in_tx < ORDERS_PER_TX {
            let Some(mut b) = pending.take() else { break };
            ids.assign(&mut b);
            tx.insert_rows("orders", ORDER_COLS, &b.order_args).await?;
            tx.insert_rows("order_items", ITEM_COLS, &b.item_args)
                .await?;
            tx.insert_rows("order_logistics", PKG_COLS, &b.package_args)
                .await?;
            tx.insert_rows("order_views", &["order_id", "body"], &b.views()?)
                .await?;
            stats.packages += b.packages as u64;
            in_tx += b.orders;
            stats.orders += b.orders as u64;
            pending = rx.recv().await;
        }
        ids.release(&mut tx).await?;
        tx.commit().await?;
        progress(stats.orders);
    }
    producer
        .await
        .map_err(|e| Error::internal(format!("the order generator failed: {e}")))?;
    Ok(stats)
}

/// The creation times of `count` orders over the last [`SPREAD`], in increasing order: the
/// spread is cut into hours, each hour gets its share of the orders by [`HOUR_WEIGHTS`]
/// (cumulative rounding, so the total is exact), and each hour's times are drawn at random
/// and sorted. Memory stays at one hour's orders whatever `count` is.
struct CreationTimes {
    /// Start of the current hour slot.
    hour: i64,
    /// End of the spread.
    end: i64,
    /// Total weight of the spread, and of the hours before `hour`.
    total_weight: u64,
    weight_before: u64,
    count: u64,
    emitted: u64,
    /// Times of the current hour, in reverse order (popped from the end).
    current: Vec<i64>,
}

impl CreationTimes {
    fn new(now: i64, count: u64) -> Self {
        let end = now - MINUTE;
        let start = now - SPREAD;
        let mut total_weight = 0;
        let mut h = start;
        while h < end {
            total_weight += Self::weight(h);
            h += HOUR;
        }
        CreationTimes {
            hour: start,
            end,
            total_weight: total_weight.max(1),
            weight_before: 0,
            count,
            emitted: 0,
            current: Vec::new(),
        }
    }

    fn weight(at: i64) -> u64 {
        let hour_of_day = (at + ZONE_OFFSET).rem_euclid(DAY) / HOUR;
        HOUR_WEIGHTS[hour_of_day as usize]
    }
}

impl Iterator for CreationTimes {
    type Item = i64;

    fn next(&mut self) -> Option<i64> {
        while self.current.is_empty() {
            if self.hour >= self.end || self.emitted >= self.count {
                return None;
            }
            let slot_end = (self.hour + HOUR).min(self.end);
            self.weight_before += Self::weight(self.hour);
            let due = (u128::from(self.count) * u128::from(self.weight_before)
                / u128::from(self.total_weight)) as u64;
            let due = if slot_end >= self.end {
                self.count
            } else {
                due
            };
            let n = due.saturating_sub(self.emitted);
            self.current = (0..n).map(|_| fastrand::i64(self.hour..slot_end)).collect();
            self.current.sort_unstable_by(|a, b| b.cmp(a));
            self.hour = slot_end;
        }
        self.emitted += 1;
        self.current.pop()
    }
}

/// The rows of one multi-row statement of each table.
struct Batch {
    orders: usize,
    order_args: Vec<Arg>,
    item_args: Vec<Arg>,
    packages: usize,
    package_args: Vec<Arg>,
}

impl Batch {
    /// The stored views of the batch's orders, as `order_views` rows, rendered from the values
    /// about to be inserted (reading them back would double the load's time).
    fn views(&self) -> Result<Vec<Arg>> {
        let (o, i, k) = (ORDER_COLS.len(), ITEM_COLS.len(), PKG_COLS.len());
        let mut packages = self.package_args.chunks(k).peekable();
        let mut out = Vec::with_capacity(self.orders * 2);
        // One item per generated order, in order; packages follow their orders' order.
        for (order, item) in self.order_args.chunks(o).zip(self.item_args.chunks(i)) {
            let oid = match order[0] {
                Arg::I64(v) => v,
                _ => return Err(Error::internal("a generated order has no id")),
            };
            let mut own = Vec::new();
            while let Some(p) = packages.next_if(|p| p[1] == Arg::I64(oid)) {
                if let (Arg::I64(id), Arg::I64(code), Arg::Text(no)) = (&p[0], &p[3], &p[4]) {
                    own.push((*id, *code, no.clone()));
                }
            }
            let body = orders::view::render_new(
                &Named {
                    names: ORDER_COLS,
                    values: order,
                    prefix: "",
                },
                &[Named {
                    names: ITEM_COLS,
                    values: item,
                    prefix: "oi_",
                }],
                own,
            )?;
            out.extend([Arg::I64(oid), Arg::Text(body)]);
        }
        Ok(out)
    }
}

/// The next ids of `order_items` and `order_logistics` within one transaction of the load.
/// Rows get explicit ids so that their views can be rendered before they are written. On
/// SQLite the write transaction excludes other writers and AUTOINCREMENT moves past explicit
/// ids by itself; on PostgreSQL the two tables are locked against inserts for the transaction
/// and their identity sequences moved past the ids before it commits ([`IdBase::release`]).
struct IdBase {
    item: i64,
    package: i64,
}

impl IdBase {
    async fn claim(tx: &mut Tx) -> Result<Self> {
        if tx.backend() == Backend::Postgres {
            tx.execute(
                "LOCK TABLE order_items, order_logistics IN SHARE ROW EXCLUSIVE MODE",
                &[],
            )
            .await?;
        }
        Ok(IdBase {
            item: tx
                .scalar("SELECT COALESCE(MAX(id), 0) FROM order_items", &[])
                .await?
                + 1,
            package: tx
                .scalar("SELECT COALESCE(MAX(id), 0) FROM order_logistics", &[])
                .await?
                + 1,
        })
    }

    /// Numbers the batch's item and package rows.
    fn assign(&mut self, b: &mut Batch) {
        for row in b.item_args.chunks_mut(ITEM_COLS.len()) {
            row[0] = Arg::I64(self.item);
            self.item += 1;
        }
        for row in b.package_args.chunks_mut(PKG_COLS.len()) {
            row[0] = Arg::I64(self.package);
            self.package += 1;
        }
    }

    async fn release(&self, tx: &mut Tx) -> Result<()> {
        if tx.backend() == Backend::Postgres {
            tx.fetch_one(
                "SELECT setval(pg_get_serial_sequence('order_items', 'id'), GREATEST((SELECT MAX(id) FROM order_items), 1)), setval(pg_get_serial_sequence('order_logistics', 'id'), GREATEST((SELECT MAX(id) FROM order_logistics), 1))",
                &[],
            )
            .await?;
        }
        Ok(())
    }
}

/// Builds finished orders for one shop.
struct Generator {
    seller_id: i64,
    skus: Vec<Sku>,
    pool: Vec<Pooled>,
    now: i64,
    next_oid: i64,
}

impl Generator {
    /// One order per creation time, ids increasing.
    fn batch(&mut self, created: &[i64]) -> Batch {
        let n = created.len();
        let mut b = Batch {
            orders: n,
            order_args: Vec::with_capacity(n * ORDER_COLS.len()),
            item_args: Vec::with_capacity(n * ITEM_COLS.len()),
            packages: 0,
            package_args: Vec::with_capacity(n * PKG_COLS.len()),
        };
        let (seller_id, now) = (self.seller_id, self.now);
        for &created in created {
            let oid = self.next_oid;
            self.next_oid += 1;
            let sku = &self.skus[fastrand::usize(..self.skus.len())];
            let addr = &self.pool[fastrand::usize(..self.pool.len())];
            let num = fastrand::i64(1..4);
            let express_fee = if fastrand::u8(..3) == 0 { 800 } else { 0 };
            let discount = if fastrand::u8(..5) == 0 { 500 } else { 0 };
            let total = sku.price * num + express_fee - discount;
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
            b.order_args.extend(args![
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
                addr.district_code,
                "",
                0,
                0
            ]);
            let market = sku.market.max(sku.price);
            b.item_args.extend(args![
                0, // id, given when the batch is written
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
                b.package_args.extend(args![
                    0, // id, given when the batch is written
                    oid,
                    seller_id,
                    code,
                    demo::random_waybill(),
                    t,
                    t
                ]);
                b.packages += 1;
            }
        }
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creation_times_are_exact_in_count_increasing_and_follow_the_day() {
        let now = 1_795_737_600_000;
        let times: Vec<i64> = CreationTimes::new(now, 100_000).collect();
        assert_eq!(times.len(), 100_000);
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
        assert!(times[0] >= now - SPREAD && *times.last().unwrap() < now - MINUTE);
        let in_hour = |h: i64| {
            times
                .iter()
                .filter(|&&t| (t + ZONE_OFFSET).rem_euclid(DAY) / HOUR == h)
                .count()
        };
        // 21:00 weighs 14, 03:00 weighs 1.
        assert!(
            in_hour(21) > 10 * in_hour(3),
            "{} {}",
            in_hour(21),
            in_hour(3)
        );
        assert_eq!(CreationTimes::new(now, 0).count(), 0);
        assert_eq!(CreationTimes::new(now, 7).count(), 7);
    }
}
