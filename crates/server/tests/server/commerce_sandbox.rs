//! The sandbox buyer simulator over HTTP: orders and after-sales cases made as a buyer would,
//! each step moving the order and writing its events.

use crate::common::*;
use kaifang_commerce::orders::{self, Deliver};
use kaifang_commerce::outbox;
use serde_json::json;

async fn events(t: &TestServer, biz: i64) -> Vec<String> {
    outbox::for_biz(&t.server.platform.db, biz)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.event)
        .collect()
}

#[tokio::test]
async fn a_buyer_orders_pays_receives_and_asks_for_a_return() {
    let t = TestServer::start().await;
    let op = t.operator().await;
    let m = t.merchant(&op).await;
    let seller = m.account_id;
    let (s, b) = t
        .post_anon("/sandbox/orders", json!({"merchant_user_id": seller}))
        .await;
    assert_eq!(s, 401, "{b}");
    let (s, b) = op
        .post("/sandbox/orders", json!({"merchant_user_id": seller}))
        .await;
    assert_eq!(s, 409, "an empty shop has nothing to buy: {b}");
    kaifang_commerce::demo::create_catalogue(&t.server.platform, seller, 100)
        .await
        .unwrap();

    let (s, b) = op
        .post("/sandbox/orders", json!({"merchant_user_id": seller}))
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["status"], 10);
    let oid = b["oid"].as_i64().unwrap();
    assert_eq!(oid.to_string().len(), 16);
    assert!(oid.to_string().starts_with("26"));

    let (s, b) = op
        .post(&format!("/sandbox/orders/{oid}/pay"), json!({}))
        .await;
    assert_eq!((s.as_u16(), b["status"].as_i64()), (200, Some(30)), "{b}");
    let (s, b) = op
        .post(&format!("/sandbox/orders/{oid}/pay"), json!({}))
        .await;
    assert_eq!(s, 409, "{b}");
    assert!(
        b["error"]["message"].as_str().unwrap().starts_with("[21]"),
        "{b}"
    );
    let (s, _) = op
        .post(&format!("/sandbox/orders/{oid}/receive"), json!({}))
        .await;
    assert_eq!(s, 409, "not shipped yet");

    // The seller ships (through the domain, as the gateway will).
    orders::deliver(
        &t.server.platform,
        seller,
        &Deliver {
            order_id: oid,
            express_no: "ZT7300000000001".into(),
            express_code: 9,
            return_address_id: None,
        },
    )
    .await
    .unwrap();
    let (s, b) = op
        .post(&format!("/sandbox/orders/{oid}/receive"), json!({}))
        .await;
    assert_eq!((s.as_u16(), b["status"].as_i64()), (200, Some(50)), "{b}");

    let (s, b) = op
        .post(
            "/sandbox/refunds",
            json!({"oid": oid, "handling_way": 1, "reason": "尺码不合适"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["status"], 11);
    let refund_id = b["refund_id"].as_i64().unwrap();
    let (s, b) = op
        .post("/sandbox/refunds", json!({"oid": oid, "handling_way": 7}))
        .await;
    assert_eq!(s, 400, "{b}");

    assert_eq!(
        events(&t, oid).await,
        [
            outbox::ORDER_ADD,
            outbox::ORDER_PAY_SUCCESS,
            outbox::ORDER_DELIVERING,
            outbox::ORDER_DELIVERY_SUCCESS
        ]
    );
    assert_eq!(events(&t, refund_id).await, [outbox::REFUND_ADD]);
    let (s, b) = op
        .post(&format!("/sandbox/orders/{oid}/complete"), json!({}))
        .await;
    assert_eq!((s.as_u16(), b["status"].as_i64()), (200, Some(70)), "{b}");
}

#[tokio::test]
async fn explicit_lines_and_buyer_cancel_and_access_rules() {
    let t = TestServer::start().await;
    let op = t.operator().await;
    let m = t.merchant(&op).await;
    let other = t.merchant(&op).await;
    let p = &t.server.platform;
    let created = kaifang_commerce::demo::create_catalogue(p, m.account_id, 5)
        .await
        .unwrap();
    let item_id = created[0]["kwaiItemId"].as_i64().unwrap();
    let sku_id = created[0]["skuIdMapping"][0]["kwaiSkuId"].as_i64().unwrap();
    let buyer = json!({"name": "李雷", "mobile": "13912345678", "province": "广东省", "city": "深圳市", "district": "南山区", "detail": "科技园路1号"});
    let req = json!({"merchant_user_id": m.account_id, "items": [{"item_id": item_id, "sku_id": sku_id, "num": 2}], "buyer": buyer});
    // The shop's own merchant may simulate its buyers; another merchant may not.
    let (s, b) = other.post("/sandbox/orders", req.clone()).await;
    assert_eq!(s, 403, "{b}");
    let (s, b) = m.post("/sandbox/orders", req.clone()).await;
    assert_eq!(s, 200, "{b}");
    let oid = b["oid"].as_i64().unwrap();
    let (s, _) = other
        .post(&format!("/sandbox/orders/{oid}/pay"), json!({}))
        .await;
    assert_eq!(s, 403);
    let d = orders::query::order_detail(p, m.account_id, oid)
        .await
        .unwrap();
    assert_eq!(d["orderAddress"]["desensitiseConsignee"], "李*");
    assert_eq!(d["orderAddress"]["desensitiseMobile"], "139****5678");
    assert_eq!(d["orderItemInfo"]["num"], 2);
    // Over the stock available: 5 units, 2 reserved.
    let mut too_many = req.clone();
    too_many["items"][0]["num"] = json!(4);
    let (s, b) = m.post("/sandbox/orders", too_many).await;
    assert_eq!(s, 409, "{b}");
    let (s, b) = m
        .post(&format!("/sandbox/orders/{oid}/cancel"), json!({}))
        .await;
    assert_eq!((s.as_u16(), b["status"].as_i64()), (200, Some(80)), "{b}");
    let (s, _) = m
        .post(&format!("/sandbox/orders/{oid}/fly"), json!({}))
        .await;
    assert_eq!(s, 404);
    let (s, _) = m
        .post("/sandbox/orders/2600000000000000/pay", json!({}))
        .await;
    assert_eq!(s, 404);
    assert_eq!(
        events(&t, oid).await,
        [outbox::ORDER_ADD, outbox::ORDER_FAIL]
    );
}

#[tokio::test]
async fn the_simulator_exists_only_in_sandbox_mode() {
    let t = TestServer::start_with(|s| s.sandbox = false).await;
    let op = t.operator().await;
    let m = t.merchant(&op).await;
    let (s, b) = op
        .post("/sandbox/orders", json!({"merchant_user_id": m.account_id}))
        .await;
    assert_eq!(s, 404, "{b}");
}
