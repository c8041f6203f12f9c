//! Shared set-up for the commerce tests: a migrated database, a platform on a fixed clock, a
//! merchant with a small catalogue.
#![allow(dead_code)]

use std::sync::Arc;

use kaifang_commerce::items::{self, NewItem, SkuInput};
use kaifang_commerce::orders::{self, NewOrder, OrderLine};
use kaifang_commerce::vault::Consignee;
use kaifang_platform::Platform;
use kaifang_platform::accounts::merchants;
use kaifang_platform::clock::Clock;
use kaifang_platform::crypto::Vault;
use kaifang_platform::rules::Rules;
use kaifang_store::testing::{TestDb, test_db};

/// 2026-11-27T00:00:00Z.
pub const START: i64 = 1_795_737_600_000;

pub struct Env {
    pub p: Platform,
    pub _db: TestDb,
}

impl std::ops::Deref for Env {
    type Target = Platform;
    fn deref(&self) -> &Platform {
        &self.p
    }
}

pub async fn env() -> Env {
    let t = test_db().await.expect("test database");
    let p = Platform::new(
        t.db.clone(),
        Arc::new(Clock::fixed(START)),
        Vault::new(&[7; 32]),
        Rules::default(),
        None,
    );
    Env { p, _db: t }
}

static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

pub async fn merchant(p: &Platform) -> i64 {
    let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let (a, _) = merchants::create_merchant(
        p,
        &format!("shop{n}"),
        "password-123456",
        "商家",
        "测试小店",
    )
    .await
    .expect("merchant");
    a.id
}

/// An item with one SKU of `stock` units at 1990 fen; returns (item id, sku id).
pub async fn item(p: &Platform, seller: i64, stock: i64) -> (i64, i64) {
    let v = items::new_item(
        p,
        seller,
        &NewItem {
            title: "测试商品".into(),
            rel_item_id: None,
            category_id: 5101,
            image_urls: vec!["https://img.example/1.jpg".into()],
            sku_list: vec![SkuInput {
                kwai_sku_id: None,
                rel_sku_id: Some("S1".into()),
                sku_stock: stock,
                sku_sale_price: 1990,
                sku_nick: "S1".into(),
                specification: "长度:1米".into(),
                sku_market_price: 2990,
                gtin_code: String::new(),
                image_url: String::new(),
            }],
            details: "详情".into(),
            detail_image_urls: vec![],
            express_template_id: 1,
            purchase_limit: false,
            limit_count: 0,
            item_remark: String::new(),
        },
    )
    .await
    .expect("item");
    (
        v["kwaiItemId"].as_i64().unwrap(),
        v["skuIdMapping"][0]["kwaiSkuId"].as_i64().unwrap(),
    )
}

pub fn consignee() -> Consignee {
    Consignee {
        name: "张三丰".into(),
        mobile: "13800138000".into(),
        province: "浙江省".into(),
        province_code: 330000,
        city: "杭州市".into(),
        city_code: 330100,
        district: "西湖区".into(),
        district_code: 330106,
        town: String::new(),
        town_code: 0,
        detail: "文三路398号东信大厦7楼".into(),
    }
}

pub async fn order(p: &Platform, seller: i64, (item_id, sku_id): (i64, i64), num: i64) -> i64 {
    orders::create_order(
        p,
        seller,
        &NewOrder {
            buyer_id: 2_000_000_001,
            buyer_nick: "买家".into(),
            lines: vec![OrderLine {
                item_id,
                sku_id,
                num,
            }],
            consignee: consignee(),
            remark: String::new(),
            express_fee: 0,
            discount_fee: 0,
        },
    )
    .await
    .expect("order")
}

pub async fn sku_stock(p: &Platform, sku: i64) -> (i64, i64) {
    let r =
        p.db.fetch_one(
            "SELECT stock, reserved FROM skus WHERE id = $1",
            &kaifang_store::args![sku],
        )
        .await
        .unwrap();
    (r.i64("stock").unwrap(), r.i64("reserved").unwrap())
}

pub async fn events(p: &Platform, biz: i64) -> Vec<String> {
    kaifang_commerce::outbox::for_biz(&p.db, biz)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.event)
        .collect()
}

pub async fn outbox_count(p: &Platform) -> i64 {
    p.db.scalar("SELECT COUNT(*) FROM outbox", &[])
        .await
        .unwrap()
}
