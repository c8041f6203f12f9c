//! ERP calls through the whole gateway on a seeded shop: items, the order cursor, order
//! detail and shipping, and another merchant's order refused.

use crate::common::*;
use kaifang_sdk::{CallOptions, Client, Credentials, SignMethod, Transport};
use serde_json::{Value, json};

const DAY: i64 = 24 * 3600 * 1000;

#[tokio::test]
async fn erp_calls_on_a_seeded_shop() {
    let t = TestServer::start().await;
    let op = t.operator().await;
    let dev = t.approved_developer(&op, "merchant").await;
    let app = t.approved_app(&op, &dev, "商家后台应用", "自研系统").await;
    let merchant = t.merchant(&op).await;
    let p = &t.server.platform;
    assert!(
        kaifang_commerce::demo::seed_shop(p, merchant.account_id, 40)
            .await
            .unwrap()
    );
    let token = test_user_token(&dev, &app, &merchant).await;
    let mut client = Client::new(
        t.base.clone(),
        Credentials {
            app_key: app.app_key.clone(),
            app_secret: app.app_secret.clone(),
            sign_secret: app.sign_secret.clone(),
        },
    );
    client.max_retries = 0;
    let call = |method: &'static str, param: Value, transport: Transport| {
        let (client, token) = (&client, token.clone());
        let opts = CallOptions {
            transport,
            sign_method: Some(SignMethod::HmacSha256),
            timestamp_ms: Some(t.clock.now()),
            files: Vec::new(),
        };
        async move {
            client
                .send_once(method, &token, &param.to_string(), &opts)
                .await
                .unwrap()
        }
    };

    let items = call(
        "open.item.list.get",
        json!({"pageSize": 10}),
        Transport::Get,
    )
    .await;
    assert_eq!(items["result"], 1, "{items}");
    let first = &items["data"]["items"][0];
    let item_id = first["kwaiItemId"].as_i64().expect("an item id");
    let item = call(
        "open.item.get",
        json!({"kwaiItemId": item_id}),
        Transport::Get,
    )
    .await;
    assert_eq!(
        (item["result"].as_i64(), item["data"]["itemId"].as_i64()),
        (Some(1), Some(item_id)),
        "{item}"
    );

    // A buyer orders and pays through the simulator; the order shows up to ship.
    let (s, o) = op
        .post(
            "/sandbox/orders",
            json!({"merchant_user_id": merchant.account_id}),
        )
        .await;
    assert_eq!(s, 200, "{o}");
    let oid = o["oid"].as_i64().unwrap();
    let (s, _) = op
        .post(&format!("/sandbox/orders/{oid}/pay"), json!({}))
        .await;
    assert_eq!(s, 200);
    let now = t.clock.now();
    let list = call(
        "open.order.cursor.list",
        json!({"orderViewStatus": 3, "pageSize": 50, "beginTime": now - 6 * DAY, "endTime": now + 1000, "cursor": ""}),
        Transport::Get,
    )
    .await;
    assert_eq!(list["result"], 1, "{list}");
    let oids: Vec<i64> = list["data"]["orderList"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["orderBaseInfo"]["oid"].as_i64())
        .collect();
    assert!(oids.contains(&oid), "{oids:?}");
    let too_long = call(
        "open.order.cursor.list",
        json!({"orderViewStatus": 1, "pageSize": 50, "beginTime": now - 8 * DAY, "endTime": now, "cursor": ""}),
        Transport::Get,
    )
    .await;
    assert_eq!(too_long["result"], 300004, "{too_long}");

    // Ship it: an unknown carrier is refused, a real one works, the detail shows it shipped.
    let bad = call(
        "open.seller.order.goods.deliver",
        json!({"orderId": oid, "expressNo": "SF1234567890", "expressCode": 424242}),
        Transport::PostForm,
    )
    .await;
    assert_eq!(bad["result"], 11, "{bad}");
    let ok = call(
        "open.seller.order.goods.deliver",
        json!({"orderId": oid, "expressNo": "SF1234567890", "expressCode": 4}),
        Transport::PostForm,
    )
    .await;
    assert_eq!(ok["result"], 1, "{ok}");
    let detail = call("open.order.detail", json!({"oid": oid}), Transport::Get).await;
    assert_eq!(detail["data"]["orderBaseInfo"]["status"], 40, "{detail}");
    assert!(detail["data"]["orderAddress"]["encryptedConsignee"].is_string());

    // Notes, another package, stock, price and shelf through the same gateway.
    let note = call(
        "open.seller.order.note.add",
        json!({"orderId": oid, "note": "加急", "flag": 1}),
        Transport::PostForm,
    )
    .await;
    assert_eq!(note["result"], 1, "{note}");
    let pkg = call(
        "open.seller.order.goods.logistics.append",
        json!({"oid": oid, "expressCode": 9, "expressNo": "ZT998877665544"}),
        Transport::PostForm,
    )
    .await;
    assert!(pkg["data"]["logisticsId"].is_i64(), "{pkg}");
    let sku = item["data"]["skuInfos"][0]["kwaiSkuId"]
        .as_i64()
        .expect("a SKU");
    let more = call(
        "open.item.sku.stock.update",
        json!({"kwaiItemId": item_id, "skuId": sku, "skuChangeStock": 5, "changeType": 1}),
        Transport::PostForm,
    )
    .await;
    assert_eq!(more["result"], 1, "{more}");
    let too_many = call(
        "open.item.sku.stock.update",
        json!({"kwaiItemId": item_id, "skuId": sku, "skuChangeStock": 9_999_000, "changeType": 2}),
        Transport::PostForm,
    )
    .await;
    assert_ne!(
        too_many["result"], 1,
        "stock cannot drop below reserved: {too_many}"
    );
    let price = call(
        "open.item.sku.price.update",
        json!({"itemId": item_id, "skuId": sku, "price": 1990}),
        Transport::PostForm,
    )
    .await;
    assert_eq!(price["result"], 1, "{price}");
    // The buyer asks for a refund; the seller lists, reads and approves it.
    let (s, r) = op
        .post(
            "/sandbox/refunds",
            json!({"oid": oid, "handling_way": 10, "reason": "不想要了"}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    let refund_id = r["refund_id"].as_i64().unwrap();
    let refunds = call(
        "open.seller.order.refund.pcursor.list",
        json!({"beginTime": now - 6 * DAY, "endTime": t.clock.now() + 1000, "type": 9, "pageSize": 20, "pcursor": ""}),
        Transport::Get,
    )
    .await;
    assert_eq!(refunds["result"], 1, "{refunds}");
    let listed: Vec<i64> = refunds["data"]["refundOrderInfoList"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["refundId"].as_i64())
        .collect();
    assert!(listed.contains(&refund_id), "{refunds}");
    let refund = call(
        "open.seller.order.refund.detail",
        json!({"refundId": refund_id}),
        Transport::Get,
    )
    .await;
    assert_eq!(refund["data"]["refundId"], refund_id, "{refund}");
    let reasons = call(
        "open.refund.reject.reason",
        json!({"refundId": refund_id}),
        Transport::Get,
    )
    .await;
    assert!(!reasons["data"].as_array().unwrap().is_empty(), "{reasons}");
    let amount = refund["data"]["refundFee"].as_i64().unwrap();
    let approved = call(
        "open.seller.order.refund.approve",
        json!({"refundId": refund_id, "refundAmount": amount}),
        Transport::PostForm,
    )
    .await;
    assert_eq!(approved["result"], 1, "{approved}");
    let refund = call(
        "open.seller.order.refund.detail",
        json!({"refundId": refund_id}),
        Transport::Get,
    )
    .await;
    assert_eq!(refund["data"]["status"], 60, "{refund}");
    let again = call(
        "open.seller.order.refund.approve",
        json!({"refundId": refund_id, "refundAmount": amount}),
        Transport::PostForm,
    )
    .await;
    assert_ne!(
        again["result"], 1,
        "a refunded refund cannot be approved again: {again}"
    );

    // Categories, and closing an unpaid order (once).
    let cats = call("open.item.category", json!({}), Transport::Get).await;
    assert!(!cats["data"].as_array().unwrap().is_empty(), "{cats}");
    let (_, unpaid) = op
        .post(
            "/sandbox/orders",
            json!({"merchant_user_id": merchant.account_id}),
        )
        .await;
    let closed = call(
        "open.seller.order.close",
        json!({"orderId": unpaid["oid"]}),
        Transport::PostForm,
    )
    .await;
    assert_eq!(closed["result"], 1, "{closed}");
    let twice = call(
        "open.seller.order.close",
        json!({"orderId": unpaid["oid"]}),
        Transport::PostForm,
    )
    .await;
    assert_eq!(twice["result"], 21, "{twice}");

    // Another merchant's order is not this token's business.
    let other = t.merchant(&op).await;
    assert!(
        kaifang_commerce::demo::seed_shop(p, other.account_id, 0)
            .await
            .unwrap()
    );
    let (_, o2) = op
        .post(
            "/sandbox/orders",
            json!({"merchant_user_id": other.account_id}),
        )
        .await;
    let foreign = call(
        "open.order.detail",
        json!({"oid": o2["oid"]}),
        Transport::Get,
    )
    .await;
    assert_eq!(foreign["result"], 21, "{foreign}");

    // Off the shelf last: the simulator orders only on-shelf items.
    let shelf = call(
        "open.item.shelf.status.update",
        json!({"kwaiItemId": item_id, "shelfStatus": 0}),
        Transport::PostForm,
    )
    .await;
    assert_eq!(shelf["result"], 1, "{shelf}");
}
