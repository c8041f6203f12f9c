//! ERP calls through the whole gateway on a seeded shop: items, the order cursor, order
//! detail and shipping, and another merchant's order refused.

use crate::common::*;
use kaifang_sdk::{CallOptions, Client, SignMethod, Transport};
use serde_json::{Value, json};

const DAY: i64 = 24 * 3600 * 1000;

#[tokio::test]
async fn erp_calls_on_a_seeded_shop() {
    let t = TestServer::start().await;
    let Cast {
        op,
        dev,
        app,
        merchant,
    } = t.cast().await;
    let p = &t.server.platform;
    assert!(
        kaifang_commerce::demo::seed_shop(p, merchant.account_id, 40)
            .await
            .unwrap()
    );
    let token = test_user_token(&dev, &app, &merchant).await;
    let client = t.sdk_client(&app);
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

/// A merchant's shop and an ERP calling the gateway for it with a test-user token.
struct Shop {
    merchant: Actor,
    app_id: i64,
    client: Client,
    token: String,
}

impl Shop {
    /// A new merchant with the demo catalogue (and `orders` demo orders), authorized for `app`.
    async fn open(t: &TestServer, op: &Actor, dev: &Actor, app: &AppFixture) -> Shop {
        let merchant = t.merchant(op).await;
        assert!(
            kaifang_commerce::demo::seed_shop(&t.server.platform, merchant.account_id, 0)
                .await
                .unwrap()
        );
        let token = test_user_token(dev, app, &merchant).await;
        let client = t.sdk_client(app);
        Shop {
            merchant,
            app_id: app.id,
            client,
            token,
        }
    }

    /// One signed form POST through the gateway; the whole envelope.
    async fn call(&self, t: &TestServer, method: &str, param: Value) -> Value {
        let opts = CallOptions {
            transport: Transport::PostForm,
            sign_method: Some(SignMethod::HmacSha256),
            timestamp_ms: Some(t.clock.now()),
            files: Vec::new(),
        };
        self.client
            .send_once(method, &self.token, &param.to_string(), &opts)
            .await
            .unwrap()
    }

    /// A paid order placed by a simulated buyer (with this consignee when given).
    async fn paid_order(&self, op: &Actor, buyer: Option<Value>) -> i64 {
        let mut req = json!({"merchant_user_id": self.merchant.account_id});
        if let Some(b) = buyer {
            req["buyer"] = b;
        }
        let (s, o) = op.post("/sandbox/orders", req).await;
        assert_eq!(s, 200, "{o}");
        let oid = o["oid"].as_i64().unwrap();
        let (s, b) = op
            .post(&format!("/sandbox/orders/{oid}/pay"), json!({}))
            .await;
        assert_eq!(s, 200, "{b}");
        oid
    }

    /// A paid order shipped through the gateway.
    async fn shipped_order(&self, t: &TestServer, op: &Actor) -> i64 {
        let oid = self.paid_order(op, None).await;
        let r = self
            .call(
                t,
                "open.seller.order.goods.deliver",
                json!({"orderId": oid, "expressNo": format!("ZT{}", 100_000_000 + unique()), "expressCode": 9}),
            )
            .await;
        assert_eq!(r["result"], 1, "{r}");
        oid
    }

    /// A buyer's after-sales case on `oid`.
    async fn refund(&self, op: &Actor, oid: i64, handling_way: i64) -> i64 {
        let (s, r) = op
            .post(
                "/sandbox/refunds",
                json!({"oid": oid, "handling_way": handling_way, "reason": "不想要了"}),
            )
            .await;
        assert_eq!(s, 200, "{r}");
        r["refund_id"].as_i64().unwrap()
    }
}

/// Event names in the outbox about one order, refund or item, oldest first.
async fn events(t: &TestServer, biz_id: i64) -> Vec<(String, Value)> {
    kaifang_commerce::outbox::for_biz(&t.server.platform.db, biz_id)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.event, serde_json::from_str(&r.info).unwrap()))
        .collect()
}

/// The last of `events` is `kwaishop_aftersales_updateRefund` with this eventType and status.
fn assert_refund_updated(events: &[(String, Value)], event_type: i64, status: i64) {
    let (name, info) = events.last().expect("an event");
    assert_eq!(name, kaifang_commerce::outbox::REFUND_UPDATE);
    assert_eq!(
        (info["eventType"].as_i64(), info["status"].as_i64()),
        (Some(event_type), Some(status))
    );
}

/// Two shops authorized for the same merchant-developer app.
async fn two_shops() -> (TestServer, Actor, Shop, Shop) {
    let t = TestServer::start().await;
    let op = t.operator().await;
    let dev = t.approved_developer(&op, "merchant").await;
    let app = t.approved_app(&op, &dev, "商家后台应用", "自研系统").await;
    let a = Shop::open(&t, &op, &dev, &app).await;
    let b = Shop::open(&t, &op, &dev, &app).await;
    (t, op, a, b)
}

fn decrypt_list(oid: i64, tokens: &[&Value]) -> Value {
    json!({"batchDecryptList": tokens.iter().map(|t| json!({"bizId": oid.to_string(), "encryptedData": t})).collect::<Vec<_>>()})
}

#[tokio::test]
async fn decrypt_batch_answers_at_the_top_level_under_the_quota_and_audits() {
    let (t, op, a, b) = two_shops().await;
    let p = &t.server.platform;
    let buyer = json!({"name": "王小明", "mobile": "13912345678", "province": "浙江省", "city": "杭州市", "district": "西湖区", "detail": "文三路 90 号 1 幢 101 室"});
    let oid = a.paid_order(&op, Some(buyer)).await;
    let detail = a.call(&t, "open.order.detail", json!({"oid": oid})).await;
    let addr = &detail["data"]["orderAddress"];
    assert!(
        addr["consignee"].is_null() && addr["mobile"].is_null(),
        "{addr}"
    );
    let tokens = [
        &addr["encryptedConsignee"],
        &addr["encryptedMobile"],
        &addr["encryptedAddress"],
    ];

    // Success: plaintext at the top level (and the same list in data), one entry per token.
    let out = a
        .call(&t, "open.order.decrypt.batch", decrypt_list(oid, &tokens))
        .await;
    assert_eq!(out["result"], 1, "{out}");
    let list = out["batchDecryptResultList"].as_array().expect("top level");
    let plain: Vec<&str> = list
        .iter()
        .map(|r| r["decryptedData"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        plain,
        ["王小明", "13912345678", "文三路 90 号 1 幢 101 室"],
        "{out}"
    );
    assert!(
        list.iter()
            .all(|r| r["errorCode"] == 1 && r["bizId"].as_str() == Some(oid.to_string().as_str()))
    );
    assert_eq!(
        out["data"]["batchDecryptResultList"],
        out["batchDecryptResultList"]
    );

    // The audit: who (the consenting merchant), which app, which order and field, when.
    let audit = p
        .db
        .fetch_all(
            "SELECT seller_id, app_id, operator_id, order_id, field, charged, created_at FROM decrypt_audit WHERE order_id = $1 ORDER BY id",
            &kaifang_store::args![oid],
        )
        .await
        .unwrap();
    let fields: Vec<String> = audit.iter().map(|r| r.text("field").unwrap()).collect();
    assert_eq!(fields, ["consignee", "mobile", "address"]);
    let first = &audit[0];
    assert_eq!(first.opt_i64("app_id").unwrap(), Some(a.app_id));
    assert_eq!(first.i64("seller_id").unwrap(), a.merchant.account_id);
    assert_eq!(
        first.opt_i64("operator_id").unwrap(),
        Some(a.merchant.account_id)
    );
    assert_eq!(first.i64("charged").unwrap(), 1);
    assert_eq!(first.i64("created_at").unwrap(), t.clock.now());

    // Shop B's order through shop A's token: refused entry by entry, nothing decrypted or audited.
    let foreign = b.paid_order(&op, None).await;
    let fd = b
        .call(&t, "open.order.detail", json!({"oid": foreign}))
        .await;
    let ft = &fd["data"]["orderAddress"]["encryptedMobile"];
    let cross = a
        .call(&t, "open.order.decrypt.batch", decrypt_list(foreign, &[ft]))
        .await;
    assert_eq!(cross["result"], 1, "{cross}");
    let entry = &cross["batchDecryptResultList"][0];
    assert_eq!(entry["errorCode"], 21, "{cross}");
    assert!(entry["decryptedData"].is_null(), "{cross}");
    let audited =
        p.db.scalar(
            "SELECT COUNT(*) FROM decrypt_audit WHERE order_id = $1",
            &kaifang_store::args![foreign],
        )
        .await
        .unwrap();
    assert_eq!(audited, 0);

    // More than 100 entries: the whole call is refused, saying the limit.
    let many: Vec<&Value> = std::iter::repeat_n(tokens[0], 101).collect();
    let big = a
        .call(&t, "open.order.decrypt.batch", decrypt_list(oid, &many))
        .await;
    assert_eq!(big["result"], 990110, "{big}");
    assert!(
        big["error_msg"].as_str().unwrap().contains("at most 100"),
        "{big}"
    );
    assert!(big.get("batchDecryptResultList").is_none(), "{big}");
    let missing = a.call(&t, "open.order.decrypt.batch", json!({})).await;
    assert_eq!(missing["result"], 990110, "{missing}");

    // Quota of 1: the order decrypted today still opens, a new one is refused with 1017.
    kaifang_commerce::vault::set_daily_decrypt_quota(p, a.merchant.account_id, 1)
        .await
        .unwrap();
    let again = a
        .call(
            &t,
            "open.order.decrypt.batch",
            decrypt_list(oid, &tokens[..1]),
        )
        .await;
    assert_eq!(
        again["batchDecryptResultList"][0]["errorCode"], 1,
        "{again}"
    );
    let second = a.paid_order(&op, None).await;
    let sd = a
        .call(&t, "open.order.detail", json!({"oid": second}))
        .await;
    let st = &sd["data"]["orderAddress"]["encryptedConsignee"];
    let over = a
        .call(&t, "open.order.decrypt.batch", decrypt_list(second, &[st]))
        .await;
    assert_eq!(over["result"], 1, "{over}");
    let entry = &over["batchDecryptResultList"][0];
    assert_eq!(entry["errorCode"], 1017, "{over}");
    assert!(
        entry["errorMsg"].as_str().unwrap().contains("quota"),
        "{over}"
    );
    // The next day the quota is fresh.
    t.clock.advance(DAY);
    let tomorrow = a
        .call(&t, "open.order.decrypt.batch", decrypt_list(second, &[st]))
        .await;
    assert_eq!(
        tomorrow["batchDecryptResultList"][0]["errorCode"], 1,
        "{tomorrow}"
    );
}

#[tokio::test]
async fn the_carrier_list_extension_has_all_154_codes() {
    let (t, _op, a, _b) = two_shops().await;
    let out = a
        .call(&t, "open.kaifang.logistics.carrier.list", json!({}))
        .await;
    assert_eq!(out["result"], 1, "{out}");
    let list = out["data"].as_array().unwrap();
    assert_eq!(list.len(), 154);
    let code = |c: i64| list.iter().find(|x| x["expressCode"] == c).cloned();
    assert_eq!(
        code(1),
        Some(json!({"expressCode": 1, "name": "百世快递", "retired": true, "replacedBy": 109}))
    );
    assert_eq!(
        code(4),
        Some(json!({"expressCode": 4, "name": "顺丰速运", "retired": false, "replacedBy": null}))
    );
    assert!(code(19999).is_some() && code(16).is_none());
    // An app-level token is enough: the table is nobody's private data.
    let app_token = a.client.client_credentials().await.unwrap().access_token;
    let opts = CallOptions::default();
    let out = a
        .client
        .send_once(
            "open.kaifang.logistics.carrier.list",
            &app_token,
            "{}",
            &CallOptions {
                timestamp_ms: Some(t.clock.now()),
                ..opts
            },
        )
        .await
        .unwrap();
    assert_eq!(out["data"].as_array().map(Vec::len), Some(154), "{out}");
    // The catalogue documents it as an extension.
    let (_, cat) = a.merchant.get("/api/catalogue").await;
    let entry = cat["methods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "open.kaifang.logistics.carrier.list")
        .cloned()
        .unwrap();
    assert!(entry["summary"].as_str().unwrap().contains("extension"));
}

#[tokio::test]
async fn item_new_edit_delete_write_their_events_and_stay_in_their_shop() {
    let (t, _op, a, b) = two_shops().await;
    let leaf = kaifang_commerce::items::categories::leaves()
        .next()
        .unwrap()
        .category_id;
    let new_item = |rel: &str| {
        json!({
            "title": "纯棉短袖T恤",
            "relItemId": rel,
            "categoryId": leaf,
            "imageUrls": ["https://img.example.com/t.jpg"],
            "skuList": [{"relSkuId": format!("{rel}-M"), "skuStock": 20, "skuSalePrice": 5900, "skuNick": "M"}],
            "details": "舒适透气",
            "detailImageUrls": ["https://img.example.com/d.jpg"],
            "serviceRule": {},
            "expressTemplateId": 0,
        })
    };

    // new: created with its SKU mapping, and kwaishop_item_addItem in the outbox.
    let created = a.call(&t, "open.item.new", new_item("TSHIRT-1")).await;
    assert_eq!(created["result"], 1, "{created}");
    let item = created["data"]["kwaiItemId"].as_i64().unwrap();
    assert_eq!(created["data"]["relItemId"], "TSHIRT-1");
    assert_eq!(created["data"]["skuIdMapping"].as_array().unwrap().len(), 1);
    let ev = events(&t, item).await;
    assert_eq!(ev[0].0, kaifang_commerce::outbox::ITEM_ADD);
    assert_eq!(ev[0].1["itemId"], item);
    // Bad input: a category with children, and a relItemId used twice.
    let mut bad = new_item("TSHIRT-2");
    bad["categoryId"] = json!(kaifang_commerce::items::categories::root_of(leaf));
    let r = a.call(&t, "open.item.new", bad).await;
    assert_eq!(r["result"], 990110, "{r}");
    assert!(r["error_msg"].as_str().unwrap().contains("leaf"), "{r}");
    let r = a.call(&t, "open.item.new", new_item("TSHIRT-1")).await;
    assert_eq!(r["result"], 990110, "{r}");
    assert!(
        r["error_msg"].as_str().unwrap().contains("relItemId"),
        "{r}"
    );

    // edit: the title changes, kwaishop_item_updateItem; shop B cannot edit it.
    let r = a
        .call(
            &t,
            "open.item.edit",
            json!({"itemId": item, "title": "纯棉短袖T恤 2026款"}),
        )
        .await;
    assert_eq!(r["result"], 1, "{r}");
    let got = a
        .call(&t, "open.item.get", json!({"kwaiItemId": item}))
        .await;
    assert_eq!(got["data"]["title"], "纯棉短袖T恤 2026款", "{got}");
    assert_eq!(
        events(&t, item).await.last().unwrap().0,
        kaifang_commerce::outbox::ITEM_UPDATE
    );
    let r = b
        .call(
            &t,
            "open.item.edit",
            json!({"itemId": item, "title": "别人的"}),
        )
        .await;
    assert_eq!(r["result"], 21, "{r}");
    let r = a
        .call(&t, "open.item.edit", json!({"itemId": item, "title": ""}))
        .await;
    assert_eq!(r["result"], 990110, "{r}");
    let got = a
        .call(&t, "open.item.get", json!({"kwaiItemId": item}))
        .await;
    assert_eq!(
        got["data"]["title"], "纯棉短袖T恤 2026款",
        "no partial write"
    );

    // delete: shop B is refused, shop A deletes it once, kwaishop_item_deleteItem.
    let before = events(&t, item).await.len();
    let r = b
        .call(&t, "open.item.delete", json!({"kwaiItemId": item}))
        .await;
    assert_eq!(r["result"], 21, "{r}");
    assert_eq!(
        events(&t, item).await.len(),
        before,
        "no event for a refusal"
    );
    let r = a
        .call(&t, "open.item.delete", json!({"kwaiItemId": item}))
        .await;
    assert_eq!(r["result"], 1, "{r}");
    assert_eq!(
        events(&t, item).await.last().unwrap().0,
        kaifang_commerce::outbox::ITEM_DELETE
    );
    let r = a
        .call(&t, "open.item.delete", json!({"kwaiItemId": item}))
        .await;
    assert_eq!(
        r["result"], 21,
        "a deleted item cannot be deleted again: {r}"
    );
    let r = a
        .call(&t, "open.item.get", json!({"kwaiItemId": item}))
        .await;
    assert_ne!(r["result"], 1, "{r}");
}

/// The refund's status and updateTime as the gateway shows them.
async fn refund_state(t: &TestServer, shop: &Shop, refund_id: i64) -> (i64, i64) {
    let d = shop
        .call(
            t,
            "open.seller.order.refund.detail",
            json!({"refundId": refund_id}),
        )
        .await;
    assert_eq!(d["result"], 1, "{d}");
    (
        d["data"]["status"].as_i64().unwrap(),
        d["data"]["updateTime"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn return_approval_and_receipt_confirmation_through_the_gateway() {
    let (t, op, a, b) = two_shops().await;
    let oid = a.shipped_order(&t, &op).await;
    let refund = a.refund(&op, oid, 1).await;
    assert_eq!(refund_state(&t, &a, refund).await.0, 11);
    let fee = a
        .call(
            &t,
            "open.seller.order.refund.detail",
            json!({"refundId": refund}),
        )
        .await["data"]["refundFee"]
        .as_i64()
        .unwrap();

    // Shop B's token cannot touch it; receipt before the goods came back is the wrong state.
    let r = b
        .call(
            &t,
            "open.seller.order.refund.returngoods.approve",
            json!({"refundId": refund, "refundAmount": fee}),
        )
        .await;
    assert_eq!(r["result"], 300012, "{r}");
    let r = a
        .call(
            &t,
            "open.seller.order.refund.confirm.receipt",
            json!({"refundId": refund}),
        )
        .await;
    assert_eq!(r["result"], 300010, "{r}");
    assert!(
        r["error_msg"].as_str().unwrap().contains("status 11"),
        "{r}"
    );
    let r = a
        .call(
            &t,
            "open.seller.order.refund.returngoods.approve",
            json!({"refundId": refund, "refundAmount": 0}),
        )
        .await;
    assert_eq!(r["result"], 300009, "{r}");
    assert_eq!(refund_state(&t, &a, refund).await.0, 11, "no partial write");

    // Approve the return: 11 -> 30, updateRefund with eventType 2.
    t.clock.advance(60_000);
    let r = a
        .call(
            &t,
            "open.seller.order.refund.returngoods.approve",
            json!({"refundId": refund, "refundAmount": fee}),
        )
        .await;
    assert_eq!(r["result"], 1, "{r}");
    assert_eq!(refund_state(&t, &a, refund).await.0, 30);
    assert_refund_updated(&events(&t, refund).await, 2, 30);
    let r = a
        .call(
            &t,
            "open.seller.order.refund.returngoods.approve",
            json!({"refundId": refund, "refundAmount": fee}),
        )
        .await;
    assert_eq!(r["result"], 300010, "approved twice: {r}");

    // The buyer ships the goods back; the seller confirms receipt: 40 -> 60, eventType 5.
    let (s, back) = op
        .post(
            &format!("/sandbox/refunds/{refund}/return"),
            json!({"express_code": 4, "express_no": "SF7788990011"}),
        )
        .await;
    assert_eq!(s, 200, "{back}");
    let r = b
        .call(
            &t,
            "open.seller.order.refund.confirm.receipt",
            json!({"refundId": refund}),
        )
        .await;
    assert_eq!(r["result"], 300012, "{r}");
    let r = a
        .call(
            &t,
            "open.seller.order.refund.confirm.receipt",
            json!({"refundId": refund}),
        )
        .await;
    assert_eq!(r["result"], 1, "{r}");
    assert_eq!(refund_state(&t, &a, refund).await.0, 60);
    assert_refund_updated(&events(&t, refund).await, 5, 60);
    let r = a
        .call(
            &t,
            "open.seller.order.refund.confirm.receipt",
            json!({"refundId": refund}),
        )
        .await;
    assert_eq!(r["result"], 300010, "a closed refund: {r}");
    let r = a
        .call(
            &t,
            "open.seller.order.refund.confirm.receipt",
            json!({"refundId": 2_799_999_999_999_999_i64}),
        )
        .await;
    assert_eq!(r["result"], 300011, "{r}");
}

#[tokio::test]
async fn refund_reject_checks_version_state_and_owner() {
    let (t, op, a, b) = two_shops().await;
    let oid = a.paid_order(&op, None).await;
    let refund = a.refund(&op, oid, 10).await;
    let (status, version) = refund_state(&t, &a, refund).await;
    assert_eq!(status, 10);
    let reject = |version: i64| json!({"refundId": refund, "reasonCode": 5, "refundVersion": version, "rejectDesc": "商品已按约定发出"});

    let r = b.call(&t, "open.refund.reject", reject(version)).await;
    assert_eq!(r["result"], 300012, "{r}");
    let r = a.call(&t, "open.refund.reject", reject(version - 1)).await;
    assert_eq!(r["result"], 300014, "a stale refundVersion: {r}");
    let r = a
        .call(
            &t,
            "open.refund.reject",
            json!({"refundId": refund, "reasonCode": 5, "refundVersion": version}),
        )
        .await;
    assert_eq!(r["result"], 300007, "reason 5 needs a rejectDesc: {r}");
    let r = a
        .call(
            &t,
            "open.refund.reject",
            json!({"refundId": refund, "reasonCode": 99, "refundVersion": version}),
        )
        .await;
    assert_eq!(r["result"], 990110, "{r}");
    assert_eq!(
        refund_state(&t, &a, refund).await,
        (10, version),
        "no partial write"
    );
    let before = events(&t, refund).await.len();

    t.clock.advance(60_000);
    let r = a.call(&t, "open.refund.reject", reject(version)).await;
    assert_eq!(r["result"], 1, "{r}");
    let (status, version) = refund_state(&t, &a, refund).await;
    assert_eq!(status, 70);
    let ev = events(&t, refund).await;
    assert_eq!(ev.len(), before + 1);
    assert_refund_updated(&ev, 3, 70);
    let r = a.call(&t, "open.refund.reject", reject(version)).await;
    assert_eq!(
        r["result"], 300010,
        "a rejected refund cannot be rejected again: {r}"
    );
}
